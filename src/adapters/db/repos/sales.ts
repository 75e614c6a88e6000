import { sql } from 'kysely';
import type { SalesRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

/**
 * The sales dashboard's reads. Counts only: no buyer name, email or attendee name is selected, so
 * reading them is not an access to personal data and needs no audit entry. Every query names the
 * producer through the event, so another producer's tickets can never be counted.
 */
export function salesRepo(db: Db): SalesRepo {
  /** The producer's valid tickets; sold means issued and not voided by a refund or cancellation. */
  const validTickets = (producerId: string) =>
    db
      .selectFrom('tickets as t')
      .innerJoin('orders as o', 'o.id', 't.orderId')
      .innerJoin('performances as pf', 'pf.id', 't.performanceId')
      .innerJoin('events as e', 'e.id', 'pf.eventId')
      .where('o.producerId', '=', producerId)
      .where('e.producerId', '=', producerId)
      .where('t.status', '=', 'valid');

  return {
    async timeZoneOf(producerId) {
      const r = await db
        .selectFrom('venues')
        .where('producerId', '=', producerId)
        .groupBy('timeZone')
        .select(['timeZone', sql<number>`count(*)::int`.as('n')])
        .orderBy('n', 'desc').orderBy('timeZone')
        .executeTakeFirst();
      return r?.timeZone ?? null;
    },
    async firstSaleAt(producerId) {
      const r = await validTickets(producerId).select((eb) => eb.fn.min('t.createdAt').as('first')).executeTakeFirst();
      return r?.first ?? null;
    },
    async ticketsPerDay(producerId, timeZone, since) {
      const day = sql<string>`to_char(${sql.ref('t.createdAt')} at time zone ${timeZone}, 'YYYY-MM-DD')`;
      const rows = await validTickets(producerId)
        .where('t.createdAt', '>=', since)
        .select([day.as('day'), sql<number>`count(*)::int`.as('tickets')])
        // By position: the zone is a bound parameter, so a repeated expression would not match the select's.
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute();
      return rows;
    },
    async ticketTypes(producerId, now) {
      const rows = await db
        .selectFrom('ticketTypes as tt')
        .innerJoin('performances as pf', 'pf.id', 'tt.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .where('e.producerId', '=', producerId)
        .select([
          'pf.id as performanceId', 'e.title as eventTitle', 'pf.startsAt', 'v.timeZone', 'pf.cancelledAt',
          'tt.id as ticketTypeId', 'tt.name as ticketTypeName',
          (eb) => eb.selectFrom('tickets as t').whereRef('t.ticketTypeId', '=', 'tt.id').where('t.status', '=', 'valid')
            .select(sql<number>`count(*)::int`.as('n')).as('sold'),
          // Live holds: what stays held once the sweeper has ended the expired ones.
          (eb) => eb.selectFrom('holdItems as hi').innerJoin('holds as h', 'h.id', 'hi.holdId').whereRef('hi.ticketTypeId', '=', 'tt.id')
            .where('h.status', '=', 'active').where('h.expiresAt', '>', now)
            .select(sql<number>`coalesce(sum(hi.quantity), 0)::int`.as('n')).as('held'),
          (eb) => eb.selectFrom('ticketTypeQuotas as tq').whereRef('tq.ticketTypeId', '=', 'tt.id')
            .select(sql<string[]>`coalesce(array_agg(tq.quota_id::text order by tq.quota_id), '{}')`.as('q')).as('quotaIds'),
        ])
        .orderBy('pf.startsAt').orderBy('e.title').orderBy('pf.id').orderBy('tt.sort').orderBy('tt.name')
        .execute();
      return rows.map((r) => ({ ...r, cancelledAt: r.cancelledAt ?? null, sold: r.sold ?? 0, held: r.held ?? 0, quotaIds: r.quotaIds ?? [] }));
    },
    async quotas(producerId, now) {
      const rows = await db
        .selectFrom('quotas as q')
        .innerJoin('performances as pf', 'pf.id', 'q.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .where('e.producerId', '=', producerId)
        .select([
          'q.id as quotaId', 'q.performanceId', 'q.name', 'q.capacity',
          (eb) => eb.selectFrom('tickets as t').innerJoin('ticketTypeQuotas as tq', 'tq.ticketTypeId', 't.ticketTypeId')
            .whereRef('tq.quotaId', '=', 'q.id').where('t.status', '=', 'valid').select(sql<number>`count(*)::int`.as('n')).as('sold'),
          (eb) => eb.selectFrom('holdQuotas as hq').innerJoin('holds as h', 'h.id', 'hq.holdId')
            .whereRef('hq.quotaId', '=', 'q.id').where('h.status', '=', 'active').where('h.expiresAt', '>', now)
            .select(sql<number>`coalesce(sum(hq.quantity), 0)::int`.as('n')).as('held'),
        ])
        .orderBy('q.id')
        .execute();
      return rows.map((r) => ({ ...r, sold: r.sold ?? 0, held: r.held ?? 0 }));
    },
    async checkIns(producerId) {
      const rows = await db
        .selectFrom('performances as pf')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .leftJoin('tickets as t', (j) => j.onRef('t.performanceId', '=', 'pf.id').on('t.status', '=', 'valid'))
        .leftJoin('checkIns as c', 'c.ticketId', 't.id')
        .where('e.producerId', '=', producerId)
        .where('pf.cancelledAt', 'is', null)
        .groupBy(['pf.id', 'e.title', 'pf.startsAt', 'v.timeZone'])
        .select([
          'pf.id as performanceId', 'e.title as eventTitle', 'pf.startsAt', 'v.timeZone',
          sql<number>`count(t.id)::int`.as('valid'), sql<number>`count(c.id)::int`.as('checkedIn'),
        ])
        .orderBy('pf.startsAt').orderBy('e.title').orderBy('pf.id')
        .execute();
      return rows;
    },
  };
}
