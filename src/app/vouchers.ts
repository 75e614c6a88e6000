import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { money } from '../domain/money.ts';
import { may } from '../domain/policy.ts';
import type { Discount } from '../domain/pricing.ts';
import { normaliseCode, unknownCode, VOUCHER_CODE, type VoucherRule, voucherDiscount } from '../domain/voucher.ts';
import type { AppDeps } from './deps.ts';
import type { Hold, PerformanceContext, ProducerEvent, Repos, SessionUser, VoucherListRow } from './ports.ts';
import { transact } from './transact.ts';

/**
 * Discount codes (issue 6 §2, ADR 0014). The buyer's side: whether a code is good for a basket, and
 * taking one use of it in the checkout's transaction. The producer's side: create, list, disable.
 */

export interface AppliedVoucher { voucherId: string; code: string; discount: Discount }

/**
 * The code's discount for this hold, looked up among the performance's producer's codes only, so a
 * code of another producer is simply unknown. With `lock`, the code's row is locked (FOR UPDATE)
 * before its uses are counted: checkouts of one code then count and take uses one at a time, and a
 * code with one use left is taken by exactly one of them.
 */
export async function voucherForHold(
  tx: Repos, hold: Hold, performance: PerformanceContext, text: string, now: Date, opts: { lock: boolean; exceptOrderId?: string },
): Promise<Result<AppliedVoucher>> {
  const code = normaliseCode(text);
  if (!VOUCHER_CODE.test(code)) return unknownCode(code);
  const rule = await tx.vouchers.byCode(performance.producerId, code, { forUpdate: opts.lock });
  if (!rule) return unknownCode(code);
  const used = await tx.vouchers.liveUses(rule.id, now, opts.exceptOrderId);
  const verdict = voucherDiscount(rule, {
    producerId: performance.producerId, eventId: performance.eventId, currency: hold.lines[0]?.unitPrice.currency ?? 'EUR',
    ticketTypeIds: hold.lines.filter((l) => l.quantity > 0).map((l) => l.ticketTypeId),
  }, now, used);
  if (!verdict.ok) return verdict;
  return ok({ voucherId: rule.id, code: rule.code, discount: verdict.value.discount });
}

/** The discount an existing order was priced with (its code may since have been switched off: the order keeps it). */
export async function orderVoucher(tx: Repos, orderId: string, producerId: string): Promise<AppliedVoucher | null> {
  const r = await tx.vouchers.forOrder(orderId);
  if (!r) return null;
  const rule = await tx.vouchers.byId(producerId, r.voucherId);
  if (!rule) return null;
  return { voucherId: rule.id, code: rule.code, discount: discountOf(rule) };
}

function discountOf(rule: VoucherRule): Discount {
  return rule.kind === 'percent'
    ? { kind: 'percent', percentBp: rule.percentBp!, ticketTypeIds: rule.ticketTypeIds }
    : { kind: 'fixed', amount: rule.amount!, ticketTypeIds: rule.ticketTypeIds };
}

/**
 * A payment that arrives after its hold expired may still buy the places if they are free; its code
 * must then still have a use free too, as its use stopped counting when the hold expired. Locks the code.
 */
export async function lateVoucherUseFree(tx: Repos, orderId: string, producerId: string, now: Date): Promise<boolean> {
  const r = await tx.vouchers.forOrder(orderId);
  if (!r) return true;
  const rule = await tx.vouchers.byId(producerId, r.voucherId, { forUpdate: true });
  if (!rule) return false;
  return (await tx.vouchers.liveUses(rule.id, now, orderId)) < rule.maxUses;
}

// ---------- the producer's pages ----------

export interface VoucherInput {
  eventId: string; code: string; kind: 'percent' | 'fixed'; percent: number | null; amountMinor: number | null;
  /** Ticket type names of the event; empty means every ticket type. */
  ticketTypeNames: string[]; maxUses: number; validUntil: Date | null;
}

export interface VoucherOverview {
  vouchers: VoucherListRow[];
  events: (ProducerEvent & { ticketTypeNames: string[]; currency: string | null })[];
}

export async function vouchersOverview(deps: AppDeps, user: SessionUser): Promise<Result<VoucherOverview>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot manage discount codes.');
  const events = await deps.store.attendees.eventsOf(user.producerId);
  const withTypes = [];
  for (const e of events) {
    const types = await deps.store.vouchers.eventTicketTypes(user.producerId, e.id);
    withTypes.push({ ...e, ticketTypeNames: [...new Set(types.map((t) => t.name))], currency: types[0]?.currency ?? null });
  }
  return ok({ vouchers: await deps.store.vouchers.listForProducer(user.producerId, deps.clock.now()), events: withTypes });
}

export async function createVoucher(deps: AppDeps, user: SessionUser, input: VoucherInput): Promise<Result<{ id: string; code: string }>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot manage discount codes.');
  const code = normaliseCode(input.code);
  if (!VOUCHER_CODE.test(code)) return fail('invalid_input', 'A code is 3 to 32 letters, digits, dashes or underscores.');
  const now = deps.clock.now();
  if (input.validUntil && input.validUntil.getTime() <= now.getTime()) return fail('invalid_input', 'The code would end before it starts: choose a later end, or none.');
  return transact(deps.store, async (tx) => {
    const event = await tx.attendees.eventOf(user.producerId, input.eventId);
    if (!event) return fail('not_found', 'There is no such event.');
    const types = await tx.vouchers.eventTicketTypes(user.producerId, event.id);
    const unknown = input.ticketTypeNames.filter((n) => !types.some((t) => t.name === n));
    if (unknown.length > 0) return fail('invalid_input', 'Choose ticket types of this event.');
    const ticketTypeIds = input.ticketTypeNames.length === 0 ? null : types.filter((t) => input.ticketTypeNames.includes(t.name)).map((t) => t.id);
    const currency = types[0]?.currency;
    if (input.kind === 'fixed' && !currency) return fail('invalid_input', 'This event has no tickets yet, so a fixed amount has no currency.');
    const id = randomUUID();
    const created = await tx.vouchers.create({
      id, producerId: user.producerId, eventId: event.id, code, kind: input.kind,
      percentBp: input.kind === 'percent' ? Math.round(input.percent! * 100) : null,
      amount: input.kind === 'fixed' ? money(input.amountMinor!, currency!) : null,
      ticketTypeIds, maxUses: input.maxUses, validUntil: input.validUntil, disabledAt: null, createdAt: now,
    });
    if (!created) return fail('conflict', `You already have a code ${code}. Choose another.`);
    deps.log.info({ voucherId: id, eventId: event.id, userId: user.userId }, 'discount code created');
    return ok({ id, code });
  });
}

export async function disableVoucher(deps: AppDeps, user: SessionUser, id: string): Promise<Result<null>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot manage discount codes.');
  const done = await deps.store.vouchers.disable(user.producerId, id, deps.clock.now());
  if (!done) return fail('not_found', 'There is no such code.');
  deps.log.info({ voucherId: id, userId: user.userId }, 'discount code switched off');
  return ok(null);
}
