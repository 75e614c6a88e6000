import { randomUUID } from 'node:crypto';
import { type Failure, type Result, fail, ok } from '../domain/errors.ts';
import { type RequestedLine, available, holdExpiry, isHoldLive, normaliseRequest } from '../domain/hold.ts';
import { money } from '../domain/money.ts';
import { type Discount, type OrderPricing, priceOrder } from '../domain/pricing.ts';
import type { AppDeps } from './deps.ts';
import type { CheckoutQuestion, Hold, OrderRecord, PerformanceContext } from './ports.ts';
import { transact } from './transact.ts';
import { orderVoucher, voucherForHold } from './vouchers.ts';

export interface PlacedHold {
  holdId: string;
  expiresAt: Date;
}

/**
 * Keeps places for one buyer until the hold expires. The ticket types are locked while the
 * places are counted, so two buyers can never both take the last one.
 */
export async function placeHold(
  deps: AppDeps,
  input: { performanceId: string; lines: readonly RequestedLine[] },
): Promise<Result<PlacedHold>> {
  const request = normaliseRequest(input.lines);
  if (!request.ok) return request;
  const now = deps.clock.now();
  const performance = await deps.store.catalog.performanceContext(input.performanceId);
  if (!performance) return fail('not_found', 'There is no such performance.');
  if (performance.cancelledAt) return fail('sales_closed', 'This performance has been cancelled.');
  if (performance.startsAt <= now) return fail('sales_closed', 'Sales for this performance have closed.');

  const ids = request.value.map((l) => l.ticketTypeId);
  return transact(deps.store, async (tx) => {
    const types = await tx.inventory.lockTicketTypes(input.performanceId, ids);
    if (types.length !== ids.length) return fail('invalid_input', 'One of the chosen ticket types is not sold for this performance.');
    const usage = await tx.inventory.usage(ids, now);
    const short: { ticketTypeId: string; name: string; available: number }[] = [];
    for (const line of request.value) {
      const type = types.find((t) => t.id === line.ticketTypeId)!;
      const u = usage.get(type.id)!;
      const left = available(type.capacity, u.sold, u.held);
      if (line.quantity > left) short.push({ ticketTypeId: type.id, name: type.name, available: left });
    }
    if (short.length > 0) return fail('sold_out', shortMessage(short), { short });
    const hold = { id: randomUUID(), performanceId: input.performanceId, createdAt: now, expiresAt: holdExpiry(now, deps.settings.holdMinutes) };
    await tx.holds.create(
      hold,
      request.value.map((l) => {
        const type = types.find((t) => t.id === l.ticketTypeId)!;
        return { ...l, unitPrice: money(type.priceMinor, type.currency), taxRateBp: type.taxRateBp, taxInclusive: type.taxInclusive };
      }),
    );
    // The hold id opens the basket, so it stays out of the logs.
    deps.log.info({ performanceId: hold.performanceId }, 'hold placed');
    return ok({ holdId: hold.id, expiresAt: hold.expiresAt });
  });
}

function shortMessage(short: { name: string; available: number }[]): string {
  return short
    .map((s) => (s.available === 0 ? `${s.name} is sold out.` : `Only ${s.available} ${s.name} ${s.available === 1 ? 'ticket is' : 'tickets are'} left.`))
    .join(' ');
}

export interface CheckoutView {
  hold: Hold;
  performance: PerformanceContext;
  pricing: OrderPricing;
  live: boolean;
  order: OrderRecord | null;
  /** The discount code priced in: the order's, or the one the buyer is trying (`code`); null without one. */
  voucher: { code: string; fixed: boolean } | null;
  /** Why the code the buyer tried is refused; the page shows it and prices without it. */
  voucherRefusal: Failure | null;
  /** The producer's questions on this event's checkout (none by default). */
  questions: CheckoutQuestion[];
}

/**
 * The checkout page's facts. With `code`, the buyer's discount code is checked (nothing is written,
 * no use is taken: that happens at checkout) and priced in when it is good. An order that already
 * has a code keeps it.
 */
export async function checkoutView(deps: AppDeps, holdId: string, code?: string): Promise<Result<CheckoutView>> {
  const hold = await deps.store.holds.get(holdId);
  if (!hold) return fail('not_found', 'This basket does not exist. Choose your tickets again.');
  const performance = await deps.store.catalog.performanceContext(hold.performanceId);
  if (!performance) return fail('not_found', 'There is no such performance.');
  const order = await deps.store.orders.byHold(holdId);
  const now = deps.clock.now();
  let voucher: CheckoutView['voucher'] = null;
  let discount: Discount | null = null;
  let voucherRefusal: Failure | null = null;
  const kept = order ? await orderVoucher(deps.store, order.id, order.producerId) : null;
  if (kept) {
    voucher = { code: kept.code, fixed: true };
    discount = kept.discount;
  } else if (order && code !== undefined && code.trim() !== '') {
    voucherRefusal = fail('conflict', 'A code can be added only before the first attempt to pay. Choose your tickets again to use it.', { voucher: 'fixed' });
  } else if (code !== undefined && code.trim() !== '') {
    const tried = await voucherForHold(deps.store, hold, performance, code, now, { lock: false });
    if (tried.ok) {
      voucher = { code: tried.value.code, fixed: false };
      discount = tried.value.discount;
    } else voucherRefusal = tried;
  }
  return ok({
    hold,
    performance,
    pricing: priceHold(hold, performance, discount),
    live: isHoldLive(hold, now),
    order,
    voucher,
    voucherRefusal,
    questions: await deps.store.questions.forEvent(performance.producerId, performance.eventId),
  });
}

/** The hold's lines at the prices and tax it was placed with, plus the event's fees, less a discount code's. */
export function priceHold(hold: Hold, performance: PerformanceContext, discount: Discount | null = null): OrderPricing {
  const currency = hold.lines[0]?.unitPrice.currency ?? 'EUR';
  return priceOrder(
    hold.lines.map((l) => ({ ticketTypeId: l.ticketTypeId, description: l.ticketTypeName, quantity: l.quantity, unitPrice: l.unitPrice, taxRateBp: l.taxRateBp, taxInclusive: l.taxInclusive })),
    performance.fees,
    currency,
    discount,
  );
}
