/**
 * `npm run bench:onsale`: an on-sale against PostgreSQL over real HTTP, with pgbench running the
 * same hold SQL as the baseline in the same run. Load goes to 127.0.0.1 only.
 *
 * 1. A fresh database (dropped at the end), migrated, with one producer and four events of one
 *    performance each: a warm-up, the pgbench baseline and the hold rush (both with a capacity that
 *    never runs out within the run), and the sale (--capacity).
 * 2. K app processes (--processes, scripts/serve-app.ts) on it, plain HTTP on loopback.
 * 3. pgbench: the hold transaction (bench/holdScript.ts) with C clients (--clients) for --seconds.
 * 4. Hold rush: C HTTP clients place holds only (POST /events/:slug/hold), for --seconds or until
 *    the count bound: holds/s and hold latency, comparable with pgbench's tps.
 * 5. The sale: M buyers (--buyers) with C clients, each hold → checkout → test payment → return
 *    (tickets issued), until sold out, M buyers or --sale-seconds: tickets/s through the whole flow.
 * 6. PGlite, one process: placeHold in a loop for --seconds (bounded count).
 * 7. Oversold from the rows: valid tickets of paid orders of the sale against its capacity.
 *
 * The last line is `onsale: sold=… capacity=… oversold=… tickets_per_s=… hold_p99_ms=… ratio_vs_pgbench=…`
 * (ratio = HTTP holds/s in the rush ÷ pgbench tps; hold_p99_ms from the rush).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { type Db, migrate, openDatabase } from '../src/adapters/db/connect.ts';
import { createEvent, createProducer } from '../src/adapters/db/seed.ts';
import { argon2idHasher } from '../src/adapters/keys/passwords.ts';
import { createLogger } from '../src/adapters/log.ts';
import { placeHold } from '../src/app/holds.ts';
import { loadConfig } from '../src/config.ts';
import { assemble } from '../src/main.ts';
import { type AppProcess, startKillableAppProcesses } from '../test/support/appProcess.ts';
import {
  buyerIp, checkOutOverHttp, keepAliveAgent, payOverHttp, placeHoldOverHttp, returnOverHttp, type Sale,
} from '../test/support/httpBuyer.ts';
import { HOLD_SCRIPT_SOURCE, holdScript } from './holdScript.ts';

const USAGE = `Usage: npm run bench:onsale -- [options]

  --processes K     app processes (default 2)
  --clients C       concurrent clients, for HTTP and for pgbench (default 16)
  --capacity N      places in the sale (default 2000)
  --per-buyer Q     tickets per buyer, at most 10 (default 2)
  --buyers M        simulated buyers in the sale (default: enough to sell out, plus 10%)
  --seconds S       length of the pgbench run, the hold rush and the PGlite run (default 10)
  --sale-seconds S  the sale stops after this, sold out or not (default 120)
  --tickets N       the large on-sale (e.g. --tickets 200000): --capacity N --per-buyer 10, the sale
                    bounded at 290 s (it must sell out in under 5 minutes), the other runs --seconds 5
  --database URL    PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
  --profile DIR     write a V8 CPU profile of each app process into DIR (node --cpu-prof)`;

const { values: flags } = parseArgs({
  options: {
    processes: { type: 'string', default: '2' },
    clients: { type: 'string', default: '16' },
    capacity: { type: 'string' },
    'per-buyer': { type: 'string' },
    buyers: { type: 'string' },
    seconds: { type: 'string' },
    'sale-seconds': { type: 'string' },
    tickets: { type: 'string' },
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function whole(name: string, value: string | undefined, fallback: number, max = 10_000_000): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const big = flags.tickets !== undefined ? whole('tickets', flags.tickets, 0) : null;
const K = whole('processes', flags.processes, 2, 16);
const C = whole('clients', flags.clients, 16, 256);
const CAPACITY = whole('capacity', flags.capacity, big ?? 2000);
const PER_BUYER = whole('per-buyer', flags['per-buyer'], big ? 10 : 2, 10);
const M = whole('buyers', flags.buyers, Math.ceil((CAPACITY / PER_BUYER) * 1.1));
const SECONDS = whole('seconds', flags.seconds, big ? 5 : 10, 600);
const SALE_SECONDS = whole('sale-seconds', flags['sale-seconds'], big ? 290 : 120, 3600);
const serverUrl = new URL(flags.database);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(serverUrl.hostname)) {
  console.error('--database must be on this machine (127.0.0.1): the benchmark loads only loopback.');
  process.exit(2);
}

/** Effectively endless for the rush and pgbench: no run gets near it, so every hold succeeds. */
const ENDLESS = 1_000_000_000;
const HOLD_MINUTES = 120;
const log = (line: string) => console.log(line);
const fmt = (x: number, digits = 1) => x.toFixed(digits);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `workers` loops at once until each returns; every loop is bounded by its own checks. */
async function concurrently(workers: number, loop: (worker: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: workers }, (_, i) => loop(i)));
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `marquee_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: serverUrl.toString() });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

interface Seeded {
  warmup: Sale;
  rush: Sale;
  pgbench: Sale;
  sale: Sale;
}

async function seed(db: Db, now: Date): Promise<Seeded> {
  const { producerId } = await createProducer(db, argon2idHasher(), {
    name: 'Bench Theatre', slug: 'bench-theatre', user: { email: 'owner@bench.test', name: 'Owner', password: randomBytes(12).toString('base64url') },
  }, now);
  const one = async (slug: string, capacity: number): Promise<Sale> => {
    const e = await createEvent(db, producerId, {
      slug, title: `Bench ${slug}`, venue: { name: 'Bench Hall', timeZone: 'Europe/London' },
      performances: [{ startsAt: new Date(now.getTime() + 30 * 86_400_000), ticketTypes: [{ name: 'Standard', priceMinor: 2500, currency: 'EUR', capacity }] }],
    }, now);
    return { slug, performanceId: e.performances[0]!.id, ticketTypeId: e.performances[0]!.ticketTypeIds[0]! };
  };
  return { warmup: await one('warmup', ENDLESS), rush: await one('rush', ENDLESS), pgbench: await one('pgbench', ENDLESS), sale: await one('sale', CAPACITY) };
}

interface PgbenchResult {
  tps: number;
  transactions: number;
  p50: number;
  p99: number;
  failed: number;
}

function runPgbench(url: string, s: Sale): PgbenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-pgbench-'));
  try {
    const script = join(dir, 'hold.sql');
    writeFileSync(script, holdScript());
    const args = [
      '-n', '-M', 'prepared', '-c', String(C), '-j', String(Math.min(C, 2)), '-T', String(SECONDS),
      '-f', script, '-D', `quota=${s.ticketTypeId}`, '-D', `performance=${s.performanceId}`, '-D', `type=${s.ticketTypeId}`, '-D', `qty=${PER_BUYER}`, '-D', `minutes=${HOLD_MINUTES}`,
      '-l', '--log-prefix', join(dir, 'log'), url,
    ];
    const r = spawnSync('pgbench', args, { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 });
    if (r.error) throw new Error(`pgbench did not run (${r.error.message}): install pgbench (Debian 12: apt-get install postgresql-contrib)`);
    if (r.status !== 0) throw new Error(`pgbench failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(r.stdout)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
    // Per-transaction log: client, transaction, latency (µs), script, epoch, µs.
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('log'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split(' ')[2]) / 1000))
      .sort((a, b) => a - b);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${r.stdout}`);
    return { tps, transactions, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RushResult {
  holds: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** C clients placing holds only, round-robin over the processes, for SECONDS or a bounded count. */
async function holdRush(apps: AppProcess[], agents: http.Agent[], s: Sale, ipBase: number, forSeconds = SECONDS): Promise<RushResult> {
  const maxHolds = 2_000_000;
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + forSeconds * 1000;
  await concurrently(C, async (w) => {
    const app = w % apps.length;
    while (performance.now() < deadline && issued < maxHolds) {
      const n = issued++;
      try {
        const r = await placeHoldOverHttp(agents[app]!, apps[app]!.port, s, PER_BUYER, buyerIp(ipBase + n));
        if (r.kind === 'held') latencies.push(r.ms);
        else errors++;
      } catch {
        errors++;
      }
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { holds: latencies.length, errors, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

interface SaleResult {
  buyers: number;
  paid: number;
  soldOut: number;
  errors: string[];
  seconds: number;
  holdP99: number;
  /** p50 and p99 of each step, ms. */
  steps: Record<'hold' | 'checkout' | 'pay' | 'issue', [number, number]>;
}

/** M buyers through the whole flow with C clients, until sold out, M buyers or SALE_SECONDS. */
async function sale(apps: AppProcess[], agents: http.Agent[], s: Sale, buyers: number, seconds: number, ipBase: number): Promise<SaleResult> {
  const holdMs: number[] = [];
  const stepMs = { checkout: [] as number[], pay: [] as number[], issue: [] as number[] };
  const errors: string[] = [];
  let next = 0;
  let paid = 0;
  let soldOut = 0;
  let over = false;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const v = await fn();
    into.push(performance.now() - t);
    return v;
  };
  await concurrently(C, async (w) => {
    const app = w % apps.length;
    const agent = agents[app]!;
    const port = apps[app]!.port;
    while (!over && next < buyers && performance.now() < deadline) {
      const n = next++;
      const ip = buyerIp(ipBase + n);
      try {
        const hold = await placeHoldOverHttp(agent, port, s, PER_BUYER, ip);
        holdMs.push(hold.ms);
        if (hold.kind === 'sold_out') {
          soldOut++;
          over = true; // No hold expires within the run, so nothing comes back on sale.
          break;
        }
        const pay = await timed(stepMs.checkout, () => checkOutOverHttp(agent, port, hold.holdPath, { name: `Buyer ${n}`, email: `buyer-${n}@bench.test` }, ip));
        const back = await timed(stepMs.pay, () => payOverHttp(agent, port, pay, ip));
        if ((await timed(stepMs.issue, () => returnOverHttp(agent, port, back, ip))) === 'paid') paid++;
        else errors.push('return: not paid');
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  });
  const p = (xs: number[]): [number, number] => {
    xs.sort((a, b) => a - b);
    return [percentile(xs, 50), percentile(xs, 99)];
  };
  return {
    buyers: next, paid, soldOut, errors, seconds: (performance.now() - t0) / 1000, holdP99: p(holdMs)[1],
    steps: { hold: p(holdMs), checkout: p(stepMs.checkout), pay: p(stepMs.pay), issue: p(stepMs.issue) },
  };
}

/** placeHold on an in-memory PGlite in this one process: one connection, so one hold at a time. */
async function pgliteHolds(): Promise<{ holds: number; seconds: number; p99: number }> {
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await migrate(db);
    const now = new Date();
    const s = (await seed(db, now)).rush;
    const dataDir = mkdtempSync(join(tmpdir(), 'marquee-bench-pglite-'));
    const config = loadConfig({ SECRET_KEY: randomBytes(32).toString('base64url'), SEED_DEMO: 'false', DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOLD_MINUTES: String(HOLD_MINUTES) });
    const box = await assemble(config, { db, logger: createLogger('warn') });
    const latencies: number[] = [];
    const t0 = performance.now();
    const deadline = t0 + SECONDS * 1000;
    for (let i = 0; i < 1_000_000 && performance.now() < deadline; i++) {
      const t = performance.now();
      const r = await placeHold(box.deps, { performanceId: s.performanceId, lines: [{ ticketTypeId: s.ticketTypeId, quantity: PER_BUYER }] });
      if (!r.ok) throw new Error(`PGlite hold failed: ${r.code}`);
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - t0) / 1000;
    await box.close();
    rmSync(dataDir, { recursive: true, force: true });
    latencies.sort((a, b) => a - b);
    return { holds: latencies.length, seconds, p99: percentile(latencies, 99) };
  } finally {
    await db.destroy().catch(() => {});
  }
}

/** From the rows, not from any counter: valid tickets of paid orders of the sale, and what else the sale left. */
async function countSale(db: Db, s: Sale): Promise<{ sold: number; capacity: number; unpaidTickets: number; paidOrders: number; pendingOrders: number; queuedMails: number }> {
  // The sale's one ticket type draws on its own quota, which has the type's id (seed.ts).
  const capacity = (await db.selectFrom('quotas').where('id', '=', s.ticketTypeId).select('capacity').executeTakeFirstOrThrow()).capacity;
  const r = await sql<{ sold: number; unpaid: number; paidOrders: number; pendingOrders: number; queuedMails: number }>`
    select
      (select count(*)::int from tickets t join orders o on o.id = t.order_id
        where t.ticket_type_id = ${s.ticketTypeId} and t.status = 'valid' and o.status in ('paid', 'partially_refunded')) as sold,
      (select count(*)::int from tickets t join orders o on o.id = t.order_id
        where t.ticket_type_id = ${s.ticketTypeId} and o.status not in ('paid', 'partially_refunded')) as unpaid,
      (select count(*)::int from orders where performance_id = ${s.performanceId} and status = 'paid') as paid_orders,
      (select count(*)::int from orders where performance_id = ${s.performanceId} and status = 'pending') as pending_orders,
      (select count(*)::int from mails m join orders o on o.id = m.order_id
        where o.performance_id = ${s.performanceId} and m.kind = 'order_confirmation' and m.status = 'queued') as queued_mails`.execute(db);
  const row = r.rows[0]!;
  return { sold: row.sold, capacity, unpaidTickets: row.unpaid, paidOrders: row.paidOrders, pendingOrders: row.pendingOrders, queuedMails: row.queuedMails };
}


/**
 * Samples pg_stat_activity every 250 ms while `during` runs (bounded by it): how many of the app's
 * backends wait for a lock, and which statements they wait in. Tells a lock convoy from CPU starvation.
 */
async function lockWaits<T>(db: Db, during: Promise<T>): Promise<{ value: T; samples: number; avgWaiting: number; avgActive: number; top: [string, number][] }> {
  let done = false;
  const value = during.finally(() => {
    done = true;
  });
  let samples = 0;
  let waiting = 0;
  let active = 0;
  const statements = new Map<string, number>();
  while (!done) {
    const r = await sql<{ state: string | null; waitEventType: string | null; query: string }>`
      select state, wait_event_type, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as query from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(db);
    samples++;
    for (const row of r.rows) {
      if (row.state === 'active' || row.state === 'idle in transaction') active++;
      if (row.waitEventType === 'Lock') {
        waiting++;
        statements.set(row.query, (statements.get(row.query) ?? 0) + 1);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return { value: await value, samples, avgWaiting: waiting / Math.max(1, samples), avgActive: active / Math.max(1, samples), top };
}

async function main(): Promise<void> {
  const started = performance.now();
  const database = await createDatabase();
  const apps: AppProcess[] = [];
  let db: Db | null = null;
  try {
    db = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
    await migrate(db);
    const seeded = await seed(db, new Date());
    log(`on-sale benchmark: ${K} app processes (scripts/serve-app.ts, pool of 10 each), ${C} clients, capacity ${CAPACITY}, ${PER_BUYER} tickets per buyer, ${M} buyers at most`);
    log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => fmt(x, 2)).join(' ')}, Node ${process.versions.node}, ${(await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]!.v.split(' on ')[0]}`);

    // Web processes as in a scaled-out box office: they queue the confirmation mail with the order
    // (SEND_MAIL=false) and leave rendering the PDFs and sending to the process that sends mail.
    const env = {
      HOLD_MINUTES: String(HOLD_MINUTES), RATE_LIMIT_PER_MINUTE: '100000', SEND_MAIL: 'false',
      FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '100000', FRAUD_MAX_ORDERS_PER_EMAIL_PER_HOUR: '100000', FRAUD_MAX_ORDERS_PER_ASN_PER_HOUR: '100000',
      FRAUD_MAX_FAILED_PAYMENTS_PER_IP_PER_HOUR: '100000',
    };
    const secretKey = randomBytes(32).toString('base64url');
    apps.push(...(await startKillableAppProcesses(K, {
      databaseUrl: database.url, secretKey, env, nodeOptions: flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : [],
    })));
    const agents = apps.map(() => keepAliveAgent(C));

    // Warm-up: every process loads its ASN index, JITs the flow and fills its pool; then 2 s of holds
    // alone, so that every pooled connection has prepared the hold's statements (ADR 0018) before the rush.
    const warm = await sale(apps, agents, seeded.warmup, Math.max(C, 4 * K), 60, 9_000_000);
    if (warm.paid === 0) throw new Error(`warm-up sold nothing: ${warm.errors.slice(0, 3).join('; ')}`);
    await holdRush(apps, agents, seeded.warmup, 8_000_000, 2);

    const pgb = runPgbench(database.url, seeded.pgbench);
    log(`pgbench, hold SQL of ${HOLD_SCRIPT_SOURCE}, ${C} clients, ${SECONDS} s: ${fmt(pgb.tps)} tps, ${pgb.transactions} transactions, p50 ${fmt(pgb.p50)} ms, p99 ${fmt(pgb.p99)} ms${pgb.failed ? `, ${pgb.failed} failed` : ''}`);

    const rush = await holdRush(apps, agents, seeded.rush, 0);
    const holdsPerS = rush.holds / rush.seconds;
    log(`hold rush over HTTP, ${C} clients, ${K} processes, ${fmt(rush.seconds)} s: ${fmt(holdsPerS)} holds/s, ${rush.holds} holds, p50 ${fmt(rush.p50)} ms, p99 ${fmt(rush.p99)} ms${rush.errors ? `, ${rush.errors} errors` : ''}`);
    const ratio = holdsPerS / pgb.tps;
    log(`  HTTP holds/s vs pgbench tps: ${fmt(ratio, 2)}`);

    const watched = await lockWaits(db, sale(apps, agents, seeded.sale, M, SALE_SECONDS, 3_000_000));
    const sold = watched.value;
    const counted = await countSale(db, seeded.sale);
    const ticketsPerS = counted.sold / sold.seconds;
    log(`sale over HTTP (hold → checkout → pay → tickets), ${C} clients, ${fmt(sold.seconds)} s: ${sold.buyers} buyers, ${sold.paid} paid, ${sold.soldOut} told sold out, ${sold.errors.length} errors; ${fmt(ticketsPerS)} tickets/s`);
    log(`  ${counted.sold >= counted.capacity ? `sold out: ${counted.capacity} tickets in ${fmt(sold.seconds)} s (${fmt(sold.seconds / 60, 2)} min)` : `${counted.capacity - counted.sold} of ${counted.capacity} tickets left when the sale stopped after ${fmt(sold.seconds)} s`}`);
    log(`  per step, p50 / p99 ms: ${Object.entries(sold.steps).map(([k, [a, b]]) => `${k} ${fmt(a)} / ${fmt(b)}`).join(', ')}`);
    log(`  database during the sale (${watched.samples} samples): ${fmt(watched.avgActive)} backends busy or in a transaction, ${fmt(watched.avgWaiting)} waiting for a lock${watched.top.length ? `, most in: ${watched.top.map(([q, n]) => `"${q}…" (${n})`).join(', ')}` : ''}`);
    if (sold.errors.length) log(`  first errors: ${[...new Set(sold.errors)].slice(0, 5).join('; ')}`);
    log(`  from the rows: ${counted.sold} valid tickets of ${counted.paidOrders} paid orders, ${counted.pendingOrders} orders pending, ${counted.unpaidTickets} tickets without a paid order`);
    log(`  outbox: ${counted.queuedMails} confirmation mails queued with their orders (web processes run with SEND_MAIL=false; the process that sends mail renders and sends them, not timed here)`);

    const lite = await pgliteHolds();
    log(`PGlite, one process, placeHold in a loop, ${fmt(lite.seconds)} s: ${fmt(lite.holds / lite.seconds)} holds/s, p99 ${fmt(lite.p99)} ms`);
    log(`total ${fmt((performance.now() - started) / 1000)} s; load average now ${loadavg().map((x) => fmt(x, 2)).join(' ')} (other work on the machine skews every figure, the ratio least)`);

    const oversold = Math.max(0, counted.sold - counted.capacity);
    log(`onsale: sold=${counted.sold} capacity=${counted.capacity} oversold=${oversold} tickets_per_s=${fmt(ticketsPerS)} hold_p99_ms=${fmt(rush.p99)} ratio_vs_pgbench=${fmt(ratio, 2)}`);
    if (oversold > 0 || counted.unpaidTickets > 0) process.exitCode = 1;
  } finally {
    // A process writes its CPU profile as it exits, which takes a while.
    await Promise.all(apps.map((a) => a.stop(flags.profile ? 120_000 : undefined)));
    await db?.destroy();
    await database.drop();
  }
}

await main();
