import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { scanTicket } from '../../src/app/door.ts';
import { placeHold } from '../../src/app/holds.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { buyerOrder, ticketPdf } from '../../src/app/orders.ts';
import { confirmPaymentReturn, receivePaymentWebhook } from '../../src/app/payments.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { reconcilePayments } from '../../src/app/reconcile.ts';
import { cancelPerformance, refundOrder } from '../../src/app/refunds.ts';
import { eventPage } from '../../src/app/storefront.ts';
import { startCheckout } from '../../src/app/checkout.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { BUYER, checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

const MINUTE = 60_000;

/** Payments after the sale: webhooks, refunds, cancellations, reconciliation. On PGlite and PostgreSQL. */
describe.each(DB_KINDS)('payments and refunds on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 20 });
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  type Producer = Awaited<ReturnType<typeof producerWithEvent>>;

  async function staff(p: Producer): Promise<SessionUser> {
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  }

  async function hold(p: Producer, quantity: number, typeIndex = 0) {
    const h = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[typeIndex]!, quantity }] });
    if (!h.ok) throw new Error(h.message);
    return h.value.holdId;
  }

  /** Opens a provider session for a hold without paying it yet. */
  async function openSession(holdId: string) {
    const started = await startCheckout(box.deps, holdId, BUYER);
    if (!started.ok) throw new Error(started.message);
    const sessionId = new URL(started.value.redirectUrl).pathname.split('/').pop()!;
    const order = (await box.deps.store.orders.byHold(holdId))!;
    return { sessionId, order };
  }

  async function paid(p: Producer, quantity: number) {
    const params = await checkoutAndSettle(box, await hold(p, quantity), 'paid');
    const r = await confirmPaymentReturn(box.deps, params);
    if (!r.ok) throw new Error(r.message);
    return r.value.order;
  }

  const ticketCount = async (orderId: string) => (await box.deps.store.tickets.byOrder(orderId)).length;
  const mailsOf = (orderId: string) => box.db.selectFrom('mails').where('orderId', '=', orderId).select(['kind', 'status']).execute();

  it('the same webhook five times at once, out of order with its siblings, gives one order, one set of tickets, one mail', async () => {
    const p = await producerWithEvent(box);
    const { sessionId, order } = await openSession(await hold(p, 2));
    // The provider's events: a decline, then the success (the buyer retried on its page).
    const failed = await box.testProvider.webhook(sessionId, 'payment.failed');
    await box.testProvider.complete(sessionId, 'paid');
    const paidHook = await box.testProvider.webhook(sessionId, 'payment.paid');
    const deliveries = [paidHook, paidHook, failed, paidHook, paidHook, paidHook, failed];
    const results = await Promise.all(deliveries.map((d) => receivePaymentWebhook(box.deps, Buffer.from(d.body), d.headers)));
    for (const r of results) expect(r.ok).toBe(true);
    expect((await box.deps.store.orders.byId(order.id))?.status).toBe('paid');
    expect(await ticketCount(order.id)).toBe(2);
    await dispatchMails(box.deps);
    expect(await mailsOf(order.id)).toEqual([{ kind: 'order_confirmation', status: 'sent' }]);
    const payments = await box.deps.store.payments.forOrder(order.id);
    expect(payments.map((x) => x.status)).toEqual(['paid']);
  });

  it('a webhook with a bad signature changes nothing', async () => {
    const p = await producerWithEvent(box);
    const { sessionId, order } = await openSession(await hold(p, 1));
    await box.testProvider.complete(sessionId, 'paid');
    const hook = await box.testProvider.webhook(sessionId, 'payment.paid');
    const forged = hook.body.replace('"amount":', '"amount":1');
    expect(await receivePaymentWebhook(box.deps, Buffer.from(forged), hook.headers)).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(await receivePaymentWebhook(box.deps, Buffer.from(hook.body), { ...hook.headers, 'testpay-signature': 't=1,v1=abc' })).toMatchObject({ ok: false, code: 'bad_signature' });
    const stale = await box.testProvider.webhook(sessionId, 'payment.paid', new Date(box.clock.now().getTime() - 10 * MINUTE));
    expect(await receivePaymentWebhook(box.deps, Buffer.from(stale.body), stale.headers)).toMatchObject({ ok: false, code: 'bad_signature' });
    expect((await box.deps.store.orders.byId(order.id))?.status).toBe('pending');
    expect(await ticketCount(order.id)).toBe(0);
  });

  it('the return and the webhook for one payment issue the tickets once and refund nothing', async () => {
    const p = await producerWithEvent(box);
    const holdId = await hold(p, 2);
    const params = await checkoutAndSettle(box, holdId, 'paid');
    const order = (await box.deps.store.orders.byHold(holdId))!;
    const hook = await box.testProvider.webhook(params.ref!, 'payment.paid');
    const [a, b] = await Promise.all([confirmPaymentReturn(box.deps, params), receivePaymentWebhook(box.deps, Buffer.from(hook.body), hook.headers)]);
    expect(a).toMatchObject({ ok: true, value: { outcome: 'paid' } });
    expect(b.ok).toBe(true);
    expect(await ticketCount(order.id)).toBe(2);
    expect((await box.deps.store.payments.forOrder(order.id)).map((x) => x.status)).toEqual(['paid']);
    expect((await box.testProvider.session(params.ref!))?.refunded).toBe(0);
  });

  it('a producer refunds one ticket, then the rest; refunded tickets are refused at the door', async () => {
    const p = await producerWithEvent(box);
    const order = await paid(p, 2);
    const user = await staff(p);
    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    if (!view.ok) throw new Error(view.message);
    const [first, second] = view.value.tickets;

    const one = await refundOrder(box.deps, user, order.id, { ticketIds: [first!.id] });
    expect(one).toMatchObject({ ok: true, value: { refunded: { amount: 2500, currency: 'GBP' }, ticketsVoided: 1 } });
    // The same request again refunds nothing more.
    expect(await refundOrder(box.deps, user, order.id, { ticketIds: [first!.id] })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect((await box.deps.store.orders.byId(order.id))?.status).toBe('partially_refunded');
    expect((await box.testProvider.session((await box.deps.store.payments.forOrder(order.id))[0]!.providerRef!))?.refunded).toBe(2500);

    expect(await scanTicket(box.deps, user, { code: first!.code, performanceId: p.performance.id })).toMatchObject({ kind: 'invalid_ticket' });
    // The buyer can still download the tickets that are left.
    const pdf = await ticketPdf(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    expect(pdf.ok && pdf.value.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await scanTicket(box.deps, user, { code: second!.code, performanceId: p.performance.id })).toMatchObject({ kind: 'valid' });

    const rest = await refundOrder(box.deps, user, order.id, { ticketIds: null });
    expect(rest).toMatchObject({ ok: true, value: { refunded: { amount: 2500 }, ticketsVoided: 1 } });
    expect((await box.deps.store.orders.byId(order.id))?.status).toBe('refunded');
    const [payment] = await box.deps.store.payments.forOrder(order.id);
    expect(payment).toMatchObject({ status: 'refunded', refunded: { amount: 5000 } });
    expect(await refundOrder(box.deps, user, order.id, { ticketIds: null })).toMatchObject({ ok: false, code: 'illegal_transition' });
    await dispatchMails(box.deps);
    expect((await mailsOf(order.id)).filter((m) => m.kind.startsWith('order_refunded')).length).toBe(2);
    // Refunded places go back on sale.
    const e = await eventPage(box.deps, p.slug);
    expect(e.ok && e.value.performances[0]!.ticketTypes[0]!.available).toBe(10);
  });

  it('another producer cannot refund the order or cancel the performance, and door staff cannot refund', async () => {
    const a = await producerWithEvent(box);
    const b = await producerWithEvent(box);
    const order = await paid(a, 1);
    const other = await staff(b);
    expect(await refundOrder(box.deps, other, order.id, { ticketIds: null })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await cancelPerformance(box.deps, other, a.performance.id)).toMatchObject({ ok: false, code: 'not_found' });
    const door = { ...(await staff(a)), role: 'door' };
    expect(await refundOrder(box.deps, door, order.id, { ticketIds: null })).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await box.deps.store.orders.byId(order.id))?.status).toBe('paid');
  });

  it('cancelling a performance refunds every paid order, voids the tickets, tells the buyers and stops sales', async () => {
    const p = await producerWithEvent(box);
    const user = await staff(p);
    const first = await paid(p, 2);
    const second = await paid(p, 1);
    const pending = (await openSession(await hold(p, 1))).order;
    const liveHold = await hold(p, 3);

    const result = await cancelPerformance(box.deps, user, p.performance.id);
    expect(result).toEqual({ ok: true, value: { refundedOrders: 2, failed: 0 } });
    for (const o of [first, second]) {
      expect((await box.deps.store.orders.byId(o.id))?.status).toBe('cancelled');
      expect((await box.deps.store.tickets.byOrder(o.id)).every((t) => t.status === 'void')).toBe(true);
      expect((await box.deps.store.payments.forOrder(o.id))[0]?.status).toBe('refunded');
    }
    expect((await box.deps.store.orders.byId(pending.id))?.status).toBe('cancelled');
    expect((await box.deps.store.holds.get(liveHold))?.status).toBe('released');
    await dispatchMails(box.deps);
    expect((await mailsOf(first.id)).filter((m) => m.kind.startsWith('performance_cancelled:') && m.status === 'sent')).toHaveLength(1);
    // Each refunded order has its receipt and a credit note for the whole amount, referring to it.
    for (const o of [first, second]) {
      const docs = await box.deps.store.receipts.forOrder(o.id);
      const receipt = docs.find((d) => d.kind === 'receipt')!;
      const note = docs.find((d) => d.kind === 'credit_note')!;
      expect(note).toMatchObject({ refersTo: receipt.id, gross: receipt.gross });
      expect(note.content.lines.reduce((n, l) => n + l.gross.amount, 0)).toBe(receipt.gross.amount);
    }

    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] }))
      .toMatchObject({ ok: false, code: 'sales_closed' });
    const e = await eventPage(box.deps, p.slug);
    expect(e.ok && e.value.performances).toEqual([]);
    // Running it again refunds nothing twice.
    expect(await cancelPerformance(box.deps, user, p.performance.id)).toEqual({ ok: true, value: { refundedOrders: 0, failed: 0 } });
    const refunds = await sql<{ n: number }>`select count(*)::int as n from refunds r join payments p on p.id = r.payment_id where p.order_id in (${first.id}, ${second.id})`.execute(box.db);
    expect(refunds.rows[0]!.n).toBe(2);
  });

  it('reconciliation issues the tickets of a buyer who paid but never came back, and expires abandoned sessions', async () => {
    const p = await producerWithEvent(box);
    const paidButGone = await openSession(await hold(p, 2));
    await box.testProvider.complete(paidButGone.sessionId, 'paid'); // the redirect never reaches us
    const abandoned = await openSession(await hold(p, 1, 1));

    expect((await reconcilePayments(box.deps)).fixed).toBe(0); // too fresh to ask about
    box.clock.advance(16 * MINUTE);
    const report = await reconcilePayments(box.deps);
    expect(report.fixed).toBeGreaterThanOrEqual(2);
    // The hold had expired, but the places were still free: the payment is honoured.
    expect((await box.deps.store.orders.byId(paidButGone.order.id))?.status).toBe('paid');
    expect(await ticketCount(paidButGone.order.id)).toBe(2);
    expect((await box.deps.store.payments.forOrder(abandoned.order.id))[0]?.status).toBe('expired');
    expect((await reconcilePayments(box.deps)).fixed).toBe(0);
  });

  it('money that does not match the order is refunded, not kept, and the producer is told', async () => {
    const p = await producerWithEvent(box);
    const { sessionId, order } = await openSession(await hold(p, 1));
    // The provider session's amount differs from the payment (a provider bug or a tampered session).
    await box.db.updateTable('testpaySessions').set({ amountMinor: 1999 }).where('id', '=', sessionId).execute();
    const params = Object.fromEntries(new URL(await box.testProvider.complete(sessionId, 'paid')).searchParams);
    expect(await confirmPaymentReturn(box.deps, params)).toMatchObject({ ok: false, code: 'conflict' });
    expect(await confirmPaymentReturn(box.deps, params)).toMatchObject({ ok: false, code: 'conflict' });
    expect((await box.testProvider.session(sessionId))?.refunded).toBe(1999);
    expect(await ticketCount(order.id)).toBe(0);
    const issues = await box.deps.store.payments.openIssues(p.producerId);
    expect(issues.map((i) => i.kind)).toEqual(['amount_mismatch']);
  });

  it('a provider that is down leaves the hold and says so', async () => {
    const p = await producerWithEvent(box);
    const holdId = await hold(p, 1);
    const real = box.deps.payments.createSession;
    box.deps.payments.createSession = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    try {
      expect(await startCheckout(box.deps, holdId, BUYER)).toMatchObject({ ok: false, code: 'unavailable' });
    } finally {
      box.deps.payments.createSession = real;
    }
    expect((await box.deps.store.holds.get(holdId))?.status).toBe('active');
    expect(await startCheckout(box.deps, holdId, BUYER)).toMatchObject({ ok: true });
  });

  it('charges tax and fees as priced, keeps the breakdown, and refunds a ticket with its share of the fee', async () => {
    const p = await producerWithEvent(box, {
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 10, taxRateBp: 2000, taxInclusive: true },
        { name: 'Workshop', priceMinor: 1000, currency: 'GBP', capacity: 10, taxRateBp: 500, taxInclusive: false },
      ],
      fees: { perTicketMinor: 150, perOrderMinor: 100, taxRateBp: 2000 },
    });
    const h = await placeHold(box.deps, { performanceId: p.performance.id, lines: [
      { ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 2 }, { ticketTypeId: p.performance.ticketTypeIds[1]!, quantity: 1 },
    ] });
    if (!h.ok) throw new Error(h.message);
    // A price change after the hold does not change what this buyer pays.
    await box.db.updateTable('ticketTypes').set({ priceMinor: 9900 }).where('id', '=', p.performance.ticketTypeIds[0]!).execute();
    const params = await checkoutAndSettle(box, h.value.holdId, 'paid');
    expect(params.amount).toBe(String(5000 + 1050 + 3 * 150 + 100));
    const r = await confirmPaymentReturn(box.deps, params);
    if (!r.ok) throw new Error(r.message);
    const order = r.value.order;
    expect(order).toMatchObject({ total: { amount: 6600 }, fee: { amount: 550 }, tax: { amount: 833 + 50 + 92 }, feePerTicket: { amount: 150 } });
    const lines = await box.deps.store.orders.lines(order.id);
    expect(lines.map((l) => [l.ticketTypeName, l.unitGross.amount, l.net.amount, l.tax.amount, l.gross.amount])).toEqual([
      ['Adult', 2500, 4167, 833, 5000], ['Workshop', 1050, 1000, 50, 1050],
    ]);
    const workshop = (await box.deps.store.tickets.byOrder(order.id)).find((t) => t.ticketTypeName === 'Workshop')!;
    const refund = await refundOrder(box.deps, await staff(p), order.id, { ticketIds: [workshop.id] });
    expect(refund).toMatchObject({ ok: true, value: { refunded: { amount: 1050 + 150 } } });
    const rest = await refundOrder(box.deps, await staff(p), order.id, { ticketIds: null });
    expect(rest).toMatchObject({ ok: true, value: { refunded: { amount: 6600 - 1200 } } });

    // One receipt for what was charged, one credit note per refund; each document adds up, tax included.
    const docs = await box.deps.store.receipts.forOrder(order.id);
    expect(docs.map((d) => [d.kind, d.formatted, d.gross.amount])).toEqual([
      ['receipt', 'R-000001', 6600], ['credit_note', 'CN-000001', 1200], ['credit_note', 'CN-000002', 5400],
    ]);
    for (const d of docs) {
      expect(d.content.lines.reduce((n, l) => n + l.gross.amount, 0)).toBe(d.gross.amount);
      expect(d.content.net.amount + d.content.tax.amount).toBe(d.gross.amount);
      expect(d.content.taxByRate.reduce((n, r) => n + r.tax.amount, 0)).toBe(d.content.tax.amount);
    }
    expect(docs[0]!.content.tax.amount).toBe(833 + 50 + 92);
    expect(docs[1]!.content.lines.map((l) => [l.description, l.gross.amount, l.tax.amount])).toEqual([['Refund: Workshop', 1050, 50], ['Service fee', 150, 25]]);
    await dispatchMails(box.deps);
    const mails = await box.db.selectFrom('devOutbox').where('toAddress', '=', BUYER.buyerEmail).select(['subject', 'raw']).execute();
    const confirmation = mails.find((m) => m.subject.includes(order.code) && m.subject.startsWith('Your tickets'));
    expect(Buffer.from(confirmation!.raw).toString()).toContain('receipt-R-000001.pdf');
    expect(mails.filter((m) => m.subject.includes(order.code) && Buffer.from(m.raw).toString().includes('credit-note-CN-'))).toHaveLength(2);
  });

  it('a late payment whose places were sold is refunded and the buyer is told', async () => {
    const p = await producerWithEvent(box, { ticketTypes: [{ name: 'Few', priceMinor: 900, currency: 'EUR', capacity: 2 }] });
    const holdId = await hold(p, 2);
    const params = await checkoutAndSettle(box, holdId, 'paid');
    box.clock.advance(11 * MINUTE);
    await hold(p, 2);
    const r = await confirmPaymentReturn(box.deps, params);
    expect(r).toMatchObject({ ok: true, value: { outcome: 'refunded', order: { status: 'expired' } } });
    const order = (await box.deps.store.orders.byHold(holdId))!;
    await dispatchMails(box.deps);
    expect(await mailsOf(order.id)).toEqual([{ kind: 'payment_refunded', status: 'sent' }]);
    const message = await box.db.selectFrom('devOutbox').where('subject', 'like', '%was refunded%').select('textBody').orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
    expect(message.textBody).toContain('refunded the full amount');
  });
});
