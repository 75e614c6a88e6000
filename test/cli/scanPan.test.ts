import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrate, openDatabase } from '../../src/adapters/db/connect.ts';
import { settingsSchema } from '../../src/config.ts';
import { type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { countAllRows, doSomeBusiness } from '../support/sales.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Run { code: number; stdout: string; stderr: string; lines: string[] }

/**
 * `npx tsx scripts/scan-pan.ts`, as `npm run scan:pan` runs it, with only these settings and arguments.
 * No Marquee setting is inherited: vitest itself puts BASE_URL=/ in the environment.
 */
function scanPan(settings: Record<string, string>, args: string[] = []): Promise<Run> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in settingsSchema.shape)) childEnv[k] = v;
  Object.assign(childEnv, settings);
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/scan-pan.ts', ...args], { cwd: ROOT, env: childEnv, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

/** Every byte under these paths, counted here, independently of the scanner. */
function bytesUnder(...paths: string[]): number {
  return paths.reduce((sum, p) => {
    const s = statSync(p);
    return sum + (s.isDirectory() ? bytesUnder(...readdirSync(p).map((n) => join(p, n))) : s.size);
  }, 0);
}

const PAN_TEXT = /4242424242424242|4242 4242 4242 4242|5555555555554444|5555-5555-5555-4444|378282246310005/;

