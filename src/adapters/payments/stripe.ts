import Stripe from 'stripe';
import type { PaymentOutcome, PaymentProvider, ProviderPaymentState } from '../../app/ports.ts';
import { type Money, money } from '../../domain/money.ts';

/**
 * Stripe behind the payment port, with Checkout Sessions: the buyer types the card on Stripe's
 * own page, so no card number ever reaches Marquee (ADR 0005). Every fact is authenticated:
 * a browser's return is checked by asking Stripe about the session, a webhook by its signature.
 * Our payment id travels in the session's and the PaymentIntent's metadata and comes back with
 * every event.
 */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
/**
 * Where Checkout's page lives. The checkout form's POST is answered with a redirect there, and
 * browsers apply CSP form-action to that redirect, so the CSP must list this origin.
 */
export const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';
/** How old a signed webhook may be before it is refused as a possible replay (Stripe's default too). */
export const WEBHOOK_TOLERANCE_S = 300;
/** Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is created. */
const MIN_SESSION_MS = 31 * 60_000;
const MAX_SESSION_MS = 24 * 60 * 60_000;
/** Stripe fills this in on the way back; it is a literal part of the URL we give it. */
const SESSION_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  now: () => Date;
  /** Passed on to the SDK, after our defaults: host, port and protocol point the tests at a local server. */
  stripeOptions?: Stripe.StripeConfig;
}

/** The expiry we ask for: the hold's, but never sooner than Stripe accepts, nor later than it allows. */
export function sessionExpiry(wanted: Date, now: Date): number {
  // Rounded up to the minute, so that a retry moments later sends the very same body, as an
  // idempotent request must.
  const earliest = Math.ceil((now.getTime() + MIN_SESSION_MS) / 60_000) * 60;
  const latest = Math.floor((now.getTime() + MAX_SESSION_MS) / 1000);
  return Math.min(Math.max(Math.ceil(wanted.getTime() / 1000), earliest), latest);
}

function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

const idOf = (ref: string | { id: string } | null | undefined): string | null => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);

/** Our payment and its amount, when the session is one of ours. */
function paymentOf(s: Stripe.Checkout.Session): { paymentId: string; amount: Money } | null {
  const paymentId = s.metadata?.paymentId ?? s.client_reference_id;
  if (!paymentId || s.amount_total == null || !s.currency) return null;
  return { paymentId, amount: money(s.amount_total, s.currency.toUpperCase()) };
}

function isMissing(e: unknown): boolean {
  return e instanceof Stripe.errors.StripeInvalidRequestError && (e.statusCode === 404 || e.code === 'resource_missing');
}

