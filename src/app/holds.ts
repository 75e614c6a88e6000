import { randomUUID } from 'node:crypto';
import { type Failure, type Result, fail, ok } from '../domain/errors.ts';
import { type RequestedLine, checkSaleRules, holdExpiry, isHoldLive, normaliseRequest, quotaTakes, typeAvailability } from '../domain/hold.ts';
import { money } from '../domain/money.ts';
import { type Discount, type OrderPricing, priceOrder } from '../domain/pricing.ts';
import type { PlacedSeat } from '../domain/seating.ts';
import type { AppDeps } from './deps.ts';
import type { CheckoutQuestion, Hold, OrderRecord, PerformanceContext, QuotaCount, SeatChoice, TicketTypeRow } from './ports.ts';
import { holdSeats } from './seatClaims.ts';
import { transact } from './transact.ts';
import { orderVoucher, voucherForHold } from './vouchers.ts';
import { admissionValid, queuePath } from './waitingRoom.ts';

export interface PlacedHold {
  holdId: string;
  expiresAt: Date;
}

/** How many expired holds one sweep ends at most; the next tick takes the rest. */
const SWEEP_BATCH = 500;

/**
 * Keeps places for one buyer until the hold expires (ADR 0010). The sales rules are checked first;
 * then the places are taken from every quota the chosen types draw on, only if all have room, and the
 * hold is recorded, in one statement (`inventory.reserveHold`, the one hold SQL). If a quota is short,
 * holds that have expired but are not yet swept are ended and it is tried once more.
 * With `admission` (a storefront hold: the visitor's waiting-room cookies), the hold is refused, as
 * `forbidden` with the queue's path, while the event's waiting room is on and the admission is not
 * valid (ADR 0012); the room's state comes with the hold's one read, so the gate costs no query.
 */
export async function placeHold(
  deps: AppDeps,
  input: {
    performanceId: string; lines: readonly RequestedLine[]; eventSlug?: string; seats?: readonly SeatChoice[];
    admission?: { visitorId: string | null; token: string | null };
  },
): Promise<Result<PlacedHold>> {
  const request = normaliseRequest(input.lines);
  if (!request.ok) return request;
  const now = deps.clock.now();
  const lines = request.value;
  const performance = await deps.store.inventory.holdContext(input.performanceId, lines.map((l) => l.ticketTypeId));
  if (!performance) return fail('not_found', 'There is no such performance.');
  if (input.eventSlug !== undefined && (performance.eventSlug !== input.eventSlug || !performance.published)) {
    return fail('invalid_input', 'Choose a performance of this event.');
  }
  if (input.admission && performance.waitingRoom && !admissionValid(deps, performance.eventId, input.admission.visitorId, input.admission.token)) {
    return fail('forbidden', 'This sale has a waiting room. Join the queue, and you can choose tickets when it is your turn.', { queue: queuePath(performance.eventSlug) });
  }
  if (performance.cancelledAt) return fail('sales_closed', 'This performance has been cancelled.');
  if (performance.startsAt <= now) return fail('sales_closed', 'Sales for this performance have closed.');
  const types = performance.types;
  if (types.length !== lines.length) return fail('invalid_input', 'One of the chosen ticket types is not sold for this performance.');
  const rules = checkSaleRules(lines, types, now);
  if (!rules.ok) return rules;
  // A type that draws on no quota has no places (the producer has not given it any yet).
  const placeless = types.filter((t) => t.quotaIds.length === 0);
  if (placeless.length > 0) return fail('sold_out', shortMessage(placeless.map((t) => ({ name: t.name, available: 0 }))), { short: placeless.map((t) => ({ ticketTypeId: t.id, name: t.name, available: 0 })) });
  const takes = quotaTakes(lines, new Map(types.map((t) => [t.id, t.quotaIds])));
  const items = lines.map((l) => {
    const type = types.find((t) => t.id === l.ticketTypeId)!;
    return { ...l, unitPrice: money(type.priceMinor, type.currency), taxRateBp: type.taxRateBp, taxInclusive: type.taxInclusive };
  });

  // Reserved seating (ADR 0011): a seated type is sold only with seats, claimed together with the places.
  const seats = input.seats ?? [];
  const seated = seats.length > 0 || types.some((t) => t.zone !== null);
  const attempt = async (): Promise<Result<PlacedHold>> => {
    const hold = { id: randomUUID(), performanceId: input.performanceId, createdAt: now, expiresAt: holdExpiry(now, deps.settings.holdMinutes) };
    const placed = ok({ holdId: hold.id, expiresAt: hold.expiresAt });
    if (!seated) {
      // The places from every quota: one atomic statement, so no transaction is opened around it and
      // the quota rows stay locked only while the database runs it (ADR 0010).
      // Holds arriving together in this process share one transaction (the batcher's group commit).
      const { short } = deps.holdBatcher
        ? await deps.holdBatcher.reserve({ hold, items, takes })
        : await deps.store.inventory.reserveHold(hold, items, takes);
      return short.length > 0 ? fail('sold_out', '', { short }) : placed;
    }
    // With seats, the places and the seat claims are one transaction: a seat taken meanwhile rolls both back.
    return transact(deps.store, async (tx) => {
      const { short } = await tx.inventory.reserveHold(hold, items, takes);
      if (short.length > 0) return fail('sold_out', '', { short });
      const claimed = await holdSeats(tx, { performanceId: hold.performanceId, holdId: hold.id, expiresAt: hold.expiresAt, now, lines, seats });
      return claimed.ok ? placed : claimed;
    });
  };
  let placed = await attempt();
  if (!placed.ok && placed.code === 'sold_out' && (await sweepExpiredHolds(deps, input.performanceId)) > 0) placed = await attempt();
  if (!placed.ok) {
    if (placed.code !== 'sold_out') return placed;
    const short = shortTypes(types, lines, (placed.details?.short ?? []) as QuotaCount[]);
    return fail('sold_out', shortMessage(short), { short });
  }
  // The hold id opens the basket, so it stays out of the logs.
  deps.log.info({ performanceId: input.performanceId }, 'hold placed');
  return placed;
}

