import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PaymentOutcome, PaymentProvider } from '../../app/ports.ts';
import { cardExpiryValid, luhnValid, normaliseCardNumber } from '../../domain/card.ts';
import { money } from '../../domain/money.ts';
import type { Db } from '../db/connect.ts';

/**
 * Marquee's built-in test payment provider: the development counterpart of a hosted provider
 * such as Stripe Checkout. It keeps its own sessions (testpay_sessions), serves its own card page
 * under /testpay (see testProviderRoutes.tsx), and reports only an outcome to the shop, in an
 * HMAC-signed redirect back to the return URL. The card number is checked and dropped there;
 * it never reaches the shop's tables, logs or mail.
 */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
} as const;

export const TESTPAY_PREFIX = '/testpay';

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

interface CallbackFields {
  ref: string;
  pid: string;
  evt: string;
  outcome: 'paid' | 'declined' | 'cancelled';
  amount: string;
  currency: string;
}
const FIELDS = ['ref', 'pid', 'evt', 'outcome', 'amount', 'currency'] as const;
const OUTCOMES = ['paid', 'declined', 'cancelled'] as const;

function signature(secret: Buffer, f: CallbackFields): string {
  return createHmac('sha256', secret).update(FIELDS.map((k) => f[k]).join('|')).digest('base64url');
}

export interface TestProvider extends PaymentProvider {
  /** The provider's side: the session the card page is for. */
  session(id: string): Promise<{ id: string; amount: number; currency: string; description: string; status: string; returnUrl: string } | null>;
  /** The provider's side: settles a session after a card check and builds the signed redirect back to the shop. */
  complete(id: string, result: CallbackFields['outcome']): Promise<string>;
}

export function testProvider(opts: { db: Db; secret: Buffer; baseUrl: string; now: () => Date }): TestProvider {
  const { db, secret } = opts;
  return {
    name: 'test',

    async createSession(req) {
      const id = `tps_${randomBytes(16).toString('base64url')}`;
      await db
        .insertInto('testpaySessions')
        .values({
          id, merchantReference: req.paymentId, amountMinor: req.amount.amount, currency: req.amount.currency,
          description: req.description, returnUrl: req.returnUrl, status: 'open', createdAt: opts.now(),
        })
        .execute();
      return { providerRef: id, redirectUrl: `${opts.baseUrl}${TESTPAY_PREFIX}/pay/${id}` };
    },

    verifyCallback(params): PaymentOutcome | null {
      const f = Object.fromEntries(FIELDS.map((k) => [k, params[k]])) as Partial<CallbackFields>;
      if (FIELDS.some((k) => typeof f[k] !== 'string') || typeof params.sig !== 'string') return null;
      if (!OUTCOMES.includes(f.outcome as CallbackFields['outcome'])) return null;
      const expected = Buffer.from(signature(secret, f as CallbackFields));
      const given = Buffer.from(params.sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const amount = Number(f.amount);
      if (!Number.isSafeInteger(amount) || !/^[A-Z]{3}$/.test(f.currency!)) return null;
      const failed = f.outcome !== 'paid';
      return {
        eventId: f.evt!, providerRef: f.ref!, paymentId: f.pid!, amount: money(amount, f.currency!),
        ...(failed ? { outcome: 'failed' as const, reason: f.outcome === 'cancelled' ? ('cancelled' as const) : ('declined' as const) } : { outcome: 'paid' as const }),
      };
    },

    async refund(providerRef, amount) {
      const s = await db.selectFrom('testpaySessions').where('id', '=', providerRef).selectAll().executeTakeFirst();
      if (!s || (s.status !== 'paid' && s.status !== 'refunded')) throw new Error('test provider: only a paid session can be refunded');
      if (s.refundedMinor + amount.amount > s.amountMinor) throw new Error('test provider: refund exceeds the amount paid');
      const refunded = s.refundedMinor + amount.amount;
      await db.updateTable('testpaySessions').set({ refundedMinor: refunded, status: refunded === s.amountMinor ? 'refunded' : 'paid' }).where('id', '=', s.id).execute();
      return { refundRef: `tpr_${randomBytes(12).toString('base64url')}` };
    },

    async session(id) {
      const s = await db.selectFrom('testpaySessions').where('id', '=', id).selectAll().executeTakeFirst();
      return s ? { id: s.id, amount: s.amountMinor, currency: s.currency, description: s.description, status: s.status, returnUrl: s.returnUrl } : null;
    },

    async complete(id, result) {
      const s = await db
        .updateTable('testpaySessions')
        .set({ status: result === 'paid' ? 'paid' : 'declined' })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst();
      if (!s) throw new Error('test provider: this payment session is closed');
      const fields: CallbackFields = {
        ref: s.id, pid: s.merchantReference, evt: `evt_${randomBytes(12).toString('base64url')}`,
        outcome: result, amount: String(s.amountMinor), currency: s.currency,
      };
      const url = new URL(s.returnUrl);
      for (const k of FIELDS) url.searchParams.set(k, fields[k]);
      url.searchParams.set('sig', signature(secret, fields));
      return url.toString();
    },
  };
}
