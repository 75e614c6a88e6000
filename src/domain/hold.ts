import { type Result, fail, ok } from './errors.ts';

export const MAX_TICKETS_PER_HOLD = 10;

export interface RequestedLine {
  readonly ticketTypeId: string;
  readonly quantity: number;
}

/** Drops zero lines and checks what a buyer may ask for in one hold. */
export function normaliseRequest(lines: readonly RequestedLine[]): Result<RequestedLine[]> {
  const merged = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 0) {
      return fail('invalid_input', 'Quantities must be whole numbers of zero or more.');
    }
    if (line.quantity > 0) merged.set(line.ticketTypeId, (merged.get(line.ticketTypeId) ?? 0) + line.quantity);
  }
  const result = [...merged].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
  const total = result.reduce((sum, l) => sum + l.quantity, 0);
  if (total === 0) return fail('invalid_input', 'Choose at least one ticket.');
  if (total > MAX_TICKETS_PER_HOLD) {
    return fail('invalid_input', `You can hold at most ${MAX_TICKETS_PER_HOLD} tickets at a time.`, { max: MAX_TICKETS_PER_HOLD });
  }
  // A stable order, so that concurrent holds lock rows in the same order and cannot deadlock.
  result.sort((a, b) => (a.ticketTypeId < b.ticketTypeId ? -1 : a.ticketTypeId > b.ticketTypeId ? 1 : 0));
  return ok(result);
}

export function holdExpiry(now: Date, minutes: number): Date {
  return new Date(now.getTime() + minutes * 60_000);
}

export function isHoldLive(hold: { status: string; expiresAt: Date }, now: Date): boolean {
  return hold.status === 'active' && hold.expiresAt.getTime() > now.getTime();
}

/** Places still on sale: capacity less sold tickets and live holds, never below zero. */
export function available(capacity: number, sold: number, held: number): number {
  return Math.max(0, capacity - sold - held);
}

/** What placeHold needs to know of a ticket type to decide whether it may be held now. */
export interface SaleRules {
  readonly id: string;
  readonly name: string;
  readonly salesOpensAt: Date | null;
  readonly salesClosesAt: Date | null;
  readonly minPerOrder: number;
  readonly maxPerOrder: number;
}

export type SaleState = 'on_sale' | 'not_yet' | 'ended';

/** A ticket type is on sale from its opening (or always) until its closing (or the performance's start). */
export function saleState(rules: Pick<SaleRules, 'salesOpensAt' | 'salesClosesAt'>, now: Date): SaleState {
  if (rules.salesOpensAt && now.getTime() < rules.salesOpensAt.getTime()) return 'not_yet';
  if (rules.salesClosesAt && now.getTime() >= rules.salesClosesAt.getTime()) return 'ended';
  return 'on_sale';
}

/**
 * The sales window and per-order limits of every requested ticket type (typed failures: `not_on_sale`
 * with `opensAt`, `sales_ended`, `invalid_input` with `min`/`max`). Quantities are those of one hold.
 */
export function checkSaleRules(lines: readonly RequestedLine[], types: readonly SaleRules[], now: Date): Result<null> {
  for (const line of lines) {
    const type = types.find((t) => t.id === line.ticketTypeId);
    if (!type) return fail('invalid_input', 'One of the chosen ticket types is not sold for this performance.');
    const state = saleState(type, now);
    if (state === 'not_yet') {
      return fail('not_on_sale', `${type.name} tickets are not on sale yet.`, { ticketTypeId: type.id, opensAt: type.salesOpensAt!.toISOString() });
    }
    if (state === 'ended') return fail('sales_ended', `${type.name} tickets are no longer on sale.`, { ticketTypeId: type.id });
    if (line.quantity < type.minPerOrder) {
      return fail('invalid_input', `${type.name} tickets are sold at least ${type.minPerOrder} at a time.`, { ticketTypeId: type.id, min: type.minPerOrder });
    }
    if (line.quantity > type.maxPerOrder) {
      return fail('invalid_input', `You can hold at most ${type.maxPerOrder} ${type.name} ${type.maxPerOrder === 1 ? 'ticket' : 'tickets'} at a time.`, { ticketTypeId: type.id, max: type.maxPerOrder });
    }
  }
  return ok(null);
}

/** How many places a hold takes from each quota: every line takes its quantity from each quota its type draws on. */
export function quotaTakes(lines: readonly RequestedLine[], quotasOf: ReadonlyMap<string, readonly string[]>): { quotaId: string; quantity: number }[] {
  const takes = new Map<string, number>();
  for (const line of lines) {
    for (const quotaId of quotasOf.get(line.ticketTypeId) ?? []) takes.set(quotaId, (takes.get(quotaId) ?? 0) + line.quantity);
  }
  // Sorted by quota id: every transaction locks quotas in this order, so two holds cannot deadlock.
  return [...takes].map(([quotaId, quantity]) => ({ quotaId, quantity })).sort((a, b) => (a.quotaId < b.quotaId ? -1 : a.quotaId > b.quotaId ? 1 : 0));
}

/**
 * A ticket type's availability: the least room left in any of its quotas (`free` = capacity − sold − held
 * per quota). A type without a quota has none.
 */
export function typeAvailability(quotaIds: readonly string[], free: ReadonlyMap<string, number>): number {
  if (quotaIds.length === 0) return 0;
  return Math.max(0, Math.min(...quotaIds.map((q) => free.get(q) ?? 0)));
}
