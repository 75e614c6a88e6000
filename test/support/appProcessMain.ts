/**
 * One box office as its own process, for the on-sale benchmark and the crash test: the settings
 * come from the environment (DATABASE_URL and the rest, read by src/config.ts), it serves plain
 * HTTP on 127.0.0.1 (a free port unless PORT says), runs no timers and seeds nothing, and prints
 * `marquee-app listening <port>` on stdout once it accepts requests. `--pool N` sets the size of its
 * PostgreSQL pool (default 10). SIGTERM closes it; SIGKILL is what the crash test sends.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { loadConfigFromProcess } from '../../src/config.ts';
import { assemble } from '../../src/main.ts';

export const LISTENING = 'marquee-app listening';

const { values } = parseArgs({ options: { pool: { type: 'string', default: '10' } } });
const config = loadConfigFromProcess();
if (config.database.kind !== 'postgres') throw new Error('set DATABASE_URL: several processes cannot share one PGlite');
const db = await openDatabase({ kind: 'postgres', url: config.database.url, poolSize: Number(values.pool) });
const box = await assemble(config, { db });
await box.server.listen({ host: '127.0.0.1', port: config.port });
process.stdout.write(`${LISTENING} ${(box.server.server.address() as AddressInfo).port}\n`);
process.once('SIGTERM', () => {
  void box.close().then(() => db.destroy()).finally(() => process.exit(0));
});
