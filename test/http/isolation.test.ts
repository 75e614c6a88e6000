import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDisclosure } from '../../src/app/disclosure.ts';
import { scanTicket } from '../../src/app/door.ts';
import { startMailing } from '../../src/app/mailings.ts';
import { createQuestion } from '../../src/app/questions.ts';
import { createVoucher } from '../../src/app/vouchers.ts';
import { buyerOrder } from '../../src/app/orders.ts';
import { createStaff, staffLogIn, staffSession } from '../../src/app/staff.ts';
import { requestSupport } from '../../src/app/support.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, staff } from '../support/subjects.ts';

/**
 * The tenant isolation matrix (issue 6, section 7). It reads the app's own route table, and every
 * route must either have a rule below (how to point it at producer A's resources, and what producer
 * B's session must get) or be listed as public with a reason. A route in neither list fails the
 * test by name. Then B's session asks every route for A's resources and must get 403 or 404 (or,
 * for B's own list pages, a 200 without any of A's data), and A's data must be unchanged afterwards.
 *
 * Seen to fail: with the producer check in src/app/producer.ts producerOrder removed, B's
 * GET /dashboard/orders/:id answers 200 with A's buyer on the page, and this test fails.
 */

/** What A has that B asks for. */
interface AIds {
  eventId: string; performanceId: string; orderId: string; orderCode: string; ticketId: string; ticketCode: string;
  mailingId: string; supportRequestId: string; supportReference: string; disclosureId: string;
  voucherId: string; voucherCode: string; questionId: string;
}

type Expectation =
  /** Refused: this status, and none of A's data. */
  | { denied: 403 | 404 }
  /** B's own list, page or file: 200, and none of A's data on it. */
  | { own: 200 }
  /** B's own account (no resource of anyone else in the request): anything but an error or a log-in redirect, and none of A's data. */
  | { self: true }
  /** The door's JSON scan: 200 with a verdict that says nothing about A's ticket. */
  | { verdict: readonly string[] };

/** `echoes`: what B typed into a search, which the page shows back in its search box; the other secrets must still be absent. */
interface Probe { url: string; body?: Record<string, string>; json?: unknown; expect: Expectation; echoes?: string }
type Rule = (a: AIds) => Probe[];

