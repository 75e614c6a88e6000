import { randomBytes, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeServer, type StripeServer, type StripeServerOptions } from '../../../test/support/stripeServer.ts';
import type { PaymentProvider, PaymentSessionRequest } from '../../app/ports.ts';
import { money } from '../../domain/money.ts';
import { sessionExpiry, stripeProvider } from './stripe.ts';

/**
 * What the payment contract (test/contract/payments.test.ts) cannot say about Stripe in general
 * terms: the request Stripe receives, asynchronous payment methods, the cancel link, refunds
 * traced back through the PaymentIntent, and failures that are not forgeries.
 */

const MINUTE = 60_000;
const T0 = new Date('2027-03-01T18:00:00Z');

async function setup(over: Partial<StripeServerOptions> = {}) {
  let now = T0;
  const keys = { secretKey: `sk_test_${randomBytes(12).toString('hex')}`, webhookSecret: `whsec_${randomBytes(24).toString('base64')}` };
  const server = await startStripeServer({ ...keys, now: () => now, ...over });
  const provider = stripeProvider({ ...keys, now: () => now, stripeOptions: server.sdkOptions });
  const sdk = new Stripe(keys.secretKey, server.sdkOptions);
  return { server, provider, sdk, keys, advance: (ms: number) => { now = new Date(now.getTime() + ms); }, now: () => now };
}

function request(over: Partial<PaymentSessionRequest> = {}): PaymentSessionRequest {
  return {
    paymentId: randomUUID(), orderCode: 'K7Q-2MX', amount: money(4250, 'EUR'), description: 'Hamlet, order K7Q-2MX',
    returnUrl: 'https://tickets.example.org/payments/return/stripe', idempotencyKey: `payment:${randomUUID()}`,
    expiresAt: new Date(T0.getTime() + 10 * MINUTE), ...over,
  };
}

const webhook = (server: StripeServer, type: string, objectId: string) => {
  const event = server.events({ type, objectId }).at(-1);
  if (!event) throw new Error(`no ${type} event for ${objectId}`);
  return server.signed(event);
};

describe('sessionExpiry', () => {
  it('asks for the hold expiry when Stripe accepts it', () => {
    expect(sessionExpiry(new Date(T0.getTime() + 45 * MINUTE), T0)).toBe((T0.getTime() + 45 * MINUTE) / 1000);
  });

  it('asks for at least 31 minutes, rounded up to the minute, because Stripe refuses less than 30', () => {
    const now = new Date(T0.getTime() + 12_345);
    const expiry = sessionExpiry(new Date(now.getTime() + 10 * MINUTE), now);
    expect(expiry * 1000).toBe(T0.getTime() + 32 * MINUTE);
    expect(expiry * 1000 - now.getTime()).toBeGreaterThanOrEqual(31 * MINUTE);
    // A retry moments later sends the same value, as an idempotent request must.
    expect(sessionExpiry(new Date(now.getTime() + 10 * MINUTE), new Date(now.getTime() + 20_000))).toBe(expiry);
  });

  it('asks for at most 24 hours', () => {
    expect(sessionExpiry(new Date(T0.getTime() + 48 * 60 * MINUTE), T0)).toBe((T0.getTime() + 24 * 60 * MINUTE) / 1000);
  });
});