/** The requested types that a short quota limits, with what is left of each. */
function shortTypes(types: readonly TicketTypeRow[], lines: readonly RequestedLine[], short: readonly QuotaCount[]) {
  const free = new Map(short.map((q) => [q.quotaId, q.capacity - q.sold - q.held]));
  return lines
    .map((l) => types.find((t) => t.id === l.ticketTypeId)!)
    .filter((t) => t.quotaIds.some((q) => free.has(q)))
    .map((t) => ({ ticketTypeId: t.id, name: t.name, available: typeAvailability(t.quotaIds.filter((q) => free.has(q)), free) }));
}

function shortMessage(short: { name: string; available: number }[]): string {
  if (short.length === 0) return 'These tickets are sold out.';
  return short
    .map((s) => (s.available === 0 ? `${s.name} is sold out.` : `Only ${s.available} ${s.name} ${s.available === 1 ? 'ticket is' : 'tickets are'} left.`))
    .join(' ');
}

/**
 * Ends every hold whose time is up and gives its places back, each exactly once (the hold's move out
 * of 'active' and its counters are one transaction). Run on a timer by main.ts, and by placeHold when
 * a quota looks full. Returns how many holds it ended.
 */
export async function sweepExpiredHolds(deps: AppDeps, performanceId?: string): Promise<number> {
  let total = 0;
  for (;;) {
    const now = deps.clock.now();
    const ended = await deps.store.transaction((tx) => tx.inventory.expireHolds(now, SWEEP_BATCH, performanceId));
    total += ended;
    if (ended < SWEEP_BATCH) break;
  }
  if (total > 0) deps.log.info({ holds: total, performanceId }, 'expired holds released');
  return total;
}

export interface CheckoutView {
  hold: Hold;
  performance: PerformanceContext;
  pricing: OrderPricing;
  live: boolean;
  order: OrderRecord | null;
  /** The seats the hold keeps (reserved seating), front row first. */
  seats: PlacedSeat[];
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
    seats: await deps.store.seats.ofHold(holdId),
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