/** Every producer-facing, staff-facing and API route: how to fill it with A's resources, and what B gets. */
const RULES: Record<string, Rule> = {
  'GET /dashboard': (a) => [
    { url: '/dashboard', expect: { own: 200 } },
    { url: `/dashboard?q=${encodeURIComponent(a.orderCode)}`, expect: { own: 200 }, echoes: a.orderCode },
    { url: `/dashboard?q=${encodeURIComponent(BUYER.email)}`, expect: { own: 200 }, echoes: BUYER.email },
    { url: `/dashboard?q=${encodeURIComponent(BUYER.name)}`, expect: { own: 200 }, echoes: BUYER.name },
  ],
  'GET /dashboard/orders/:id': (a) => [{ url: `/dashboard/orders/${a.orderId}`, expect: { denied: 404 } }],
  'POST /dashboard/orders/:id/resend': (a) => [{ url: `/dashboard/orders/${a.orderId}/resend`, body: {}, expect: { denied: 404 } }],
  'POST /dashboard/orders/:id/refund': (a): Probe[] => [
    { url: `/dashboard/orders/${a.orderId}/refund`, body: { scope: 'all' }, expect: { denied: 404 } },
    { url: `/dashboard/orders/${a.orderId}/refund`, body: { scope: 'selected', ticketId: a.ticketId }, expect: { denied: 404 } },
  ],
  'POST /dashboard/orders/:id/tickets/:ticketId/name': (a) => [
    { url: `/dashboard/orders/${a.orderId}/tickets/${a.ticketId}/name`, body: { attendeeName: 'Hijacked Name' }, expect: { denied: 404 } },
  ],
  'GET /dashboard/performances/:id/cancel': (a) => [{ url: `/dashboard/performances/${a.performanceId}/cancel`, expect: { denied: 404 } }],
  'POST /dashboard/performances/:id/cancel': (a) => [{ url: `/dashboard/performances/${a.performanceId}/cancel`, body: { confirm: 'yes' }, expect: { denied: 404 } }],
  'GET /dashboard/exports': () => [{ url: '/dashboard/exports', expect: { own: 200 } }],
  'GET /dashboard/events/:eventId/attendees.csv': (a) => [{ url: `/dashboard/events/${a.eventId}/attendees.csv`, expect: { denied: 404 } }],
  'GET /dashboard/events/:eventId/attendees.xlsx': (a) => [{ url: `/dashboard/events/${a.eventId}/attendees.xlsx`, expect: { denied: 404 } }],
  'GET /dashboard/attendees.csv': () => [{ url: '/dashboard/attendees.csv', expect: { own: 200 } }],
  'GET /dashboard/attendees.xlsx': () => [{ url: '/dashboard/attendees.xlsx', expect: { own: 200 } }],
  'GET /dashboard/sales': () => [{ url: '/dashboard/sales', expect: { own: 200 } }],
  'GET /dashboard/mailings': () => [{ url: '/dashboard/mailings', expect: { own: 200 } }],
  'POST /dashboard/mailings': (a) => (['preview', 'test', 'send'] as const).map((action) => ({
    url: '/dashboard/mailings', body: { subject: 'Probe', body: 'Probe', kind: 'update', audience: a.eventId, action }, expect: { denied: 404 } as const,
  })),
  'GET /dashboard/mailings/:id': (a) => [{ url: `/dashboard/mailings/${a.mailingId}`, expect: { denied: 404 } }],
  // Discount codes and checkout questions (issue 6 §2): B lists only its own, and cannot make or switch off one for A's event.
  'GET /dashboard/vouchers': () => [{ url: '/dashboard/vouchers', expect: { own: 200 } }],
  'POST /dashboard/vouchers': (a) => [{
    url: '/dashboard/vouchers', body: { eventId: a.eventId, code: 'B-PROBE', kind: 'percent', percent: '50', maxUses: '5' }, expect: { denied: 404 },
  }],
  'POST /dashboard/vouchers/:id/disable': (a) => [{ url: `/dashboard/vouchers/${a.voucherId}/disable`, body: {}, expect: { denied: 404 } }],
  'GET /dashboard/questions': () => [{ url: '/dashboard/questions', expect: { own: 200 } }],
  'POST /dashboard/questions': (a) => [{
    url: '/dashboard/questions', body: { eventId: a.eventId, kind: 'text', label: 'Probe', purpose: 'A probe by another producer.' }, expect: { denied: 404 },
  }],
  'POST /dashboard/questions/:id/disable': (a) => [{ url: `/dashboard/questions/${a.questionId}/disable`, body: {}, expect: { denied: 404 } }],
  // The user's own two-factor set-up: no resource id in the request, so there is nothing of A's to point it at.
  'GET /dashboard/security': () => [{ url: '/dashboard/security', expect: { self: true } }],
  'POST /dashboard/security/totp': () => [{ url: '/dashboard/security/totp', body: {}, expect: { self: true } }],
  'POST /dashboard/security/totp/confirm': () => [{ url: '/dashboard/security/totp/confirm', body: { code: '000000' }, expect: { self: true } }],
  'POST /dashboard/security/totp/disable': () => [{ url: '/dashboard/security/totp/disable', body: { code: '000000' }, expect: { self: true } }],
  'GET /door': (a) => [
    { url: '/door', expect: { own: 200 } },
    { url: `/door?performanceId=${a.performanceId}`, expect: { own: 200 } },
  ],
  'POST /door': (a) => [{ url: '/door', body: { performanceId: a.performanceId, code: a.ticketCode }, expect: { denied: 404 } }],
  'POST /api/door/scan': (a) => [
    // B's key does not verify A's signature: the verdict names no ticket and no attendee, and nothing is checked in.
    { url: '/api/door/scan', json: { performanceId: a.performanceId, code: a.ticketCode }, expect: { verdict: ['bad_signature', 'unknown'] } },
  ],
  // The platform staff's console: a producer's session is refused, whatever it asks for.
  'GET /admin/support': () => [{ url: '/admin/support', expect: { denied: 403 } }],
  'POST /admin/support/lookup': (a) => [
    { url: '/admin/support/lookup', body: { reference: a.supportReference, reason: 'isolation probe by another producer', fullEmail: 'yes' }, expect: { denied: 403 } },
  ],
  'GET /admin/support/requests/:id': (a) => [{ url: `/admin/support/requests/${a.supportRequestId}`, expect: { denied: 403 } }],
  'POST /admin/support/requests/:id/close': (a) => [{ url: `/admin/support/requests/${a.supportRequestId}/close`, body: {}, expect: { denied: 403 } }],
  'GET /admin/disclosures': () => [{ url: '/admin/disclosures', expect: { denied: 403 } }],
  'POST /admin/disclosures': (a) => [{
    url: '/admin/disclosures',
    body: { kind: 'authority', authority: 'Probe', legalBasis: 'Probe', reference: 'P-1', orderIds: a.orderId, emails: '', fields: 'buyer_name', from: '2027-01-01', to: '2027-12-31' },
    expect: { denied: 403 },
  }],
  'GET /admin/disclosures/:id': (a) => [{ url: `/admin/disclosures/${a.disclosureId}`, expect: { denied: 403 } }],
  'POST /admin/disclosures/:id/decide': (a) => [{ url: `/admin/disclosures/${a.disclosureId}/decide`, body: { decision: 'approve', note: '' }, expect: { denied: 403 } }],
  'POST /admin/disclosures/:id/export': (a) => [{ url: `/admin/disclosures/${a.disclosureId}/export`, body: {}, expect: { denied: 403 } }],
};

