import { createHmac, randomBytes } from 'node:crypto';
import type { PaymentOutcome, PaymentProvider, ProviderPaymentState } from '../../app/ports.ts';
import { cardExpiryValid, luhnValid, normaliseCardNumber } from '../../domain/card.ts';
import { money } from '../../domain/money.ts';
import { sameSecret } from '../../domain/secrets.ts';
import type { Db } from '../db/connect.ts';

/**
 * Marquee's built-in test payment provider: the development counterpart of a hosted provider
 * such as Stripe Checkout. It keeps its own sessions (testpay_sessions), serves its own card page
 * under /testpay (see testProviderRoutes.tsx), and reports only an outcome to the shop: in an
 * HMAC-signed redirect back to the return URL, and in signed webhooks. The card number is checked
 * and dropped on its page; it never reaches the shop's tables, logs or mail.
 */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
} as const;

export const TESTPAY_PREFIX = '/testpay';
export const TESTPAY_SIGNATURE_HEADER = 'testpay-signature';
const WEBHOOK_TOLERANCE_S = 300;

export type CardCheck =
  | { kind: 'approved' }
  | { kind: 'declined'; message: string }
  | { kind: 'invalid'; field: 'number' | 'expiry' | 'cvc'; message: string };

/** What the provider decides about a card, without keeping it. */
export function checkTestCard(input: { number: string; expiry: string; cvc: string }, now: Date): CardCheck {
  const digits = normaliseCardNumber(input.number);
  if (!luhnValid(digits)) return { kind: 'invalid', field: 'number', message: 'The card number is not valid.' };
  if (!cardExpiryValid(input.expiry, now)) return { kind: 'invalid', field: 'expiry', message: 'The expiry date is not valid or has passed (use MM/YY).' };
  if (!/^\d{3,4}$/.test(input.cvc.trim())) return { kind: 'invalid', field: 'cvc', message: 'The security code is 3 or 4 digits.' };
  if (digits === TEST_CARDS.approved) return { kind: 'approved' };
  if (digits === TEST_CARDS.declined) return { kind: 'declined', message: 'Your card was declined.' };
  return { kind: 'declined', message: 'Your card was declined. This is a test provider: use a test card number.' };
}

type ReturnOutcome = 'paid' | 'declined' | 'cancelled';
interface ReturnFields { ref: string; pid: string; evt: string; outcome: ReturnOutcome; amount: string; currency: string }
const FIELDS = ['ref', 'pid', 'evt', 'outcome', 'amount', 'currency'] as const;
const OUTCOMES: readonly ReturnOutcome[] = ['paid', 'declined', 'cancelled'];

/** A webhook event, as the test provider posts it (JSON). */
export interface TestpayEvent {
  id: string;
  type: 'payment.paid' | 'payment.failed' | 'payment.expired' | 'payment.refunded';
  created: number;
  data: { session: string; reference: string; amount: number; currency: string; refunded: number };
}

function hmac(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}


export interface TestProviderSession {
  id: string; reference: string; amount: number; currency: string; description: string; status: string; returnUrl: string;
  refunded: number; expiresAt: Date | null;
}

export interface TestProvider extends PaymentProvider {
  /** The provider's side: the session the card page is for. */
  session(id: string): Promise<TestProviderSession | null>;
  /** The provider's side: settles a session after a card check and builds the signed redirect back to the shop. */
  complete(id: string, result: ReturnOutcome): Promise<string>;
  /** The provider's side: a signed webhook about a session, as it would post it (body and headers). */
  webhook(id: string, type: TestpayEvent['type'], at?: Date): Promise<{ body: string; headers: Record<string, string> }>;
}

