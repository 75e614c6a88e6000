import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/adapters/log.ts';
import { stripeProvider } from '../../src/adapters/payments/stripe.ts';
import { loadConfig } from '../../src/config.ts';
import { collectedFields, type CookieDeclaration, DISCLOSURE_POLICY, IP_AND_ISP_USE } from '../../src/domain/privacy.ts';
import { assemble, type Overrides } from '../../src/main.ts';
import { COOKIE_REGISTRY, COOKIES } from '../../src/web/cookies.ts';
import { checkoutFieldPurposes, checkoutForm } from '../../src/web/forms.ts';
import { LogCapture, producerWithEvent, TestClock, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startStripeServer } from '../support/stripeServer.ts';

/** Promise 4 (essential cookies only) and the privacy page generated from the running system. */

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
/** The page's text with HTML entities decoded, so that the tests can look for the facts as written. */
const textOf = (html: string) => html.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m) => entities[m]!);
const versionOf = (html: string) => /data-privacy-version="([0-9a-f]{64})">Version (\d+) /.exec(html)?.slice(1) ?? [];
const form = (body: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(body).toString() });

describe('the privacy page', () => {
  let tdb: TestDatabase;
  const opened: TestBoxOffice[] = [];

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
  });
  afterAll(async () => {
    for (const b of opened) await b.close();
    await tdb?.drop();
  });

  async function box(opts: { env?: Record<string, string>; overrides?: Overrides; clock?: TestClock } = {}) {
    const b = await testBoxOffice(tdb.db, opts);
    opened.push(b);
    return b;
  }
  async function privacyPage(b: TestBoxOffice) {
    const res = await b.server.inject({ method: 'GET', url: '/privacy' });
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  it('is linked from every page footer', async () => {
    const b = await box();
    expect((await b.server.inject({ method: 'GET', url: '/' })).body).toContain('<a href="/privacy">Privacy</a>');
  });

  it('lists each checkout field with its purpose, the registered cookies, the test provider, no mail relay, and the retention in force', async () => {
    const b = await box({ env: { RETENTION_IP_DAYS: '45', RETENTION_BUYER_MONTHS: '18', RETENTION_ABANDONED_DAYS: '14' } });
    const page = textOf(await privacyPage(b));
    for (const name of Object.keys(checkoutForm.shape) as (keyof typeof checkoutFieldPurposes)[]) {
      expect(page).toContain(`data-field="${name}"`);
      expect(page).toContain(checkoutFieldPurposes[name].purpose);
    }
    for (const c of COOKIE_REGISTRY) {
      expect(page).toContain(`data-cookie="${c.name}"`);
      expect(page).toContain(c.purpose);
    }
    expect(page).toContain('At most 12 hours');
    expect(page).toContain("Marquee's built-in test payment provider");
    expect(page).not.toContain('Stripe');
    expect(page).toContain('None: mail is kept locally');
    expect(page).toContain('erased 45 days after');
    expect(page).toContain('anonymised 18 months after');
    expect(page).toContain('deleted after 14 days');
    expect(page).toContain(IP_AND_ISP_USE);
    expect(page).toContain(DISCLOSURE_POLICY);
    expect(page).toContain('Producers ask no questions of their own at checkout.');
  });

  it('names Stripe and the SMTP relay by host only when they are configured, never the relay credentials', async () => {
    const logs = new LogCapture();
    const config = loadConfig({
      SECRET_KEY: randomBytes(32).toString('base64url'), SEED_DEMO: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'marquee-data-')),
      STRIPE_SECRET_KEY: 'sk_test_privacy123', STRIPE_WEBHOOK_SECRET: 'whsec_privacy123',
      SMTP_URL: 'smtps://mailuser42:S3cretRelayPw@relay.example.net:465',
    });
    const b = await assemble(config, { db: tdb.db, clock: new TestClock(), logger: createLogger('info', logs) });
    try {
      const res = await b.server.inject({ method: 'GET', url: '/privacy' });
      const page = textOf(res.body);
      expect(page).toContain('Stripe (Stripe Checkout, checkout.stripe.com)');
      expect(page).toContain('We send Stripe no name and no email address.');
      expect(page).not.toContain('built-in test payment provider');
      expect(page).toContain('SMTP relay relay.example.net:465');
      expect(page).not.toContain('mailuser42');
      expect(page).not.toContain('S3cretRelayPw');
      expect(page).not.toContain('sk_test_privacy123');
    } finally {
      await b.close();
    }
  });

  it('changes, with a new version, when a checkout purpose, a cookie or a retention period changes; a restart with the same facts keeps its version', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marquee-data-'));
    const clock = new TestClock();
    const first = await privacyPage(await box({ env: { DATA_DIR: dataDir }, clock }));
    const [hash1, v1] = versionOf(first);
    expect(v1).toBe('1');
    expect(first).toContain('datetime="2027-03-01T12:00:00.000Z"');

    // The same facts a day later: the same version, still dated from the first start.
    clock.advance(86_400_000);
    const again = await privacyPage(await box({ env: { DATA_DIR: dataDir }, clock }));
    expect(versionOf(again)).toEqual([hash1, '1']);
    expect(again).toContain('datetime="2027-03-01T12:00:00.000Z"');

    // A checkout field's purpose changes.
    const purposes = { ...checkoutFieldPurposes, buyerEmail: { ...checkoutFieldPurposes.buyerEmail, purpose: 'To send your tickets, and nothing else.' } };
    const p2 = await privacyPage(await box({ env: { DATA_DIR: dataDir }, clock, overrides: { checkoutFieldPurposes: purposes } }));
    expect(textOf(p2)).toContain('To send your tickets, and nothing else.');
    expect(textOf(p2)).not.toContain(checkoutFieldPurposes.buyerEmail.purpose);
    const [hash2, v2] = versionOf(p2);
    expect(hash2).not.toBe(hash1);
    expect(v2).toBe('2');
    expect(p2).toContain('datetime="2027-03-02T12:00:00.000Z"');

    // A cookie is added to the registry.
    const lang: CookieDeclaration = { name: 'mq_lang', purpose: 'Remembers the language you chose.', maxAgeSeconds: 30 * 86_400, httpOnly: true, sameSite: 'lax', path: '/', secureOnHttps: true };
    const p3 = await privacyPage(await box({ env: { DATA_DIR: dataDir }, clock, overrides: { checkoutFieldPurposes: purposes, cookies: [...COOKIE_REGISTRY, lang] } }));
    expect(p3).toContain('data-cookie="mq_lang"');
    expect(p3).toContain('At most 30 days');
    const [hash3, v3] = versionOf(p3);
    expect(hash3).not.toBe(hash2);
    expect(v3).toBe('3');

    // A retention period changes.
    const p4 = await privacyPage(await box({ env: { DATA_DIR: dataDir, RETENTION_IP_DAYS: '30' }, clock, overrides: { checkoutFieldPurposes: purposes, cookies: [...COOKIE_REGISTRY, lang] } }));
    expect(p4).toContain('erased 30 days after');
    expect(p4).not.toContain('erased 90 days after');
    const [hash4, v4] = versionOf(p4);
    expect(hash4).not.toBe(hash3);
    expect(v4).toBe('4');

    // Back to the defaults: a new version again, dated now, not the first one's date.
    clock.advance(86_400_000);
    const p5 = await privacyPage(await box({ env: { DATA_DIR: dataDir }, clock }));
    expect(versionOf(p5)).toEqual([hash1, '5']);
    expect(p5).toContain('datetime="2027-03-03T12:00:00.000Z"');
  });

  it('cannot be built when a checkout field has no declared purpose', async () => {
    const withPhone = checkoutForm.extend({ phone: z.string().optional() });
    expect(() => collectedFields(Object.keys(withPhone.shape), checkoutFieldPurposes)).toThrow(/without a declared purpose: phone/);
    const { marketingConsent: _, ...missing } = checkoutFieldPurposes;
    await expect(box({ overrides: { checkoutFieldPurposes: missing } })).rejects.toThrow(/without a declared purpose: marketingConsent/);
    const blank = { ...checkoutFieldPurposes, buyerName: { ...checkoutFieldPurposes.buyerName, purpose: '  ' } };
    await expect(box({ overrides: { checkoutFieldPurposes: blank } })).rejects.toThrow(/without a declared purpose: buyerName/);
    expect(() => collectedFields(['buyerName'], { ...checkoutFieldPurposes })).toThrow(/fields the form does not have/);
    // The real schema and its purposes agree.
    expect(collectedFields(Object.keys(checkoutForm.shape), checkoutFieldPurposes).map((f) => f.name)).toEqual(['buyerName', 'buyerEmail', 'marketingConsent']);
  });
});

