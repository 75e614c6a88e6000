
import type { CatalogRepo, EventDetail, EventSummary, PerformanceContext, PerformanceView } from '../../../app/ports.ts';
import { saleState, typeAvailability } from '../../../domain/hold.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';
import { inventoryRepo, releasePerformanceHolds } from './inventory.ts';
import { orderRecord } from './orders.ts';

export function catalogRepo(db: Db): CatalogRepo {
  return {
    async listUpcomingEvents(now) {
      const rows = await db
        .selectFrom('events as e')
        .innerJoin('producers as p', 'p.id', 'e.producerId')
        .innerJoin('performances as pf', 'pf.eventId', 'e.id')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .where('e.published', '=', true)
        .where('pf.startsAt', '>', now)
        .where('pf.cancelledAt', 'is', null)
        .select(['e.id', 'e.slug', 'e.title', 'e.isDemo', 'p.name as producerName', 'pf.startsAt', 'v.name as venueName', 'v.timeZone'])
        .orderBy('pf.startsAt')
        .execute();
      const byEvent = new Map<string, EventSummary>();
      for (const r of rows) {
        const seen = byEvent.get(r.id);
        if (seen) {
          seen.performanceCount++;
          continue;
        }
        byEvent.set(r.id, {
          id: r.id, slug: r.slug, title: r.title, producerName: r.producerName, isDemo: r.isDemo, performanceCount: 1,
          nextPerformance: { startsAt: r.startsAt, venueName: r.venueName, timeZone: r.timeZone },
        });
      }
      return [...byEvent.values()];
    },

    async eventBySlug(slug, now) {
      const event = await db
        .selectFrom('events as e')
        .innerJoin('producers as p', 'p.id', 'e.producerId')
        .where('e.slug', '=', slug)
        .where('e.published', '=', true)
        .select(['e.id', 'e.slug', 'e.title', 'e.description', 'e.isDemo', 'e.producerId', 'p.name as producerName'])
        .executeTakeFirst();
      if (!event) return null;
      const perfRows = await db
        .selectFrom('performances as pf')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .where('pf.eventId', '=', event.id)
        .where('pf.startsAt', '>', now)
        .where('pf.cancelledAt', 'is', null)
        .select(['pf.id', 'pf.number', 'pf.startsAt', 'v.id as venueId', 'v.name as venueName', 'v.address', 'v.timeZone'])
        .orderBy('pf.startsAt')
        .execute();
      const types = perfRows.length
        ? await db
            .selectFrom('ticketTypes')
            .where('performanceId', 'in', perfRows.map((p) => p.id))
            .selectAll()
            .orderBy('sort')
            .orderBy('name')
            .execute()
        : [];
      const { quotas, quotasOf } = await inventoryRepo(db).quotaCounts(types.map((t) => t.id), now);
      const free = new Map(quotas.map((q) => [q.quotaId, q.capacity - q.sold - q.held]));
      const performances: PerformanceView[] = perfRows.map((p) => ({
        id: p.id,
        number: p.number,
        startsAt: p.startsAt,
        venue: { id: p.venueId, name: p.venueName, address: p.address, timeZone: p.timeZone },
        ticketTypes: types
          .filter((t) => t.performanceId === p.id)
          .map((t) => ({
            id: t.id, name: t.name, price: money(t.priceMinor, t.currency), available: typeAvailability(quotasOf.get(t.id) ?? [], free),
            salesOpensAt: t.salesOpensAt ?? null, salesClosesAt: t.salesClosesAt ?? null, minPerOrder: t.minPerOrder, maxPerOrder: t.maxPerOrder,
            saleState: saleState({ salesOpensAt: t.salesOpensAt ?? null, salesClosesAt: t.salesClosesAt ?? null }, now),
          })),
      }));
      const detail: EventDetail = { ...event, performances };
      return detail;
    },

    async performanceContext(performanceId) {
      const r = await db
        .selectFrom('performances as pf')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('producers as p', 'p.id', 'e.producerId')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .where('pf.id', '=', performanceId)
        .select([
          'pf.id', 'pf.number', 'pf.startsAt', 'pf.cancelledAt', 'p.id as producerId', 'p.name as producerName', 'e.id as eventId',
          'e.title as eventTitle', 'e.slug as eventSlug', 'v.id as venueId', 'v.name as venueName', 'v.address', 'v.timeZone',
          'e.feePerTicketMinor', 'e.feePerOrderMinor', 'e.feeTaxRateBp', 'e.published',
        ])
        .executeTakeFirst();
      if (!r) return null;
      const ctx: PerformanceContext = {
        id: r.id, number: r.number, startsAt: r.startsAt, cancelledAt: r.cancelledAt ?? null, producerId: r.producerId, producerName: r.producerName,
        eventId: r.eventId, eventTitle: r.eventTitle, eventSlug: r.eventSlug,
        venue: { id: r.venueId, name: r.venueName, address: r.address, timeZone: r.timeZone },
        fees: { perTicketMinor: r.feePerTicketMinor, perOrderMinor: r.feePerOrderMinor, taxRateBp: r.feeTaxRateBp }, published: r.published,
      };
      return ctx;
    },

    async cancelPerformance(performanceId, now) {
      const done = await db
        .updateTable('performances')
        .set({ cancelledAt: now })
        .where('id', '=', performanceId)
        .where('cancelledAt', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!done) return false;
      await releasePerformanceHolds(db, performanceId);
      return true;
    },

    async ordersOfPerformance(performanceId) {
      const rows = await db.selectFrom('orders').where('performanceId', '=', performanceId).selectAll().orderBy('createdAt').execute();
      return rows.map(orderRecord);
    },
  };
}

