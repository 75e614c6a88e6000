import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';

const PAN = '4242424242424242';

/** The counter pages through app.inject(): the sale form, its refusals (4xx, a message, nothing written), printing, and the refund confirmation. */
describe('box-office counter pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Awaited<ReturnType<typeof producerWithEvent>>;
  let cookie: string;
  let csrf: string;
  let doorCookie: string;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box);
    const boxOffice = `box-${randomUUID()}@producer.test`;
    const door = `door-${randomUUID()}@producer.test`;
    const hash = await box.deps.passwords.hash('pw-role-user');
    await box.db.insertInto('users').values([
      { id: randomUUID(), producerId: a.producerId, email: boxOffice, name: 'Counter Clerk', role: 'box_office', createdAt: box.clock.now(), passwordHash: hash },
      { id: randomUUID(), producerId: a.producerId, email: door, name: 'Door Keeper', role: 'door', createdAt: box.clock.now(), passwordHash: hash },
    ]).execute();
    cookie = await logInCookie(box.server, boxOffice, 'pw-role-user');
    doorCookie = await logInCookie(box.server, door, 'pw-role-user');
    const page = await getWith(box.server, `/dashboard/counter/${a.performance.id}`, cookie);
    csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const adult = () => `q_${a.performance.ticketTypeIds[0]}`;
  const post = (url: string, fields: Record<string, string | string[]>, as = cookie) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return box.server.inject({ method: 'POST', url, headers: { cookie: as, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };
  /** A sale of two adult tickets unless `adults` says otherwise. */
  const sale = ({ adults = '2', ...fields }: Record<string, string> = {}, as = cookie) =>
    post(`/dashboard/counter/${a.performance.id}`, { csrf, saleId: randomUUID(), method: 'cash', [adult()]: adults, ...fields }, as);
  const written = async () => ({
    orders: Number((await box.db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n),
    payments: Number((await box.db.selectFrom('payments').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n),
    liveHolds: Number((await box.db.selectFrom('holds').where('status', '=', 'active').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n),
  });

  it('lists the performances to sell for, and the sale form has a label for every field and the first quantity focused', async () => {
    const home = await getWith(box.server, '/dashboard/counter', cookie);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`href="/dashboard/counter/${a.performance.id}"`);
    const page = await getWith(box.server, `/dashboard/counter/${a.performance.id}`, cookie);
    expect(page.statusCode).toBe(200);
    for (const id of [...a.performance.ticketTypeIds.map((t) => `q_${t}`), 'terminalRef', 'buyerName', 'buyerEmail']) expect(page.body).toContain(`for="${id}"`);
    expect(page.body).toMatch(new RegExp(`id="${adult()}"[^>]*autofocus`));
    expect(page.body).toContain('Show the total');
    const dashboard = await getWith(box.server, '/dashboard', cookie);
    expect(dashboard.body).toContain('href="/dashboard/counter"');
  });

  it('shows the total first, writing nothing; then records the payment and shows the sale with the print link', async () => {
    const before = await written();
    const saleId = randomUUID();
    const review = await sale({ saleId, action: 'review' });
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('data-counter-total="5000"');
    expect(review.body).toContain('name="quotedTotal" value="5000"');
    expect(review.body).toMatch(/value="sell" autofocus/);
    expect(await written()).toEqual(before);

    const sold = await sale({ saleId, action: 'sell', quotedTotal: '5000', method: 'card', terminalRef: 'T-981' });
    expect(sold.statusCode).toBe(303);
    expect(sold.headers.location).toBe(`/dashboard/counter/sales/${saleId}`);
    const page = await getWith(box.server, sold.headers.location as string, cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Card on the counter terminal');
    expect(page.body).toContain('T-981');
    expect(page.body).toContain(`href="/dashboard/orders/${saleId}/tickets.pdf"`);
    expect(page.body).toContain('No email address was given');
    const pdf = await getWith(box.server, `/dashboard/orders/${saleId}/tickets.pdf`, cookie);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('no-store');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const receiptLink = /href="(\/dashboard\/orders\/[0-9a-f-]{36}\/documents\/[0-9a-f-]{36}\.pdf)">Print receipt R-\d{6}/.exec(page.body);
    expect(receiptLink).not.toBeNull();
    const receipt = await getWith(box.server, receiptLink![1]!, cookie);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect((await getWith(box.server, `/dashboard/orders/${saleId}/documents/${randomUUID()}.pdf`, cookie)).statusCode).toBe(404);
    // Submitted again (a double Enter), the same form sells nothing more.
    const again = await sale({ saleId, action: 'sell', quotedTotal: '5000', method: 'card', terminalRef: 'T-981' });
    expect(again.statusCode).toBe(303);
    expect((await written()).orders).toBe(before.orders + 1);
    // The order list and the order page show how it was paid and who sold it.
    const list = await getWith(box.server, '/dashboard', cookie);
    expect(list.body).toContain('data-payment-method="counter_card"');
    const detail = await getWith(box.server, `/dashboard/orders/${saleId}`, cookie);
    expect(detail.body).toContain('At the box-office counter by Counter Clerk');
  });

  it.each([
    ['a card number as terminal reference', { action: 'sell', quotedTotal: '5000', method: 'card', terminalRef: PAN }, 400, 'looks like a card number'],
    ['a card number in the name', { action: 'sell', quotedTotal: '5000', buyerName: `Card ${PAN}` }, 400, 'looks like a card number'],
    ['a card number, before the total is shown', { action: 'review', method: 'card', terminalRef: PAN }, 400, 'looks like a card number'],
    ['a reference too long in digits', { action: 'sell', quotedTotal: '5000', method: 'card', terminalRef: '1234567890123' }, 400, 'too many digits'],
    ['a reference for a cash sale', { action: 'sell', quotedTotal: '5000', method: 'cash', terminalRef: 'T-1' }, 400, 'A cash sale has no terminal reference'],
    ['a bad email address', { action: 'sell', quotedTotal: '5000', buyerEmail: 'not-an-address' }, 400, 'valid email address'],
    ['no method', { action: 'sell', quotedTotal: '5000', method: '' }, 400, 'Choose how the buyer paid'],
    ['a quantity that is not a number', { action: 'sell', quotedTotal: '5000', [`q_${randomUUID()}`]: 'x' }, 400, ''],
    ['no tickets', { action: 'sell', quotedTotal: '0', adults: '0' }, 400, 'Choose at least one ticket.'],
    ['more tickets than one sale may hold', { action: 'sell', quotedTotal: '27500', adults: '11' }, 400, 'at most 10 tickets'],
    ['a total other than the one shown', { action: 'sell', quotedTotal: '4999' }, 409, 'the total is now £50.00'],
    ['an expired form', { action: 'sell', quotedTotal: '5000', csrf: 'forged' }, 403, 'This form has expired'],
  ])('refuses %s with a message, and writes nothing', async (_what, fields, status, message) => {
    const before = await written();
    const res = await sale(fields as Record<string, string>);
    expect(res.statusCode).toBe(status);
    expect(res.body).toContain('role="alert"');
    if (message) expect(res.body).toContain(message);
    // The card number is never shown back.
    expect(res.body).not.toContain(PAN);
    expect(await written()).toEqual(before);
  });

  it('a door user is refused the counter pages and cannot sell', async () => {
    const before = await written();
    expect((await getWith(box.server, '/dashboard/counter', doorCookie)).statusCode).toBe(403);
    expect((await getWith(box.server, `/dashboard/counter/${a.performance.id}`, doorCookie)).statusCode).toBe(403);
    expect((await sale({ action: 'sell', quotedTotal: '5000' }, doorCookie)).statusCode).toBe(403);
    expect(await written()).toEqual(before);
    const anonymous = await box.server.inject({ method: 'GET', url: '/dashboard/counter' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=/dashboard/counter');
  });

  it('refunding from the order page asks for confirmation first; the cash goes back without a provider, once', async () => {
    const saleId = randomUUID();
    expect((await sale({ saleId, action: 'sell', quotedTotal: '5000' })).statusCode).toBe(303);
    const ask = await post(`/dashboard/orders/${saleId}/refund`, { csrf, scope: 'all' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('data-refund-amount="5000"');
    expect(ask.body).toContain('in cash from the till');
    expect(ask.body).toContain('name="confirm" value="yes"');
    expect((await box.deps.store.orders.byId(saleId))!.status).toBe('paid');
    const done = await post(`/dashboard/orders/${saleId}/refund`, { csrf, scope: 'all', confirm: 'yes' });
    expect(done.statusCode).toBe(303);
    expect((await box.deps.store.orders.byId(saleId))!.status).toBe('refunded');
    const again = await post(`/dashboard/orders/${saleId}/refund`, { csrf, scope: 'all', confirm: 'yes' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Only a paid order can be refunded.');
    expect(await box.db.selectFrom('refunds').selectAll().execute()).toHaveLength(1);
  });
});
