import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';
import { mailedTokens, newProducerAccount } from '../support/signup.ts';

/** Sign-up, the verification link, the team page and invitations through app.inject(). */
describe('sign-up and team pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  const form = (url: string, fields: Record<string, string>, cookie?: string) => box.server.inject({
    method: 'POST', url, payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)![1]!;
  const strip = (b: string) => b.replace(/nonce="[^"]*"/g, '');
  const signUpFields = (a: ReturnType<typeof newProducerAccount>) => ({ producerName: a.producerName, slug: a.slug, name: a.name, email: a.email, password: a.password, confirm: a.password });

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('signs up through the form, answers a known address the same, and shows field errors with a 4xx', async () => {
    const page = await get('/signup');
    expect(page.statusCode).toBe(200);
    for (const label of ['for="producerName"', 'for="slug"', 'for="name"', 'for="email"', 'for="password"', 'for="confirm"']) expect(page.body).toContain(label);
    expect((await get('/login')).body).toContain('href="/signup"');

    const account = newProducerAccount('Http');
    const created = await form('/signup', signUpFields(account));
    expect(created.statusCode).toBe(200);
    expect(created.body).toContain('Check your email');
    expect(created.headers['set-cookie']).toBeUndefined();
    const known = await form('/signup', signUpFields({ ...newProducerAccount('Http'), email: account.email }));
    expect(known.statusCode).toBe(200);
    expect(strip(known.body)).toBe(strip(created.body));

    const slugTaken = await form('/signup', signUpFields({ ...newProducerAccount('Http'), slug: account.slug }));
    expect(slugTaken.statusCode).toBe(409);
    expect(slugTaken.body).toContain('is taken');
    expect(slugTaken.body).toMatch(/id="slug"[^>]*aria-invalid="true"/);
    const weak = await form('/signup', signUpFields({ ...newProducerAccount('Http'), password: 'short' }));
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('id="password-error"');
    expect(weak.body).not.toContain('value="short"');
    const mismatch = await form('/signup', { ...signUpFields(newProducerAccount('Http')), confirm: 'something else entirely' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('The two passwords are not the same.');
    expect((await form('/signup', { slug: 'x'.repeat(600) })).statusCode).toBe(400);

    // Logged in but unverified: the banner, and the team page says to verify before inviting.
    const cookie = await logInCookie(box.server, account.email, account.password);
    const dashboard = await get('/dashboard', cookie);
    expect(dashboard.body).toContain('Your email address is not verified yet');
    const team = await get('/dashboard/team', cookie);
    expect(team.statusCode).toBe(200);
    expect(team.body).toContain('Verify your email address first');
    const refused = await form('/dashboard/team/invitations', { csrf: csrfOf(team.body), email: 'crew@crew.test', role: 'door' }, cookie);
    expect(refused.statusCode).toBe(403);

    // The link shows a button (a GET changes nothing), the POST verifies once.
    const [token] = await mailedTokens(box, account.email, '/signup/verify/');
    const linkPage = await get(`/signup/verify/${token}`);
    expect(linkPage.statusCode).toBe(200);
    expect(linkPage.headers['cache-control']).toBe('no-store');
    expect((await get('/dashboard', cookie)).body).toContain('not verified yet');
    const verified = await form(`/signup/verify/${token}`, {}, cookie);
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('Email address verified');
    expect((await form(`/signup/verify/${token}`, {})).statusCode).toBe(404);
    expect((await get(`/signup/verify/${token}`)).statusCode).toBe(404);
    expect((await get('/signup/verify/not-a-token')).statusCode).toBe(404);
    expect((await get('/dashboard', cookie)).body).not.toContain('not verified yet');

    const logs = box.logs.text();
    expect(logs).not.toContain(account.password);
    expect(logs).not.toContain(account.email);
    expect(logs).not.toContain(token);
  });

  it('resends a verification link only with the CSRF token', async () => {
    const account = newProducerAccount('Resend');
    expect((await form('/signup', signUpFields(account))).statusCode).toBe(200);
    const cookie = await logInCookie(box.server, account.email, account.password);
    expect((await form('/dashboard/verify/resend', { csrf: 'forged' }, cookie)).statusCode).toBe(403);
    expect(await mailedTokens(box, account.email, '/signup/verify/')).toHaveLength(1);
    const csrf = csrfOf((await get('/dashboard', cookie)).body);
    const resent = await form('/dashboard/verify/resend', { csrf }, cookie);
    expect(resent.statusCode).toBe(200);
    expect(await mailedTokens(box, account.email, '/signup/verify/')).toHaveLength(2);
    expect((await form('/dashboard/verify/resend', { csrf })).statusCode).toBe(303);
  });

  it('invites, lists, revokes and accepts through the pages; roles change with the CSRF token only', async () => {
    const p = await producerWithEvent(box, { name: 'Team Theatre' });
    const cookie = await logInCookie(box.server, p.email, p.password);
    const page = await get('/dashboard/team', cookie);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const csrf = csrfOf(page.body);

    expect((await form('/dashboard/team/invitations', { csrf: 'forged', email: 'x@crew.test', role: 'door' }, cookie)).statusCode).toBe(403);
    expect((await form('/dashboard/team/invitations', { csrf, email: 'not an address', role: 'door' }, cookie)).statusCode).toBe(400);
    expect((await form('/dashboard/team/invitations', { csrf, email: 'x@crew.test', role: 'wizard' }, cookie)).statusCode).toBe(400);
    expect(await box.db.selectFrom('invitations').where('producerId', '=', p.producerId).select('id').execute()).toHaveLength(0);

    for (const email of ['kim@crew.test', 'lee@crew.test']) {
      const sent = await form('/dashboard/team/invitations', { csrf, email, role: 'box_office' }, cookie);
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe('/dashboard/team?done=invited');
    }
    const again = await form('/dashboard/team/invitations', { csrf, email: 'kim@crew.test', role: 'box_office' }, cookie);
    expect(again.statusCode).toBe(409);
    const listed = (await get('/dashboard/team', cookie)).body;
    expect(listed).toContain('kim@crew.test');
    expect(listed).toContain('lee@crew.test');

    const lee = await box.db.selectFrom('invitations').where('email', '=', 'lee@crew.test').select('id').executeTakeFirstOrThrow();
    expect((await form(`/dashboard/team/invitations/${lee.id}/revoke`, { csrf: 'forged' }, cookie)).statusCode).toBe(403);
    expect((await form(`/dashboard/team/invitations/${lee.id}/revoke`, { csrf }, cookie)).statusCode).toBe(303);
    expect((await form(`/dashboard/team/invitations/${lee.id}/revoke`, { csrf }, cookie)).statusCode).toBe(404);
    expect((await form('/dashboard/team/invitations/not-a-uuid/revoke', { csrf }, cookie)).statusCode).toBe(404);
    expect((await get('/dashboard/team', cookie)).body).not.toContain('lee@crew.test');
    const [leeToken] = await mailedTokens(box, 'lee@crew.test', '/invite/');
    expect((await get(`/invite/${leeToken}`)).statusCode).toBe(404);

    const [kimToken] = await mailedTokens(box, 'kim@crew.test', '/invite/');
    const invitation = await get(`/invite/${kimToken}`);
    expect(invitation.statusCode).toBe(200);
    expect(invitation.body).toContain('Join Team Theatre');
    expect(invitation.body).toContain('Box office');
    const mismatch = await form(`/invite/${kimToken}`, { name: 'Kim', password: 'kim has a long passphrase', confirm: 'not the same' });
    expect(mismatch.statusCode).toBe(400);
    const tooWeak = await form(`/invite/${kimToken}`, { name: 'Kim', password: 'kim@crew.test!!', confirm: 'kim@crew.test!!' });
    expect(tooWeak.statusCode).toBe(400);
    expect(tooWeak.body).toContain('must not contain your email');
    const joined = await form(`/invite/${kimToken}`, { name: 'Kim Crew', password: 'kim has a long passphrase', confirm: 'kim has a long passphrase' });
    expect(joined.statusCode).toBe(200);
    expect(joined.body).toContain('Welcome to the team');
    expect((await form(`/invite/${kimToken}`, { name: 'Kim Crew', password: 'kim has a long passphrase', confirm: 'kim has a long passphrase' })).statusCode).toBe(404);

    // Kim (box office) may not see the team page; the owner changes Kim's role, then removes Kim.
    const kimCookie = await logInCookie(box.server, 'kim@crew.test', 'kim has a long passphrase');
    expect((await get('/dashboard/team', kimCookie)).statusCode).toBe(403);
    expect((await get('/dashboard', kimCookie)).body).not.toContain('href="/dashboard/team"');
    expect((await get('/dashboard', cookie)).body).toContain('href="/dashboard/team"');
    const kim = await box.db.selectFrom('users').where('email', '=', 'kim@crew.test').select('id').executeTakeFirstOrThrow();
    expect((await form(`/dashboard/team/members/${kim.id}/role`, { csrf: 'forged', role: 'admin' }, cookie)).statusCode).toBe(403);
    expect((await form(`/dashboard/team/members/${kim.id}/role`, { csrf, role: 'admin' }, cookie)).statusCode).toBe(303);
    expect((await get('/dashboard/team', kimCookie)).statusCode).toBe(200);
    expect((await form(`/dashboard/team/members/${p.userId}/remove`, { csrf }, cookie)).statusCode).toBe(409);
    expect((await form(`/dashboard/team/members/${kim.id}/remove`, { csrf }, cookie)).statusCode).toBe(303);
    expect((await get('/dashboard/team', kimCookie)).statusCode).toBe(303);
    expect((await get('/dashboard/team', cookie)).body).not.toContain('Kim Crew');
  });

  it('accepts no invitation for an address that has an account, with a clear page', async () => {
    const a = await producerWithEvent(box);
    const b = await producerWithEvent(box);
    const cookie = await logInCookie(box.server, b.email, b.password);
    const csrf = csrfOf((await get('/dashboard/team', cookie)).body);
    expect((await form('/dashboard/team/invitations', { csrf, email: a.email, role: 'viewer' }, cookie)).statusCode).toBe(303);
    const [token] = await mailedTokens(box, a.email, '/invite/');
    const refused = await form(`/invite/${token}`, { name: 'A Owner', password: 'a long passphrase here', confirm: 'a long passphrase here' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('already has a Marquee account');
  });
});

describe('passkey routes', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });
  const json = (url: string, body: unknown, cookie?: string) => box.server.inject({
    method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  });

  it('gives registration options only to a signed-in user with the CSRF token, and stores no bogus passkey', async () => {
    const p = await producerWithEvent(box);
    expect((await json('/dashboard/security/passkeys/options', {})).statusCode).toBe(401);
    const cookie = await logInCookie(box.server, p.email, p.password);
    const security = await getWith(box.server, '/dashboard/security', cookie);
    expect(security.body).toContain('data-passkey-register');
    expect(security.body).toMatch(/<script type="module" src="\/assets\/passkeys.js" nonce="[^"]+"/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(security.body)![1]!;
    expect((await json('/dashboard/security/passkeys/options', { csrf: 'forged' }, cookie)).statusCode).toBe(403);
    const options = await json('/dashboard/security/passkeys/options', { csrf }, cookie);
    expect(options.statusCode).toBe(200);
    expect(options.headers['cache-control']).toBe('no-store');
    const o = options.json() as { options: { challenge: string; rp: { id: string }; user: { name: string }; authenticatorSelection: { residentKey: string; userVerification: string } } };
    expect(o.options.rp.id).toBe('127.0.0.1');
    expect(o.options.user.name).toBe(p.email);
    expect(o.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    const stored = await box.db.selectFrom('passkeyChallenges').where('userId', '=', p.userId).select('challengeHash').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.challengeHash).not.toBe(o.options.challenge);

    const bogus = await json('/dashboard/security/passkeys', { csrf, name: 'Fake', response: { id: 'x', response: { clientDataJSON: 'e30' } } }, cookie);
    expect(bogus.statusCode).toBe(400);
    expect((bogus.json() as { error: string }).error).toContain('The passkey was not added');
    expect((await json('/dashboard/security/passkeys', { csrf: 'forged', name: 'Fake', response: {} }, cookie)).statusCode).toBe(403);
    expect(await box.db.selectFrom('passkeys').select('id').execute()).toHaveLength(0);
  });

  it('logs in with no session made for a bad answer, and removes a passkey only with the CSRF token', async () => {
    const options = await json('/login/passkey/options', {});
    expect(options.statusCode).toBe(200);
    expect((options.json() as { options: { userVerification: string; allowCredentials?: unknown[] } }).options).toMatchObject({ userVerification: 'required' });
    for (const body of [{}, { response: 'text' }, { response: { id: 'unknown', response: { clientDataJSON: 'e30' } } }]) {
      const res = await json('/login/passkey', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const login = await getWith(box.server, '/login');
    expect(login.body).toContain('data-passkey-login');
    expect(login.body).toMatch(/data-passkey-login[^>]*hidden/);

    const p = await producerWithEvent(box);
    await box.deps.store.passkeys.add({ id: 'my-key', userId: p.userId, publicKey: 'AQID', counter: 0, transports: [], name: 'Old phone', createdAt: box.clock.now() });
    const cookie = await logInCookie(box.server, p.email, p.password);
    const page = await getWith(box.server, '/dashboard/security', cookie);
    expect(page.body).toContain('Old phone');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const form = (fields: Record<string, string>) => box.server.inject({
      method: 'POST', url: '/dashboard/security/passkeys/my-key/remove', payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect((await form({ csrf: 'forged' })).statusCode).toBe(403);
    const removed = await form({ csrf });
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe('/dashboard/security?done=passkey-removed');
    expect((await form({ csrf })).statusCode).toBe(404);
    expect(await box.db.selectFrom('passkeys').where('userId', '=', p.userId).select('id').execute()).toHaveLength(0);
  });
});

describe('rate limits on sign-up', () => {
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

  it.each(['/signup', `/signup/verify/${'A'.repeat(43)}`, `/invite/${'A'.repeat(43)}`])('answers the fourth POST %s in a minute from one address with 429', async (url) => {
    const post = () => box.server.inject({
      method: 'POST', url, remoteAddress: '198.51.100.9', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ slug: 'Bad Slug' }).toString(),
    });
    for (let i = 0; i < 3; i++) expect((await post()).statusCode).not.toBe(429);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
