import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../src/app/ports.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer } from '../support/subjects.ts';
import { getWith } from '../support/http.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Search, resend and attendee names through app.inject(): CSRF, roles, scoping, pages. */
describe('order routes in the producer workspace', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let mine: OrderRecord;
  let theirs: OrderRecord;
  let cookieA: string;

  const login = async (email: string, password: string): Promise<string> => {
    const res = await box.server.inject({ method: 'POST', url: '/login', headers: FORM, payload: new URLSearchParams({ email, password, next: '/dashboard' }).toString() });
    expect(res.statusCode).toBe(303);
    return String(res.headers['set-cookie']).split(';')[0]!;
  };
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    box.server.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: new URLSearchParams(fields).toString() });
  const csrfOf = async (cookie: string) => /name="csrf" value="([^"]+)"/.exec((await get(`/dashboard/orders/${mine.id}`, cookie)).body)?.[1] ?? '';
  const userWithRole = async (p: Producer, role: string): Promise<string> => {
    const email = `${role}-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: p.producerId, email, name: role, role, createdAt: box.clock.now(), passwordHash: await box.deps.passwords.hash('pw-role-user'),
    }).execute();
    return login(email, 'pw-role-user');
  };
  const mailCount = async (orderId: string) => (await box.db.selectFrom('mails').where('orderId', '=', orderId).select('id').execute()).length;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Route Theatre' });
    b = await producerWithEvent(box, { name: 'Other Route Theatre' });
    mine = await buy(box, a, { buyerName: 'Ada Route', buyerEmail: 'ada.route@example.org', marketingConsent: true }, 2);
    theirs = await buy(box, b, { buyerName: 'Ada Elsewhere', buyerEmail: 'ada@elsewhere.example', marketingConsent: true }, 1);
    cookieA = await login(a.email, a.password);
  }, 60_000);
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('searches with a GET form: only this producer\'s matches, a status line, the query kept in the box', async () => {
    const page = await get('/dashboard', cookieA);
    expect(page.body).toContain('<search><form method="get" action="/dashboard">');
    expect(page.body).toMatch(/<label for="q">Search by buyer name, email or order code<\/label>/);
    const res = await get('/dashboard?q=ADA', cookieA);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`data-order-code="${mine.code}"`);
    expect(res.body).not.toContain(theirs.code);
    expect(res.body).not.toContain('Ada Elsewhere');
    expect(res.body).toContain('value="ADA"');
    expect(res.body).toMatch(/data-search-rows="1"/);
    expect(res.body).toContain('href="/dashboard">Show all orders</a>');
    const byCode = await get(`/dashboard?q=${encodeURIComponent(mine.code.toLowerCase())}`, cookieA);
    expect(byCode.body).toContain(`data-order-code="${mine.code}"`);
    const other = await get(`/dashboard?q=${encodeURIComponent(theirs.code)}`, cookieA);
    expect(other.body).toMatch(/data-search-rows="0"/);
    expect(other.body).toContain('No orders match.');
  });

  it('audits the search without the query, and keeps the query out of the logs', async () => {
    await get('/dashboard?q=route%40example', cookieA);
    const entry = (await box.deps.store.audit.entries(0, 10_000)).filter((e) => e.action === 'orders.search').at(-1)!;
    expect(JSON.parse(entry.detail)).toEqual({ rows: 1, page: 1 });
    expect(JSON.stringify(entry)).not.toContain('route');
    expect(box.logs.text()).not.toMatch(/route%40example|route@example/);
  });

  it('answers 400 with a message for an overlong query or a bad page, and links pages with prev/next', async () => {
    const long = await get(`/dashboard?q=${'x'.repeat(201)}`, cookieA);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('The search is too long');
    expect((await get('/dashboard?q=ada&page=0', cookieA)).statusCode).toBe(400);
    expect((await get('/dashboard?q=ada&page=abc', cookieA)).statusCode).toBe(400);
    const second = await get('/dashboard?q=ada&page=2', cookieA);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('href="/dashboard?q=ada&amp;page=1" rel="prev"');
    expect(second.body).not.toContain('rel="next"');
  });

  it('sends a visitor without a session to log in, and refuses a door user the search', async () => {
    expect((await get('/dashboard?q=ada')).statusCode).toBe(303);
    const door = await userWithRole(a, 'door');
    const res = await get('/dashboard?q=ada', door);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('ada.route@example.org');
  });

  it('shows the resend and name forms on the order page, each name field labelled', async () => {
    const res = await get(`/dashboard/orders/${mine.id}`, cookieA);
    expect(res.body).toContain(`action="/dashboard/orders/${mine.id}/resend"`);
    const tickets = await box.deps.store.tickets.byOrder(mine.id);
    for (const [i, t] of tickets.entries()) {
      expect(res.body).toContain(`action="/dashboard/orders/${mine.id}/tickets/${t.id}/name"`);
      expect(res.body).toContain(`<label for="name-${t.id}">Name on ticket ${i + 1} (Adult)</label>`);
    }
    const viewer = await userWithRole(a, 'viewer');
    const seen = await get(`/dashboard/orders/${mine.id}`, viewer);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('/resend"');
    expect(seen.body).not.toContain('/name"');
  });

  it('resends the tickets with a valid CSRF token only', async () => {
    const before = await mailCount(mine.id);
    const forged = await post(`/dashboard/orders/${mine.id}/resend`, cookieA, { csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('This form has expired');
    expect(await post(`/dashboard/orders/${mine.id}/resend`, cookieA, {}).then((r) => r.statusCode)).toBe(403);
    expect(await mailCount(mine.id)).toBe(before);
    const res = await post(`/dashboard/orders/${mine.id}/resend`, cookieA, { csrf: await csrfOf(cookieA) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/dashboard/orders/${mine.id}?done=resent`);
    expect(await mailCount(mine.id)).toBe(before + 1);
    expect((await get(res.headers.location as string, cookieA)).body).toContain('The tickets are on their way to the buyer again.');
  });

  it('lets box office resend and rename, and refuses viewer and door with 403', async () => {
    const boxOffice = await userWithRole(a, 'box_office');
    expect((await post(`/dashboard/orders/${mine.id}/resend`, boxOffice, { csrf: await csrfOf(boxOffice) })).statusCode).toBe(303);
    const ticket = (await box.deps.store.tickets.byOrder(mine.id))[1]!;
    const renamed = await post(`/dashboard/orders/${mine.id}/tickets/${ticket.id}/name`, boxOffice, { csrf: await csrfOf(boxOffice), attendeeName: 'Box Named' });
    expect(renamed.statusCode).toBe(303);
    for (const role of ['viewer', 'door']) {
      const cookie = await userWithRole(a, role);
      const before = await mailCount(mine.id);
      expect((await post(`/dashboard/orders/${mine.id}/resend`, cookie, { csrf: 'x' })).statusCode, role).toBe(403);
      expect((await post(`/dashboard/orders/${mine.id}/tickets/${ticket.id}/name`, cookie, { csrf: 'x', attendeeName: 'Nope' })).statusCode, role).toBe(403);
      expect(await mailCount(mine.id)).toBe(before);
    }
    expect((await box.deps.store.tickets.byOrder(mine.id))[1]!.attendeeName).toBe('Box Named');
  });

  it('answers 404 for another producer\'s order, an unknown one and a malformed id, changing nothing', async () => {
    const csrf = await csrfOf(cookieA);
    const theirTicket = (await box.deps.store.tickets.byOrder(theirs.id))[0]!;
    const before = await mailCount(theirs.id);
    for (const url of [`/dashboard/orders/${theirs.id}/resend`, `/dashboard/orders/${randomUUID()}/resend`, '/dashboard/orders/nope/resend',
      `/dashboard/orders/${theirs.id}/tickets/${theirTicket.id}/name`]) {
      const res = await post(url, cookieA, { csrf, attendeeName: 'Mallory' });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Ada Elsewhere');
    }
    expect(await mailCount(theirs.id)).toBe(before);
    expect((await box.deps.store.tickets.byOrder(theirs.id))[0]!.attendeeName).toBe('Ada Elsewhere');
    // Another order's ticket, through my own order's URL.
    const res = await post(`/dashboard/orders/${mine.id}/tickets/${theirTicket.id}/name`, cookieA, { csrf, attendeeName: 'Mallory' });
    expect(res.statusCode).toBe(404);
    expect((await box.deps.store.tickets.byOrder(theirs.id))[0]!.attendeeName).toBe('Ada Elsewhere');
  });

  it('renames one ticket with CSRF, and shows a clear 400 for a blank or overlong name', async () => {
    const [first, second] = await box.deps.store.tickets.byOrder(mine.id);
    const url = `/dashboard/orders/${mine.id}/tickets/${first!.id}/name`;
    expect((await post(url, cookieA, { csrf: 'forged', attendeeName: 'Forged Name' })).statusCode).toBe(403);
    const blank = await post(url, cookieA, { csrf: await csrfOf(cookieA), attendeeName: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Enter the name for the ticket.');
    const long = await post(url, cookieA, { csrf: await csrfOf(cookieA), attendeeName: 'n'.repeat(201) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('The name is too long');
    const res = await post(url, cookieA, { csrf: await csrfOf(cookieA), attendeeName: 'Lady Byron' });
    expect(res.statusCode).toBe(303);
    const after = await box.deps.store.tickets.byOrder(mine.id);
    expect(after.find((t) => t.id === first!.id)!.attendeeName).toBe('Lady Byron');
    expect(after.find((t) => t.id === second!.id)!.attendeeName).toBe(second!.attendeeName);
    expect((await box.deps.store.tickets.byOrder(mine.id)).some((t) => t.attendeeName === 'Forged Name')).toBe(false);
    const page = await get(res.headers.location as string, cookieA);
    expect(page.body).toContain('value="Lady Byron"');
    expect(page.body).toContain('Its QR code stays the same.');
  });
});