describe('npm run scan:pan on PostgreSQL', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let dataDir: string;
  let logFile: string;
  let orderId: string;
  let logText: string;

  beforeAll(async () => {
    tdb = await freshDatabase('postgres');
    box = await testBoxOffice(tdb.db);
    orderId = (await doSomeBusiness(box)).orderIds[0]!;
    dataDir = mkdtempSync(join(tmpdir(), 'marquee-scan-cli-'));
    mkdirSync(join(dataDir, 'logs'));
    logFile = join(dataDir, 'logs', 'marquee.log');
    // The box office's own log lines, with pino's 13-digit millisecond timestamps.
    logText = `${box.logs.text()}\n`;
    writeFileSync(logFile, logText);
    writeFileSync(join(dataDir, 'secret.key'), `${randomUUID()}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports nothing on a clean box office, with exit status 0', async () => {
    expect(box.logs.lines.length).toBeGreaterThan(5);
    const run = await scanPan({ DATABASE_URL: tdb.url!, DATA_DIR: dataDir });
    expect(run.stderr).not.toContain('error');
    expect(run.lines.at(-1)).toBe(`pan-scan: findings=0 scanned_rows=${await countAllRows(tdb.db)} scanned_bytes=${bytesUnder(dataDir)}`);
    expect(run.lines).toHaveLength(1);
    expect(run.code).toBe(0);
  });

  describe('with card numbers planted in the database and the logs', () => {
    let extraLog: string;
    beforeAll(async () => {
      await tdb.db.updateTable('orders').set({ buyerName: 'Ada 4242 4242 4242 4242' }).where('id', '=', orderId).execute();
      await tdb.db
        .insertInto('devOutbox')
        .values({ id: randomUUID(), toAddress: 'x@example.org', subject: 'Tickets', textBody: 'ok', raw: Buffer.from('Subject: Tickets\r\n\r\ncard 5555-5555-5555-4444\r\n'), createdAt: new Date() })
        .execute();
      appendFileSync(logFile, '{"level":50,"time":1796136987955,"msg":"payment failed","card":"378282246310005"}\n');
      extraLog = join(mkdtempSync(join(tmpdir(), 'marquee-scan-arg-')), 'proxy.log');
      writeFileSync(extraLog, 'GET /pay?number=4242424242424242 200\n');
    });
    afterAll(() => rmSync(join(extraLog, '..'), { recursive: true, force: true }));

    it('reports each by location, masked, and exits 1', async () => {
      const run = await scanPan({ DATABASE_URL: tdb.url!, DATA_DIR: dataDir }, [extraLog]);
      expect(run.lines.at(-1)).toBe(`pan-scan: findings=4 scanned_rows=${await countAllRows(tdb.db)} scanned_bytes=${bytesUnder(dataDir, extraLog)}`);
      expect(run.code).toBe(1);
      const findings = run.lines.slice(0, -1);
      expect(findings).toHaveLength(4);
      expect(findings.filter((l) => /^database table=orders column=buyer_name row=\d+ ctid=\(\d+,\d+\) offset=4 network=visa masked=424242\*{6}4242$/.test(l))).toHaveLength(1);
      expect(findings.filter((l) => /^database table=dev_outbox column=raw .* network=mastercard masked=555555\*{6}4444$/.test(l))).toHaveLength(1);
      expect(findings).toContain(`file path=${logFile} offset=${logText.length + '{"level":50,"time":1796136987955,"msg":"payment failed","card":"'.length} network=amex masked=378282*****0005`);
      expect(findings).toContain(`file path=${extraLog} offset=${'GET /pay?number='.length} network=visa masked=424242******4242`);
      expect(run.stdout + run.stderr).not.toMatch(PAN_TEXT);
    });

    it('scans DATA_DIR/logs once, though it is both inside DATA_DIR and a logs directory', async () => {
      const run = await scanPan({ DATABASE_URL: tdb.url!, DATA_DIR: dataDir });
      expect(run.lines.filter((l) => l.startsWith(`file path=${logFile} `))).toHaveLength(1);
      expect(run.lines.at(-1)).toMatch(/^pan-scan: findings=3 /);
    });
  });

  it('exits 2, without a summary, when it cannot scan', async () => {
    const noDb = new URL(tdb.url!);
    noDb.pathname = `/marquee_missing_${randomUUID().slice(0, 8)}`;
    const unreachable = await scanPan({ DATABASE_URL: noDb.toString(), DATA_DIR: dataDir });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/pan-scan: error: .*does not exist/);
    expect(unreachable.stdout).not.toContain('pan-scan: findings=');

    const missingLog = await scanPan({ DATABASE_URL: tdb.url!, DATA_DIR: dataDir }, [join(dataDir, 'no-such.log')]);
    expect(missingLog.code).toBe(2);
    expect(missingLog.stderr).toMatch(/pan-scan: error: .*no-such\.log/);

    const badSetting = await scanPan({ DATABASE_URL: 'mysql://x', DATA_DIR: dataDir });
    expect(badSetting.code).toBe(2);
    expect(badSetting.stderr).toContain('DATABASE_URL');
  });
});

describe('npm run scan:pan on embedded PGlite', () => {
  let dataDir: string;
  let server: Db;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'marquee-scan-pglite-'));
    // Stands in for a running box office: PGlite open on DATA_DIR/pglite for the whole test.
    server = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    await migrate(server);
    await server.insertInto('producers').values({ id: randomUUID(), name: 'Playhouse 4242-4242-4242-4242', slug: 'p', isDemo: false, createdAt: new Date() }).execute();
  });
  afterAll(async () => {
    await server?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('scans a copy of the database a running server holds, says so, and leaves it alone', async () => {
    const run = await scanPan({ DATA_DIR: dataDir });
    expect(run.stderr).toContain(`a running Marquee server holds ${join(dataDir, 'pglite')}`);
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.startsWith('database '))).toEqual([expect.stringMatching(/^database table=producers column=name row=0 .* masked=424242\*{6}4242$/)]);
    // The database's own files hold the number too (the write-ahead log at least), and are read as they are.
    const inFiles = run.lines.filter((l) => l.startsWith(`file path=${join(dataDir, 'pglite')}/`));
    expect(inFiles.length).toBeGreaterThan(0);
    expect(run.lines.at(-1)).toBe(`pan-scan: findings=${1 + inFiles.length} scanned_rows=${await countAllRows(server)} scanned_bytes=${bytesUnder(dataDir)}`);
    expect(run.stdout + run.stderr).not.toMatch(PAN_TEXT);
    // The server's own files are untouched: its postmaster.pid is still there, and it still answers.
    expect(existsSync(join(dataDir, 'pglite', 'postmaster.pid'))).toBe(true);
    await expect(server.selectFrom('producers').select('id').execute()).resolves.toHaveLength(1);
  });

  it('exits 2 when DATA_DIR holds no database, and creates none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'marquee-scan-empty-'));
    try {
      const run = await scanPan({ DATA_DIR: empty });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`there is no PGlite database in ${join(empty, 'pglite')}`);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
