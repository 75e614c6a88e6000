import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/** The HTTP edge, through app.inject(): every form and endpoint answers bad input with a clear 4xx. */
describe('pages and endpoints', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let p: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    p = await producerWithEvent(box);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const form = (body: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(body).toString(),
  });

  async function login(who = p): Promise<{ cookie: string; csrf: string }> {
    const res = await box.server.inject({ method: 'POST', url: '/login', ...form({ email: who.email, password: who.password, next: '/door' }) });
    expect(res.statusCode).toBe(303);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const door = await box.server.inject({ method: 'GET', url: '/door', headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(door.body)?.[1] ?? '';
    return { cookie, csrf };
  }

  it('serves the storefront with a strict CSP and no third-party origins', async () => {
    const res = await box.server.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain(`/events/${p.slug}`);
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('holds tickets from the event page form and shows the checkout with the time left', async () => {
    const res = await box.server.inject({
      method: 'POST', url: `/events/${p.slug}/hold`,
      ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '2', [`q_${p.performance.ticketTypeIds[1]}`]: '' }),
    });
    expect(res.statusCode).toBe(303);
    const checkout = await box.server.inject({ method: 'GET', url: res.headers.location! });
    expect(checkout.statusCode).toBe(200);
    expect(checkout.body).toContain('Your tickets are held until');
    expect(checkout.body).toContain(`Let Producer ${p.slug.replace('show-', '')} email me about their events`);
    expect(checkout.body).toMatch(/<input type="checkbox" name="marketingConsent" value="yes"\/>/);
  });

  it.each([
    ['no performance', {}],
    ['a performance id that is not a uuid', { performanceId: 'nope' }],
    ['a negative quantity', { performanceId: 'P', q: '-1' }],
    ['a fractional quantity', { performanceId: 'P', q: '1.5' }],
    ['a huge quantity', { performanceId: 'P', q: '1000000' }],
    ['nothing chosen', { performanceId: 'P', q: '0' }],
    ['a ticket type id that is not a uuid', { performanceId: 'P', q: '1', key: 'q_------------------------------------' }],
  ])('answers a hold with %s with a 4xx page and a message', async (_name, raw) => {
    const body: Record<string, string> = {};
    if ('performanceId' in raw) body.performanceId = raw.performanceId === 'P' ? p.performance.id : raw.performanceId!;
    if ('q' in raw) body['key' in raw ? raw.key! : `q_${p.performance.ticketTypeIds[0]}`] = raw.q!;
    const holdsBefore = await box.db.selectFrom('holds').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await box.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form(body) });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).toContain('class="notice error"');
    expect(res.body).toContain('<title>Error: ');
    const holdsAfter = await box.db.selectFrom('holds').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(holdsAfter.n)).toBe(Number(holdsBefore.n));
  });

  it('re-shows the checkout form with field errors for a bad name or email', async () => {
    const hold = await box.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' }) });
    const url = hold.headers.location!;
    const res = await box.server.inject({ method: 'POST', url, ...form({ buyerName: ' ', buyerEmail: 'not-an-email' }) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter the name for your tickets.');
    expect(res.body).toContain('Enter a valid email address');
    expect(res.body).toContain('value="not-an-email"');
    const orders = await box.db.selectFrom('orders').where('holdId', '=', url.split('/').pop()!).selectAll().execute();
    expect(orders).toHaveLength(0);
  });

  it('answers unknown or malformed addresses with 404, never 500', async () => {
    for (const url of ['/events/nope', '/checkout/not-a-uuid', '/checkout/00000000-0000-4000-8000-000000000000', '/orders/nope/x', '/orders/00000000-0000-4000-8000-000000000000/abc', '/nothing-here', '/assets/nope.js', '/testpay/pay/nope']) {
      const res = await box.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('answers a forged payment return with 400 and changes nothing', async () => {
    const res = await box.server.inject({ method: 'GET', url: '/payments/return/test?ref=tps_x&pid=x&evt=e&outcome=paid&amount=100&currency=EUR&sig=forged' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('not signed by the payment provider');
    const events = await box.db.selectFrom('paymentEvents').selectAll().execute();
    expect(events.filter((e) => e.eventId === 'e')).toEqual([]);
  });

  it('serves the dev mailbox only to this machine', async () => {
    expect((await box.server.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(200);
    const remote = await box.server.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: '203.0.113.5' });
    expect(remote.statusCode).toBe(404);
    expect(remote.body).not.toContain('mailbox');
    // The same page by an encoded path: the guard goes by the matched route, not the raw URL.
    const encoded = await box.server.inject({ method: 'GET', url: '/%64ev/mailbox', remoteAddress: '203.0.113.5' });
    expect(encoded.statusCode).toBe(404);
    expect(encoded.body).not.toContain('Dev mailbox');
  });

  it('never redirects a log-in to another site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await box.server.inject({ method: 'POST', url: '/login', ...form({ email: p.email, password: p.password, next }) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location, next).toBe('/dashboard');
    }
  });

  it('door staff may scan but not read orders', async () => {
    const door = await producerWithEvent(box);
    await box.db.updateTable('users').set({ role: 'door' }).where('email', '=', door.email).execute();
    const { cookie } = await login(door);
    const orders = await box.server.inject({ method: 'GET', url: '/dashboard', headers: { cookie } });
    expect(orders.statusCode).toBe(403);
    expect((await box.server.inject({ method: 'GET', url: '/door', headers: { cookie } })).statusCode).toBe(200);
  });

  it('keeps the dashboard and the door behind log-in', async () => {
    expect((await box.server.inject({ method: 'GET', url: '/dashboard' })).headers.location).toBe('/login?next=/dashboard');
    expect((await box.server.inject({ method: 'GET', url: '/door' })).headers.location).toBe('/login?next=/door');
    const bad = await box.server.inject({ method: 'POST', url: '/login', ...form({ email: p.email, password: 'wrong' }) });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('do not match an account');
    expect(bad.body).not.toContain('wrong"');
  });

  it('the door form needs its CSRF token and a ticket code', async () => {
    const { cookie, csrf } = await login();
    expect(csrf).not.toBe('');
    const noToken = await box.server.inject({ method: 'POST', url: '/door', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ performanceId: p.performance.id, code: 'abc' }).toString() });
    expect(noToken.statusCode).toBe(403);
    const empty = await box.server.inject({ method: 'POST', url: '/door', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ performanceId: p.performance.id, code: '', csrf }).toString() });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Scan or paste a ticket code.');
    const junk = await box.server.inject({ method: 'POST', url: '/door', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ performanceId: p.performance.id, code: 'garbage', csrf }).toString() });
    expect(junk.statusCode).toBe(200);
    expect(junk.body).toContain('data-verdict="unknown"');
  });

  it('the scan endpoint wants a session and JSON, and answers bad JSON with 400', async () => {
    const anon = await box.server.inject({ method: 'POST', url: '/api/door/scan', payload: { performanceId: p.performance.id, code: 'x' } });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ error: { code: 'unauthenticated', message: 'Log in to scan tickets.' } });
    const { cookie } = await login();
    const badJson = await box.server.inject({ method: 'POST', url: '/api/door/scan', headers: { cookie, 'content-type': 'application/json' }, payload: '{"code":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.message).toBeTruthy();
    const missing = await box.server.inject({ method: 'POST', url: '/api/door/scan', headers: { cookie }, payload: { code: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('performanceId');
    const ok = await box.server.inject({ method: 'POST', url: '/api/door/scan', headers: { cookie }, payload: { performanceId: p.performance.id, code: 'garbage' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ verdict: { kind: 'unknown' } });
    const notOurs = await box.server.inject({ method: 'POST', url: '/api/door/scan', headers: { cookie }, payload: { performanceId: '00000000-0000-4000-8000-000000000000', code: 'garbage' } });
    expect(notOurs.statusCode).toBe(404);
    expect(notOurs.json().error.message).toBe('Choose one of your performances.');
  });

  it("another producer's session sees none of this producer's orders", async () => {
    const other = await producerWithEvent(box);
    const hold = await box.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' }) });
    const pay = await box.server.inject({ method: 'POST', url: hold.headers.location!, ...form({ buyerName: 'Tenant Probe', buyerEmail: 'tenant.probe@example.org' }) });
    expect(pay.statusCode).toBe(303);
    const order = await box.db.selectFrom('orders').where('holdId', '=', hold.headers.location!.split('/').pop()!).select('code').executeTakeFirstOrThrow();
    const mine = await login();
    expect((await box.server.inject({ method: 'GET', url: '/dashboard', headers: { cookie: mine.cookie } })).body).toContain(order.code);
    const theirs = await login(other);
    const page = await box.server.inject({ method: 'GET', url: '/dashboard', headers: { cookie: theirs.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(order.code);
    expect(page.body).not.toContain('tenant.probe@example.org');
    const door = await box.server.inject({ method: 'GET', url: '/door', headers: { cookie: theirs.cookie } });
    expect(door.body).not.toContain(p.performance.id);
  });
});

describe('payment webhooks over HTTP', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('takes a signed webhook on the raw body, and answers a forged one with 400', async () => {
    const p = await producerWithEvent(box);
    const form = (body: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(body).toString() });
    const hold = await box.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' }) });
    const pay = await box.server.inject({ method: 'POST', url: hold.headers.location!, ...form({ buyerName: 'Webhook Buyer', buyerEmail: 'hook@example.org' }) });
    const sessionId = new URL(pay.headers.location!).pathname.split('/').pop()!;
    await box.testProvider.complete(sessionId, 'paid');
    const hook = await box.testProvider.webhook(sessionId, 'payment.paid');

    const forged = await box.server.inject({ method: 'POST', url: '/payments/webhook/test', headers: hook.headers, payload: hook.body.replace('"amount":', '"amount":9') });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('bad_signature');
    const order = await box.db.selectFrom('orders').where('holdId', '=', hold.headers.location!.split('/').pop()!).select(['id', 'status']).executeTakeFirstOrThrow();
    expect(order.status).toBe('pending');

    // A body re-serialised by a JSON parser would break the signature: the raw bytes must reach the check.
    const spaced = `${hook.body}`;
    const ok = await box.server.inject({ method: 'POST', url: '/payments/webhook/test', headers: hook.headers, payload: spaced });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ received: true, applied: 1 });
    expect((await box.db.selectFrom('orders').where('id', '=', order.id).select('status').executeTakeFirstOrThrow()).status).toBe('paid');
    expect((await box.server.inject({ method: 'POST', url: '/payments/webhook/stripe', headers: hook.headers, payload: hook.body })).statusCode).toBe(404);
  });
});
