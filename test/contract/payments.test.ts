import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeProvider } from '../../src/adapters/payments/stripe.ts';
import { testProvider } from '../../src/adapters/payments/testProvider.ts';
import type { PaymentProvider, PaymentSessionRequest } from '../../src/app/ports.ts';
import { money } from '../../src/domain/money.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startStripeServer } from '../support/stripeServer.ts';

/**
 * The payment port's contract, run against every provider: the built-in test provider and the
 * Stripe adapter (through the official SDK, against a local server that speaks Stripe's API).
 * A driver per provider plays the buyer on the provider's page and the provider's webhook sender.
 */

type Params = Record<string, string>;
type Fact = 'paid' | 'failed' | 'expired' | 'refunded';
interface Webhook { body: Buffer; headers: Record<string, string> }

interface Driver {
  provider: PaymentProvider;
  /** Every provider here reads the same clock; tests move it. */
  clock: { now(): Date; advance(ms: number): void };
  /** The buyer pays on the provider's page; the params the browser brings back. */
  pay(ref: string): Promise<Params>;
  /** The buyer leaves the provider's page by its cancel link; the params the browser brings back. */
  cancel(ref: string): Promise<Params>;
  /** The provider declines the payment; the shop hears of it by webhook. */
  decline(ref: string): Promise<void>;
  /** The session runs out without a payment. */
  expire(ref: string): Promise<void>;
  /** What a browser could bring back from a session it never paid. */
  unpaidReturn(ref: string): Promise<Params>;
  /** The provider's signed webhook about the latest fact of this kind; `otherSecret` signs it with a key that is not the shop's. */
  webhook(ref: string, fact: Fact, opts?: { at?: Date; otherSecret?: boolean }): Promise<Webhook>;
  close(): Promise<void>;
}

function testClock() {
  let now = new Date('2027-03-01T18:00:00Z');
  return { now: () => now, advance: (ms: number) => { now = new Date(now.getTime() + ms); } };
}

const params = (url: string): Params => Object.fromEntries(new URL(url).searchParams);

async function testProviderDriver(): Promise<Driver> {
  const tdb: TestDatabase = await freshDatabase('pglite');
  const clock = testClock();
  const options = { db: tdb.db, secret: randomBytes(32), baseUrl: 'http://shop.test', now: clock.now };
  const provider = testProvider(options);
  const impostor = testProvider({ ...options, secret: randomBytes(32) });
  const types = { paid: 'payment.paid', failed: 'payment.failed', expired: 'payment.expired', refunded: 'payment.refunded' } as const;
  return {
    provider, clock,
    pay: async (ref) => params(await provider.complete(ref, 'paid')),
    cancel: async (ref) => params(await provider.complete(ref, 'cancelled')),
    async decline(ref) {
      await provider.complete(ref, 'declined');
    },
    async expire(ref) {
      const s = await provider.session(ref);
      clock.advance(s!.expiresAt!.getTime() - clock.now().getTime() + 1000);
    },
    async unpaidReturn(ref) {
      // The fields of a genuine paid return, signed with a key that is not the provider's.
      const s = (await provider.session(ref))!;
      const fields = { ref, pid: s.reference, evt: `evt_${randomUUID()}`, outcome: 'paid', amount: String(s.amount), currency: s.currency };
      const sig = createHmac('sha256', randomBytes(32)).update(Object.values(fields).join('|')).digest('base64url');
      return { ...fields, sig };
    },
    async webhook(ref, fact, opts = {}) {
      const w = await (opts.otherSecret ? impostor : provider).webhook(ref, types[fact], opts.at);
      return { body: Buffer.from(w.body), headers: w.headers };
    },
    close: () => tdb.drop(),
  };
}

