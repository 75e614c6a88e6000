import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, logOut, sessionUser } from '../../src/app/auth.ts';
import { startCheckout } from '../../src/app/checkout.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { scanTicket } from '../../src/app/door.ts';
import { checkoutView, placeHold } from '../../src/app/holds.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { buyerOrder, ticketPdf } from '../../src/app/orders.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { producerOrders } from '../../src/app/producer.ts';
import { eventPage, listUpcomingEvents } from '../../src/app/storefront.ts';
import { transact } from '../../src/app/transact.ts';
import { fail, ok } from '../../src/domain/errors.ts';
import { money } from '../../src/domain/money.ts';
import { encodeTicketCode } from '../../src/domain/ticketCode.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { BUYER, checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

const MINUTE = 60_000;

/** The use-case suite: every case runs on embedded PGlite and on PostgreSQL, with the same SQL. */
describe.each(DB_KINDS)('use cases on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  beforeAll(async () => {
    // More connections than places left, so that an unlocked count would oversell.
    tdb = await freshDatabase(kind, { poolSize: 25 });
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  async function availability(slug: string) {
    const e = await eventPage(box.deps, slug);
    if (!e.ok) throw new Error(e.message);
    return Object.fromEntries(e.value.performances[0]!.ticketTypes.map((t) => [t.name, t.available]));
  }

  async function sessionFor(p: { email: string; password: string }): Promise<SessionUser> {
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  }

  async function paidOrder(p: Awaited<ReturnType<typeof producerWithEvent>>, quantity = 2) {
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity }] });
    if (!hold.ok) throw new Error(hold.message);
    const result = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'paid'));
    if (!result.ok) throw new Error(result.message);
    return { holdId: hold.value.holdId, order: result.value.order };
  }

  it('lists upcoming published events with their live availability', async () => {
    const p = await producerWithEvent(box);
    const events = await listUpcomingEvents(box.deps);
    expect(events.map((e) => e.slug)).toContain(p.slug);
    expect(await availability(p.slug)).toEqual({ Adult: 10, Student: 5 });
    expect((await eventPage(box.deps, 'no-such-event')).ok).toBe(false);
  });

  it('a hold takes places off sale, and says how many are left when there are too few', async () => {
    const p = await producerWithEvent(box);
    const [adult, student] = p.performance.ticketTypeIds as [string, string];
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: adult, quantity: 3 }, { ticketTypeId: student, quantity: 1 }] });
    expect(hold.ok).toBe(true);
    expect(await availability(p.slug)).toEqual({ Adult: 7, Student: 4 });

    const tooMany = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: student, quantity: 5 }] });
    expect(tooMany).toMatchObject({ ok: false, code: 'sold_out', message: 'Only 4 Student tickets are left.' });
    expect(await availability(p.slug)).toEqual({ Adult: 7, Student: 4 });
  });

  it('refuses a ticket type of another performance, and bad quantities, without writing anything', async () => {
    const p = await producerWithEvent(box);
    const other = await producerWithEvent(box);
    const before = await sql<{ n: number }>`select count(*)::int as n from holds`.execute(box.db);
    const foreign = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: other.performance.ticketTypeIds[0]!, quantity: 1 }] });
    expect(foreign).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 11 }] })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [] })).toMatchObject({ ok: false, code: 'invalid_input' });
    const after = await sql<{ n: number }>`select count(*)::int as n from holds`.execute(box.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('an expired hold returns its tickets to sale and can no longer be checked out', async () => {
    const p = await producerWithEvent(box);
    const adult = p.performance.ticketTypeIds[0]!;
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: adult, quantity: 4 }] });
    if (!hold.ok) throw new Error(hold.message);
    expect(hold.value.expiresAt.getTime() - box.clock.now().getTime()).toBe(10 * MINUTE);
    box.clock.advance(9 * MINUTE);
    expect((await availability(p.slug)).Adult).toBe(6);
    expect((await checkoutView(box.deps, hold.value.holdId)).ok && (await checkoutView(box.deps, hold.value.holdId))).toMatchObject({ value: { live: true } });
    box.clock.advance(1 * MINUTE);
    expect((await availability(p.slug)).Adult).toBe(10);
    expect(await startCheckout(box.deps, hold.value.holdId, BUYER)).toMatchObject({ ok: false, code: 'hold_expired' });
  });

  it('a web process with SEND_MAIL=false queues the confirmation with the order and leaves sending to the process that sends', async () => {
    const web = await testBoxOffice(tdb.db, { settings: { SEND_MAIL: 'false' } });
    let open = true;
    try {
      const p = await producerWithEvent(web);
      const hold = await placeHold(web.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
      if (!hold.ok) throw new Error(hold.message);
      const outbox = async () => (await sql<{ n: number }>`select count(*)::int as n from dev_outbox`.execute(tdb.db)).rows[0]!.n;
      const before = await outbox();
      const paid = await confirmPaymentReturn(web.deps, await checkoutAndSettle(web, hold.value.holdId, 'paid', { ...BUYER, buyerEmail: 'web.process@example.org' }));
      if (!paid.ok) throw new Error(paid.message);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a dispatch started by the payment would be under way by now
      const mail = () => tdb.db.selectFrom('mails').where('orderId', '=', paid.value.order.id).select(['kind', 'status']).execute();
      expect(await mail()).toEqual([{ kind: 'order_confirmation', status: 'queued' }]);
      expect(await outbox()).toBe(before);
      // Nor does it send the outbox as it shuts down.
      await web.close();
      open = false;
      expect(await mail()).toEqual([{ kind: 'order_confirmation', status: 'queued' }]);
      // The process that sends mail (box, SEND_MAIL defaults to true) renders and sends it.
      await dispatchMails(box.deps);
      expect(await mail()).toEqual([{ kind: 'order_confirmation', status: 'sent' }]);
      expect(await outbox()).toBe(before + 1);
    } finally {
      if (open) await web.close();
    }
  });

  it('a paid payment issues exactly the held tickets, once, and mails them', async () => {
    const p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 2 }] });
    if (!hold.ok) throw new Error(hold.message);
    const params = await checkoutAndSettle(box, hold.value.holdId, 'paid', { ...BUYER, marketingConsent: true });
    const outboxBefore = await sql<{ n: number }>`select count(*)::int as n from dev_outbox`.execute(box.db);

    // The callback arrives twice at once, then once more: one order, one set of tickets, one mail.
    const results = await Promise.all([confirmPaymentReturn(box.deps, params), confirmPaymentReturn(box.deps, params)]);
    const again = await confirmPaymentReturn(box.deps, params);
    for (const r of [...results, again]) expect(r).toMatchObject({ ok: true, value: { outcome: 'paid' } });
    const order = results[0]!.ok ? results[0]!.value.order : null;
    expect(order).toMatchObject({ status: 'paid', marketingConsent: true, buyerName: BUYER.buyerName });

    const tickets = await box.deps.store.tickets.byOrder(order!.id);
    expect(tickets).toHaveLength(2);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(2);
    expect((await availability(p.slug)).Adult).toBe(8);

    await dispatchMails(box.deps);
    const mails = await box.db.selectFrom('mails').where('orderId', '=', order!.id).selectAll().execute();
    expect(mails).toMatchObject([{ kind: 'order_confirmation', status: 'sent' }]);
    const outboxAfter = await sql<{ n: number }>`select count(*)::int as n from dev_outbox`.execute(box.db);
    expect(outboxAfter.rows[0]!.n - outboxBefore.rows[0]!.n).toBe(1);
    const message = await box.db.selectFrom('devOutbox').where('toAddress', '=', BUYER.buyerEmail).orderBy('createdAt', 'desc').selectAll().executeTakeFirstOrThrow();
    const raw = Buffer.from(message.raw).toString('utf8');
    expect(raw).toContain('application/pdf');
    expect(message.textBody).toContain(`/orders/${order!.id}/${box.deps.keys.orderLinkToken(order!.id)}`);

    const view = await buyerOrder(box.deps, order!.id, box.deps.keys.orderLinkToken(order!.id));
    expect(view.ok && view.value.tickets.length).toBe(2);
    const pdf = await ticketPdf(box.deps, order!.id, box.deps.keys.orderLinkToken(order!.id));
    expect(pdf.ok && pdf.value.pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a forged or altered payment callback and changes nothing', async () => {
    const p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    const params = await checkoutAndSettle(box, hold.value.holdId, 'paid');
    expect(await confirmPaymentReturn(box.deps, { ...params, amount: '1' })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(await confirmPaymentReturn(box.deps, { ...params, sig: randomBytes(32).toString('base64url') })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(await confirmPaymentReturn(box.deps, { ...params, sig: undefined })).toMatchObject({ ok: false, code: 'bad_signature' });
    const order = await box.deps.store.orders.byHold(hold.value.holdId);
    expect(order?.status).toBe('pending');
    expect(await box.deps.store.tickets.byOrder(order!.id)).toHaveLength(0);
  });

  it('a declined card keeps the hold, and the buyer can pay again', async () => {
    const p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 2 }] });
    if (!hold.ok) throw new Error(hold.message);
    const declined = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'declined'));
    expect(declined).toMatchObject({ ok: true, value: { outcome: 'declined', order: { status: 'pending' } } });
    expect((await availability(p.slug)).Adult).toBe(8);
    const view = await checkoutView(box.deps, hold.value.holdId);
    expect(view.ok && view.value.live).toBe(true);
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'paid'));
    expect(paid).toMatchObject({ ok: true, value: { outcome: 'paid', order: { status: 'paid' } } });
    const payments = await box.db.selectFrom('payments').where('orderId', '=', paid.ok ? paid.value.order.id : '').select('status').orderBy('createdAt').execute();
    expect(payments.map((x) => x.status).sort()).toEqual(['failed', 'paid']);
  });

  it('a payment after the hold expired is honoured while the places are free', async () => {
    const p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[1]!, quantity: 2 }] });
    if (!hold.ok) throw new Error(hold.message);
    const params = await checkoutAndSettle(box, hold.value.holdId, 'paid');
    box.clock.advance(15 * MINUTE);
    const result = await confirmPaymentReturn(box.deps, params);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'paid', order: { status: 'paid' } } });
    expect((await availability(p.slug)).Student).toBe(3);
  });

  it('a payment after the hold expired is refunded when the places were sold meanwhile, never kept without tickets', async () => {
    const p = await producerWithEvent(box);
    const student = p.performance.ticketTypeIds[1]!;
    const late = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: student, quantity: 3 }] });
    if (!late.ok) throw new Error(late.message);
    const params = await checkoutAndSettle(box, late.value.holdId, 'paid');
    box.clock.advance(11 * MINUTE);
    const other = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: student, quantity: 5 }] });
    expect(other.ok).toBe(true);
    const result = await confirmPaymentReturn(box.deps, params);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'refunded', order: { status: 'expired' } } });
    const order = result.ok ? result.value.order : null;
    expect(await box.deps.store.tickets.byOrder(order!.id)).toHaveLength(0);
    const payment = await box.deps.store.payments.byProviderRef('test', params.ref!);
    expect(payment?.status).toBe('refunded');
    const session = await box.testProvider.session(params.ref!);
    expect(session?.status).toBe('refunded');
  });

  it('an order is paid at most once: a second paid payment for it is refunded', async () => {
    const p = await producerWithEvent(box);
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    // Two tabs: two payment sessions opened for the same order, both paid.
    const first = await startCheckout(box.deps, hold.value.holdId, BUYER);
    const second = await startCheckout(box.deps, hold.value.holdId, BUYER);
    if (!first.ok || !second.ok) throw new Error('checkout failed');
    const settle = async (url: string) =>
      Object.fromEntries(new URL(await box.testProvider.complete(new URL(url).pathname.split('/').pop()!, 'paid')).searchParams);
    const a = await confirmPaymentReturn(box.deps, await settle(first.value.redirectUrl));
    const b = await confirmPaymentReturn(box.deps, await settle(second.value.redirectUrl));
    expect(a).toMatchObject({ ok: true, value: { outcome: 'paid' } });
    expect(b).toMatchObject({ ok: true, value: { outcome: 'refunded', order: { status: 'paid' } } });
    const orderId = a.ok ? a.value.order.id : '';
    expect(await box.deps.store.tickets.byOrder(orderId)).toHaveLength(1);
    const statuses = await box.db.selectFrom('payments').where('orderId', '=', orderId).select('status').execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(['paid', 'refunded']);
  });

  it('the door checks a ticket in once, and tells every other case apart', async () => {
    const p = await producerWithEvent(box, { performances: 2 });
    const { order } = await paidOrder(p, 1);
    const door = await sessionFor(p);
    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    const code = view.ok ? view.value.tickets[0]!.code : '';
    const performanceId = p.performance.id;

    expect(await scanTicket(box.deps, door, { code, performanceId: p.event.performances[1]!.id })).toMatchObject({ kind: 'wrong_event' });
    expect(await scanTicket(box.deps, door, { code, performanceId })).toMatchObject({ kind: 'valid', attendeeName: BUYER.buyerName, ticketTypeName: 'Adult' });
    box.clock.advance(MINUTE);
    const second = await scanTicket(box.deps, door, { code, performanceId });
    expect(second).toMatchObject({ kind: 'already_checked_in' });
    expect(second.kind === 'already_checked_in' && second.checkedInAt.getTime()).toBe(box.clock.now().getTime() - MINUTE);

    const tampered = `${code.slice(0, 5)}${code[5] === 'A' ? 'B' : 'A'}${code.slice(6)}`;
    expect(await scanTicket(box.deps, door, { code: tampered, performanceId })).toMatchObject({ kind: 'bad_signature' });
    const { privateKey } = box.deps.keys.ticketSigningKey(p.producerId);
    const genuineButUnknown = encodeTicketCode({ ticketId: randomBytes(9).toString('base64url'), performanceNumber: 1 }, privateKey);
    expect(await scanTicket(box.deps, door, { code: genuineButUnknown, performanceId })).toMatchObject({ kind: 'unknown' });
    expect(await scanTicket(box.deps, door, { code: 'not a code', performanceId })).toMatchObject({ kind: 'unknown' });
  });

  it('two doors scanning the same ticket at once admit it exactly once', async () => {
    const p = await producerWithEvent(box);
    const { order } = await paidOrder(p, 1);
    const door = await sessionFor(p);
    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    const code = view.ok ? view.value.tickets[0]!.code : '';
    const verdicts = await Promise.all(Array.from({ length: 6 }, () => scanTicket(box.deps, door, { code, performanceId: p.performance.id })));
    expect(verdicts.filter((v) => v.kind === 'valid')).toHaveLength(1);
    expect(verdicts.filter((v) => v.kind === 'already_checked_in')).toHaveLength(5);
  });

  it('a producer sees only its own orders, and cannot check in another producer\'s tickets', async () => {
    const a = await producerWithEvent(box);
    const b = await producerWithEvent(box);
    const { order } = await paidOrder(a, 1);
    const userA = await sessionFor(a);
    const userB = await sessionFor(b);
    expect((await producerOrders(box.deps, userA)).map((o) => o.id)).toContain(order.id);
    const bOrders = await producerOrders(box.deps, userB);
    expect(bOrders.map((o) => o.id)).not.toContain(order.id);
    expect(JSON.stringify(bOrders)).not.toContain(BUYER.buyerEmail);

    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    const code = view.ok ? view.value.tickets[0]!.code : '';
    expect(await scanTicket(box.deps, userB, { code, performanceId: a.performance.id })).toMatchObject({ kind: 'bad_signature' });
    // Even a code signed with B's own key for A's ticket id reveals nothing.
    const forged = encodeTicketCode({ ticketId: view.ok ? view.value.tickets[0]!.id : '', performanceNumber: 1 }, box.deps.keys.ticketSigningKey(b.producerId).privateKey);
    expect(await scanTicket(box.deps, userB, { code: forged, performanceId: a.performance.id })).toEqual({ kind: 'unknown' });
    expect(await box.db.selectFrom('checkIns').where('ticketId', '=', view.ok ? view.value.tickets[0]!.id : '').selectAll().execute()).toHaveLength(0);
  });

  it('an order link with a wrong token shows nothing', async () => {
    const p = await producerWithEvent(box);
    const { order } = await paidOrder(p, 1);
    expect(await buyerOrder(box.deps, order.id, 'x'.repeat(32))).toMatchObject({ ok: false, code: 'not_found' });
    expect(await ticketPdf(box.deps, order.id, '')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('log-in: a wrong password fails, a session ends at log-out', async () => {
    const p = await producerWithEvent(box);
    expect(await logIn(box.deps, p.email, 'wrong')).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await logIn(box.deps, 'nobody@example.org', p.password)).toMatchObject({ ok: false, code: 'unauthenticated' });
    const r = await logIn(box.deps, p.email.toUpperCase(), p.password);
    if (!r.ok) throw new Error(r.message);
    expect(await sessionUser(box.deps, r.value.token)).toMatchObject({ producerId: p.producerId });
    const stored = await box.db.selectFrom('sessions').select('tokenHash').execute();
    expect(stored.map((s) => s.tokenHash)).not.toContain(r.value.token);
    await logOut(box.deps, r.value.token);
    expect(await sessionUser(box.deps, r.value.token)).toBeNull();
  });

  it('a failure inside a transaction leaves no partial write', async () => {
    const p = await producerWithEvent(box);
    const id = '00000000-0000-4000-8000-000000000001';
    const result = await transact(box.deps.store, async (tx) => {
      const ticketTypeId = p.performance.ticketTypeIds[0]!;
      const taken = await tx.inventory.reserveHold({ id, performanceId: p.performance.id, createdAt: box.clock.now(), expiresAt: box.clock.now() }, [{ ticketTypeId, quantity: 1, unitPrice: money(2500, 'GBP'), taxRateBp: 0, taxInclusive: true }], [{ quotaId: ticketTypeId, quantity: 1 }]);
      expect(taken.short).toEqual([]);
      return fail('conflict', 'changed my mind');
    });
    expect(result).toMatchObject({ ok: false, code: 'conflict' });
    expect(await box.deps.store.holds.get(id)).toBeNull();
    expect((await box.deps.store.inventory.audit(p.performance.id, box.clock.now())).find((q) => q.quotaId === p.performance.ticketTypeIds[0])).toMatchObject({ held: 0, heldFromRows: 0 });
    expect(await transact(box.deps.store, async () => ok(1))).toEqual({ ok: true, value: 1 });
  });

  it('50 buyers racing for the last 10 tickets get exactly 10 holds, and a clear "sold out" for the rest', async () => {
    const p = await producerWithEvent(box, { ticketTypes: [{ name: 'Last ones', priceMinor: 1000, currency: 'EUR', capacity: 10 }] });
    const ticketTypeId = p.performance.ticketTypeIds[0]!;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId, quantity: 1 }] })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r).toMatchObject({ code: 'sold_out', message: 'Last ones is sold out.' });
    const held = await sql<{ n: number }>`select coalesce(sum(hi.quantity), 0)::int as n from hold_items hi where hi.ticket_type_id = ${ticketTypeId}`.execute(box.db);
    expect(held.rows[0]!.n).toBe(10);
  });

  it('does not log buyer names, emails or tokens', async () => {
    const p = await producerWithEvent(box);
    const buyer = { buyerName: 'Grace Hopper-Logcheck', buyerEmail: 'grace.logcheck@example.org', marketingConsent: true };
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    const result = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'paid', buyer));
    await dispatchMails(box.deps);
    const logs = box.logs.text();
    expect(logs).toContain(result.ok ? result.value.order.id : 'missing');
    expect(logs).not.toContain(buyer.buyerName);
    expect(logs).not.toContain(buyer.buyerEmail);
    expect(logs).not.toContain(box.deps.keys.orderLinkToken(result.ok ? result.value.order.id : ''));
  });
});
