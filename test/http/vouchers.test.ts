import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';
import type { Producer } from '../support/subjects.ts';

/** Discount codes and checkout questions through app.inject(), as a browser without JavaScript sends them. */
describe('discount codes and checkout questions over HTTP', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let cookieA: string;
  let csrfA: string;

  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const post = (url: string, form: Record<string, string | string[]>, cookie?: string) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return box.server.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, payload: body.toString() });
  };
  const count = async (table: 'orders' | 'voucher_redemptions' | 'order_answers' | 'payments') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(box.db)).rows[0]!.n);
  const hold = async (p: Producer, quantity = 2) => {
    const res = await post(`/events/${p.slug}/hold`, { performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: String(quantity) });
    expect(res.statusCode).toBe(303);
    return res.headers.location!;
  };
  const createCode = (form: Record<string, string | string[]>, cookie = cookieA, csrf = csrfA) => post('/dashboard/vouchers', { csrf, ...form }, cookie);

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Code Theatre', ticketTypes: [
      { name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 100 }, { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 100 },
    ] });
    b = await producerWithEvent(box, { name: 'Other Code Theatre' });
    cookieA = await logInCookie(box.server, a.email, a.password);
    csrfA = /name="csrf" value="([^"]+)"/.exec((await get('/dashboard/vouchers', cookieA)).body)![1]!;
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('keeps the producer pages behind log-in, CSRF and form checks', async () => {
    expect((await get('/dashboard/vouchers')).statusCode).toBe(303);
    expect((await get('/dashboard/questions')).statusCode).toBe(303);
    expect((await createCode({ eventId: a.event.eventId, code: 'NOCSRF', kind: 'percent', percent: '10', maxUses: '3', csrf: 'wrong' })).statusCode).toBe(403);
    const bad = await createCode({ eventId: a.event.eventId, code: 'BADPCT', kind: 'percent', percent: '150', maxUses: '3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A percentage is more than 0 and at most 100');
    const badCode = await createCode({ eventId: a.event.eventId, code: 'no spaces!', kind: 'percent', percent: '10', maxUses: '3' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('3 to 32 letters');
    const noPurpose = await post('/dashboard/questions', { csrf: csrfA, eventId: a.event.eventId, kind: 'text', label: 'Shoe size', purpose: '' }, cookieA);
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.body).toContain('Say why you ask this question');
    expect(await box.db.selectFrom('vouchers').select('id').execute()).toEqual([]);
    expect(await box.db.selectFrom('checkoutQuestions').select('id').execute()).toEqual([]);
  });

  it('creates a code through the form, applies it at checkout without JavaScript, and charges, shows and counts the discounted order', async () => {
    const created = await createCode({ eventId: a.event.eventId, code: 'spring-20', kind: 'percent', percent: '20', maxUses: '2', ticketType: ['Adult'] });
    expect(created.statusCode).toBe(201);
    expect(created.body).toContain('The code SPRING-20 is ready to use');
    const checkout = await hold(a);
    const page = await get(checkout);
    expect(page.body).toContain('name="voucherCode"');
    expect(page.body).toContain('data-total="5000"');

    const applied = await post(`${checkout}/voucher`, { voucherCode: 'Spring-20' });
    expect(applied.statusCode).toBe(200);
    expect(applied.body).toContain('Discount (code SPRING-20)');
    expect(applied.body).toContain('data-total="4000"');
    expect(applied.body).toMatch(/<input type="hidden" name="voucherCode" value="SPRING-20"/);
    expect(await count('orders')).toBe(0);

    const pay = await post(checkout, { buyerName: 'Cora Coder', buyerEmail: 'cora@example.org', voucherCode: 'SPRING-20' });
    expect(pay.statusCode).toBe(303);
    const order = await box.db.selectFrom('orders').where('holdId', '=', checkout.split('/').pop()!).selectAll().executeTakeFirstOrThrow();
    expect(order).toMatchObject({ totalMinor: 4000, discountMinor: 1000, voucherCode: 'SPRING-20' });
    const back = await box.testProvider.complete(new URL(pay.headers.location!).pathname.split('/').pop()!, 'paid');
    expect((await confirmPaymentReturn(box.deps, Object.fromEntries(new URL(back).searchParams))).ok).toBe(true);
    const orderPage = await get(`/orders/${order.id}/${box.deps.keys.orderLinkToken(order.id)}`);
    expect(orderPage.body).toContain('Discount (code SPRING-20)');
    expect(orderPage.body).toContain('data-total="4000"');
    const list = await get('/dashboard/vouchers', cookieA);
    expect(list.body).toMatch(/data-voucher="SPRING-20"[\s\S]*?data-uses="1"/);
    const detail = await get(`/dashboard/orders/${order.id}`, cookieA);
    expect(detail.body).toContain('data-order-voucher="SPRING-20"');
  });

  it.each([
    ['an unknown code', 'NO-SUCH-CODE', 400, 'is not a code for this event'],
    ["another producer's code", 'BEE-ONLY', 400, 'is not a code for this event'],
    ['a code for other tickets', 'STUDENTS', 400, 'not valid for the tickets you chose'],
    ['a used-up code', 'ONCE', 409, 'used as many times'],
  ])('answers %s with a clear 4xx on both buttons, and writes nothing', async (_name, code, status, message) => {
    await createCode({ eventId: b.event.eventId, code: 'BEE-ONLY', kind: 'percent', percent: '10', maxUses: '5' }, await logInCookie(box.server, b.email, b.password),
      /name="csrf" value="([^"]+)"/.exec((await get('/dashboard/vouchers', await logInCookie(box.server, b.email, b.password))).body)?.[1] ?? '');
    await createCode({ eventId: a.event.eventId, code: 'STUDENTS', kind: 'fixed', amount: '5', maxUses: '5', ticketType: ['Student'] });
    if (code === 'ONCE' && !(await box.db.selectFrom('vouchers').where('code', '=', 'ONCE').select('id').executeTakeFirst())) {
      await createCode({ eventId: a.event.eventId, code: 'ONCE', kind: 'percent', percent: '10', maxUses: '1' });
      const first = await hold(a, 1);
      expect((await post(first, { buyerName: 'First', buyerEmail: 'first@example.org', voucherCode: 'ONCE' })).statusCode).toBe(303);
    }
    const checkout = await hold(a);
    const before = { orders: await count('orders'), uses: await count('voucher_redemptions'), payments: await count('payments') };
    const tried = await post(`${checkout}/voucher`, { voucherCode: code });
    expect(tried.statusCode).toBe(status);
    expect(tried.body).toContain(message);
    expect(tried.body).toContain('aria-invalid="true"');
    const paid = await post(checkout, { buyerName: 'Dan Decline', buyerEmail: 'dan@example.org', voucherCode: code });
    expect(paid.statusCode).toBe(status);
    expect(paid.body).toContain(message);
    expect(paid.body).toContain('data-total="5000"');
    expect({ orders: await count('orders'), uses: await count('voucher_redemptions'), payments: await count('payments') }).toEqual(before);
  });

  it('offers no code once an attempt to pay has been made, and says so if one is sent anyway', async () => {
    const checkout = await hold(b, 1);
    expect((await post(checkout, { buyerName: 'Fay First', buyerEmail: 'fay@example.org' })).statusCode).toBe(303);
    expect((await get(checkout)).body).not.toContain('name="voucherCode"');
    const late = await post(`${checkout}/voucher`, { voucherCode: 'BEE-ONLY' });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('A code can be added only before the first attempt to pay');
    const paid = await post(checkout, { buyerName: 'Fay First', buyerEmail: 'fay@example.org', voucherCode: 'BEE-ONLY' });
    expect(paid.statusCode).toBe(409);
    expect(await box.db.selectFrom('voucherRedemptions').innerJoin('orders', 'orders.id', 'voucherRedemptions.orderId').where('orders.holdId', '=', checkout.split('/').pop()!).select('orders.id').execute()).toEqual([]);
  });

  it('asks the questions with their purposes beside them, refuses a missing required answer with nothing written, and shows the answers to the producer with an audit entry', async () => {
    const plain = await get(await hold(b, 1));
    expect(plain.body).not.toContain('Why this is asked');
    const added = await post('/dashboard/questions', {
      csrf: csrfA, eventId: a.event.eventId, kind: 'yes_no', label: 'Do you need step-free access?', purpose: 'So that the ushers can meet you at the lift.', required: 'yes',
    }, cookieA);
    expect(added.statusCode).toBe(201);
    const q = await box.db.selectFrom('checkoutQuestions').select('id').executeTakeFirstOrThrow();
    const checkout = await hold(a, 1);
    const page = await get(checkout);
    expect(page.body).toContain('Do you need step-free access?');
    expect(page.body).toContain(`aria-describedby="answer-${q.id}-purpose"`);
    expect(page.body).toContain('So that the ushers can meet you at the lift.');
    const before = await count('orders');
    const missing = await post(checkout, { buyerName: 'Eli Step', buyerEmail: 'eli@example.org' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Answer “Do you need step-free access?”');
    expect(missing.body).toContain('value="Eli Step"');
    const wrong = await post(checkout, { buyerName: 'Eli Step', buyerEmail: 'eli@example.org', [`answer_${q.id}`]: 'maybe' });
    expect(wrong.statusCode).toBe(400);
    expect(await count('orders')).toBe(before);
    expect(await count('order_answers')).toBe(0);
    expect((await post(checkout, { buyerName: 'Eli Step', buyerEmail: 'eli@example.org', [`answer_${q.id}`]: 'yes' })).statusCode).toBe(303);
    const order = await box.db.selectFrom('orders').where('holdId', '=', checkout.split('/').pop()!).select('id').executeTakeFirstOrThrow();
    const audits = async () => (await box.deps.store.audit.entries(0, 10_000)).filter((e) => e.action === 'order.view' && e.subject === `order:${order.id}`).length;
    const seen = await audits();
    const detail = await get(`/dashboard/orders/${order.id}`, cookieA);
    expect(detail.body).toMatch(/data-order-answers[\s\S]*Do you need step-free access\?[\s\S]*Yes/);
    expect(await audits()).toBe(seen + 1);
    const privacy = await get('/privacy');
    expect(privacy.body).toMatch(/Code Theatre[\s\S]*Do you need step-free access\?[\s\S]*So that the ushers can meet you at the lift\./);
    // Producer B sees neither the question nor the answer.
    const cookieB = await logInCookie(box.server, b.email, b.password);
    expect((await get('/dashboard/questions', cookieB)).body).not.toContain('step-free');
    expect((await get(`/dashboard/orders/${order.id}`, cookieB)).statusCode).toBe(404);
  });
});
