import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStripeForm, startStripeServer, type StripeServer } from './stripeServer.ts';

/** The local Stripe server is only as good as its likeness to Stripe where the adapter depends on it. */

describe('parseStripeForm', () => {
  it('reads bracket notation into nested hashes', () => {
    expect(parseStripeForm('mode=payment&line_items[0][price_data][currency]=eur&line_items[0][quantity]=1&metadata[a%20b]=c%26d&expand[]=x&expand[]=y')).toEqual({
      mode: 'payment',
      line_items: { 0: { price_data: { currency: 'eur' }, quantity: '1' } },
      metadata: { 'a b': 'c&d' },
      expand: { 0: 'x', 1: 'y' },
    });
  });

  it.each(['a]=1', 'a[b=1', '[a]=1', 'a=1&a[b]=2', 'a[b]=1&a=2', '__proto__[x]=1', 'a[constructor]=1'])('refuses %j', (body) => {
    expect(() => parseStripeForm(body)).toThrow();
  });
});

describe('the local Stripe server', () => {
  let server: StripeServer;
  let stripe: Stripe;
  let now = new Date('2027-03-01T18:00:00Z');
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  beforeAll(async () => {
    server = await startStripeServer({ secretKey, webhookSecret: 'whsec_test', now: () => now });
    stripe = new Stripe(secretKey, server.sdkOptions);
  });
  afterAll(async () => {
    await server?.close();
  });

  const params = (over: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams => ({
    mode: 'payment', success_url: 'https://shop.test/ok?session_id={CHECKOUT_SESSION_ID}',
    line_items: [{ quantity: 2, price_data: { currency: 'eur', unit_amount: 1250, product_data: { name: 'Adult' } } }],
    expires_at: Math.floor(now.getTime() / 1000) + 3600, ...over,
  });

  it('reads back any metadata the SDK encodes (keys and values with brackets, ampersands, unicode)', async () => {
    // Stripe forbids brackets in metadata keys; the parser refuses prototype names (Stripe would take them).
    const key = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((k) => !/[[\]]/.test(k) && k.length <= 40 && !['__proto__', 'constructor', 'prototype'].includes(k));
    const value = fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }).filter((v) => v.length <= 500);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 8 }), async (metadata) => {
        const session = await stripe.checkout.sessions.create(params({ metadata }));
        expect(session.metadata).toEqual(metadata);
      }),
      { numRuns: 60 },
    );
  });

  it('answers a repeated idempotent request with the saved response, and says it replayed', async () => {
    const key = `k-${randomBytes(6).toString('hex')}`;
    const first = await stripe.checkout.sessions.create(params(), { idempotencyKey: key });
    const again = await stripe.checkout.sessions.create(params(), { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses a key reused with other parameters, as Stripe does (400, idempotency_error)', async () => {
    const key = `k-${randomBytes(6).toString('hex')}`;
    await stripe.checkout.sessions.create(params(), { idempotencyKey: key });
    const error = await stripe.checkout.sessions.create(params({ client_reference_id: 'other' }), { idempotencyKey: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
  });

  it('saves no result for a request whose parameters failed validation', async () => {
    const key = `k-${randomBytes(6).toString('hex')}`;
    const tooSoon = params({ expires_at: Math.floor(now.getTime() / 1000) + 60 });
    await expect(stripe.checkout.sessions.create(tooSoon, { idempotencyKey: key })).rejects.toMatchObject({ statusCode: 400, param: 'expires_at' });
    await expect(stripe.checkout.sessions.create(params(), { idempotencyKey: key })).resolves.toMatchObject({ object: 'checkout.session' });
  });

  it('answers errors in Stripe\'s shape: unknown parameter, missing object, wrong key', async () => {
    await expect(stripe.checkout.sessions.create({ ...params(), colour: 'red' } as Stripe.Checkout.SessionCreateParams)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'colour',
    });
    await expect(stripe.checkout.sessions.retrieve('cs_test_nothing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(new Stripe('sk_test_wrong', server.sdkOptions).checkout.sessions.retrieve('cs_test_nothing')).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('refunds a paid session\'s PaymentIntent up to what was paid, and no further', async () => {
    const session = await stripe.checkout.sessions.create(params());
    server.pay(session.id);
    const intent = server.session(session.id)!.payment_intent!;
    await stripe.refunds.create({ payment_intent: intent, amount: 2000 });
    await expect(stripe.refunds.create({ payment_intent: intent, amount: 501 })).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    const rest = await stripe.refunds.create({ payment_intent: intent });
    expect(rest.amount).toBe(500);
    await expect(stripe.refunds.create({ payment_intent: intent, amount: 1 })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    const charge = server.charge(server.paymentIntent(intent)!.latest_charge!)!;
    expect(charge).toMatchObject({ amount: 2500, amount_refunded: 2500, refunded: true });
    expect(server.events({ type: 'charge.refunded', objectId: charge.id })).toHaveLength(2);
  });

  it('expands the PaymentIntent and its latest charge on request', async () => {
    const session = await stripe.checkout.sessions.create(params());
    server.pay(session.id);
    const read = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
    const intent = read.payment_intent as Stripe.PaymentIntent;
    expect(intent.object).toBe('payment_intent');
    expect((intent.latest_charge as Stripe.Charge).object).toBe('charge');
  });

  it('expires an open session when asked or when its time is up, and refuses to expire a closed one', async () => {
    const asked = await stripe.checkout.sessions.create(params());
    expect((await stripe.checkout.sessions.expire(asked.id)).status).toBe('expired');
    await expect(stripe.checkout.sessions.expire(asked.id)).rejects.toMatchObject({ statusCode: 400 });
    const left = await stripe.checkout.sessions.create(params());
    now = new Date(now.getTime() + 61 * 60_000);
    expect((await stripe.checkout.sessions.retrieve(left.id)).status).toBe('expired');
    expect(server.events({ type: 'checkout.session.expired', objectId: left.id })).toHaveLength(1);
  });

  it('signs events so that the SDK verifies them', () => {
    const event = server.events().at(-1)!;
    const w = server.signed(event);
    expect(Stripe.webhooks.constructEvent(w.body, w.headers['stripe-signature']!, 'whsec_test', 300, undefined, now.getTime()).id).toBe(event.id);
  });
});