describe('the cookie registry, enforced on every response', () => {
  let tdb: TestDatabase;
  let b: TestBoxOffice;
  let p: Awaited<ReturnType<typeof producerWithEvent>>;
  const lang: CookieDeclaration = { name: 'mq_lang', purpose: 'Remembers the language you chose.', maxAgeSeconds: 30 * 86_400, httpOnly: true, sameSite: 'lax', path: '/', secureOnHttps: true };

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    b = await testBoxOffice(tdb.db, { overrides: { cookies: [...COOKIE_REGISTRY, lang] } });
    p = await producerWithEvent(b);
    // Routes a careless change could add; registered before the app is first used.
    b.server.get('/x/tracker', async (_req, reply) => reply.setCookie('tracker', 'abc123', { path: '/', httpOnly: true, sameSite: 'lax' }).send('ok'));
    b.server.get('/x/raw-header', async (_req, reply) => reply.header('set-cookie', '_ga=GA1.2.3; Path=/').send('ok'));
    b.server.get('/x/session-readable', async (_req, reply) => reply.setCookie(COOKIES.session.name, 'v', { path: '/', sameSite: 'lax' }).send('ok'));
    b.server.get('/x/session-forever', async (_req, reply) =>
      reply.setCookie(COOKIES.session.name, 'v', { path: '/', httpOnly: true, sameSite: 'lax', expires: new Date(b.clock.now().getTime() + 400 * 86_400_000) }).send('ok'));
    b.server.get('/x/session-domain', async (_req, reply) => reply.setCookie(COOKIES.session.name, 'v', { path: '/', httpOnly: true, sameSite: 'lax', domain: 'example.org' }).send('ok'));
    b.server.get('/x/lang', async (_req, reply) => reply.setCookie('mq_lang', 'en', { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 86_400 }).send('ok'));
  });
  afterAll(async () => {
    await b?.close();
    await tdb?.drop();
  });

  it('fails a response that sets a cookie the registry does not list, strips it, and logs the name only', async () => {
    for (const url of ['/x/tracker', '/x/raw-header']) {
      const res = await b.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(500);
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
    expect(b.logs.text()).toContain('cookie \\"tracker\\" is not in the cookie registry');
    expect(b.logs.text()).toContain('cookie \\"_ga\\" is not in the cookie registry');
    expect(b.logs.text()).not.toContain('abc123');
  });

  it('fails a registered cookie set with other flags than the registry declares', async () => {
    const cases: [string, RegExp][] = [
      ['/x/session-readable', /HttpOnly should be true/],
      ['/x/session-forever', /Expires exceeds 43200s/],
      ['/x/session-domain', /Domain must not be set/],
    ];
    for (const [url, problem] of cases) {
      const res = await b.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(500);
      expect(res.headers['set-cookie'], url).toBeUndefined();
      expect(b.logs.text()).toMatch(problem);
    }
  });

  it('lets through the registered cookies with their declared flags: a new cookie is one registry entry', async () => {
    const lang = await b.server.inject({ method: 'GET', url: '/x/lang' });
    expect(lang.statusCode).toBe(200);
    expect(String(lang.headers['set-cookie'])).toMatch(/^mq_lang=en;/);
    const login = await b.server.inject({ method: 'POST', url: '/login', ...form({ email: p.email, password: p.password, next: '/dashboard' }) });
    expect(login.statusCode).toBe(303);
    const set = String(login.headers['set-cookie']);
    expect(set).toMatch(/^mq_session=[A-Za-z0-9_-]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const logout = await b.server.inject({ method: 'POST', url: '/logout', headers: { cookie: set.split(';')[0]! } });
    expect(logout.statusCode).toBe(303);
    expect(String(logout.headers['set-cookie'])).toMatch(/^mq_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 [^;]+; HttpOnly; SameSite=Lax$/);
  });

  it('sets the session cookie Secure when the box office is served over https', async () => {
    const db2 = await freshDatabase('pglite');
    const secure = await testBoxOffice(db2.db, { baseUrl: 'https://tickets.example.org' });
    try {
      const q = await producerWithEvent(secure);
      const login = await secure.server.inject({ method: 'POST', url: '/login', ...form({ email: q.email, password: q.password }) });
      expect(login.statusCode).toBe(303);
      expect(String(login.headers['set-cookie'])).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await secure.close();
      await db2.drop();
    }
  });

  it('sends the no-third-party headers: nonce CSP, strict referrer policy, permissions policy, nosniff', async () => {
    const res = await b.server.inject({ method: 'GET', url: '/privacy' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']).toContain(res.headers['referrer-policy']);
    expect(String(res.headers['permissions-policy'])).toMatch(/geolocation=\(\)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('links to the payment provider carry ids, never the buyer', () => {
  const buyer = { buyerName: 'Grace Hopper', buyerEmail: 'grace.pii@example.org' };
  const pieces = ['Grace', 'Hopper', 'grace.pii', 'example.org'];
  /** No piece of the buyer's name or email in the text, plainly or URL-encoded. */
  const expectNoBuyer = (what: string, text: string) => {
    for (const piece of pieces) {
      expect(text.toLowerCase(), `${what} carries "${piece}"`).not.toContain(piece.toLowerCase());
      expect(decodeURIComponent(text).toLowerCase(), `${what} carries "${piece}"`).not.toContain(piece.toLowerCase());
    }
  };
  const queryKeys = (url: string) => [...new URL(url.replaceAll('{CHECKOUT_SESSION_ID}', 'x')).searchParams.keys()].sort();

  it('with the built-in test provider: the card page, the return URL and the redirect back', async () => {
    const tdb = await freshDatabase('pglite');
    const b = await testBoxOffice(tdb.db);
    try {
      const p = await producerWithEvent(b);
      const hold = await b.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' }) });
      const checkout = await b.server.inject({ method: 'POST', url: hold.headers.location!, ...form(buyer) });
      expect(checkout.statusCode).toBe(303);
      const cardPage = checkout.headers.location!;
      expect(cardPage).toMatch(/\/testpay\/pay\/tps_[A-Za-z0-9_-]+$/);
      expectNoBuyer('the card page URL', cardPage);
      const sessionId = cardPage.split('/').pop()!;
      const session = (await b.testProvider.session(sessionId))!;
      expectNoBuyer('the return URL', session.returnUrl);
      expectNoBuyer('the session', JSON.stringify(session));
      const back = await b.testProvider.complete(sessionId, 'paid');
      expectNoBuyer('the redirect back to the shop', back);
      expect(queryKeys(back)).toEqual(['amount', 'currency', 'evt', 'outcome', 'pid', 'ref', 'sig']);
    } finally {
      await b.close();
      await tdb.drop();
    }
  });

  it('with Stripe: the session we create, its URL, and the success and cancel URLs', async () => {
    const keys = { secretKey: `sk_test_${randomBytes(12).toString('hex')}`, webhookSecret: `whsec_${randomBytes(16).toString('hex')}` };
    const clock = new TestClock('live');
    const tdb = await freshDatabase('pglite');
    const stripe = await startStripeServer({ ...keys, now: () => clock.now() });
    const config = loadConfig({
      SECRET_KEY: randomBytes(32).toString('base64url'), SEED_DEMO: 'false', BASE_URL: 'http://127.0.0.1:3997', DATA_DIR: mkdtempSync(join(tmpdir(), 'marquee-data-')),
      STRIPE_SECRET_KEY: keys.secretKey, STRIPE_WEBHOOK_SECRET: keys.webhookSecret,
    });
    const payments = stripeProvider({ ...keys, now: () => clock.now(), stripeOptions: stripe.sdkOptions });
    const box = await assemble(config, { db: tdb.db, clock, logger: createLogger('info', new LogCapture()), payments });
    try {
      const p = await producerWithEvent({ ...box, clock, logs: new LogCapture(), testProvider: null as never });
      const hold = await box.server.inject({ method: 'POST', url: `/events/${p.slug}/hold`, ...form({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' }) });
      const checkout = await box.server.inject({ method: 'POST', url: hold.headers.location!, ...form(buyer) });
      expect(checkout.statusCode).toBe(303);
      const created = stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');
      expect(created).toHaveLength(1);
      const params = created[0]!.params;
      expectNoBuyer('the session Stripe is sent', JSON.stringify(params));
      expect(params.customer_email).toBeUndefined();
      expect(queryKeys(String(params.success_url))).toEqual(['session_id']);
      expect(queryKeys(String(params.cancel_url))).toEqual(['cancelled', 'payment_id', 'session_id']);
      const stripePage = checkout.headers.location!;
      expectNoBuyer("Stripe's page URL", stripePage);
      const sessionId = /cs_test_[A-Za-z0-9]+/.exec(stripePage)![0];
      expectNoBuyer('the cancel URL', stripe.cancelUrl(sessionId));
      expectNoBuyer('the success URL', stripe.pay(sessionId));
    } finally {
      await box.close();
      await stripe.close();
      await tdb.drop();
    }
  });
});
