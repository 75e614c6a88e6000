import { type Result, fail, ok } from './errors.ts';

export type PaymentStatus = 'created' | 'pending' | 'paid' | 'failed' | 'expired' | 'refunded' | 'partially_refunded';

/**
 * One payment attempt's lifecycle, in one table. A provider may report success after a decline
 * (the buyer retried on its page) or after we gave up on it (a late payment), so failed and
 * expired can still become paid; what the shop then does with the money is decided elsewhere.
 */
const transitions: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  // A provider can report success before the shop has recorded the session it opened.
  created: ['pending', 'paid', 'failed', 'expired'],
  pending: ['paid', 'failed', 'expired'],
  failed: ['paid'],
  expired: ['paid'],
  paid: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
};

export function transitionPayment(from: PaymentStatus, to: PaymentStatus): Result<PaymentStatus> {
  return transitions[from].includes(to)
    ? ok(to)
    : fail('illegal_transition', `A payment cannot go from ${from} to ${to}.`, { from, to });
}

export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return transitions[from].includes(to);
}

/** The status a payment has after `refundedMinor` of `amountMinor` went back. */
export function refundStatus(amountMinor: number, refundedMinor: number): 'paid' | 'partially_refunded' | 'refunded' {
  if (refundedMinor <= 0) return 'paid';
  return refundedMinor >= amountMinor ? 'refunded' : 'partially_refunded';
}
