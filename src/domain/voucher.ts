import { type Result, fail, ok } from './errors.ts';
import { type Money, formatMoney } from './money.ts';
import type { Discount } from './pricing.ts';

/**
 * Discount codes (ADR 0014): what makes a code good for a basket, and the message a buyer reads when
 * it is not. A code is compared upper-case, without the spaces a buyer may type around it.
 */
export interface VoucherRule {
  id: string;
  producerId: string;
  eventId: string;
  code: string;
  kind: 'percent' | 'fixed';
  percentBp: number | null;
  amount: Money | null;
  /** Null: every ticket type of the event. */
  ticketTypeIds: string[] | null;
  maxUses: number;
  validUntil: Date | null;
  disabledAt: Date | null;
}

export type VoucherRefusal = 'unknown' | 'expired' | 'used_up' | 'not_applicable';

export const VOUCHER_CODE = /^[A-Z0-9_-]{3,32}$/;

export function normaliseCode(text: string): string {
  return text.trim().toUpperCase();
}

function refuse(reason: VoucherRefusal, code: string): Result<never> {
  const messages: Record<VoucherRefusal, string> = {
    unknown: `The code ${code} is not a code for this event. Check how it is spelt, or pay without a code.`,
    expired: `The code ${code} has expired, so it can no longer be used.`,
    used_up: `The code ${code} has been used as many times as it may be, so it can no longer be used.`,
    not_applicable: `The code ${code} is not valid for the tickets you chose.`,
  };
  return fail(reason === 'used_up' ? 'conflict' : 'invalid_input', messages[reason], { voucher: reason });
}

/** A code that was not found (or belongs to another producer or event): the same words either way. */
export function unknownCode(code: string): Result<never> {
  return refuse('unknown', VOUCHER_CODE.test(code) ? code : 'you entered');
}

/**
 * Whether `rule` gives a discount on this basket: the event's own code, switched on, before its end,
 * with a use left (`usedByOthers` counts the live uses of other orders), for at least one chosen ticket type.
 */
export function voucherDiscount(
  rule: VoucherRule | null, basket: { producerId: string; eventId: string; currency: string; ticketTypeIds: readonly string[] },
  now: Date, usedByOthers: number,
): Result<{ discount: Discount; code: string }> {
  if (!rule || rule.producerId !== basket.producerId || rule.eventId !== basket.eventId || rule.disabledAt !== null) return unknownCode(rule?.code ?? '');
  if (rule.validUntil !== null && rule.validUntil.getTime() <= now.getTime()) return refuse('expired', rule.code);
  if (usedByOthers >= rule.maxUses) return refuse('used_up', rule.code);
  if (rule.ticketTypeIds !== null && !basket.ticketTypeIds.some((id) => rule.ticketTypeIds!.includes(id))) return refuse('not_applicable', rule.code);
  if (rule.kind === 'fixed' && rule.amount!.currency !== basket.currency) return refuse('not_applicable', rule.code);
  const discount: Discount = rule.kind === 'percent'
    ? { kind: 'percent', percentBp: rule.percentBp!, ticketTypeIds: rule.ticketTypeIds }
    : { kind: 'fixed', amount: rule.amount!, ticketTypeIds: rule.ticketTypeIds };
  return ok({ discount, code: rule.code });
}

/** How a code reads to people: "10 % off" or "£5.00 off". */
export function describeVoucher(rule: Pick<VoucherRule, 'kind' | 'percentBp' | 'amount'>): string {
  if (rule.kind === 'percent') {
    const bp = rule.percentBp!;
    return `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)} % off`;
  }
  return `${formatMoney(rule.amount!)} off`;
}
