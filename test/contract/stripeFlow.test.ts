import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeProvider } from '../../src/adapters/payments/stripe.ts';
import { createLogger } from '../../src/adapters/log.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { loadConfig } from '../../src/config.ts';
import { assemble, type BoxOffice } from '../../src/main.ts';
import { LogCapture, TestClock } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startStripeServer, type StripeServer } from '../support/stripeServer.ts';
import { createEvent, createProducer } from '../../src/adapters/db/seed.ts';

/**
 * The whole sale with Stripe as the provider, through our HTTP app, against a local server that
 * speaks Stripe's API: checkout redirects to Stripe, Stripe's webhooks arrive many times and out
 * of order, and the buyer comes back. One order, one set of tickets, one email.
 */
describe('a sale through Stripe Checkout', () => {
  const keys = { secretKey: `sk_test_${randomBytes(12).toString('hex')}`, webhookSecret: `whsec_${randomBytes(16).toString('hex')}` };
  let tdb: TestDatabase;
  let box: BoxOffice;
  let stripe: StripeServer;
  let performanceId: string;
  let ticketTypeId: string;
  let slug: string;
  const clock = new TestClock('live');
  const logs = new LogCapture();

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    stripe = await startStripeServer({ ...keys, now: () => clock.now() });
    const config = loadConfig({
      SECRET_KEY: randomBytes(32).toString('base64url'), SEED_DEMO: 'false', BASE_URL: 'http://127.0.0.1:3998', DATA_DIR: mkdtempSync(join(tmpdir(), 'marquee-data-')),
      STRIPE_SECRET_KEY: keys.secretKey, STRIPE_WEBHOOK_SECRET: keys.webhookSecret,
    });
    const payments = stripeProvider({ ...keys, now: () => clock.now(), stripeOptions: stripe.sdkOptions });
    box = await assemble(config, { db: tdb.db, clock, logger: createLogger('info', logs), payments });
    const now = clock.now();
    const { producerId } = await createProducer(tdb.db, box.deps.passwords, { name: 'Stripe Hall', slug: 'stripe-hall', user: { email: 's@hall.test', name: 'S', password: 'pw-stripe-hall' } }, now);
    slug = 'stripe-show';
    const event = await createEvent(tdb.db, producerId, {
      slug, title: 'Stripe Show', venue: { name: 'Hall', timeZone: 'Europe/Paris' },
      performances: [{ startsAt: new Date(now.getTime() + 20 * 86_400_000), ticketTypes: [{ name: 'Seat', priceMinor: 3200, currency: 'EUR', capacity: 50 }] }],
    }, now);
    performanceId = event.performances[0]!.id;
    ticketTypeId = event.performances[0]!.ticketTypeIds[0]!;
  });
  afterAll(async () => {
    await box?.close();
    await stripe?.close();
    await tdb?.drop();
  });

  const form = (body: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(body).toString() });

  it('mounts no test provider and lets the checkout redirect to Stripe under the CSP', async () => {
    expect(box.testProvider).toBeNull();
    expect((await box.server.inject({ method: 'GET', url: '/testpay/pay/x' })).statusCode).toBe(404);
    const page = await box.server.inject({ method: 'GET', url: '/' });
    expect(String(page.headers['content-security-policy'])).toContain("form-action 'self' https://checkout.stripe.com");
  });

  it('gives one order, one set of tickets and one email, however often and in whatever order Stripe calls', async () => {
    const hold = await box.server.inject({ method: 'POST', url: `/events/${slug}/hold`, ...form({ performanceId, [`q_${ticketTypeId}`]: '2' }) });
    expect(hold.statusCode).toBe(303);
    const checkout = await box.server.inject({ method: 'POST', url: hold.headers.location!, ...form({ buyerName: 'Stripe Buyer', buyerEmail: 'stripe.buyer@example.org' }) });
    expect(checkout.statusCode).toBe(303);
    const created = stripe.requests.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');
    expect(created?.idempotencyKey).toMatch(/^payment:/);
    const sessionId = findSession(stripe, checkout.headers.location!);
    const successUrl = stripe.pay(sessionId);

    // Stripe's events about this sale, each delivered five times at once, the completion among its siblings.
    const events = stripe.events().filter((e) => JSON.stringify(e).includes(sessionId) || e.type.startsWith('payment_intent') || e.type.startsWith('charge'));
    expect(events.some((e) => e.type === 'checkout.session.completed')).toBe(true);
    const deliveries = events.flatMap((e) => Array.from({ length: 5 }, () => stripe.signed(e))).reverse();
    const answers = await Promise.all(deliveries.map((d) => box.server.inject({ method: 'POST', url: '/payments/webhook/stripe', headers: d.headers, payload: d.body })));
    for (const a of answers) expect(a.statusCode).toBe(200);

    // A forged delivery changes nothing and gets 400.
    const completed = events.find((e) => e.type === 'checkout.session.completed')!;
    const forged = stripe.signed(completed, { secret: 'whsec_not_the_secret' });
    const bad = await box.server.inject({ method: 'POST', url: '/payments/webhook/stripe', headers: forged.headers, payload: forged.body });
    expect(bad.statusCode).toBe(400);

    // Then the buyer comes back.
    const back = new URL(successUrl);
    const ret = await box.server.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(ret.statusCode).toBe(303);
    expect(ret.headers.location).toMatch(/^\/orders\/[0-9a-f-]{36}\/[A-Za-z0-9_-]+\?paid=1$/);

    const orders = await tdb.db.selectFrom('orders').selectAll().execute();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'paid', totalMinor: 6400, currency: 'EUR' });
    expect(await tdb.db.selectFrom('tickets').where('orderId', '=', orders[0]!.id).selectAll().execute()).toHaveLength(2);
    await dispatchMails(box.deps);
    expect(await tdb.db.selectFrom('mails').where('orderId', '=', orders[0]!.id).select(['kind', 'status']).execute()).toEqual([{ kind: 'order_confirmation', status: 'sent' }]);
    expect(await tdb.db.selectFrom('devOutbox').where('toAddress', '=', 'stripe.buyer@example.org').selectAll().execute()).toHaveLength(1);
    const payments = await tdb.db.selectFrom('payments').select(['status', 'provider']).execute();
    expect(payments).toEqual([{ status: 'paid', provider: 'stripe' }]);
    expect(logs.text()).not.toContain('stripe.buyer@example.org');
  });
});

/** The session Stripe made for the checkout, found from the URL we redirected the buyer to. */
function findSession(stripe: StripeServer, redirect: string): string {
  const match = /cs_test_[A-Za-z0-9]+/.exec(redirect);
  if (match && stripe.session(match[0])) return match[0];
  const created = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.method === 'POST');
  throw new Error(`no session found in ${redirect} (${created.length} created)`);
}