describe('the Stripe adapter', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  let provider: PaymentProvider;
  beforeAll(async () => {
    s = await setup();
    provider = s.provider;
  });
  afterAll(async () => {
    await s?.server.close();
  });

  describe('opening a session', () => {
    it('asks Stripe for a hosted Checkout Session for the order total, carrying our payment id', async () => {
      const req = request();
      const { providerRef } = await provider.createSession(req);
      const sent = s.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').at(-1)!;
      expect(sent.idempotencyKey).toBe(req.idempotencyKey);
      expect(sent.params).toEqual({
        mode: 'payment',
        line_items: { 0: { quantity: '1', price_data: { currency: 'eur', unit_amount: '4250', product_data: { name: 'Hamlet, order K7Q-2MX' } } } },
        client_reference_id: req.paymentId,
        metadata: { paymentId: req.paymentId, orderCode: 'K7Q-2MX' },
        payment_intent_data: { description: 'Hamlet, order K7Q-2MX', metadata: { paymentId: req.paymentId, orderCode: 'K7Q-2MX' } },
        success_url: 'https://tickets.example.org/payments/return/stripe?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: `https://tickets.example.org/payments/return/stripe?cancelled=1&payment_id=${req.paymentId}&session_id={CHECKOUT_SESSION_ID}`,
        expires_at: String((T0.getTime() + 31 * MINUTE) / 1000),
      });
      expect(s.server.session(providerRef)).toMatchObject({ amount_total: 4250, currency: 'eur', status: 'open' });
    });

    it('adds to a return URL that already has a query', async () => {
      const { providerRef } = await provider.createSession(request({ returnUrl: 'https://tickets.example.org/return?provider=stripe' }));
      expect(s.server.session(providerRef)!.success_url).toBe('https://tickets.example.org/return?provider=stripe&session_id={CHECKOUT_SESSION_ID}');
    });

    it('fails loudly when a key is reused for a different request, and opens no second session', async () => {
      const req = request();
      await provider.createSession(req);
      const before = s.server.requests.length;
      await expect(provider.createSession({ ...req, amount: money(9999, 'EUR') })).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(s.server.requests.length).toBe(before + 1);
    });

    it('fails loudly with a wrong secret key', async () => {
      const wrong = stripeProvider({ secretKey: 'sk_test_wrong', webhookSecret: s.keys.webhookSecret, now: s.now, stripeOptions: s.server.sdkOptions });
      await expect(wrong.createSession(request())).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    });
  });

  describe('the return', () => {
    it('says nothing for a success return while an asynchronous payment is still processing', async () => {
      const { providerRef } = await provider.createSession(request());
      const back = new URL(s.server.pay(providerRef, { async: true }));
      expect(await provider.confirmReturn(Object.fromEntries(back.searchParams))).toBeNull();
      expect((await provider.retrieve(providerRef)).status).toBe('open');
    });

    it('expires the session at Stripe when the buyer cancels', async () => {
      const { providerRef } = await provider.createSession(request());
      const outcome = await provider.confirmReturn(Object.fromEntries(new URL(s.server.cancelUrl(providerRef)).searchParams));
      expect(outcome).toMatchObject({ outcome: 'failed', reason: 'cancelled', eventId: `return:${providerRef}:cancelled` });
      expect(s.server.session(providerRef)!.status).toBe('expired');
      expect(s.server.requests.some((r) => r.path === `/v1/checkout/sessions/${providerRef}/expire`)).toBe(true);
    });

    it('reports paid, not cancelled, when the buyer paid before using the back link (another tab)', async () => {
      const { providerRef } = await provider.createSession(request());
      const cancelUrl = s.server.cancelUrl(providerRef);
      s.server.pay(providerRef);
      const outcome = await provider.confirmReturn(Object.fromEntries(new URL(cancelUrl).searchParams));
      expect(outcome).toMatchObject({ outcome: 'paid', eventId: `return:${providerRef}:paid` });
    });

    it('refuses a cancel link whose payment id is not the session\'s', async () => {
      const { providerRef } = await provider.createSession(request());
      const params = Object.fromEntries(new URL(s.server.cancelUrl(providerRef)).searchParams);
      expect(await provider.confirmReturn({ ...params, payment_id: randomUUID() })).toBeNull();
      expect(s.server.session(providerRef)!.status).toBe('open');
    });

    it('refuses a session that is not one of ours', async () => {
      const foreign = await s.sdk.checkout.sessions.create({
        mode: 'payment', success_url: 'https://elsewhere.example/ok',
        line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 100, product_data: { name: 'Other shop' } } }],
        expires_at: Math.floor(T0.getTime() / 1000) + 3600,
      });
      const back = new URL(s.server.pay(foreign.id));
      expect(await provider.confirmReturn(Object.fromEntries(back.searchParams))).toBeNull();
      const w = webhook(s.server, 'checkout.session.completed', foreign.id);
      expect(await provider.parseWebhook(w.body, w.headers)).toEqual([]);
    });

    it('throws, rather than calling the return forged, when Stripe cannot be asked', async () => {
      const down = await setup();
      const { providerRef } = await down.provider.createSession(request());
      const back = Object.fromEntries(new URL(down.server.pay(providerRef)).searchParams);
      await down.server.close();
      await expect(down.provider.confirmReturn(back)).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    });
  });

  describe('the cancel link without the session id', () => {
    it('is refused (the session expires at Stripe by itself) when Stripe leaves the placeholder literal', async () => {
      const literal = await setup({ fillCancelUrl: false });
      try {
        const { providerRef } = await literal.provider.createSession(request());
        const params = Object.fromEntries(new URL(literal.server.cancelUrl(providerRef)).searchParams);
        expect(params.session_id).toBe('{CHECKOUT_SESSION_ID}');
        expect(await literal.provider.confirmReturn(params)).toBeNull();
        expect(literal.server.requests.filter((r) => r.method === 'GET' || r.path.endsWith('/expire'))).toEqual([]);
      } finally {
        await literal.server.close();
      }
    });
  });

  describe('webhooks', () => {
    it('takes a completed session that is not yet paid as nothing, and its later success as paid', async () => {
      const req = request();
      const { providerRef } = await provider.createSession(req);
      s.server.pay(providerRef, { async: true });
      const completed = webhook(s.server, 'checkout.session.completed', providerRef);
      expect(await provider.parseWebhook(completed.body, completed.headers)).toEqual([]);
      s.server.settle(providerRef, 'succeeded');
      const succeeded = webhook(s.server, 'checkout.session.async_payment_succeeded', providerRef);
      expect(await provider.parseWebhook(succeeded.body, succeeded.headers)).toEqual([
        expect.objectContaining({ outcome: 'paid', paymentId: req.paymentId, providerRef, amount: req.amount }),
      ]);
      expect((await provider.retrieve(providerRef)).status).toBe('paid');
    });

    it('takes events about other things as nothing', async () => {
      const { providerRef } = await provider.createSession(request());
      s.server.pay(providerRef);
      await provider.refund(providerRef, money(100, 'EUR'), `refund:${randomUUID()}`);
      const refundCreated = s.server.events({ type: 'refund.created' }).at(-1)!;
      const w = s.server.signed(refundCreated);
      expect(await provider.parseWebhook(w.body, w.headers)).toEqual([]);
      const customer = s.server.signed({ id: 'evt_test_customer', object: 'event', type: 'customer.created', created: 0, data: { object: { id: 'cus_1', object: 'customer' } } });
      expect(await provider.parseWebhook(customer.body, customer.headers)).toEqual([]);
    });

    it('refuses a signature header given twice, and a signed body that is not JSON', async () => {
      const { providerRef } = await provider.createSession(request());
      s.server.pay(providerRef);
      const w = webhook(s.server, 'checkout.session.completed', providerRef);
      expect(await provider.parseWebhook(w.body, { 'stripe-signature': [w.headers['stripe-signature']!, w.headers['stripe-signature']!] })).toBeNull();
      const notJson = Stripe.webhooks.generateTestHeaderString({ payload: 'not json', secret: s.keys.webhookSecret, timestamp: Math.floor(s.now().getTime() / 1000) });
      expect(await provider.parseWebhook(Buffer.from('not json'), { 'stripe-signature': notJson })).toBeNull();
    });

    it('traces a refund back to our payment through the PaymentIntent when the charge carries no metadata', async () => {
      const bare = await setup({ copyMetadataToCharge: false });
      try {
        const req = request();
        const { providerRef } = await bare.provider.createSession(req);
        bare.server.pay(providerRef);
        await bare.provider.refund(providerRef, money(2000, 'EUR'), `refund:${randomUUID()}`);
        const charge = bare.server.charge(bare.server.paymentIntent(bare.server.session(providerRef)!.payment_intent!)!.latest_charge!)!;
        expect(charge.metadata).toEqual({});
        const w = webhook(bare.server, 'charge.refunded', charge.id);
        expect(await bare.provider.parseWebhook(w.body, w.headers)).toEqual([{
          eventId: expect.stringMatching(/^evt_/), outcome: 'refunded', paymentId: req.paymentId, providerRef,
          amount: money(4250, 'EUR'), refundedTotal: money(2000, 'EUR'),
        }]);
      } finally {
        await bare.server.close();
      }
    });
  });

  describe('refunds', () => {
    it('passes our idempotency key to Stripe and refunds the session\'s PaymentIntent', async () => {
      const { providerRef } = await provider.createSession(request());
      s.server.pay(providerRef);
      const key = `refund:${randomUUID()}`;
      await provider.refund(providerRef, money(700, 'EUR'), key);
      const sent = s.server.requests.filter((r) => r.path === '/v1/refunds').at(-1)!;
      expect(sent.idempotencyKey).toBe(key);
      expect(sent.params).toMatchObject({ payment_intent: s.server.session(providerRef)!.payment_intent, amount: '700' });
    });

    it('refuses a refund of nothing or less, without asking Stripe', async () => {
      const before = s.server.requests.length;
      await expect(provider.refund('cs_test_any', money(0, 'EUR'), 'k')).rejects.toThrow(RangeError);
      await expect(provider.refund('cs_test_any', money(-5, 'EUR'), 'k')).rejects.toThrow(RangeError);
      expect(s.server.requests.length).toBe(before);
    });
  });

  describe('reconciliation', () => {
    it('reports an asynchronous payment that failed as failed', async () => {
      const { providerRef } = await provider.createSession(request());
      s.server.pay(providerRef, { async: true });
      s.server.settle(providerRef, 'failed');
      expect((await provider.retrieve(providerRef)).status).toBe('failed');
    });

    it('reports a session whose expiry passed as expired', async () => {
      const { providerRef } = await provider.createSession(request());
      s.advance(32 * MINUTE);
      expect((await provider.retrieve(providerRef)).status).toBe('expired');
    });
  });
});