/** Routes outside the matrix, each with the reason no producer session is involved. */
const PUBLIC: Record<string, string> = {
  'GET /': 'storefront: published events of every producer, by design',
  'GET /events/:slug': 'storefront: a published event page',
  'POST /events/:slug/hold': 'storefront: a buyer holds tickets',
  'GET /checkout/:holdId': "buyer's checkout, reached by the unguessable hold id",
  'POST /checkout/:holdId': "buyer's checkout, reached by the unguessable hold id",
  'POST /checkout/:holdId/voucher': "buyer's checkout (trying a discount code), reached by the unguessable hold id; writes nothing",
  'GET /payments/return/:provider': "the payment provider's signed return; verified by signature, not by session",
  'POST /payments/webhook/:provider': "the payment provider's signed webhook; verified by signature, not by session",
  'GET /orders/:orderId/:token': "buyer's secret order link (HMAC token)",
  'POST /orders/:orderId/:token/help': "buyer's secret order link (HMAC token)",
  'GET /orders/:orderId/:token/tickets.pdf': "buyer's secret order link (HMAC token)",
  'GET /orders/:orderId/:token/documents/:documentId.pdf': "buyer's secret order link (HMAC token)",
  'GET /privacy': 'the public privacy page',
  'GET /privacy/my-data': "a data subject's request form: it mails a link, shows nothing",
  'POST /privacy/my-data': "a data subject's request form: it mails a link, shows nothing",
  'GET /privacy/my-data/:token': "a data subject's sealed link",
  'GET /privacy/my-data/:token/data.json': "a data subject's sealed link",
  'POST /privacy/my-data/:token/correct': "a data subject's sealed link",
  'POST /privacy/my-data/:token/consent': "a data subject's sealed link",
  'POST /privacy/my-data/:token/erase': "a data subject's sealed link",
  'GET /privacy/consent/:orderId/:token': "buyer's secret consent link (order id and token)",
  'POST /privacy/consent/:orderId/:token': "buyer's secret consent link (order id and token)",
  'GET /unsubscribe/:token': 'sealed one-click unsubscribe link (RFC 8058)',
  'POST /unsubscribe/:token': 'sealed one-click unsubscribe link (RFC 8058)',
  'GET /assets/:name': 'static assets',
  'GET /favicon.ico': 'static asset redirect',
  'GET /api/health': 'health check, no data',
  'GET /login': 'log-in form',
  'POST /login': 'log-in',
  'POST /login/code': 'second log-in step; carries a sealed challenge, no session yet',
  'GET /login/forgot': 'password reset request form',
  'POST /login/forgot': 'password reset request; same answer for every address',
  'GET /login/reset/:token': 'single-use password reset link',
  'POST /login/reset/:token': 'single-use password reset link',
  'POST /logout': "ends the caller's own session; takes no resource id",
  'GET /admin': 'a redirect to /admin/support, which is in the matrix',
  'GET /admin/login': 'platform staff log-in form',
  'POST /admin/login': 'platform staff log-in',
  'POST /admin/logout': "ends the caller's own staff session; takes no resource id",
  'GET /testpay/pay/:id': "the built-in test payment provider's card page (stands for the provider's site)",
  'POST /testpay/pay/:id': "the built-in test payment provider's card page (stands for the provider's site)",
  'GET /dev/mailbox': 'development mailbox: mounted only without SMTP, answers only loopback (test/http/pages.test.ts)',
  'GET /dev/mailbox/:id': 'development mailbox: mounted only without SMTP, answers only loopback',
  'GET /dev/mailbox/:id/raw.eml': 'development mailbox: mounted only without SMTP, answers only loopback',
  'GET /dev/mailbox/:id/attachments/:n': 'development mailbox: mounted only without SMTP, answers only loopback',
};