async function stripeDriver(): Promise<Driver> {
  const clock = testClock();
  const keys = { secretKey: `sk_test_${randomBytes(12).toString('hex')}`, webhookSecret: `whsec_${randomBytes(24).toString('base64')}` };
  const server = await startStripeServer({ ...keys, now: clock.now });
  const provider = stripeProvider({ ...keys, now: clock.now, stripeOptions: server.sdkOptions });
  const latest = (type: string, objectId: string) => {
    const event = server.events({ type, objectId }).at(-1);
    if (!event) throw new Error(`no ${type} event for ${objectId}`);
    return event;
  };
  return {
    provider, clock,
    pay: async (ref) => params(server.pay(ref)),
    cancel: async (ref) => params(server.cancelUrl(ref)),
    async decline(ref) {
      server.pay(ref, { async: true });
      server.settle(ref, 'failed');
    },
    async expire(ref) {
      server.expire(ref);
    },
    // The success URL, typed in without paying.
    unpaidReturn: async (ref) => ({ session_id: ref }),
    async webhook(ref, fact, opts = {}) {
      const session = server.session(ref)!;
      const event =
        fact === 'paid' ? (server.events({ type: 'checkout.session.async_payment_succeeded', objectId: ref }).at(-1) ?? latest('checkout.session.completed', ref))
        : fact === 'failed' ? latest('checkout.session.async_payment_failed', ref)
        : fact === 'expired' ? latest('checkout.session.expired', ref)
        : latest('charge.refunded', server.paymentIntent(session.payment_intent!)!.latest_charge!);
      return server.signed(event, { ...(opts.at ? { at: opts.at } : {}), ...(opts.otherSecret ? { secret: `whsec_${randomBytes(24).toString('base64')}` } : {}) });
    },
    close: () => server.close(),
  };
}

const PROVIDERS: [string, () => Promise<Driver>][] = [
  ['the test provider', testProviderDriver],
  ['Stripe (local API server)', stripeDriver],
];

/**
 * Known divergences of a provider from the contract, reported rather than fixed here: each such
 * test is expected to fail for that provider, and starts failing the suite once it is fixed.
 */
// Contract tests a provider is known to fail, marked it.fails so that fixing it turns them red. None now.
const KNOWN_DIVERGENCES: Record<string, string[]> = {};

