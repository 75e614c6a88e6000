import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCheckout } from '../../src/app/checkout.ts';
import { exportAttendees } from '../../src/app/exports.ts';
import { placeHold } from '../../src/app/holds.ts';
import { refundOrder } from '../../src/app/refunds.ts';
import { applyRetention } from '../../src/app/retention.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { createQuestion, disableQuestion } from '../../src/app/questions.ts';
import { eraseSubject, subjectData, subjectExport, subjectLinkUrl } from '../../src/app/subjects.ts';
import { createVoucher, disableVoucher, type VoucherInput, vouchersOverview } from '../../src/app/vouchers.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { databaseText } from '../support/scan.ts';
import { drainMail, type Producer, staff } from '../support/subjects.ts';

const BUYER = { buyerName: 'Vera Voucherly', buyerEmail: 'vera.voucherly@example.org', marketingConsent: false };
const HOUR = 3_600_000;

/** Issue 6 §2 on both databases: discount codes' use limits, release and scope; checkout questions' purposes and erasure. */
describe.each(DB_KINDS)('discount codes and checkout questions on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 12 });
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Alpha Rooms', ticketTypes: [
      { name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 100 },
      { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 100 },
    ] });
    b = await producerWithEvent(box, { name: 'Beta Barn' });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  let n = 0;
  const code = (prefix: string) => `${prefix}-${kind.toUpperCase()}-${++n}`;
  const voucher = async (p: Producer, over: Partial<VoucherInput> = {}) => {
    const input: VoucherInput = { eventId: p.event.eventId, code: code('CODE'), kind: 'percent', percent: 10, amountMinor: null, ticketTypeNames: [], maxUses: 5, validUntil: null, ...over };
    const r = await createVoucher(box.deps, await staff(box, p), input);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const hold = async (p: Producer, quantity = 1, type = 0) => {
    const h = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[type]!, quantity }] });
    if (!h.ok) throw new Error(h.message);
    return h.value.holdId;
  };
  const orderOf = (holdId: string) => box.deps.store.orders.byHold(holdId);
  const redemptions = async (voucherCode: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from voucher_redemptions r join vouchers v on v.id = r.voucher_id where v.code = ${voucherCode}`.execute(box.db)).rows[0]!.n);

  it('prices the order with the code, keeps the discount on the order, its lines and its receipt, and charges that amount', async () => {
    const v = await voucher(a, { kind: 'fixed', percent: null, amountMinor: 500, ticketTypeNames: ['Adult'] });
    const holdId = await hold(a, 2);
    const started = await startCheckout(box.deps, holdId, BUYER, undefined, { voucherCode: ` ${v.code.toLowerCase()} ` });
    expect(started.ok).toBe(true);
    const order = (await orderOf(holdId))!;
    expect(order).toMatchObject({ voucherCode: v.code, discount: { amount: 500 }, total: { amount: 4500 } });
    expect((await box.deps.store.orders.lines(order.id)).map((l) => [l.gross.amount, l.discount.amount])).toEqual([[4500, 500]]);
    const payment = (await box.deps.store.payments.forOrder(order.id))[0]!;
    expect(payment.amount.amount).toBe(4500);
    const back = await box.testProvider.complete(payment.providerRef!, 'paid');
    const paid = await confirmPaymentReturn(box.deps, Object.fromEntries(new URL(back).searchParams));
    expect(paid.ok && paid.value.outcome).toBe('paid');
    const [receipt] = await box.deps.store.receipts.forOrder(order.id);
    expect(receipt!.gross.amount).toBe(4500);
    expect(receipt!.content.lines[0]!.description).toContain(v.code);
    // One ticket refunded gives back what it cost after the discount, not its listed price.
    const [ticket] = await box.deps.store.tickets.byOrder(order.id);
    const refund = await refundOrder(box.deps, await staff(box, a), order.id, { ticketIds: [ticket!.id] });
    expect(refund.ok && refund.value.refunded.amount).toBe(2250);
    const creditNote = (await box.deps.store.receipts.forOrder(order.id)).find((d) => d.kind === 'credit_note');
    expect(creditNote?.gross.amount).toBe(2250);
    expect(creditNote?.content.lines.map((l) => l.description)).not.toContain('Rounding adjustment');
  });

  // Seen to fail on PostgreSQL with the code's row lock taken out of startCheckout: all ten checkouts succeed.
  it('lets exactly one of 10 concurrent checkouts take the last use of a code; the others are told it is used up and nothing of theirs is written', async () => {
    const v = await voucher(a, { maxUses: 1 });
    const holds = await Promise.all(Array.from({ length: 10 }, () => hold(a)));
    const results = await Promise.all(holds.map((h, i) => startCheckout(box.deps, h, { ...BUYER, buyerEmail: `racer${i}@example.org` }, undefined, { voucherCode: v.code })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r).toMatchObject({ code: 'conflict', details: { voucher: 'used_up' } });
    expect(refused[0]!.ok === false && refused[0]!.message).toContain('used as many times');
    expect(await redemptions(v.code)).toBe(1);
    const orders = await Promise.all(holds.map(orderOf));
    expect(orders.filter((o) => o !== null)).toHaveLength(1);
  });

  it('gives a use back when the hold of its pending order expires, and refunds a late payment whose use was taken meanwhile', async () => {
    const v = await voucher(a, { maxUses: 1 });
    const first = await hold(a);
    expect((await startCheckout(box.deps, first, BUYER, undefined, { voucherCode: v.code })).ok).toBe(true);
    // The first buyer pays at the provider in time, but the return reaches us only after the hold expired.
    const late = (await orderOf(first))!;
    const payment = (await box.deps.store.payments.forOrder(late.id))[0]!;
    const back = await box.testProvider.complete(payment.providerRef!, 'paid');
    const blocked = await startCheckout(box.deps, await hold(a), BUYER, undefined, { voucherCode: v.code });
    expect(blocked).toMatchObject({ ok: false, details: { voucher: 'used_up' } });
    box.clock.advance(HOUR);
    const second = await hold(a);
    expect((await startCheckout(box.deps, second, BUYER, undefined, { voucherCode: v.code })).ok).toBe(true);
    const listed = await vouchersOverview(box.deps, await staff(box, a));
    expect(listed.ok && listed.value.vouchers.find((x) => x.code === v.code)?.uses).toBe(1);
    // The places are still free, but the code's one use is now the second order's: the money goes back.
    const r = await confirmPaymentReturn(box.deps, Object.fromEntries(new URL(back).searchParams));
    expect(r.ok && r.value.outcome).toBe('refunded');
    expect((await box.deps.store.orders.byId(late.id))!.status).toBe('expired');
    expect(await box.deps.store.tickets.byOrder(late.id)).toEqual([]);
  });

  it("refuses another producer's code as unknown, with nothing written, and a switched-off code the same way", async () => {
    const theirs = await voucher(b, { percent: 50 });
    const holdId = await hold(a);
    const r = await startCheckout(box.deps, holdId, BUYER, undefined, { voucherCode: theirs.code });
    expect(r).toMatchObject({ ok: false, code: 'invalid_input', details: { voucher: 'unknown' } });
    expect(r.ok === false && r.message).toContain('is not a code for this event');
    expect(await orderOf(holdId)).toBeNull();
    expect(await redemptions(theirs.code)).toBe(0);

    const off = await voucher(a);
    expect(await disableVoucher(box.deps, await staff(box, b), off.id)).toMatchObject({ ok: false, code: 'not_found' });
    expect((await disableVoucher(box.deps, await staff(box, a), off.id)).ok).toBe(true);
    expect(await startCheckout(box.deps, holdId, BUYER, undefined, { voucherCode: off.code })).toMatchObject({ ok: false, details: { voucher: 'unknown' } });
    expect(await orderOf(holdId)).toBeNull();
  });

  it('refuses an expired code and one not valid for the chosen tickets, each with its own message', async () => {
    const soon = await voucher(a, { validUntil: new Date(box.clock.now().getTime() + HOUR) });
    const students = await voucher(a, { ticketTypeNames: ['Student'] });
    const adult = await hold(a, 1, 0);
    const r1 = await startCheckout(box.deps, adult, BUYER, undefined, { voucherCode: students.code });
    expect(r1).toMatchObject({ ok: false, code: 'invalid_input', details: { voucher: 'not_applicable' } });
    expect(r1.ok === false && r1.message).toContain('not valid for the tickets you chose');
    box.clock.advance(2 * HOUR);
    const r2 = await startCheckout(box.deps, await hold(a), BUYER, undefined, { voucherCode: soon.code });
    expect(r2).toMatchObject({ ok: false, details: { voucher: 'expired' } });
    expect(r2.ok === false && r2.message).toContain('has expired');
    // A code with the same spelling at another producer is that producer's own.
    expect((await createVoucher(box.deps, await staff(box, b), { eventId: b.event.eventId, code: students.code, kind: 'percent', percent: 5, amountMinor: null, ticketTypeNames: [], maxUses: 1, validUntil: null })).ok).toBe(true);
    expect(await createVoucher(box.deps, await staff(box, a), { eventId: a.event.eventId, code: students.code, kind: 'percent', percent: 5, amountMinor: null, ticketTypeNames: [], maxUses: 1, validUntil: null }))
      .toMatchObject({ ok: false, code: 'conflict' });
    expect(await createVoucher(box.deps, await staff(box, b), { eventId: a.event.eventId, code: 'NEWCODE', kind: 'percent', percent: 5, amountMinor: null, ticketTypeNames: [], maxUses: 1, validUntil: null }))
      .toMatchObject({ ok: false, code: 'not_found' });
  });

  it('refuses a question without a purpose, in the use case and in the database', async () => {
    const owner = await staff(box, a);
    expect(await createQuestion(box.deps, owner, { eventId: a.event.eventId, kind: 'text', label: 'Dietary needs', purpose: '   ', required: false, choices: [] }))
      .toMatchObject({ ok: false, code: 'invalid_input' });
    const insert = (purpose: string | null) => sql`insert into checkout_questions (id, producer_id, event_id, kind, label, purpose, required, created_at)
      values (gen_random_uuid(), ${a.producerId}, ${a.event.eventId}, 'text', 'Dietary needs', ${purpose}, false, now())`.execute(box.db);
    await expect(insert('')).rejects.toThrow();
    await expect(insert(null)).rejects.toThrow();
    expect(await createQuestion(box.deps, await staff(box, b), { eventId: a.event.eventId, kind: 'text', label: 'Probe', purpose: 'To probe another producer.', required: false, choices: [] }))
      .toMatchObject({ ok: false, code: 'not_found' });
  });

  it("checks answers against the questions, keeps them with the order, and erases them with the buyer", async () => {
    const owner = await staff(box, a);
    const diet = await createQuestion(box.deps, owner, { eventId: a.event.eventId, kind: 'text', label: 'Dietary needs', purpose: 'So that the interval catering can cater for you.', required: true, choices: [] });
    const seat = await createQuestion(box.deps, owner, { eventId: a.event.eventId, kind: 'choice', label: 'Seating', purpose: 'To seat groups together at the tables.', required: false, choices: ['Front', 'Back'] });
    if (!diet.ok || !seat.ok) throw new Error('questions not created');
    const holdId = await hold(a);
    const missing = await startCheckout(box.deps, holdId, BUYER, undefined, { answers: { [seat.value.id]: 'Front' } });
    expect(missing).toMatchObject({ ok: false, code: 'invalid_input', details: { answers: { [diet.value.id]: expect.stringContaining('Dietary needs') } } });
    expect(await orderOf(holdId)).toBeNull();
    expect(await startCheckout(box.deps, holdId, BUYER, undefined, { answers: { [diet.value.id]: 'x', [seat.value.id]: 'Balcony' } })).toMatchObject({ ok: false, details: { answers: { [seat.value.id]: expect.any(String) } } });
    const secret = 'Vera needs a nut-free meal';
    expect((await startCheckout(box.deps, holdId, BUYER, undefined, { answers: { [diet.value.id]: secret, [seat.value.id]: 'Back' } })).ok).toBe(true);
    const order = (await orderOf(holdId))!;
    expect((await box.deps.store.questions.answersOf(order.id)).map((x) => [x.label, x.answer])).toEqual([['Dietary needs', secret], ['Seating', 'Back']]);
    const payment = (await box.deps.store.payments.forOrder(order.id))[0]!;
    const back = await box.testProvider.complete(payment.providerRef!, 'paid');
    expect((await confirmPaymentReturn(box.deps, Object.fromEntries(new URL(back).searchParams))).ok).toBe(true);
    const csv = await exportAttendees(box.deps, owner, { eventId: a.event.eventId }, 'csv');
    expect(csv.ok && csv.value.body.toString('utf8')).toContain(`Dietary needs: ${secret}; Seating: Back`);
    const notices = await box.deps.store.questions.notices();
    expect(notices.find((x) => x.producerName === 'Alpha Rooms')?.questions.map((q) => q.purpose)).toContain('So that the interval catering can cater for you.');

    // The confirmation mail goes out first (its dispatch runs in the background after the payment).
    await drainMail(box);
    const token = new URL(subjectLinkUrl(box.deps, BUYER.buyerEmail, new Date(box.clock.now().getTime() + HOUR))).pathname.split('/').pop()!;
    // The buyer's own copy of their data has the answers, with why they were asked.
    const mine = await subjectData(box.deps, token, 'json');
    if (!mine.ok) throw new Error(mine.message);
    expect(subjectExport(mine.value, box.clock.now()).orders.flatMap((o) => o.answers)).toContainEqual({ question: 'Dietary needs', purpose: 'So that the interval catering can cater for you.', answer: secret });
    expect((await eraseSubject(box.deps, token)).ok).toBe(true);
    const left = (await databaseText(box.db)).filter((r) => r.text.includes('nut-free') || r.text.toLowerCase().includes(BUYER.buyerEmail));
    expect(left).toEqual([]);
    expect(await box.deps.store.questions.answersOf(order.id)).toEqual([]);
    // Switched off, a question leaves the checkout and the privacy page.
    await disableQuestion(box.deps, owner, diet.value.id);
    await disableQuestion(box.deps, owner, seat.value.id);
    expect(await box.deps.store.questions.forEvent(a.producerId, a.event.eventId)).toEqual([]);
  });

  it('retention deletes an abandoned order with its answers and its code use', async () => {
    const owner = await staff(box, a);
    const q = await createQuestion(box.deps, owner, { eventId: a.event.eventId, kind: 'text', label: 'Guest of', purpose: 'So that the box office can seat guests with their host.', required: false, choices: [] });
    if (!q.ok) throw new Error(q.message);
    const v = await voucher(a, { maxUses: 3 });
    const holdId = await hold(a);
    expect((await startCheckout(box.deps, holdId, BUYER, undefined, { voucherCode: v.code, answers: { [q.value.id]: 'The host' } })).ok).toBe(true);
    const order = (await orderOf(holdId))!;
    expect(await redemptions(v.code)).toBe(1);
    box.clock.advance((box.deps.settings.retention.abandonedDays + 1) * 24 * HOUR);
    await applyRetention(box.deps);
    expect(await box.deps.store.orders.byId(order.id)).toBeNull();
    expect(await redemptions(v.code)).toBe(0);
    expect(await box.db.selectFrom('orderAnswers').where('orderId', '=', order.id).select('answer').execute()).toEqual([]);
  });
});
