import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Db, migrate, openDatabase } from '../src/adapters/db/connect.ts';
import { kyselyStore } from '../src/adapters/db/store.ts';
import { argon2idHasher } from '../src/adapters/keys/passwords.ts';
import { createStaff } from '../src/app/staff.ts';
import { loadConfigFromProcess } from '../src/config.ts';

const USAGE = `Usage: npm run admin:create -- --email EMAIL --name NAME [--role admin|support]

Creates a platform staff member (the people who run this Marquee instance, not a producer's users)
in the configured database, and prints their generated password once, on standard output, for
you to pass on. It is not logged or stored anywhere else. The role defaults to support.
With the embedded PGlite, stop the server first: PGlite cannot be opened twice.

Exit status: 0 created, 1 refused (bad input, email taken), 2 could not be done.`;

const note = (message: string) => process.stderr.write(`admin-create: ${message}\n`);

async function openConfigured(): Promise<Db> {
  const config = loadConfigFromProcess();
  if (config.database.kind === 'postgres') return openDatabase({ kind: 'postgres', url: config.database.url, poolSize: 1 });
  const dir = config.database.dataDir;
  if (existsSync(join(dir, 'postmaster.pid'))) throw new Error(`a running Marquee server holds ${dir}; stop it, then run this again`);
  return openDatabase({ kind: 'pglite', dataDir: dir });
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'support' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.email || !values.name) {
    note('give --email and --name (see --help)');
    return 1;
  }
  const role = values.role;
  if (role !== 'admin' && role !== 'support') {
    note('--role must be admin or support');
    return 1;
  }
  const db = await openConfigured();
  try {
    await migrate(db);
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const created = await createStaff({ store: kyselyStore(db), passwords: argon2idHasher(), clock: { now: () => new Date() }, log }, { email: values.email, name: values.name, role });
    if (!created.ok) {
      note(created.message);
      return 1;
    }
    note(`created ${role} ${created.value.staffId}; the password follows, shown only this once`);
    console.log(created.value.password);
    return 0;
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  note(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
