import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/adapters/db/connect.ts';
import { type DatabaseScan, formatFinding, scanDatabase, scanFiles } from '../src/adapters/scan/panScan.ts';
import { openPgliteCopy } from '../src/adapters/scan/pgliteCopy.ts';
import { type Config, loadConfigFromProcess } from '../src/config.ts';

const USAGE = `Usage: npm run scan:pan [-- LOG_FILE_OR_DIR ...]

Scans for card numbers (PANs): every column of every table of the configured database
(DATABASE_URL, or the embedded PGlite in DATA_DIR/pglite), every file under DATA_DIR
(DATA_DIR/logs included), and the files or directories given. Each finding is printed on its
own line by location and masked number; the last line is the summary:

  pan-scan: findings=<n> scanned_rows=<database rows> scanned_bytes=<file bytes>

Exit status: 0 no findings, 1 findings, 2 the scan could not be done.`;

const note = (message: string) => process.stderr.write(`pan-scan: ${message}\n`);
const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

async function scanConfiguredDatabase(config: Config): Promise<DatabaseScan> {
  if (config.database.kind === 'postgres') {
    note('scanning the PostgreSQL database (DATABASE_URL)');
    const db = await openDatabase({ kind: 'postgres', url: config.database.url, poolSize: 1 });
    try {
      return await scanDatabase(db);
    } finally {
      await db.destroy();
    }
  }
  const dir = config.database.dataDir;
  const copy = await openPgliteCopy(dir);
  if (!copy) throw new Error(`there is no PGlite database in ${dir}: set DATA_DIR to the box office's data directory, or DATABASE_URL`);
  if (copy.heldByServer) {
    note(
      `a running Marquee server holds ${dir} (its postmaster.pid is there; or a server stopped without closing it). ` +
        'Scanning a copy, so the server is not disturbed; what it has not yet written to disk is not seen. Stop it for a complete scan.',
    );
  }
  note(`scanning the embedded PGlite database in ${dir} (through a temporary copy)`);
  try {
    return await scanDatabase(copy.db);
  } finally {
    await copy.close();
  }
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfigFromProcess();
  const database = await scanConfiguredDatabase(config);
  for (const f of database.findings) console.log(formatFinding(f));

  const paths: string[] = [];
  if (isDirectory(config.dataDir)) paths.push(config.dataDir);
  else note(`DATA_DIR ${config.dataDir} does not exist: no files there to scan`);
  // Named as well, so a logs directory that is a symbolic link is followed; scanned once either way.
  const logs = join(config.dataDir, 'logs');
  if (existsSync(logs)) paths.push(logs);
  // A path given that does not exist stops the scan (exit 2): a misspelt log file is not a clean one.
  paths.push(...positionals);
  const files = await scanFiles(paths);
  for (const f of files.findings) console.log(formatFinding(f));

  const findings = database.findings.length + files.findings.length;
  console.log(`pan-scan: findings=${findings} scanned_rows=${database.rows} scanned_bytes=${files.bytes}`);
  return findings > 0 ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  note(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
