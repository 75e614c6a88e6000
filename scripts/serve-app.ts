import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../src/config.ts';
import { assemble, startHoldSweeper } from '../src/main.ts';

/**
 * One real Marquee app process over plain HTTP, for tests and benchmarks that run several of them
 * against one PostgreSQL database (test/contract/multiprocess.test.ts; the on-sale benchmark).
 *
 *   DATABASE_URL=postgres://… SECRET_KEY=… npx tsx scripts/serve-app.ts
 *
 * Every setting comes from the environment, as for `npm start` (README's table), with these defaults:
 * TLS_BEHIND_PROXY=true (plain HTTP, as behind a TLS proxy; BASE_URL then defaults to http://),
 * HOST=127.0.0.1, PORT=0 (a free port), SEED_DEMO=false, LOG_LEVEL=warn. Give every process the same
 * SECRET_KEY (or SECRET_KEY_FILE) so that links made by one are valid on the others. The database is
 * migrated on start (concurrent starts are safe: Kysely's migrator takes a lock). The expiry sweeper
 * runs as in `npm start`, and mail a request queues is sent right after it (unless SEND_MAIL=false);
 * the 30-second mail rounds, reconciliation and retention do not run.
 *
 * When listening it prints one line on stdout, `serve-app: listening <port>`, and runs until SIGTERM
 * or SIGINT. A bad setting prints the message and exits with 1.
 */
const DEFAULTS: Record<string, string> = { TLS_BEHIND_PROXY: 'true', HOST: '127.0.0.1', PORT: '0', SEED_DEMO: 'false', LOG_LEVEL: 'warn' };

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ ...DEFAULTS, ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const box = await assemble(config);
  const stopSweeper = startHoldSweeper(box.deps, box.server.log);
  await box.server.listen({ host: config.host, port: config.port });
  process.stdout.write(`serve-app: listening ${(box.server.server.address() as AddressInfo).port}\n`);
  const stop = async () => {
    stopSweeper();
    await box.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main();
