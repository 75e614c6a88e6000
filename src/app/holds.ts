import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { type RequestedLine, available, holdExpiry, isHoldLive, normaliseRequest } from '../domain/hold.ts';
import { money } from '../domain/money.ts';
import { type OrderPricing, priceOrder } from '../domain/pricing.ts';
import type { PlacedSeat } from '../domain/seating.ts';
import type { AppDeps } from './deps.ts';
import type { Hold, OrderRecord, PerformanceContext, SeatChoice } from './ports.ts';
import { holdSeats } from './seatClaims.ts';
import { transact } from './transact.ts';

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
  input: { performanceId: string; lines: readonly RequestedLine[]; seats?: readonly SeatChoice[] },
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
    // Reserved seating (ADR 0011): the chosen seats are claimed for this hold, or nothing is held.
    const seated = await holdSeats(tx, { ...hold, holdId: hold.id, now, lines: request.value, seats: input.seats ?? [] });
    if (!seated.ok) return seated;
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
  /** The seats the hold keeps (reserved seating), front row first. */
  seats: PlacedSeat[];
}

export async function checkoutView(deps: AppDeps, holdId: string): Promise<Result<CheckoutView>> {
  const hold = await deps.store.holds.get(holdId);
  if (!hold) return fail('not_found', 'This basket does not exist. Choose your tickets again.');
  const performance = await deps.store.catalog.performanceContext(hold.performanceId);
  if (!performance) return fail('not_found', 'There is no such performance.');
  return ok({
    hold,
    performance,
    pricing: priceHold(hold, performance),
    live: isHoldLive(hold, deps.clock.now()),
    order: await deps.store.orders.byHold(holdId),
    seats: await deps.store.seats.ofHold(holdId),
  });
}

/** The hold's lines at the prices and tax it was placed with, plus the event's fees. */
export function priceHold(hold: Hold, performance: PerformanceContext): OrderPricing {
  const currency = hold.lines[0]?.unitPrice.currency ?? 'EUR';
  return priceOrder(
    hold.lines.map((l) => ({ ticketTypeId: l.ticketTypeId, description: l.ticketTypeName, quantity: l.quantity, unitPrice: l.unitPrice, taxRateBp: l.taxRateBp, taxInclusive: l.taxInclusive })),
    performance.fees,
    currency,
  );
}
