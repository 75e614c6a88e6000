import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Db } from '../../src/adapters/db/connect.ts';
import { createEvent, createProducer, type NewEvent } from '../../src/adapters/db/seed.ts';
import { createLogger } from '../../src/adapters/log.ts';
import type { Clock } from '../../src/app/ports.ts';
import { loadConfig } from '../../src/config.ts';
import { assemble, type BoxOffice, type Overrides } from '../../src/main.ts';

/**
 * A clock the test moves by hand, for hold expiry and late payments. It stands still at a fixed
 * instant, or runs with real time ('live', for browser tests) plus whatever the test advanced.
 */
export class TestClock implements Clock {
  private offset = 0;
  constructor(private readonly start: number | 'live' = Date.parse('2027-03-01T12:00:00Z')) {}
  now(): Date {
    return new Date((this.start === 'live' ? Date.now() : this.start) + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Collects every log line the app writes, so a test can search them. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestBoxOffice extends BoxOffice {
  clock: TestClock;
  logs: LogCapture;
  testProvider: NonNullable<BoxOffice['testProvider']>;
}

/**
 * Suites place many orders with one buyer's email from one address within a frozen hour, so the
 * fraud velocity rules and the rate limits are out of their way unless a test sets them
 * (`settings`, e.g. { FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '2' }); test/contract/fraud.test.ts and
 * test/http/fraud.test.ts do.
 */
const UNLIMITED: Record<string, string> = {
  FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '100000', FRAUD_MAX_ORDERS_PER_EMAIL_PER_HOUR: '100000', FRAUD_MAX_ORDERS_PER_ASN_PER_HOUR: '100000',
  FRAUD_MAX_FAILED_PAYMENTS_PER_IP_PER_HOUR: '100000', RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
};

export async function testBoxOffice(
  db: Db,
  opts: { baseUrl?: string; clock?: TestClock; settings?: Record<string, string>; rateLimitNameSpace?: string; env?: Record<string, string>; overrides?: Overrides } = {},
): Promise<TestBoxOffice> {
  const logs = new LogCapture();
  const clock = opts.clock ?? new TestClock();
  const config = loadConfig({
    SECRET_KEY: randomBytes(32).toString('base64url'),
    SEED_DEMO: 'false',
    BASE_URL: opts.baseUrl ?? 'http://127.0.0.1:3999',
    LOG_LEVEL: 'info',
    ...UNLIMITED,
    // The privacy page's version log lives in DATA_DIR: never the checkout's ./data.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'marquee-data-')),
    ...opts.settings,
    ...opts.env,
  });
  const box = await assemble(config, {
    db, clock, logger: createLogger('info', logs), ...(opts.rateLimitNameSpace ? { rateLimitNameSpace: opts.rateLimitNameSpace } : {}), ...opts.overrides,
  });
  if (!box.testProvider) throw new Error('tests pay through the built-in test provider');
  return { ...box, testProvider: box.testProvider, clock, logs };
}

let counter = 0;

/** A producer with one event, one performance a month after the clock, and the given ticket types. */
export async function producerWithEvent(
  box: TestBoxOffice,
  opts: { name?: string; ticketTypes?: NewEvent['performances'][number]['ticketTypes']; quotas?: NewEvent['performances'][number]['quotas']; performances?: number; fees?: NewEvent['fees'] } = {},
) {
  const n = ++counter;
  const suffix = `${n}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const email = `owner-${suffix}@producer.test`;
  const now = box.clock.now();
  const { producerId, userId } = await createProducer(box.db, box.deps.passwords, {
    name: opts.name ?? `Producer ${suffix}`, slug: `producer-${suffix}`, user: { email, name: 'Owner', password },
  }, now);
  const ticketTypes = opts.ticketTypes ?? [
    { name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 10 },
    { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 5 },
  ];
  const event = await createEvent(box.db, producerId, {
    slug: `show-${suffix}`, title: `Show ${suffix}`,
    venue: { name: 'Test Hall', address: '1 Test Road', timeZone: 'Europe/London' },
    ...(opts.fees ? { fees: opts.fees } : {}),
    performances: Array.from({ length: opts.performances ?? 1 }, (_, i) => ({ startsAt: new Date(now.getTime() + (30 + i) * 86_400_000), ticketTypes, ...(opts.quotas ? { quotas: opts.quotas } : {}) })),
  }, now);
  return { producerId, userId, email, password, slug: `show-${suffix}`, event, performance: event.performances[0]! };
}
