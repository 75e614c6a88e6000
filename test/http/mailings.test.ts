import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchMailings } from '../../src/app/mailings.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer } from '../support/subjects.ts';
import { logInCookie, getWith } from '../support/http.ts';

/** The mailing pages through app.inject(): log-in, role, CSRF, scoping, preview, test send, progress refresh, unsubscribe. */
describe('mailing routes', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let cookieA: string;
  let csrfA: string;

  const login = (email: string, password: string) => logInCookie(box.server, email, password);
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const post = (url: string, form: Record<string, string>, cookie?: string) => box.server.inject({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, payload: new URLSearchParams(form).toString(),
  });
  const outbox = () => box.db.selectFrom('devOutbox').select(['toAddress', 'subject', 'raw']).execute();

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Mail Theatre' });
    b = await producerWithEvent(box, { name: 'Other Mail Theatre' });
    await buy(box, a, { buyerName: 'Ada', buyerEmail: 'ada.mail@example.org', marketingConsent: false }, 1);
    await buy(box, b, { buyerName: 'Bob', buyerEmail: 'bob.mail@elsewhere.example', marketingConsent: true }, 1);
    cookieA = await login(a.email, a.password);
    csrfA = /name="csrf" value="([^"]+)"/.exec((await get('/dashboard/mailings', cookieA)).body)![1]!;
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('sends a visitor without a session to log in', async () => {
    const res = await get('/dashboard/mailings');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=/dashboard/mailings');
  });

  it('refuses a box-office user with 403', async () => {
    const email = `bo-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: a.producerId, email, name: 'Box', role: 'box_office', createdAt: box.clock.now(), passwordHash: await box.deps.passwords.hash('pw-box-office'),
    }).execute();
    const res = await get('/dashboard/mailings', await login(email, 'pw-box-office'));
    expect(res.statusCode).toBe(403);
  });

  it('links the mailings page from the orders page and lists only this producer\'s events', async () => {
    expect((await get('/dashboard', cookieA)).body).toContain('href="/dashboard/mailings"');
    const page = await get('/dashboard/mailings', cookieA);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${a.event.eventId}"`);
    expect(page.body).not.toContain(b.event.eventId);
  });

  it('rejects a form without its CSRF token, and another producer\'s event', async () => {
    const draft = { subject: 'Hi', body: 'Text', kind: 'update', audience: 'all', action: 'send' };
    expect((await post('/dashboard/mailings', draft, cookieA)).statusCode).toBe(403);
    expect((await post('/dashboard/mailings', { ...draft, csrf: csrfA, audience: b.event.eventId }, cookieA)).statusCode).toBe(404);
    expect((await post('/dashboard/mailings', { ...draft, csrf: csrfA, subject: '' }, cookieA)).statusCode).toBe(400);
    expect(await box.db.selectFrom('mailings').selectAll().execute()).toHaveLength(0);
  });

  it('previews without sending, and sends a test only to the user\'s own address', async () => {
    const before = (await outbox()).length;
    const preview = await post('/dashboard/mailings', { csrf: csrfA, subject: 'Doors at 7', body: 'Doors open at 19:00.', kind: 'update', audience: 'all', action: 'preview' }, cookieA);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Doors open at 19:00.');
    expect(preview.body).toContain('/unsubscribe/');
    expect((await outbox()).length).toBe(before);
    const test = await post('/dashboard/mailings', { csrf: csrfA, subject: 'Doors at 7', body: 'Doors open at 19:00.', kind: 'update', audience: 'all', action: 'test' }, cookieA);
    expect(test.statusCode).toBe(200);
    const sent = (await outbox()).filter((m) => m.subject === '[Test] Doors at 7');
    expect(sent.map((m) => m.toAddress)).toEqual([a.email]);
    expect(Buffer.from(sent[0]!.raw).toString('utf8')).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('sends, shows progress that refreshes without JavaScript under the CSP, and hides the mailing from another producer', async () => {
    const res = await post('/dashboard/mailings', { csrf: csrfA, subject: 'New time', body: 'We start at 20:00.', kind: 'update', audience: a.event.eventId, action: 'send' }, cookieA);
    expect(res.statusCode).toBe(303);
    const url = String(res.headers.location);
    await dispatchMailings(box.deps);
    const done = await get(url, cookieA);
    expect(done.body).toContain('data-mailing-status="done"');
    expect(done.body).toContain('1 of 1 sent');
    expect(done.body).not.toContain('http-equiv="refresh"');
    // While sending, the page carries a meta refresh; the CSP does not forbid it (no navigation directives).
    await box.db.updateTable('mailings').set({ status: 'sending' }).execute();
    const sending = await get(url, cookieA);
    expect(sending.body).toContain('<meta http-equiv="refresh" content="3"/>');
    expect(String(sending.headers['content-security-policy'])).not.toMatch(/navigate-to|refresh/);
    expect((await get(url, await login(b.email, b.password))).statusCode).toBe(404);
    const mails = (await outbox()).filter((m) => m.subject === 'New time');
    expect(mails.map((m) => m.toAddress)).toEqual(['ada.mail@example.org']);
  });

  it('unsubscribes on POST only; a forged token is not found', async () => {
    const raw = Buffer.from((await outbox()).find((m) => m.subject === 'New time')!.raw).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
    const path = new URL(/^List-Unsubscribe: <([^>]+)>/m.exec(raw)![1]!).pathname;
    const page = await get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Unsubscribe from Mail Theatre');
    expect(await box.db.selectFrom('mailUnsubscribes').selectAll().execute()).toHaveLength(0);
    expect((await post(path, { 'List-Unsubscribe': 'One-Click' })).statusCode).toBe(200);
    expect((await post(path, { 'List-Unsubscribe': 'One-Click' })).statusCode).toBe(200);
    expect(await box.db.selectFrom('mailUnsubscribes').selectAll().execute()).toHaveLength(1);
    expect((await post(`${path.slice(0, -4)}AAAA`, {})).statusCode).toBe(404);
    expect((await get('/unsubscribe/nonsense')).statusCode).toBe(404);
  });
});
