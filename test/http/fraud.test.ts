import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeHold } from '../../src/app/holds.ts';
import { addressIn } from '../support/asnRanges.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const AWS = 16509;
const DEUTSCHE_TELEKOM = 3320;
const form = (body: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(body).toString(),
});

/** The client IP through the HTTP app: X-Forwarded-For only from trusted proxies; rate limits in memory and in Redis. */
describe('client IP, flags and rate limits over HTTP', () => {
  let tdb: TestDatabase;
  const boxes: TestBoxOffice[] = [];
  const redis = new Redis('redis://127.0.0.1:6379');
  const nameSpace = `marquee-test-${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
  });
  afterAll(async () => {
    for (const b of boxes) await b.close();
    const keys = await redis.keys(`${nameSpace}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await tdb?.drop();
  });
  async function box(settings: Record<string, string> = {}, rateLimitNameSpace?: string) {
    const b = await testBoxOffice(tdb.db, { settings, ...(rateLimitNameSpace ? { rateLimitNameSpace } : {}) });
    boxes.push(b);
    return b;
  }
  async function checkoutOver(b: TestBoxOffice, p: Awaited<ReturnType<typeof producerWithEvent>>, request: { remoteAddress: string; headers?: Record<string, string> }) {
    const hold = await placeHold(b.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    const res = await b.server.inject({
      method: 'POST', url: `/checkout/${hold.value.holdId}`, remoteAddress: request.remoteAddress,
      ...form({ buyerName: 'Test Buyer', buyerEmail: `b-${randomBytes(4).toString('hex')}@example.org` }),
      headers: { ...form({}).headers, ...request.headers },
    });
    const order = await b.deps.store.orders.byHold(hold.value.holdId);
    return { res, order, client: order ? await b.deps.store.fraud.orderClient(order.id) : null };
  }

  it('flags an order from an AWS address and explains it to the producer, with the DB-IP attribution', async () => {
    const b = await box();
    const p = await producerWithEvent(b);
    const aws = addressIn(AWS);
    const { res, order, client } = await checkoutOver(b, p, { remoteAddress: aws.ip });
    expect(res.statusCode).toBe(303);
    expect(client).toEqual({ ip: aws.ip, asn: AWS, organisation: aws.organisation, flags: ['hosting_network'] });

    const login = await b.server.inject({ method: 'POST', url: '/login', remoteAddress: aws.ip, ...form({ email: p.email, password: p.password }) });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const page = await b.server.inject({ method: 'GET', url: `/dashboard/orders/${order!.id}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Flagged for review');
    expect(page.body).toContain('hosting or data-centre network');
    expect(page.body).toContain(`AS${AWS}`);
    expect(page.body).toContain('<a href="https://db-ip.com">IP Geolocation by DB-IP</a>');
    // The log-in over HTTP recorded its address too.
    expect((await b.deps.store.fraud.staffLogIns(p.producerId, 1))[0]).toMatchObject({ ip: aws.ip, asn: AWS });
  });

  it('refuses a checkout over the velocity limit with a 429 page that says why', async () => {
    const b = await box({ FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '1' });
    const p = await producerWithEvent(b);
    const home = addressIn(DEUTSCHE_TELEKOM);
    expect((await checkoutOver(b, p, { remoteAddress: home.ip })).res.statusCode).toBe(303);
    const second = await checkoutOver(b, p, { remoteAddress: home.ip });
    expect(second.res.statusCode).toBe(429);
    expect(second.res.body).toContain('Too many orders have been placed from your internet connection in the last hour');
    expect(second.order).toBeNull();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const b = await box();
    const p = await producerWithEvent(b);
    const home = addressIn(DEUTSCHE_TELEKOM);
    const { client } = await checkoutOver(b, p, { remoteAddress: home.ip, headers: { 'x-forwarded-for': addressIn(AWS).ip } });
    expect(client).toMatchObject({ ip: home.ip, asn: DEUTSCHE_TELEKOM, flags: [] });
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    const b = await box({ TRUSTED_PROXIES: '10.0.0.0/8' });
    const p = await producerWithEvent(b);
    const aws = addressIn(AWS);
    const { client } = await checkoutOver(b, p, { remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': aws.ip } });
    expect(client).toMatchObject({ ip: aws.ip, asn: AWS, flags: ['hosting_network'] });
  });

  it('limits log-in attempts per address: 429 with Retry-After and a clear page', async () => {
    const b = await box({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const attempt = (ip: string) => b.server.inject({ method: 'POST', url: '/login', remoteAddress: ip, ...form({ email: 'nobody@example.org', password: 'x' }) });
    for (let i = 0; i < 3; i++) expect((await attempt('192.0.2.10')).statusCode).toBe(401);
    const limited = await attempt('192.0.2.10');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/text\/html/);
    expect(limited.body).toMatch(/Too many requests from your address\. Please wait \d+ seconds/);
    expect((await attempt('192.0.2.11')).statusCode).toBe(401);
  });

  it('limits platform staff log-in attempts too, and the "your data" form', async () => {
    const b = await box({ RATE_LIMIT_LOGIN_PER_MINUTE: '2', RATE_LIMIT_PER_MINUTE: '2' });
    const staff = () => b.server.inject({ method: 'POST', url: '/admin/login', remoteAddress: '192.0.2.30', ...form({ email: 'nobody@example.org', password: 'x' }) });
    for (let i = 0; i < 2; i++) expect((await staff()).statusCode).toBeLessThan(429);
    expect((await staff()).statusCode).toBe(429);
    const myData = () => b.server.inject({ method: 'POST', url: '/privacy/my-data', remoteAddress: '192.0.2.31', ...form({ email: 'someone@example.org' }) });
    for (let i = 0; i < 2; i++) expect((await myData()).statusCode).toBe(200);
    expect((await myData()).statusCode).toBe(429);
  });

  it('limits order-page look-ups and holds per address', async () => {
    const b = await box({ RATE_LIMIT_PER_MINUTE: '2' });
    const p = await producerWithEvent(b);
    const url = `/orders/${randomUuid()}/guess`;
    for (let i = 0; i < 2; i++) expect((await b.server.inject({ method: 'GET', url, remoteAddress: '192.0.2.20' })).statusCode).toBe(404);
    expect((await b.server.inject({ method: 'GET', url, remoteAddress: '192.0.2.20' })).statusCode).toBe(429);
    const hold = () => b.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, remoteAddress: '192.0.2.21', ...form({}) });
    expect((await hold()).statusCode).toBe(400);
    expect((await hold()).statusCode).toBe(400);
    expect((await hold()).statusCode).toBe(429);
  });

  it('counts in Redis when REDIS_URL is set, shared by every instance', async () => {
    const settings = { REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_LOGIN_PER_MINUTE: '2' };
    const one = await box(settings, nameSpace);
    const two = await box(settings, nameSpace);
    const attempt = (b: TestBoxOffice) => b.server.inject({ method: 'POST', url: '/login', remoteAddress: '198.51.100.7', ...form({ email: 'nobody@example.org', password: 'x' }) });
    expect((await attempt(one)).statusCode).toBe(401);
    expect((await attempt(two)).statusCode).toBe(401);
    const limited = await attempt(one);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await redis.keys(`${nameSpace}*`)).not.toEqual([]);
  });
});

function randomUuid(): string {
  return crypto.randomUUID();
}
