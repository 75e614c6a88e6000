import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { type CounterSaleInput, counterView, printTickets, quoteCounterSale, sellAtCounter } from '../../src/app/counter.ts';
import { scanTicket } from '../../src/app/door.ts';
import { exportAttendees } from '../../src/app/exports.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { startMailing } from '../../src/app/mailings.ts';
import { buyerOrder } from '../../src/app/orders.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { producerOrders, resendTickets } from '../../src/app/producer.ts';
import { refundOrder } from '../../src/app/refunds.ts';
import { applyRetention } from '../../src/app/retention.ts';
import { salesOverview } from '../../src/app/sales.ts';
import { eraseByEmail } from '../../src/app/subjects.ts';
import { PAN_REFUSED } from '../../src/domain/counter.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { cardNumberVariants, databaseText } from '../support/scan.ts';

/** A Visa test number: passes Luhn, so the card-number scanner finds it. */
const PAN = '4242424242424242';

/** Sales at the box-office counter (issue 6 §3, ADR 0015), on PGlite and PostgreSQL. */
describe.each(DB_KINDS)('box-office counter on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  type Producer = Awaited<ReturnType<typeof producerWithEvent>>;
  let a: Producer;
  let b: Producer;
  let seller: SessionUser;
  const roles = new Map<string, SessionUser>();

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, {
      fees: { perTicketMinor: 100, perOrderMinor: 0, taxRateBp: 0 },
      ticketTypes: [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 60 }, { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 5 }],
    });
    b = await producerWithEvent(box);
    seller = await userWithRole(a, 'box_office');
    for (const role of ['door', 'viewer', 'owner']) roles.set(role, await userWithRole(a, role));
    roles.set('other', await userWithRole(b, 'box_office'));
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  async function userWithRole(p: Producer, role: string): Promise<SessionUser> {
    const email = `${role}-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: p.producerId, email, name: `The ${role}`, role, createdAt: box.clock.now(), passwordHash: await box.deps.passwords.hash('pw-role-user'),
    }).execute();
    const r = await logIn(box.deps, email, 'pw-role-user');
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  }

  /** A sale of `adults` adult tickets at the total the seller would be shown. */
  async function saleInput(p: Producer, user: SessionUser, over: Partial<CounterSaleInput> & { adults?: number } = {}): Promise<CounterSaleInput> {
    const lines = [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: over.adults ?? 2 }];
    const view = await counterView(box.deps, user, p.performance.id);
    if (!view.ok) throw new Error(view.message);
    const quote = quoteCounterSale(view.value, lines);
    if (!quote.ok) throw new Error(quote.message);
    return {
      saleId: randomUUID(), performanceId: p.performance.id, lines, buyerName: '', buyerEmail: '', marketingConsent: false, method: 'cash', terminalRef: '',
      expectedTotal: quote.value.gross.amount, ...over,
    };
  }

  async function sell(over: Partial<CounterSaleInput> & { adults?: number } = {}, p = a, user = seller) {
    const r = await sellAtCounter(box.deps, user, await saleInput(p, user, over));
    if (!r.ok) throw new Error(r.message);
    return r.value;
  }

  const counts = async () => {
    const n = async (table: 'orders' | 'payments' | 'holds' | 'tickets' | 'receipts' | 'auditEntries' | 'mails') =>
      Number((await box.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    return { orders: await n('orders'), payments: await n('payments'), holds: await n('holds'), tickets: await n('tickets'), receipts: await n('receipts'), audit: await n('auditEntries'), mails: await n('mails') };
  };
  const liveHolds = async () => Number((await box.db.selectFrom('holds').where('status', '=', 'active').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  it('a cash sale confirms the order, issues the tickets and a receipt in one go, and records who sold it', async () => {
    const sale = await sell({ adults: 2, buyerName: 'Walk Up', buyerEmail: 'Walk.Up@Example.org' });
    expect(sale).toMatchObject({ method: 'cash', emailed: true, repeated: false });
    expect(sale.total).toEqual({ amount: 2 * 2500 + 2 * 100, currency: 'GBP' });
    expect(sale.receipt).toMatch(/^R-\d{6}$/);
    const order = (await box.deps.store.orders.byId(sale.orderId))!;
    expect(order).toMatchObject({ status: 'paid', soldBy: seller.userId, buyerName: 'Walk Up', buyerEmail: 'walk.up@example.org', producerId: a.producerId });
    const [payment] = await box.deps.store.payments.forOrder(order.id);
    expect(payment).toMatchObject({ provider: 'counter_cash', status: 'paid', amount: sale.total, providerRef: null, terminalRef: null });
    expect((await box.deps.store.tickets.byOrder(order.id)).filter((t) => t.status === 'valid')).toHaveLength(2);
    expect((await box.deps.store.holds.get(order.holdId))!.status).toBe('converted');
    const audit = await box.db.selectFrom('auditEntries').where('action', '=', 'counter.sale').where('subject', '=', `order:${order.id}`).selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'producer_user', actorId: seller.userId, producerId: a.producerId });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ method: 'cash', amountMinor: 5200, tickets: 2, email: true });
    expect(audit[0]!.detail).not.toContain('walk.up');
    // The address given gets the usual confirmation mail with the tickets.
    await dispatchMails(box.deps);
    const mail = await box.db.selectFrom('mails').where('orderId', '=', order.id).selectAll().execute();
    expect(mail.map((m) => [m.kind, m.status])).toEqual([['order_confirmation', 'sent']]);
  });

  it('a card sale on the counter terminal records the method and the terminal reference, and no card data', async () => {
    const sale = await sell({ method: 'card', terminalRef: 'TRX-000123/7' });
    const [payment] = await box.deps.store.payments.forOrder(sale.orderId);
    expect(payment).toMatchObject({ provider: 'counter_card', status: 'paid', terminalRef: 'TRX-000123/7' });
    // Without an address there is no mail to queue.
    expect(sale.emailed).toBe(false);
    expect(await box.db.selectFrom('mails').where('orderId', '=', sale.orderId).selectAll().execute()).toEqual([]);
  });

  it.each([
    ['the terminal reference', { method: 'card' as const, terminalRef: PAN }],
    ['the terminal reference, in groups', { method: 'card' as const, terminalRef: '4242 4242 4242 4242' }],
    ['the buyer name', { buyerName: `Paid with ${PAN}` }],
    ['the buyer email', { buyerEmail: `${PAN}@example.org` }],
    ['a cash sale\'s terminal reference', { method: 'cash' as const, terminalRef: PAN }],
  ])('refuses a card number in %s, and writes nothing', async (_what, over) => {
    const before = await counts();
    const r = await sellAtCounter(box.deps, seller, await saleInput(a, seller, over));
    expect(r).toMatchObject({ ok: false, code: 'invalid_input', message: PAN_REFUSED });
    expect(await counts()).toEqual(before);
    expect(box.logs.text()).not.toContain(PAN);
  });

  it('after those refusals, no table holds the card number in any form', async () => {
    const found = (await databaseText(box.db)).filter((t) => cardNumberVariants(PAN).some((v) => t.text.includes(v)));
    expect(found.map((t) => t.table)).toEqual([]);
  });

  it('refuses a terminal reference with too many digits to be anything but a card, or with other characters, and writes nothing', async () => {
    const before = await counts();
    // 16 digits that fail Luhn are no card number, but a reference that long could hold one.
    const long = await sellAtCounter(box.deps, seller, await saleInput(a, seller, { method: 'card', terminalRef: '4242424242424241' }));
    expect(long).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(long.ok ? '' : long.message).toContain('too many digits');
    const spaces = await sellAtCounter(box.deps, seller, await saleInput(a, seller, { method: 'card', terminalRef: 'ab cd' }));
    expect(spaces).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await counts()).toEqual(before);
  });

  it('the database itself refuses a terminal reference that could hold a card number', async () => {
    const sale = await sell({ method: 'card', terminalRef: 'OK-1' });
    const [payment] = await box.deps.store.payments.forOrder(sale.orderId);
    await expect(box.db.updateTable('payments').set({ terminalRef: '4000056655665556' }).where('id', '=', payment!.id).execute()).rejects.toThrow();
    await expect(box.db.updateTable('payments').set({ terminalRef: '4000 0566 5566 5556' }).where('id', '=', payment!.id).execute()).rejects.toThrow();
    expect((await box.deps.store.payments.byId(payment!.id))!.terminalRef).toBe('OK-1');
  });

  it('the same sale form submitted twice sells once', async () => {
    const input = await saleInput(a, seller, { adults: 1 });
    const first = await sellAtCounter(box.deps, seller, input);
    const before = await counts();
    const second = await sellAtCounter(box.deps, seller, input);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value).toMatchObject({ orderId: first.value.orderId, orderCode: first.value.orderCode, receipt: first.value.receipt, repeated: true });
    expect(await counts()).toEqual(before);
  });

  it('refuses a total other than the one the seller was shown, and releases the places', async () => {
    const before = await counts();
    const input = await saleInput(a, seller, { adults: 1 });
    const r = await sellAtCounter(box.deps, seller, { ...input, expectedTotal: input.expectedTotal - 1 });
    expect(r).toMatchObject({ ok: false, code: 'conflict' });
    const after = await counts();
    // The hold placed through placeHold stays as a released row; nothing else is written.
    expect({ ...after, holds: before.holds }).toEqual(before);
    expect(await liveHolds()).toBe(0);
  });

  it('more tickets than are left: refused by placeHold, nothing written', async () => {
    const before = await counts();
    const r = await sellAtCounter(box.deps, seller, await saleInput(a, seller, { lines: [{ ticketTypeId: a.performance.ticketTypeIds[1]!, quantity: 6 }] }));
    expect(r).toMatchObject({ ok: false });
    expect(await counts()).toEqual(before);
  });

  it.each(['door', 'viewer'])('a %s user cannot sell, and nothing is written', async (role) => {
    const user = roles.get(role)!;
    const before = await counts();
    const r = await sellAtCounter(box.deps, user, await saleInput(a, seller));
    expect(r).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await counterView(box.deps, user, a.performance.id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await counts()).toEqual(before);
  });

  it("another producer's seller cannot sell this producer's performance, nor print its tickets", async () => {
    const sale = await sell({ adults: 1 });
    const other = roles.get('other')!;
    const before = await counts();
    const r = await sellAtCounter(box.deps, other, await saleInput(a, seller));
    expect(r).toMatchObject({ ok: false, code: 'not_found' });
    expect(await counterView(box.deps, other, a.performance.id)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await printTickets(box.deps, other, sale.orderId)).toMatchObject({ ok: false, code: 'not_found' });
    // Nor can the same form id take over A's order.
    const taken = await sellAtCounter(box.deps, other, { ...(await saleInput(b, other)), saleId: sale.orderId });
    expect(taken).toMatchObject({ ok: false, code: 'conflict' });
    expect(await counts()).toEqual(before);
  });

  it('the door accepts a counter ticket, once', async () => {
    const sale = await sell({ adults: 1 });
    const view = await buyerOrder(box.deps, sale.orderId, box.deps.keys.orderLinkToken(sale.orderId));
    if (!view.ok) throw new Error(view.message);
    const door = roles.get('door')!;
    const code = view.value.tickets[0]!.code;
    expect(await scanTicket(box.deps, door, { code, performanceId: a.performance.id })).toMatchObject({ kind: 'valid', attendeeName: '' });
    expect(await scanTicket(box.deps, door, { code, performanceId: a.performance.id })).toMatchObject({ kind: 'already_checked_in' });
    const pdf = await printTickets(box.deps, seller, sale.orderId);
    expect(pdf.ok && pdf.value.pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a refund of a cash sale is recorded as a cash refund, calls no provider, issues a credit note, and is not made twice', async () => {
    const refundAtProvider = vi.spyOn(box.deps.payments, 'refund');
    try {
      const sale = await sell({ adults: 2 });
      const tickets = await box.deps.store.tickets.byOrder(sale.orderId);
      const part = await refundOrder(box.deps, seller, sale.orderId, { ticketIds: [tickets[0]!.id] });
      expect(part).toMatchObject({ ok: true, value: { refunded: { amount: 2600, currency: 'GBP' }, ticketsVoided: 1 } });
      const whole = await refundOrder(box.deps, seller, sale.orderId, { ticketIds: null });
      expect(whole).toMatchObject({ ok: true, value: { refunded: { amount: 2600, currency: 'GBP' }, ticketsVoided: 1 } });
      expect(await refundOrder(box.deps, seller, sale.orderId, { ticketIds: null })).toMatchObject({ ok: false, code: 'illegal_transition' });
      expect(refundAtProvider).not.toHaveBeenCalled();
      const [payment] = await box.deps.store.payments.forOrder(sale.orderId);
      expect(payment).toMatchObject({ status: 'refunded', refunded: { amount: 5200 } });
      const refunds = await box.db.selectFrom('refunds').where('paymentId', '=', payment!.id).selectAll().execute();
      expect(refunds).toHaveLength(2);
      expect(refunds.every((r) => r.providerRefundRef.startsWith('counter_cash:refund:'))).toBe(true);
      expect((await box.deps.store.orders.byId(sale.orderId))!.status).toBe('refunded');
      const docs = await box.deps.store.receipts.forOrder(sale.orderId);
      expect(docs.map((d) => d.kind).sort()).toEqual(['credit_note', 'credit_note', 'receipt']);
      // No address: no refund mail is queued.
      expect(await box.db.selectFrom('mails').where('orderId', '=', sale.orderId).selectAll().execute()).toEqual([]);
    } finally {
      refundAtProvider.mockRestore();
    }
  });

  it('a sale without buyer details works end to end: list, export, sales counts; no mail, no mailing, no resend', async () => {
    const sale = await sell({ adults: 1 });
    const listed = (await producerOrders(box.deps, seller)).find((o) => o.id === sale.orderId)!;
    expect(listed).toMatchObject({ buyerName: '', buyerEmail: null, paymentProvider: 'counter_cash', status: 'paid' });
    const csv = await exportAttendees(box.deps, seller, 'all', 'csv');
    if (!csv.ok) throw new Error(csv.message);
    const [header, ...rows] = parse(csv.value.body.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
    const row = rows.find((r) => r[0] === sale.orderCode)!;
    expect(row[header!.indexOf('Buyer email')]).toBe('');
    expect(row[header!.indexOf('Payment method')]).toBe('Cash at the counter');
    // The sales dashboard counts counter tickets like any others: sold = the valid tickets of that type.
    const sales = await salesOverview(box.deps, seller);
    if (!sales.ok) throw new Error(sales.message);
    const validAdults = await box.db.selectFrom('tickets').where('ticketTypeId', '=', a.performance.ticketTypeIds[0]!).where('status', '=', 'valid')
      .select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const adults = sales.value.performances.find((p) => p.performanceId === a.performance.id)!.ticketTypes.find((t) => t.ticketTypeId === a.performance.ticketTypeIds[0])!;
    expect(adults.sold).toBe(Number(validAdults.n));
    expect(adults.sold).toBeGreaterThan(0);
    expect(sales.value.perDay.reduce((n, d) => n + d.tickets, 0)).toBe(Number(validAdults.n));
    expect(await resendTickets(box.deps, seller, sale.orderId)).toMatchObject({ ok: false, code: 'conflict' });
    const mailing = await startMailing(box.deps, roles.get('owner')!, { subject: 'News', body: 'Hello', kind: 'update', eventId: null });
    if (!mailing.ok) throw new Error(mailing.message);
    const recipients = await box.db.selectFrom('mailingRecipients').where('mailingId', '=', mailing.value.id).selectAll().execute();
    // Only the buyer who gave an address (the first sale) is written to.
    expect(recipients.map((r) => r.email)).toEqual(['walk.up@example.org']);
    // A queued mail for the order (say, an old one) is given up at once rather than retried.
    await box.deps.store.mails.enqueue({ id: randomUUID(), producerId: a.producerId, orderId: sale.orderId, kind: 'order_confirmation', createdAt: box.clock.now() });
    await dispatchMails(box.deps);
    const mails = await box.db.selectFrom('mails').where('orderId', '=', sale.orderId).selectAll().execute();
    expect(mails.map((m) => [m.status, m.attempts])).toEqual([['failed', 1]]);
  });

  it('erasure of an address anonymises its counter order and leaves the sales without an address alone', async () => {
    const named = await sell({ adults: 1, buyerName: 'Erase Me', buyerEmail: 'erase.me@example.org' });
    const anonymous = await sell({ adults: 1, buyerName: 'Kept Name' });
    const r = await eraseByEmail(box.deps, 'erase.me@example.org', { actorKind: 'buyer', actorId: null, reason: 'test' });
    expect(r).toMatchObject({ ok: true, value: { orders: 1 } });
    expect((await box.deps.store.orders.byId(named.orderId))!.buyerEmail).toBe(`erased+${named.orderId}@invalid`);
    expect((await box.deps.store.orders.byId(anonymous.orderId))!).toMatchObject({ buyerName: 'Kept Name', buyerEmail: null });
  });

  // Last: it moves the shared clock past the retention period.
  it('retention anonymises a counter order without an address once its time has come', async () => {
    const sale = await sell({ adults: 1, buyerName: 'Old Walk Up' });
    box.clock.advance((30 + 25 * 31) * 86_400_000);
    await applyRetention(box.deps);
    const order = (await box.deps.store.orders.byId(sale.orderId))!;
    expect(order.buyerName).not.toBe('Old Walk Up');
    expect(order.buyerEmail).toBe(`erased+${sale.orderId}@invalid`);
  });
});
