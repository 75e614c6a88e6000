import { parseArgs } from 'node:util';
import { type Db, openDatabase } from '../src/adapters/db/connect.ts';
import { auditLog } from '../src/adapters/db/repos/audit.ts';
import { openPgliteCopy } from '../src/adapters/scan/pgliteCopy.ts';
import { verifyAuditChain } from '../src/app/audit.ts';
import { loadConfigFromProcess } from '../src/config.ts';

const USAGE = `Usage: npm run audit:verify

Walks the whole audit trail of the configured database (DATABASE_URL, or the embedded PGlite in
DATA_DIR/pglite, read through a temporary copy) and checks every entry's hash and link, and that
the chain ends where audit_head says. Prints one line:

  audit-verify: entries=<n> ok
  audit-verify: broken at seq=<n> (entries before it verified: <m>)

Exit status: 0 the chain holds, 1 it is broken, 2 the check could not be done.`;

const note = (message: string) => process.stderr.write(`audit-verify: ${message}\n`);

async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfigFromProcess();
  if (config.database.kind === 'postgres') {
    const db = await openDatabase({ kind: 'postgres', url: config.database.url, poolSize: 1 });
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  }
  const dir = config.database.dataDir;
  const copy = await openPgliteCopy(dir);
  if (!copy) throw new Error(`there is no PGlite database in ${dir}: set DATA_DIR to the box office's data directory, or DATABASE_URL`);
  if (copy.heldByServer) note(`a running Marquee server holds ${dir}: checking a copy of what it has written to disk`);
  try {
    return await fn(copy.db);
  } finally {
    await copy.close();
  }
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const verdict = await withDatabase((db) => verifyAuditChain(auditLog(db)));
  if (verdict.ok) {
    console.log(`audit-verify: entries=${verdict.entries} ok`);
    return 0;
  }
  console.log(`audit-verify: broken at seq=${verdict.brokenSeq} (entries before it verified: ${verdict.entries})`);
  return 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  note(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