export function testProvider(opts: { db: Db; secret: Buffer; baseUrl: string; now: () => Date }): TestProvider {
  const { db, secret } = opts;
  const find = (id: string) => db.selectFrom('testpaySessions').where('id', '=', id).selectAll().executeTakeFirst();

  const self: TestProvider = {
    name: 'test',

    async createSession(req) {
      // Idempotent on the key: a new session is one insert; a repeated request gets the session made first.
      const made = await db
        .insertInto('testpaySessions')
        .values({
          id: `tps_${randomBytes(16).toString('base64url')}`, merchantReference: req.paymentId, amountMinor: req.amount.amount, currency: req.amount.currency,
          description: req.description, returnUrl: req.returnUrl, status: 'open', createdAt: opts.now(),
          idempotencyKey: req.idempotencyKey, expiresAt: req.expiresAt,
        })
        .onConflict((oc) => oc.column('idempotencyKey').doNothing())
        .returning('id')
        .executeTakeFirst();
      const id = made?.id ?? (await db.selectFrom('testpaySessions').where('idempotencyKey', '=', req.idempotencyKey).select('id').executeTakeFirstOrThrow()).id;
      return { providerRef: id, redirectUrl: `${opts.baseUrl}${TESTPAY_PREFIX}/pay/${id}` };
    },

    async confirmReturn(params): Promise<PaymentOutcome | null> {
      const f = Object.fromEntries(FIELDS.map((k) => [k, params[k]])) as Partial<ReturnFields>;
      if (FIELDS.some((k) => typeof f[k] !== 'string') || typeof params.sig !== 'string') return null;
      if (!OUTCOMES.includes(f.outcome as ReturnOutcome)) return null;
      if (!sameSecret(params.sig, hmac(secret, FIELDS.map((k) => f[k]).join('|')))) return null;
      const amount = Number(f.amount);
      if (!Number.isSafeInteger(amount) || !/^[A-Z]{3}$/.test(f.currency!)) return null;
      const base = { eventId: f.evt!, providerRef: f.ref!, paymentId: f.pid!, amount: money(amount, f.currency!) };
      return f.outcome === 'paid' ? { ...base, outcome: 'paid' } : { ...base, outcome: 'failed', reason: f.outcome as 'declined' | 'cancelled' };
    },

    async parseWebhook(rawBody, headers) {
      const header = headers[TESTPAY_SIGNATURE_HEADER];
      const m = typeof header === 'string' ? /^t=(\d+),v1=([A-Za-z0-9_-]+)$/.exec(header) : null;
      if (!m) return null;
      const t = Number(m[1]);
      if (Math.abs(opts.now().getTime() / 1000 - t) > WEBHOOK_TOLERANCE_S) return null;
      if (!sameSecret(m[2]!, hmac(secret, `${t}.${rawBody.toString('utf8')}`))) return null;
      let event: TestpayEvent;
      try {
        event = JSON.parse(rawBody.toString('utf8')) as TestpayEvent;
      } catch {
        return null;
      }
      const d = event?.data;
      if (!d || typeof d.session !== 'string' || typeof d.reference !== 'string' || !Number.isSafeInteger(d.amount)) return null;
      if (typeof d.currency !== 'string' || !/^[A-Z]{3}$/.test(d.currency) || !Number.isSafeInteger(d.refunded) || typeof event.id !== 'string') return null;
      const base = { eventId: event.id, providerRef: d.session, paymentId: d.reference, amount: money(d.amount, d.currency) };
      switch (event.type) {
        case 'payment.paid': return [{ ...base, outcome: 'paid' }];
        case 'payment.failed': return [{ ...base, outcome: 'failed', reason: 'declined' }];
        case 'payment.expired': return [{ ...base, outcome: 'expired' }];
        case 'payment.refunded': return [{ ...base, outcome: 'refunded', refundedTotal: money(d.refunded, d.currency) }];
        default: return [];
      }
    },

    async retrieve(providerRef): Promise<ProviderPaymentState> {
      const s = await find(providerRef);
      if (!s) throw new Error('test provider: no such session');
      const amount = money(s.amountMinor, s.currency);
      const refunded = money(s.refundedMinor, s.currency);
      if (s.status === 'paid' || s.status === 'refunded') return { status: 'paid', amount, refunded };
      if (s.status === 'declined') return { status: 'failed', amount, refunded };
      if (s.status === 'expired' || (s.expiresAt && s.expiresAt <= opts.now())) return { status: 'expired', amount, refunded };
      return { status: 'open', amount, refunded };
    },

    async refund(providerRef, amount, idempotencyKey) {
      return db.transaction().execute(async (tx) => {
        const s = await tx.selectFrom('testpaySessions').where('id', '=', providerRef).selectAll().forUpdate().executeTakeFirst();
        if (!s || (s.status !== 'paid' && s.status !== 'refunded')) throw new Error('test provider: only a paid session can be refunded');
        const prior = await tx.selectFrom('testpayRefunds').where('idempotencyKey', '=', idempotencyKey).select('id').executeTakeFirst();
        if (prior) return { refundRef: prior.id };
        if (amount.currency !== s.currency || amount.amount <= 0) throw new Error('test provider: refund amount is not valid');
        if (s.refundedMinor + amount.amount > s.amountMinor) throw new Error('test provider: refund exceeds the amount paid');
        const refunded = s.refundedMinor + amount.amount;
        const id = `tpr_${randomBytes(12).toString('base64url')}`;
        await tx.insertInto('testpayRefunds').values({ id, sessionId: s.id, idempotencyKey, amountMinor: amount.amount, createdAt: opts.now() }).execute();
        await tx.updateTable('testpaySessions').set({ refundedMinor: refunded, status: refunded === s.amountMinor ? 'refunded' : 'paid' }).where('id', '=', s.id).execute();
        return { refundRef: id };
      });
    },

    async session(id) {
      const s = await find(id);
      return s
        ? { id: s.id, reference: s.merchantReference, amount: s.amountMinor, currency: s.currency, description: s.description, status: s.status, returnUrl: s.returnUrl, refunded: s.refundedMinor, expiresAt: s.expiresAt }
        : null;
    },

    async complete(id, result) {
      const s = await db
        .updateTable('testpaySessions')
        .set({ status: result === 'paid' ? 'paid' : 'declined' })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', opts.now())]))
        .returningAll()
        .executeTakeFirst();
      if (!s) throw new Error('test provider: this payment session is closed');
      const fields: ReturnFields = {
        ref: s.id, pid: s.merchantReference, evt: `evt_${randomBytes(12).toString('base64url')}`,
        outcome: result, amount: String(s.amountMinor), currency: s.currency,
      };
      const url = new URL(s.returnUrl);
      for (const k of FIELDS) url.searchParams.set(k, fields[k]);
      url.searchParams.set('sig', hmac(secret, FIELDS.map((k) => fields[k]).join('|')));
      return url.toString();
    },

    async webhook(id, type, at) {
      const s = await find(id);
      if (!s) throw new Error('test provider: no such session');
      const created = Math.floor((at ?? opts.now()).getTime() / 1000);
      const event: TestpayEvent = {
        id: `evt_${randomBytes(12).toString('base64url')}`, type, created,
        data: { session: s.id, reference: s.merchantReference, amount: s.amountMinor, currency: s.currency, refunded: s.refundedMinor },
      };
      const body = JSON.stringify(event);
      return { body, headers: { 'content-type': 'application/json', [TESTPAY_SIGNATURE_HEADER]: `t=${created},v1=${hmac(secret, `${created}.${body}`)}` } };
    },
  };
  return self;
}