const BUYER = { name: 'Zebedee Quillfeather', email: 'zebedee.quillfeather@a-buyers.example' };
const A_NAME = 'Aardvark Playhouse';
const A_VOUCHER = 'AARDVARK-FRIENDS';
const A_QUESTION = 'Do you need step-free access?';

/** "METHOD /path" for every route the app serves (HEAD is Fastify's automatic twin of GET), from its printed route tree. */
function routeTable(server: FastifyInstance): string[] {
  const routes = new Set<string>();
  const prefixes: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const branch = line.indexOf('── ');
    if (branch < 0) continue;
    const start = branch + 3;
    const depth = start / 4 - 1;
    const m = /^(\S+)(?: \(([^)]*)\))?$/.exec(line.slice(start).trim());
    if (!Number.isInteger(depth) || !m) throw new Error(`cannot read the route tree line: ${line}`);
    const path = (depth > 0 ? prefixes[depth - 1]! : '') + m[1]!;
    prefixes.length = depth;
    prefixes.push(path);
    for (const method of (m[2] ?? '').split(', ').filter((x) => x !== '' && x !== 'HEAD')) routes.add(`${method} ${path}`);
  }
  return [...routes].sort();
}

describe('tenant isolation matrix', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: AIds;
  let aProducerId: string;
  let aUserId: string;
  let aLogin: { email: string; password: string };
  let cookieB: string;
  let csrfB: string;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    const pa = await producerWithEvent(box, { name: A_NAME });
    const pb = await producerWithEvent(box, { name: 'Bittern Theatre' });
    aProducerId = pa.producerId;
    aUserId = pa.userId;
    aLogin = { email: pa.email, password: pa.password };
    // B has a buyer of its own, so its lists and exports are not empty.
    await buy(box, pb, { buyerName: 'Bea Other', buyerEmail: 'bea.other@b-buyers.example', marketingConsent: true }, 1);
    const order = await buy(box, pa, { buyerName: BUYER.name, buyerEmail: BUYER.email, marketingConsent: true }, 2);
    const token = box.deps.keys.orderLinkToken(order.id);
    const view = await buyerOrder(box.deps, order.id, token);
    if (!view.ok) throw new Error(view.message);
    const [checkedIn, kept] = view.value.tickets;
    const ownerA = await staff(box, pa);
    const scanned = await scanTicket(box.deps, ownerA, { code: checkedIn!.code, performanceId: pa.performance.id });
    expect(scanned.kind).toBe('valid');
    const mailing = await startMailing(box.deps, ownerA, { subject: 'A private update', body: 'Doors at seven.', kind: 'update', eventId: pa.event.eventId });
    if (!mailing.ok) throw new Error(mailing.message);
    const help = await requestSupport(box.deps, order.id, token, 'I lost my tickets, please help.');
    if (!help.ok) throw new Error(help.message);
    const support = await box.db.selectFrom('supportRequests').where('reference', '=', help.value.reference).select('id').executeTakeFirstOrThrow();
    const admin = await createStaff(box.deps, { email: 'admin@platform.test', name: 'Platform Admin', role: 'admin' });
    if (!admin.ok) throw new Error(admin.message);
    const adminLogIn = await staffLogIn(box.deps, 'admin@platform.test', admin.value.password);
    if (!adminLogIn.ok) throw new Error(adminLogIn.message);
    const disclosure = await recordDisclosure(box.deps, (await staffSession(box.deps, adminLogIn.value.token))!, {
      kind: 'authority', authority: 'Police', legalBasis: 'Court order', reference: 'R-1', orderIds: [order.id], emails: [], fields: ['buyer_name'],
      from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z'), notifyAllowed: false,
    });
    if (!disclosure.ok) throw new Error(disclosure.message);
    const voucher = await createVoucher(box.deps, ownerA, {
      eventId: pa.event.eventId, code: A_VOUCHER, kind: 'percent', percent: 20, amountMinor: null, ticketTypeNames: [], maxUses: 3, validUntil: null,
    });
    if (!voucher.ok) throw new Error(voucher.message);
    const question = await createQuestion(box.deps, ownerA, {
      eventId: pa.event.eventId, kind: 'text', label: A_QUESTION, purpose: 'So that A can seat wheelchair users well.', required: false, choices: [],
    });
    if (!question.ok) throw new Error(question.message);
    a = {
      eventId: pa.event.eventId, performanceId: pa.performance.id, orderId: order.id, orderCode: order.code, ticketId: kept!.id, ticketCode: kept!.code,
      mailingId: mailing.value.id, supportRequestId: support.id, supportReference: help.value.reference, disclosureId: disclosure.value.id,
      voucherId: voucher.value.id, voucherCode: A_VOUCHER, questionId: question.value.id,
    };

    const login = await box.server.inject({
      method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: pb.email, password: pb.password, next: '/dashboard' }).toString(),
    });
    expect(login.statusCode).toBe(303);
    cookieB = String(login.headers['set-cookie']).split(';')[0]!;
    const page = await box.server.inject({ method: 'GET', url: '/dashboard', headers: { cookie: cookieB } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Bea Other');
    csrfB = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  /** A's data as rows, to see that nothing B asked for changed it. */
  const snapshotOfA = async () => ({
    order: await box.db.selectFrom('orders').where('id', '=', a.orderId).select(['status', 'buyerName', 'buyerEmail', 'marketingConsent']).executeTakeFirstOrThrow(),
    tickets: await box.db.selectFrom('tickets').where('orderId', '=', a.orderId).select(['id', 'attendeeName', 'status']).orderBy('id').execute(),
    performance: await box.db.selectFrom('performances').where('id', '=', a.performanceId).select(['cancelledAt', 'startsAt']).executeTakeFirstOrThrow(),
    mails: await box.db.selectFrom('mails').where('orderId', '=', a.orderId).select(['id', 'kind']).orderBy('id').execute(),
    mailings: await box.db.selectFrom('mailings').where('producerId', '=', aProducerId).select(['id', 'subject']).orderBy('id').execute(),
    checkIns: await box.db.selectFrom('checkIns').where('performanceId', '=', a.performanceId).select(['ticketId']).orderBy('ticketId').execute(),
    refunds: await box.db.selectFrom('refunds').selectAll().execute(),
    support: await box.db.selectFrom('supportRequests').where('id', '=', a.supportRequestId).select('status').executeTakeFirstOrThrow(),
    disclosure: await box.db.selectFrom('disclosureRequests').where('id', '=', a.disclosureId).select(['status', 'lastExportHash']).executeTakeFirstOrThrow(),
    disclosures: await box.db.selectFrom('disclosureRequests').select('id').orderBy('id').execute(),
    totpOfA: await box.db.selectFrom('userTotp').where('userId', '=', aUserId).select('userId').execute(),
    vouchers: await box.db.selectFrom('vouchers').select(['id', 'producerId', 'code', 'disabledAt']).orderBy('id').execute(),
    questions: await box.db.selectFrom('checkoutQuestions').select(['id', 'producerId', 'label', 'disabledAt']).orderBy('id').execute(),
  });

  /** The response as text a person could read: an XLSX is unpacked into its cells. */
  async function readable(res: LightMyRequestResponse): Promise<string> {
    if (!String(res.headers['content-type'] ?? '').includes('spreadsheetml')) return res.body;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => { cells.push(String(cell.text)); })));
    expect(cells.length, 'the XLSX was read').toBeGreaterThan(0);
    return cells.join('\n');
  }

  it('has an isolation rule or a public reason for every route in the route table, and no rule for a route that is gone', () => {
    const table = routeTable(box.server);
    expect(table.length).toBeGreaterThan(40);
    expect(table).toContain('GET /dashboard/orders/:id');
    const unruled = table.filter((r) => !(r in RULES) && !(r in PUBLIC)).map((r) => `${r}: new route without an isolation rule`);
    expect(unruled).toEqual([]);
    const both = table.filter((r) => r in RULES && r in PUBLIC);
    expect(both).toEqual([]);
    const stale = [...Object.keys(RULES), ...Object.keys(PUBLIC)].filter((r) => !table.includes(r)).map((r) => `${r}: rule for a route the app does not serve`);
    expect(stale).toEqual([]);
  });

  it("refuses producer B every one of producer A's resources, shows B none of A's data, and changes nothing of A's", async () => {
    const before = await snapshotOfA();
    const secrets = [BUYER.name, BUYER.email, a.orderCode, A_VOUCHER, A_QUESTION, (await box.db.selectFrom('events').where('id', '=', a.eventId).select('title').executeTakeFirstOrThrow()).title, A_NAME];
    const failures: string[] = [];
    let probes = 0;
    for (const [route, rule] of Object.entries(RULES)) {
      const method = route.split(' ')[0] as 'GET' | 'POST';
      for (const probe of rule(a)) {
        probes++;
        const res = await box.server.inject(
          probe.json !== undefined
            ? { method, url: probe.url, headers: { cookie: cookieB, 'content-type': 'application/json' }, payload: JSON.stringify(probe.json) }
            : method === 'POST'
              ? { method, url: probe.url, headers: { cookie: cookieB, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...probe.body, csrf: csrfB }).toString() }
              : { method, url: probe.url, headers: { cookie: cookieB } },
        );
        const where = `${method} ${probe.url} (${route})`;
        const location = String(res.headers.location ?? '');
        if (res.statusCode >= 300 && res.statusCode < 400 && location.startsWith('/login')) failures.push(`${where}: B's session was not accepted (redirect to ${location})`);
        const e = probe.expect;
        if ('denied' in e && res.statusCode !== e.denied) failures.push(`${where}: expected ${e.denied}, got ${res.statusCode}`);
        if ('own' in e && res.statusCode !== 200) failures.push(`${where}: expected B's own 200, got ${res.statusCode}`);
        if ('self' in e && (res.statusCode >= 500 || (res.statusCode >= 300 && res.statusCode < 400 && !location.startsWith('/dashboard/security')))) {
          failures.push(`${where}: expected B's own account page, got ${res.statusCode} ${location}`);
        }
        if ('verdict' in e) {
          const kind = res.statusCode === 200 ? (res.json() as { verdict?: { kind?: string } }).verdict?.kind : undefined;
          if (!kind || !e.verdict.includes(kind)) failures.push(`${where}: expected a verdict of ${e.verdict.join(' or ')}, got ${res.statusCode} ${res.body}`);
        }
        const text = await readable(res);
        for (const s of secrets) if (s !== probe.echoes && text.includes(s)) failures.push(`${where}: the response shows A's ${JSON.stringify(s)}`);
      }
    }
    expect(probes).toBeGreaterThan(Object.keys(RULES).length);
    expect(failures).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it("A's own session does reach these resources, so the matrix is not passing for a broken reason", async () => {
    const login = await box.server.inject({
      method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: aLogin.email, password: aLogin.password, next: '/dashboard' }).toString(),
    });
    expect(login.statusCode).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const get = (url: string) => box.server.inject({ method: 'GET', url, headers: { cookie } });
    const detail = await get(`/dashboard/orders/${a.orderId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(BUYER.name);
    expect(detail.body).toContain(a.orderCode);
    const csv = await get(`/dashboard/events/${a.eventId}/attendees.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(BUYER.email);
    expect((await get(`/dashboard/performances/${a.performanceId}/cancel`)).statusCode).toBe(200);
    const mailing = await get(`/dashboard/mailings/${a.mailingId}`);
    expect(mailing.statusCode).toBe(200);
    expect(mailing.body).toContain('A private update');
    expect((await get('/dashboard')).body).toContain(BUYER.email);
    expect((await get('/dashboard/vouchers')).body).toContain(A_VOUCHER);
    expect((await get('/dashboard/questions')).body).toContain(A_QUESTION);
  });
});
