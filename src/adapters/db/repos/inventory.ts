import { sql } from 'kysely';
import type { InventoryRepo, Usage } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

/**
 * Sold = valid tickets; held = items of holds that are active and not yet expired at `now`.
 * Expiry needs no sweeper for correctness: an expired hold simply stops counting.
 */
export async function usageOf(db: Db, ticketTypeIds: readonly string[], now: Date): Promise<Map<string, Usage>> {
  const usage = new Map<string, Usage>();
  if (ticketTypeIds.length === 0) return usage;
  for (const id of ticketTypeIds) usage.set(id, { sold: 0, held: 0 });
  const sold = await db
    .selectFrom('tickets')
    .where('ticketTypeId', 'in', ticketTypeIds)
    .where('status', '=', 'valid')
    .groupBy('ticketTypeId')
    .select(['ticketTypeId', sql<number>`count(*)::int`.as('n')])
    .execute();
  for (const r of sold) usage.get(r.ticketTypeId)!.sold = r.n;
  const held = await db
    .selectFrom('holdItems as hi')
    .innerJoin('holds as h', 'h.id', 'hi.holdId')
    .where('hi.ticketTypeId', 'in', ticketTypeIds)
    .where('h.status', '=', 'active')
    .where('h.expiresAt', '>', now)
    .groupBy('hi.ticketTypeId')
    .select(['hi.ticketTypeId', sql<number>`sum(hi.quantity)::int`.as('n')])
    .execute();
  for (const r of held) usage.get(r.ticketTypeId)!.held = r.n;
  return usage;
}

export function inventoryRepo(db: Db): InventoryRepo {
  return {
    async lockTicketTypes(performanceId, ticketTypeIds) {
      if (ticketTypeIds.length === 0) return [];
      return db
        .selectFrom('ticketTypes')
        .where('performanceId', '=', performanceId)
        .where('id', 'in', ticketTypeIds)
        .select(['id', 'performanceId', 'name', 'priceMinor', 'currency', 'capacity', 'taxRateBp', 'taxInclusive'])
        .orderBy('id')
        .forUpdate()
        .execute();
    },
    usage: (ids, now) => usageOf(db, ids, now),
  };
}