describe.each(PROVIDERS)('payment provider contract: %s', (name, makeDriver) => {
  const itHolds = (title: string) => (KNOWN_DIVERGENCES[name]?.includes(title) ? it.fails : it);
  let d: Driver;
  beforeAll(async () => {
    d = await makeDriver();
  });
  afterAll(async () => {
    await d?.close();
  });

  function request(over: Partial<PaymentSessionRequest> = {}): PaymentSessionRequest {
    return {
      paymentId: randomUUID(), orderCode: 'K7Q-2MX', amount: money(4250, 'EUR'), description: 'Hamlet, order K7Q-2MX',
      returnUrl: 'http://shop.test/payments/return/x', idempotencyKey: `payment:${randomUUID()}`,
      expiresAt: new Date(d.clock.now().getTime() + 10 * 60_000), ...over,
    };
  }
  async function open(over: Partial<PaymentSessionRequest> = {}) {
    const req = request(over);
    const session = await d.provider.createSession(req);
    return { req, ref: session.providerRef, session };
  }
  async function paid(over: Partial<PaymentSessionRequest> = {}) {
    const s = await open(over);
    await d.pay(s.ref);
    return s;
  }

  describe('sessions', () => {
    it('opens a session and gives the URL of the provider page to send the buyer to', async () => {
      const { session } = await open();
      expect(session.providerRef).toMatch(/\S/);
      expect(new URL(session.redirectUrl).protocol).toMatch(/^https?:$/);
    });

    it('opens one session per idempotency key, however often it is asked', async () => {
      const req = request();
      const first = await d.provider.createSession(req);
      expect(await d.provider.createSession(req)).toEqual(first);
      expect(await d.provider.createSession(req)).toEqual(first);
      const other = await d.provider.createSession({ ...req, idempotencyKey: `payment:${randomUUID()}` });
      expect(other.providerRef).not.toBe(first.providerRef);
    });
  });

  describe('the browser coming back', () => {
    it('confirms a paid session as paid, for our payment and its amount', async () => {
      const { req, ref } = await open();
      const back = await d.pay(ref);
      const outcome = await d.provider.confirmReturn(back);
      expect(outcome).toMatchObject({ outcome: 'paid', paymentId: req.paymentId, providerRef: ref, amount: req.amount });
      expect(outcome!.eventId).toMatch(/\S/);
    });

    it('gives the same event id when the same return comes again (a refreshed page)', async () => {
      const { ref } = await open();
      const back = await d.pay(ref);
      const first = await d.provider.confirmReturn(back);
      expect(await d.provider.confirmReturn({ ...back })).toEqual(first);
    });

    it('refuses a return for a session nobody paid', async () => {
      const { ref } = await open();
      expect(await d.provider.confirmReturn(await d.unpaidReturn(ref))).toBeNull();
      expect((await d.provider.retrieve(ref)).status).toBe('open');
    });

    it('refuses a genuine return with any one of its values changed, and an empty one', async () => {
      const { ref } = await open();
      const back = await d.pay(ref);
      for (const key of Object.keys(back)) {
        expect(await d.provider.confirmReturn({ ...back, [key]: `${back[key]}x` }), key).toBeNull();
      }
      expect(await d.provider.confirmReturn({})).toBeNull();
    });

    it('reports a buyer who cancelled on the provider page as failed, cancelled; the session cannot be paid any more', async () => {
      const { req, ref } = await open();
      const outcome = await d.provider.confirmReturn(await d.cancel(ref));
      expect(outcome).toMatchObject({ outcome: 'failed', reason: 'cancelled', paymentId: req.paymentId, providerRef: ref, amount: req.amount });
      expect(['failed', 'expired']).toContain((await d.provider.retrieve(ref)).status);
      await expect(d.pay(ref)).rejects.toThrow();
    });
  });

  describe('webhooks', () => {
    it('reports a paid session', async () => {
      const { req, ref } = await paid();
      const w = await d.webhook(ref, 'paid');
      const outcomes = await d.provider.parseWebhook(w.body, w.headers);
      expect(outcomes).toEqual([expect.objectContaining({ outcome: 'paid', paymentId: req.paymentId, providerRef: ref, amount: req.amount })]);
      expect(outcomes![0]!.eventId).toMatch(/\S/);
    });

    it('reports a declined payment as failed, declined', async () => {
      const { req, ref } = await open();
      await d.decline(ref);
      const w = await d.webhook(ref, 'failed');
      expect(await d.provider.parseWebhook(w.body, w.headers)).toEqual([
        expect.objectContaining({ outcome: 'failed', reason: 'declined', paymentId: req.paymentId, providerRef: ref }),
      ]);
      expect((await d.provider.retrieve(ref)).status).toBe('failed');
    });

    it('reports an expired session', async () => {
      const { req, ref } = await open();
      await d.expire(ref);
      const w = await d.webhook(ref, 'expired');
      expect(await d.provider.parseWebhook(w.body, w.headers)).toEqual([
        expect.objectContaining({ outcome: 'expired', paymentId: req.paymentId, providerRef: ref, amount: req.amount }),
      ]);
    });

    it('gives the same event id when the same webhook is delivered twice', async () => {
      const { ref } = await paid();
      const w = await d.webhook(ref, 'paid');
      const first = await d.provider.parseWebhook(w.body, w.headers);
      expect(await d.provider.parseWebhook(Buffer.from(w.body), { ...w.headers })).toEqual(first);
    });

    it('refuses a webhook whose body was changed after signing', async () => {
      const { ref } = await paid();
      const w = await d.webhook(ref, 'paid');
      const text = w.body.toString('utf8');
      const amount = String((await d.provider.retrieve(ref)).amount.amount);
      expect(text).toContain(amount);
      const forged = Buffer.from(text.replace(amount, String(Number(amount) * 10)));
      expect(await d.provider.parseWebhook(forged, w.headers)).toBeNull();
    });

    it('refuses a webhook signed with another key, or not signed at all', async () => {
      const { ref } = await paid();
      const w = await d.webhook(ref, 'paid', { otherSecret: true });
      expect(await d.provider.parseWebhook(w.body, w.headers)).toBeNull();
      const genuine = await d.webhook(ref, 'paid');
      expect(await d.provider.parseWebhook(genuine.body, { 'content-type': 'application/json' })).toBeNull();
    });

    it('refuses a webhook signed more than five minutes ago (a replay), and takes one signed a minute ago', async () => {
      const { ref } = await paid();
      const stale = await d.webhook(ref, 'paid', { at: new Date(d.clock.now().getTime() - 6 * 60_000) });
      expect(await d.provider.parseWebhook(stale.body, stale.headers)).toBeNull();
      const recent = await d.webhook(ref, 'paid', { at: new Date(d.clock.now().getTime() - 60_000) });
      expect(await d.provider.parseWebhook(recent.body, recent.headers)).toHaveLength(1);
    });
  });

  describe('expiry', () => {
    const title = 'refuses payment once the session has expired';
    itHolds(title)(title, async () => {
      const { ref } = await open();
      await d.expire(ref);
      await expect(d.pay(ref)).rejects.toThrow();
      expect((await d.provider.retrieve(ref)).status).toBe('expired');
    });
  });

  describe('asking the provider (reconciliation)', () => {
    it('reports an open session as open, a paid one as paid, an expired one as expired', async () => {
      const { req, ref } = await open();
      expect(await d.provider.retrieve(ref)).toEqual({ status: 'open', amount: req.amount, refunded: money(0, 'EUR') });
      await d.pay(ref);
      expect(await d.provider.retrieve(ref)).toEqual({ status: 'paid', amount: req.amount, refunded: money(0, 'EUR') });
      const other = await open();
      await d.expire(other.ref);
      expect((await d.provider.retrieve(other.ref)).status).toBe('expired');
    });

    it('reports what has been refunded of a paid session', async () => {
      const { req, ref } = await paid();
      await d.provider.refund(ref, money(1000, 'EUR'), `refund:${randomUUID()}`);
      expect(await d.provider.retrieve(ref)).toEqual({ status: 'paid', amount: req.amount, refunded: money(1000, 'EUR') });
    });
  });

  describe('refunds', () => {
    it('refunds once per idempotency key, however often it is asked', async () => {
      const { ref } = await paid();
      const key = `refund:${randomUUID()}`;
      const first = await d.provider.refund(ref, money(1500, 'EUR'), key);
      expect(first.refundRef).toMatch(/\S/);
      expect(await d.provider.refund(ref, money(1500, 'EUR'), key)).toEqual(first);
      expect((await d.provider.retrieve(ref)).refunded).toEqual(money(1500, 'EUR'));
    });

    it('adds partial refunds up, and the refund webhook reports the total', async () => {
      const { req, ref } = await paid();
      await d.provider.refund(ref, money(1000, 'EUR'), `refund:${randomUUID()}`);
      await d.provider.refund(ref, money(250, 'EUR'), `refund:${randomUUID()}`);
      expect((await d.provider.retrieve(ref)).refunded).toEqual(money(1250, 'EUR'));
      const w = await d.webhook(ref, 'refunded');
      expect(await d.provider.parseWebhook(w.body, w.headers)).toEqual([
        expect.objectContaining({ outcome: 'refunded', paymentId: req.paymentId, providerRef: ref, amount: req.amount, refundedTotal: money(1250, 'EUR') }),
      ]);
    });

    it('refuses to refund more than was paid, in one go or in several', async () => {
      const { ref } = await paid();
      await expect(d.provider.refund(ref, money(4251, 'EUR'), `refund:${randomUUID()}`)).rejects.toThrow();
      await d.provider.refund(ref, money(4000, 'EUR'), `refund:${randomUUID()}`);
      await expect(d.provider.refund(ref, money(251, 'EUR'), `refund:${randomUUID()}`)).rejects.toThrow();
      await d.provider.refund(ref, money(250, 'EUR'), `refund:${randomUUID()}`);
      await expect(d.provider.refund(ref, money(1, 'EUR'), `refund:${randomUUID()}`)).rejects.toThrow();
      expect((await d.provider.retrieve(ref)).refunded).toEqual(money(4250, 'EUR'));
    });

    it('refuses to refund a session that was never paid, or in another currency', async () => {
      const { ref } = await open();
      await expect(d.provider.refund(ref, money(100, 'EUR'), `refund:${randomUUID()}`)).rejects.toThrow();
      const p = await paid();
      await expect(d.provider.refund(p.ref, money(100, 'GBP'), `refund:${randomUUID()}`)).rejects.toThrow();
      expect((await d.provider.retrieve(p.ref)).refunded).toEqual(money(0, 'EUR'));
    });
  });
});
