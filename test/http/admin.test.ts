import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeHold } from '../../src/app/holds.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { createStaff } from '../../src/app/staff.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/** The platform staff's console over HTTP: only a staff session opens it, every form carries CSRF, nothing leaks to producers. */
describe('admin pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let p: Awaited<ReturnType<typeof producerWithEvent>>;
  let order: { id: string; code: string };
  const passwords: Record<string, string> = {};

  const form = (body: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: params.toString() };
  };
  const post = (url: string, cookie: string, body: Record<string, string | string[]>) => {
    const f = form(body);
    return box.server.inject({ method: 'POST', url, headers: { ...f.headers, cookie }, payload: f.payload });
  };

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'paid', { buyerName: 'Grace Hopper', buyerEmail: 'grace@navy.example', marketingConsent: false }));
    if (!paid.ok) throw new Error(paid.message);
    order = paid.value.order;
    for (const [n, role] of [['a', 'admin'], ['b', 'admin'], ['s', 'support']] as const) {
      const c = await createStaff(box.deps, { email: `${n}@platform.test`, name: `Staff ${n}`, role });
      if (!c.ok) throw new Error(c.message);
      passwords[n] = c.value.password;
    }
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  async function staffLogin(n: string): Promise<{ cookie: string; csrf: string }> {
    const res = await box.server.inject({ method: 'POST', url: '/admin/login', ...form({ email: `${n}@platform.test`, password: passwords[n]! }) });
    expect(res.statusCode).toBe(303);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^mq_staff=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/admin/);
    const cookie = setCookie.split(';')[0]!;
    const page = await box.server.inject({ method: 'GET', url: '/admin/support', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]! };
  }

  it("refuses a producer's session everywhere under /admin, and sends strangers to the staff log-in", async () => {
    const login = await box.server.inject({ method: 'POST', url: '/login', ...form({ email: p.email, password: p.password, next: '/dashboard' }) });
    const producerCookie = String(login.headers['set-cookie']).split(';')[0]!;
    const token = producerCookie.split('=')[1]!;
    for (const url of ['/admin/support', '/admin/disclosures', `/admin/support/requests/${order.id}`]) {
      const res = await box.server.inject({ method: 'GET', url, headers: { cookie: producerCookie } });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(order.code);
    }
    for (const url of ['/admin/support/lookup', '/admin/disclosures', `/admin/disclosures/${order.id}/export`]) {
      expect((await post(url, producerCookie, { reference: 'S-AAAAAAAA', reason: 'just looking around' })).statusCode).toBe(403);
    }
    // A producer's session token is no staff token, whatever cookie carries it.
    expect((await box.server.inject({ method: 'GET', url: '/admin/support', headers: { cookie: `mq_staff=${token}` } })).statusCode).toBe(303);
    expect((await post('/admin/support/lookup', `mq_staff=${token}`, { reference: 'S-AAAAAAAA', reason: 'just looking around' })).statusCode).toBe(403);
    const stranger = await box.server.inject({ method: 'GET', url: '/admin/disclosures' });
    expect(stranger.statusCode).toBe(303);
    expect(stranger.headers.location).toBe('/admin/login');
    expect((await box.server.inject({ method: 'POST', url: '/admin/login', ...form({ email: 'a@platform.test', password: 'wrong' }) })).statusCode).toBe(401);
    expect((await box.server.inject({ method: 'POST', url: '/admin/login', ...form({ email: p.email, password: p.password }) })).statusCode).toBe(401);
  });

  it('takes a buyer’s help request from the order page, and lets support find the order only with its reference and a reason', async () => {
    const orderUrl = `/orders/${order.id}/${box.deps.keys.orderLinkToken(order.id)}`;
    expect((await box.server.inject({ method: 'GET', url: orderUrl })).body).toContain(`action="${orderUrl}/help"`);
    const tooLong = await box.server.inject({ method: 'POST', url: `${orderUrl}/help`, ...form({ message: 'x'.repeat(2001) }) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('too long');
    expect((await box.server.inject({ method: 'POST', url: `/orders/${order.id}/not-the-token/help`, ...form({ message: 'hi' }) })).statusCode).toBe(404);
    const sent = await box.server.inject({ method: 'POST', url: `${orderUrl}/help`, ...form({ message: 'I lost my tickets, please resend.' }) });
    expect(sent.statusCode).toBe(201);
    const reference = /data-support-reference="(S-[A-Z0-9]{8})"/.exec(sent.body)![1]!;

    const s = await staffLogin('s');
    const list = await box.server.inject({ method: 'GET', url: '/admin/support', headers: { cookie: s.cookie } });
    expect(list.body).toContain(reference);
    expect(list.body).not.toMatch(/Grace|grace@|lost my tickets|ORD-/);
    expect(list.body).not.toContain(order.code);

    const noCsrf = await post('/admin/support/lookup', s.cookie, { reference, reason: 'Buyer lost the tickets' });
    expect(noCsrf.statusCode).toBe(403);
    const noReason = await post('/admin/support/lookup', s.cookie, { csrf: s.csrf, reference, reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Give the reason');
    expect(noReason.body).not.toContain(order.code);
    const noReference = await post('/admin/support/lookup', s.cookie, { csrf: s.csrf, reference: '', reason: 'Buyer lost the tickets' });
    expect(noReference.statusCode).toBe(400);
    expect(noReference.body).not.toContain(order.code);
    const view = await post('/admin/support/lookup', s.cookie, { csrf: s.csrf, reference, reason: 'Buyer lost the tickets' });
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain(order.code);
    expect(view.body).toContain('•••@navy.example');
    expect(view.body).not.toMatch(/Grace|grace@/);
    // A support member cannot open disclosures.
    expect((await box.server.inject({ method: 'GET', url: '/admin/disclosures', headers: { cookie: s.cookie } })).statusCode).toBe(403);
  });

  it('records a disclosure, needs a second admin to approve it, and downloads a package whose hash it states', async () => {
    const a = await staffLogin('a');
    const b = await staffLogin('b');
    const body = {
      csrf: a.csrf, kind: 'authority', authority: 'City Police', legalBasis: 'Court order 12/2027', reference: 'CP-77',
      orderIds: order.id, emails: '', fields: ['order_code', 'buyer_email'], from: '2027-02-01', to: '2027-03-01', notifyAllowed: 'yes',
    };
    const bad = await post('/admin/disclosures', a.cookie, { ...body, from: '2027-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('not a real date');
    const none = await post('/admin/disclosures', a.cookie, { ...body, orderIds: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Name at least one subject');
    const recorded = await post('/admin/disclosures', a.cookie, body);
    expect(recorded.statusCode).toBe(303);
    const url = recorded.headers.location!.split('?')[0]!;

    const mine = await box.server.inject({ method: 'GET', url, headers: { cookie: a.cookie } });
    expect(mine.body).toContain('a second administrator must approve');
    expect(mine.body).not.toContain('value="approve"');
    expect((await post(`${url}/decide`, a.cookie, { csrf: a.csrf, decision: 'approve' })).statusCode).toBe(403);
    expect((await post(`${url}/export`, a.cookie, { csrf: a.csrf })).statusCode).toBe(403);
    expect((await post(`${url}/decide`, b.cookie, { csrf: a.csrf, decision: 'approve' })).statusCode).toBe(403); // A's CSRF token is not B's
    expect((await post(`${url}/decide`, b.cookie, { csrf: b.csrf, decision: 'approve', note: 'Order verified' })).statusCode).toBe(303);

    const pkg = await post(`${url}/export`, a.cookie, { csrf: a.csrf });
    expect(pkg.statusCode).toBe(200);
    expect(pkg.headers['content-type']).toMatch(/^application\/json/);
    expect(pkg.headers['content-disposition']).toMatch(/^attachment; filename="disclosure-[0-9a-f-]+\.json"$/);
    expect(pkg.headers['x-package-sha256']).toBe(createHash('sha256').update(pkg.rawPayload).digest('hex'));
    const parsed = JSON.parse(pkg.body);
    expect(parsed.records).toEqual([{ order_code: order.code, buyer_email: 'grace@navy.example' }]);
    expect(parsed.manifest.scope.to).toBe('2027-03-02T00:00:00.000Z'); // the last day given is included
    const after = await box.server.inject({ method: 'GET', url, headers: { cookie: b.cookie } });
    expect(after.body).toContain(String(pkg.headers['x-package-sha256']));
  });
});
