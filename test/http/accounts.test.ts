import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../src/domain/totp.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { drainMail, type Producer } from '../support/subjects.ts';
import { getWith } from '../support/http.ts';

/** Two-factor set-up, the log-in's code step and password reset through app.inject(). */
describe('account pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  const form = (url: string, fields: Record<string, string>, cookie?: string) => box.server.inject({
    method: 'POST', url, payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!;
  const hidden = (body: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1] ?? '';
  const codeAt = (secret: string) => hotp(base32Decode(secret)!, totpStep(box.clock.now()));

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  async function logInOneStep(p: Producer): Promise<string> {
    const res = await form('/login', { email: p.email, password: p.password, next: '/dashboard' });
    expect(res.statusCode).toBe(303);
    return cookieOf(res);
  }

  /** Sets two-factor up through the pages; returns the secret read off the page, as a person would type it. */
  async function enrol(cookie: string): Promise<string> {
    const page = await get('/dashboard/security', cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Two-factor log-in is off');
    const csrf = hidden(page.body, 'csrf');
    expect((await form('/dashboard/security/totp', { csrf }, cookie)).statusCode).toBe(303);
    const pending = await get('/dashboard/security', cookie);
    expect(pending.headers['cache-control']).toBe('no-store');
    expect(pending.body).toMatch(/<div class="qr-image" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const secret = /data-secret[^>]*>([A-Z2-7 ]+)</.exec(pending.body)![1]!.replace(/ /g, '');
    expect(secret).toHaveLength(32);
    const wrong = await form('/dashboard/security/totp/confirm', { csrf, code: codeAt(secret) === '000000' ? '111111' : '000000' }, cookie);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('That code is not right');
    const ok = await form('/dashboard/security/totp/confirm', { csrf, code: codeAt(secret) }, cookie);
    expect(ok.statusCode).toBe(303);
    expect((await get('/dashboard/security?done=on', cookie)).body).toContain('Two-factor log-in is on');
    box.clock.advance(30_000);
    return secret;
  }

  it('sends a visitor without a session to log in', async () => {
    const res = await get('/dashboard/security');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=/dashboard/security');
    expect((await form('/dashboard/security/totp', {})).statusCode).toBe(303);
  });

  it('refuses each two-factor form without the CSRF token, changing nothing', async () => {
    const p = await producerWithEvent(box);
    const cookie = await logInOneStep(p);
    for (const url of ['/dashboard/security/totp', '/dashboard/security/totp/confirm', '/dashboard/security/totp/disable']) {
      const res = await form(url, { csrf: 'forged', code: '123456' }, cookie);
      expect(res.statusCode).toBe(403);
    }
    expect(await tdb.db.selectFrom('userTotp').where('userId', '=', p.userId).select('userId').execute()).toHaveLength(0);
  });

  it('enrols, then log-in asks for the code; the session cookie comes only with a right code, and a used code is refused', async () => {
    const p = await producerWithEvent(box);
    const secret = await enrol(await logInOneStep(p));

    const first = await form('/login', { email: p.email, password: p.password, next: '/dashboard/exports' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.body).toContain('Enter your code');
    const challenge = hidden(first.body, 'challenge');

    const wrong = await form('/login/code', { challenge, code: codeAt(secret) === '123456' ? '654321' : '123456', next: '/dashboard/exports' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const code = codeAt(secret);
    const right = await form('/login/code', { challenge, code, next: '/dashboard/exports' });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/dashboard/exports');
    const cookie = cookieOf(right);
    expect((await get('/dashboard/security', cookie)).statusCode).toBe(200);

    const replay = await form('/login/code', { challenge, code, next: '/dashboard' });
    expect(replay.statusCode).toBe(401);
    expect(replay.headers['set-cookie']).toBeUndefined();

    // Switching off needs a current code and the CSRF token.
    const csrf = hidden((await get('/dashboard/security', cookie)).body, 'csrf');
    expect((await form('/dashboard/security/totp/disable', { csrf, code }, cookie)).statusCode).toBe(400);
    box.clock.advance(30_000);
    expect((await form('/dashboard/security/totp/disable', { csrf, code: codeAt(secret) }, cookie)).statusCode).toBe(303);
    expect((await form('/login', { email: p.email, password: p.password, next: '/dashboard' })).statusCode).toBe(303);

    const logs = box.logs.text();
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain(challenge);
    expect(logs).not.toContain(p.email);
  });

  it('resets a password from the log-in page: same answer for any address, link works once, old sessions end', async () => {
    const p = await producerWithEvent(box);
    const oldCookie = await logInOneStep(p);
    const loginPage = await get('/login');
    expect(loginPage.body).toContain('href="/login/forgot"');
    expect((await get('/login/forgot')).statusCode).toBe(200);

    const known = await form('/login/forgot', { email: p.email });
    const unknown = await form('/login/forgot', { email: 'nobody-at-all@producer.test' });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const strip = (b: string) => b.replace(/nonce="[^"]*"/g, '');
    expect(strip(unknown.body)).toBe(strip(known.body));
    expect((await form('/login/forgot', { email: 'not an address' })).statusCode).toBe(400);

    await drainMail(box);
    const mail = await box.db.selectFrom('devOutbox').where('toAddress', '=', p.email).select('textBody').executeTakeFirstOrThrow();
    const token = /\/login\/reset\/([A-Za-z0-9_-]+)/.exec(mail.textBody)![1]!;

    const formPage = await get(`/login/reset/${token}`);
    expect(formPage.statusCode).toBe(200);
    expect(formPage.headers['cache-control']).toBe('no-store');
    expect((await form(`/login/reset/${token}`, { password: 'a long new password', confirm: 'something else entirely' })).statusCode).toBe(400);
    const done = await form(`/login/reset/${token}`, { password: 'a long new password', confirm: 'a long new password' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your new password is set');

    expect((await get('/dashboard/security', oldCookie)).statusCode).toBe(303);
    expect((await get(`/login/reset/${token}`)).statusCode).toBe(404);
    expect((await form(`/login/reset/${token}`, { password: 'another long password', confirm: 'another long password' })).statusCode).toBe(404);
    expect((await form('/login', { email: p.email, password: 'a long new password', next: '/dashboard' })).statusCode).toBe(303);

    expect(box.logs.text()).not.toContain(token);
    expect(box.logs.text()).not.toContain('a long new password');
  });
});

describe('rate limits on the code step and password reset', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db, { settings: { RATE_LIMIT_LOGIN_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it.each(['/login/code', '/login/forgot'])('answers the fourth POST %s in a minute from one address with 429', async (url) => {
    const post = () => box.server.inject({
      method: 'POST', url, remoteAddress: '198.51.100.7', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ challenge: 'x', code: '123456', email: 'someone@producer.test' }).toString(),
    });
    for (let i = 0; i < 3; i++) expect((await post()).statusCode).not.toBe(429);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
