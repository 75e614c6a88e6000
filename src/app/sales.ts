import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import type { AppDeps } from './deps.ts';
import { typeAvailability } from '../domain/hold.ts';
import type { CheckInProgress, QuotaSales, SalesDay, SessionUser, TicketTypeSales } from './ports.ts';

/** How many days the sales-over-time chart shows at most, today included. */
export const SALES_WINDOW_DAYS = 30;

export interface PerformanceSales {
  performanceId: string; eventTitle: string; startsAt: Date; timeZone: string; cancelled: boolean;
  ticketTypes: { ticketTypeId: string; name: string; capacity: number; sold: number; held: number; available: number }[];
  capacity: number; sold: number; held: number; available: number;
}

export interface SalesOverview {
  /** The zone the days are counted in: the one most of the producer's venues are in. */
  timeZone: string;
  /** One entry per local day, oldest first, days without sales as 0; empty before the first sale. */
  perDay: SalesDay[];
  performances: PerformanceSales[];
  checkIns: CheckInProgress[];
}

/** 'YYYY-MM-DD' of `at` on the wall calendar of `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The calendar day `n` days after `day` (calendar arithmetic in UTC, so no zone shifts it). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included, with the counts found and 0 elsewhere. */
export function fillDays(from: string, to: string, counts: readonly SalesDay[]): SalesDay[] {
  const byDay = new Map(counts.map((c) => [c.day, c.tickets]));
  const days: SalesDay[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push({ day: d, tickets: byDay.get(d) ?? 0 });
  return days;
}

/**
 * Each ticket type against its quotas: capacity is its smallest quota, available the least room left in
 * any of them (what a buyer could hold once expired holds are swept). A performance's totals count each
 * type's largest quota once, so places shared by several types (a hall of 500) are not counted twice.
 */
function byPerformance(rows: readonly TicketTypeSales[], quotas: readonly QuotaSales[]): PerformanceSales[] {
  const quota = new Map(quotas.map((q) => [q.quotaId, q]));
  // Sold can exceed capacity if a producer lowered it after selling; available never goes below 0.
  const free = new Map(quotas.map((q) => [q.quotaId, Math.max(0, q.capacity - q.sold - q.held)]));
  const out = new Map<string, PerformanceSales & { outer: Set<string> }>();
  for (const r of rows) {
    let p = out.get(r.performanceId);
    if (!p) {
      p = {
        performanceId: r.performanceId, eventTitle: r.eventTitle, startsAt: r.startsAt, timeZone: r.timeZone, cancelled: r.cancelledAt !== null,
        ticketTypes: [], capacity: 0, sold: 0, held: 0, available: 0, outer: new Set(),
      };
      out.set(r.performanceId, p);
    }
    const own = r.quotaIds.map((id) => quota.get(id)!).filter(Boolean);
    const capacity = own.length ? Math.min(...own.map((q) => q.capacity)) : 0;
    const available = typeAvailability(r.quotaIds, free);
    p.ticketTypes.push({ ticketTypeId: r.ticketTypeId, name: r.ticketTypeName, capacity, sold: r.sold, held: r.held, available });
    p.sold += r.sold;
    p.held += r.held;
    const largest = own.reduce<QuotaSales | null>((a, q) => (a && a.capacity >= q.capacity ? a : q), null);
    if (largest) p.outer.add(largest.quotaId);
  }
  return [...out.values()].map(({ outer, ...p }) => {
    for (const id of outer) {
      p.capacity += quota.get(id)!.capacity;
      p.available += free.get(id)!;
    }
    return p;
  });
}

/**
 * The producer's sales dashboard: valid tickets per day over the last 30 days (or since the first
 * sale, if later) in the producer's time zone; every performance's ticket types against capacity
 * (sold, held, available); and check-in progress. Counts only, never a buyer's name or address,
 * so it is not an access to personal data and writes no audit entry.
 */
export async function salesOverview(deps: AppDeps, user: SessionUser): Promise<Result<SalesOverview>> {
  if (!may(user.role, 'sales.read')) return fail('forbidden', 'Your role cannot see sales.');
  const now = deps.clock.now();
  const store = deps.store;
  const timeZone = (await store.sales.timeZoneOf(user.producerId)) ?? 'UTC';
  const today = localDay(now, timeZone);
  const firstSale = await store.sales.firstSaleAt(user.producerId);
  let perDay: SalesDay[] = [];
  if (firstSale) {
    const windowStart = addDays(today, -(SALES_WINDOW_DAYS - 1));
    const firstDay = localDay(firstSale, timeZone);
    // biome-ignore lint/complexity/useMathMinMax: days are 'YYYY-MM-DD' strings, which compare as text, not numbers.
    const from = firstDay > windowStart ? firstDay : windowStart;
    // A day more than the window, so the local day's first hours are in, whatever the zone's offset.
    const since = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000);
    const counts = (await store.sales.ticketsPerDay(user.producerId, timeZone, since)).filter((c) => c.day >= from && c.day <= today);
    perDay = fillDays(from, today, counts);
  }
  const performances = byPerformance(await store.sales.ticketTypes(user.producerId, now), await store.sales.quotas(user.producerId, now));
  const checkIns = await store.sales.checkIns(user.producerId);
  return ok({ timeZone, perDay, performances, checkIns });
}