export function stripeProvider(opts: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(opts.secretKey, {
    maxNetworkRetries: 2,
    telemetry: false,
    appInfo: { name: 'Marquee' },
    ...opts.stripeOptions,
  });

  /** The session, or null when Stripe does not know it. Any other failure is thrown: it says nothing about the buyer. */
  async function findSession(id: string): Promise<Stripe.Checkout.Session | null> {
    try {
      return await stripe.checkout.sessions.retrieve(id);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** Closes an open session so it can no longer be paid; a session that closed meanwhile is simply read again. */
  async function expire(id: string): Promise<Stripe.Checkout.Session> {
    try {
      return await stripe.checkout.sessions.expire(id);
    } catch (e) {
      if (!(e instanceof Stripe.errors.StripeInvalidRequestError)) throw e;
      return stripe.checkout.sessions.retrieve(id);
    }
  }

  function sessionOutcome(eventId: string, s: Stripe.Checkout.Session, outcome: Pick<PaymentOutcome, 'outcome' | 'reason'>): PaymentOutcome[] {
    const ours = paymentOf(s);
    return ours ? [{ eventId, providerRef: s.id, ...ours, ...outcome }] : [];
  }

  async function refundOutcome(eventId: string, charge: Stripe.Charge): Promise<PaymentOutcome[]> {
    const paymentIntentId = idOf(charge.payment_intent);
    if (!paymentIntentId) return [];
    const paymentId = charge.metadata?.paymentId ?? (await stripe.paymentIntents.retrieve(paymentIntentId)).metadata?.paymentId;
    if (!paymentId) return [];
    // Our providerRef is the Checkout Session, which the charge does not name.
    const sessions = await stripe.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 });
    const session = sessions.data[0];
    if (!session) return [];
    const currency = charge.currency.toUpperCase();
    return [{
      eventId, paymentId, providerRef: session.id, outcome: 'refunded',
      amount: money(charge.amount, currency), refundedTotal: money(charge.amount_refunded, currency),
    }];
  }

  return {
    name: 'stripe',

    async createSession(req) {
      const metadata = { paymentId: req.paymentId, orderCode: req.orderCode };
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [{
            quantity: 1,
            price_data: { currency: req.amount.currency.toLowerCase(), unit_amount: req.amount.amount, product_data: { name: req.description } },
          }],
          client_reference_id: req.paymentId,
          metadata,
          // On the PaymentIntent too: refund events are about its charge, and must lead back to our payment.
          payment_intent_data: { description: req.description, metadata },
          success_url: withQuery(req.returnUrl, `session_id=${SESSION_PLACEHOLDER}`),
          // Stripe documents the placeholder for success_url only; our payment id is there in case it stays literal.
          cancel_url: withQuery(req.returnUrl, `cancelled=1&payment_id=${encodeURIComponent(req.paymentId)}&session_id=${SESSION_PLACEHOLDER}`),
          expires_at: sessionExpiry(req.expiresAt, opts.now()),
        },
        { idempotencyKey: req.idempotencyKey },
      );
      if (!session.url) throw new Error(`stripe: Checkout Session ${session.id} has no URL`);
      return { providerRef: session.id, redirectUrl: session.url };
    },

    async confirmReturn(params) {
      const sessionId = params.session_id;
      if (!sessionId || !SESSION_ID.test(sessionId)) return null;
      const found = await findSession(sessionId);
      const ours = found && paymentOf(found);
      if (!found || !ours) return null;
      const cancelled = params.cancelled !== undefined;
      if (cancelled && params.payment_id !== undefined && params.payment_id !== ours.paymentId) return null;
      // The event id names the session and the fact, so a refreshed return page repeats, never adds.
      const paid = (s: Stripe.Checkout.Session) => sessionOutcome(`return:${s.id}:paid`, s, { outcome: 'paid' })[0]!;
      if (found.payment_status === 'paid') return paid(found);
      if (!cancelled) return null; // back on the success URL without having paid: nothing to report
      const closed = found.status === 'open' ? await expire(found.id) : found;
      if (closed.payment_status === 'paid') return paid(closed);
      // A complete but unpaid session is an asynchronous payment still on its way; its webhook will tell.
      if (closed.status !== 'expired') return null;
      return sessionOutcome(`return:${closed.id}:cancelled`, closed, { outcome: 'failed', reason: 'cancelled' })[0]!;
    },

    async parseWebhook(rawBody, headers) {
      const signature = headers[STRIPE_SIGNATURE_HEADER];
      if (typeof signature !== 'string') return null;
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, opts.webhookSecret, WEBHOOK_TOLERANCE_S, undefined, opts.now().getTime());
      } catch {
        return null; // a bad or stale signature, or a signed body that is not an event
      }
      switch (event.type) {
        case 'checkout.session.completed':
          // Completed but unpaid is an asynchronous payment method still settling.
          return event.data.object.payment_status === 'paid' ? sessionOutcome(event.id, event.data.object, { outcome: 'paid' }) : [];
        case 'checkout.session.async_payment_succeeded':
          return sessionOutcome(event.id, event.data.object, { outcome: 'paid' });
        case 'checkout.session.async_payment_failed':
          return sessionOutcome(event.id, event.data.object, { outcome: 'failed', reason: 'declined' });
        case 'checkout.session.expired':
          return sessionOutcome(event.id, event.data.object, { outcome: 'expired' });
        case 'charge.refunded':
          return refundOutcome(event.id, event.data.object);
        default:
          return [];
      }
    },

    async retrieve(providerRef): Promise<ProviderPaymentState> {
      const s = await stripe.checkout.sessions.retrieve(providerRef, { expand: ['payment_intent.latest_charge'] });
      const ours = paymentOf(s);
      if (!ours) throw new Error(`stripe: Checkout Session ${s.id} is not a Marquee payment`);
      const intent = typeof s.payment_intent === 'object' ? s.payment_intent : null;
      const charge = intent && typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
      const refunded = money(charge?.amount_refunded ?? 0, ours.amount.currency);
      const state = (status: ProviderPaymentState['status']) => ({ status, amount: ours.amount, refunded });
      if (s.payment_status === 'paid') return state('paid');
      if (s.status === 'expired') return state('expired');
      // Complete and unpaid: an asynchronous payment, failed once its PaymentIntent wants another method.
      if (s.status === 'complete' && (intent?.status === 'requires_payment_method' || intent?.status === 'canceled')) return state('failed');
      return state('open');
    },

    async refund(providerRef, amount, idempotencyKey) {
      if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) throw new RangeError('stripe: a refund must be a positive amount');
      const s = await stripe.checkout.sessions.retrieve(providerRef);
      const paymentIntent = idOf(s.payment_intent);
      if (s.payment_status !== 'paid' || !paymentIntent) throw new Error(`stripe: Checkout Session ${s.id} is not paid, so it cannot be refunded`);
      if (s.currency?.toUpperCase() !== amount.currency) throw new RangeError(`stripe: the refund is in ${amount.currency}, the payment in ${s.currency?.toUpperCase()}`);
      const paymentId = s.metadata?.paymentId;
      const refund = await stripe.refunds.create(
        { payment_intent: paymentIntent, amount: amount.amount, ...(paymentId ? { metadata: { paymentId } } : {}) },
        { idempotencyKey },
      );
      return { refundRef: refund.id };
    },
  };
}
