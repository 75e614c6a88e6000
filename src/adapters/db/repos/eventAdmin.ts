import { sql } from 'kysely';
import type { EventAdminRepo, EventRecord, PerformanceRecord, QuotaRecord, TicketTypeRecord } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

/**
 * The producer's event management. Every read names the producer through the event (venues carry it
 * themselves); every update of a resource checks the producer in the same statement or just before
 * it in the same transaction, so another producer's id changes nothing.
 */
export function eventAdminRepo(db: Db): EventAdminRepo {
  const eventColumns = ['e.id', 'e.slug', 'e.title', 'e.description', 'e.published', 'e.createdAt', 'e.feePerTicketMinor', 'e.feePerOrderMinor', 'e.feeTaxRateBp'] as const;

  const ownPerformances = (producerId: string) =>
    db
      .selectFrom('performances as pf')
      .innerJoin('events as e', 'e.id', 'pf.eventId')
      .innerJoin('venues as v', 'v.id', 'pf.venueId')
      .where('e.producerId', '=', producerId)
      .select((eb) => [
        'pf.id', 'pf.eventId', 'e.title as eventTitle', 'pf.venueId', 'v.name as venueName', 'v.timeZone', 'pf.startsAt', 'pf.cancelledAt',
        eb.selectFrom('ticketTypes as tt').whereRef('tt.performanceId', '=', 'pf.id').select(sql<number>`count(*)::int`.as('n')).as('ticketTypes'),
      ]);
  const toPerformance = (r: { cancelledAt: Date | null; ticketTypes: number | null } & Omit<PerformanceRecord, 'cancelledAt' | 'ticketTypes'>): PerformanceRecord =>
    ({ ...r, cancelledAt: r.cancelledAt ?? null, ticketTypes: Number(r.ticketTypes ?? 0) });

  const ownQuotas = (producerId: string) =>
    db
      .selectFrom('quotas as q')
      .innerJoin('performances as pf', 'pf.id', 'q.performanceId')
      .innerJoin('events as e', 'e.id', 'pf.eventId')
      .where('e.producerId', '=', producerId)
      .select(['q.id', 'q.performanceId', 'q.name', 'q.capacity']);

  const ownTicketTypes = (producerId: string) =>
    db
      .selectFrom('ticketTypes as tt')
      .innerJoin('performances as pf', 'pf.id', 'tt.performanceId')
      .innerJoin('events as e', 'e.id', 'pf.eventId')
      .where('e.producerId', '=', producerId)
      .select([
        'tt.id', 'tt.performanceId', 'tt.name', 'tt.priceMinor', 'tt.currency', 'tt.taxRateBp', 'tt.taxInclusive',
        'tt.salesOpensAt', 'tt.salesClosesAt', 'tt.minPerOrder', 'tt.maxPerOrder', 'tt.sort',
      ]);

  async function withQuotaIds(rows: Omit<TicketTypeRecord, 'quotaIds'>[]): Promise<TicketTypeRecord[]> {
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('ticketTypeQuotas')
      .where('ticketTypeId', 'in', rows.map((r) => r.id))
      .select(['ticketTypeId', 'quotaId'])
      .orderBy('quotaId')
      .execute();
    return rows.map((r) => ({
      ...r, salesOpensAt: r.salesOpensAt ?? null, salesClosesAt: r.salesClosesAt ?? null,
      quotaIds: links.filter((l) => l.ticketTypeId === r.id).map((l) => l.quotaId),
    }));
  }

  async function link(ticketTypeId: string, quotaIds: readonly string[]): Promise<void> {
    await db.deleteFrom('ticketTypeQuotas').where('ticketTypeId', '=', ticketTypeId).execute();
    if (quotaIds.length > 0) await db.insertInto('ticketTypeQuotas').values(quotaIds.map((quotaId) => ({ ticketTypeId, quotaId }))).execute();
  }

  return {
    venues: (producerId) =>
      db.selectFrom('venues').where('producerId', '=', producerId).select(['id', 'name', 'address', 'timeZone']).orderBy('name').orderBy('id').execute(),
    async venue(producerId, venueId) {
      return (await db.selectFrom('venues').where('producerId', '=', producerId).where('id', '=', venueId).select(['id', 'name', 'address', 'timeZone']).executeTakeFirst()) ?? null;
    },
    async insertVenue(producerId, id, v) {
      await db.insertInto('venues').values({ id, producerId, ...v }).execute();
    },
    async updateVenue(producerId, venueId, v) {
      const r = await db.updateTable('venues').set(v).where('producerId', '=', producerId).where('id', '=', venueId).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async events(producerId) {
      const rows = await db
        .selectFrom('events as e')
        .where('e.producerId', '=', producerId)
        .select((eb) => [
          ...eventColumns,
          eb.selectFrom('performances as pf').whereRef('pf.eventId', '=', 'e.id').where('pf.cancelledAt', 'is', null).select(sql<number>`count(*)::int`.as('n')).as('performances'),
        ])
        .orderBy('e.createdAt', 'desc').orderBy('e.id')
        .execute();
      return rows.map((r) => ({ ...r, performances: Number(r.performances ?? 0) }));
    },
    async event(producerId, eventId) {
      return ((await db.selectFrom('events as e').where('e.producerId', '=', producerId).where('e.id', '=', eventId).select(eventColumns).executeTakeFirst()) ?? null) as EventRecord | null;
    },
    async lockEvent(producerId, eventId) {
      return ((await db.selectFrom('events as e').where('e.producerId', '=', producerId).where('e.id', '=', eventId).select(eventColumns).forUpdate().executeTakeFirst()) ?? null) as EventRecord | null;
    },
    async slugTaken(slug, exceptEventId) {
      let q = db.selectFrom('events').where('slug', '=', slug).select('id');
      if (exceptEventId) q = q.where('id', '<>', exceptEventId);
      return (await q.executeTakeFirst()) !== undefined;
    },
    async insertEvent(producerId, id, e, now) {
      // Two producers racing for one slug: the loser inserts nothing and is told the address is taken.
      const r = await db.insertInto('events').values({ id, producerId, ...e, isDemo: false, published: false, createdAt: now })
        .onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
      return r !== undefined;
    },
    async updateEvent(producerId, eventId, e) {
      const r = await db.updateTable('events').set(e).where('producerId', '=', producerId).where('id', '=', eventId).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async setPublished(producerId, eventId, published) {
      const r = await db.updateTable('events').set({ published }).where('producerId', '=', producerId).where('id', '=', eventId).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async sellablePerformances(producerId, eventId, now) {
      const r = await db
        .selectFrom('performances as pf')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .where('e.producerId', '=', producerId)
        .where('pf.eventId', '=', eventId)
        .where('pf.startsAt', '>', now)
        .where('pf.cancelledAt', 'is', null)
        .where((eb) => eb.exists(eb.selectFrom('ticketTypes as tt').whereRef('tt.performanceId', '=', 'pf.id').select('tt.id')))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async performances(producerId, eventId) {
      const rows = await ownPerformances(producerId).where('pf.eventId', '=', eventId).orderBy('pf.startsAt').orderBy('pf.id').execute();
      return rows.map(toPerformance);
    },
    async performance(producerId, performanceId) {
      const r = await ownPerformances(producerId).where('pf.id', '=', performanceId).executeTakeFirst();
      return r ? toPerformance(r) : null;
    },
    async insertPerformance(id, eventId, venueId, startsAt) {
      await db.insertInto('performances').values({ id, eventId, venueId, startsAt }).execute();
    },

    quotas: (producerId, performanceId) => ownQuotas(producerId).where('q.performanceId', '=', performanceId).orderBy('q.createdAt').orderBy('q.name').orderBy('q.id').execute(),
    async insertQuota(id, performanceId, q) {
      await db.insertInto('quotas').values({ id, performanceId, ...q }).execute();
    },
    async updateQuota(producerId, quotaId, q): Promise<QuotaRecord | null | 'in_use'> {
      const own = await ownQuotas(producerId).where('q.id', '=', quotaId).executeTakeFirst();
      if (!own) return null;
      // Never below what is sold and held: the counters' check would refuse it anyway, as an error.
      const changed = await db.updateTable('quotas').set(q).where('id', '=', quotaId).where(sql<boolean>`sold + held <= ${q.capacity}`).executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) return 'in_use';
      return { ...own, ...q };
    },

    async ticketTypes(producerId, performanceId) {
      return withQuotaIds(await ownTicketTypes(producerId).where('tt.performanceId', '=', performanceId).orderBy('tt.sort').orderBy('tt.id').execute());
    },
    async insertTicketType(id, performanceId, t, quotaIds) {
      const next = await db.selectFrom('ticketTypes').where('performanceId', '=', performanceId).select(sql<number>`coalesce(max(sort) + 1, 0)::int`.as('s')).executeTakeFirstOrThrow();
      await db.insertInto('ticketTypes').values({ id, performanceId, ...t, sort: Number(next.s) }).execute();
      await link(id, quotaIds);
    },
    async updateTicketType(producerId, ticketTypeId, t, quotaIds) {
      const own = await ownTicketTypes(producerId).where('tt.id', '=', ticketTypeId).executeTakeFirst();
      if (!own) return null;
      await db.updateTable('ticketTypes').set(t).where('id', '=', ticketTypeId).execute();
      // The quota counters hold what each hold took (hold_quotas): once a type has been held, its quotas stay.
      const current = (await db.selectFrom('ticketTypeQuotas').where('ticketTypeId', '=', ticketTypeId).select('quotaId').execute()).map((r) => r.quotaId).sort();
      const same = current.length === quotaIds.length && [...quotaIds].sort().every((id, i) => id === current[i]);
      if (!same) {
        const held = await db.selectFrom('holdItems').where('ticketTypeId', '=', ticketTypeId).select('holdId').limit(1).executeTakeFirst();
        if (held) return 'in_use';
      }
      await link(ticketTypeId, quotaIds);
      return { ...own, ...t, quotaIds: [...quotaIds] };
    },
  };
}
