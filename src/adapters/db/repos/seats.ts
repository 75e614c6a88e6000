import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, sql } from 'kysely';
import type { PerformanceSeat, SeatRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { PlacedSeat } from '../../../domain/seating.ts';
import type { Db } from '../connect.ts';
import type { Database } from '../schema.ts';

const SEAT_COLUMNS = ['s.id', 's.section', 's.rowLabel', 's.number', 's.x', 's.y', 's.zone', 's.forSale'] as const;
type SeatRow = { id: string; section: string; rowLabel: string; number: string; x: number; y: number; zone: string; forSale: boolean };
const placed = (r: SeatRow): PlacedSeat => ({ id: r.id, section: r.section, row: r.rowLabel, number: r.number, x: r.x, y: r.y, zone: r.zone, forSale: r.forSale });

/**
 * A claim that no longer keeps its seat, although nobody has marked it released yet: only held and
 * the hold expired or was released, or sold and the ticket voided. The conditions are written so
 * that a row this transaction cannot see yet (a concurrent sale) counts as alive: the safe side.
 */
function dead(eb: ExpressionBuilder<Database & { c: Database['seatClaims'] }, 'c'>, now: Date) {
  return eb.and([
    eb('c.releasedAt', 'is', null),
    eb.or([
      eb.and([
        eb('c.ticketId', 'is', null),
        eb.or([
          eb('c.expiresAt', '<=', now),
          eb.exists(eb.selectFrom('holds as h').whereRef('h.id', '=', 'c.holdId').where('h.status', 'in', ['released', 'expired']).select('h.id')),
        ]),
      ]),
      eb.exists(eb.selectFrom('tickets as t').whereRef('t.id', '=', 'c.ticketId').where('t.status', '=', 'void').select('t.id')),
    ]),
  ]);
}

export function seatRepo(db: Db): SeatRepo {
  return {
    async venuesOf(producerId) {
      const rows = await db
        .selectFrom('venues as v')
        .where('v.producerId', '=', producerId)
        .select(['v.id', 'v.name', 'v.address', 'v.timeZone', (eb) => eb.selectFrom('seats as s').whereRef('s.venueId', '=', 'v.id').select(sql<number>`count(*)::int`.as('n')).as('seatCount')])
        .orderBy('v.name')
        .orderBy('v.id')
        .execute();
      return rows.map((r) => ({ ...r, seatCount: Number(r.seatCount ?? 0) }));
    },
    async venueOf(producerId, venueId) {
      const r = await db
        .selectFrom('venues as v')
        .where('v.producerId', '=', producerId)
        .where('v.id', '=', venueId)
        .select(['v.id', 'v.name', 'v.address', 'v.timeZone', (eb) => eb.selectFrom('seats as s').whereRef('s.venueId', '=', 'v.id').select(sql<number>`count(*)::int`.as('n')).as('seatCount')])
        .executeTakeFirst();
      return r ? { ...r, seatCount: Number(r.seatCount ?? 0) } : null;
    },
    async seatsOfVenue(venueId) {
      const rows = await db.selectFrom('seats as s').where('s.venueId', '=', venueId).select(SEAT_COLUMNS).orderBy('s.y').orderBy('s.x').execute();
      return rows.map(placed);
    },
    async replaceSeatMap(venueId, seats) {
      const existing = await db.selectFrom('seats as s').where('s.venueId', '=', venueId).select(SEAT_COLUMNS).forUpdate().execute();
      const key = (s: { section: string; row: string; number: string }) => `${s.section}\u0000${s.row}\u0000${s.number}`;
      const wanted = new Map(seats.map((s) => [key(s), s]));
      const going = existing.map(placed).filter((s) => !wanted.has(key(s)));
      if (going.length > 0) {
        const claimed = await db.selectFrom('seatClaims').where('seatId', 'in', going.map((s) => s.id)).select('seatId').distinct().execute();
        if (claimed.length > 0) {
          const ids = new Set(claimed.map((c) => c.seatId));
          return going.filter((s) => ids.has(s.id));
        }
        await db.deleteFrom('seats').where('id', 'in', going.map((s) => s.id)).execute();
      }
      const byKey = new Map(existing.map((r) => [key(placed(r)), r.id]));
      const rows = seats.map((s) => ({ id: byKey.get(key(s)) ?? randomUUID(), venueId, section: s.section, rowLabel: s.row, number: s.number, x: s.x, y: s.y, zone: s.zone, forSale: s.forSale }));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('seats')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ x: eb.ref('excluded.x'), y: eb.ref('excluded.y'), zone: eb.ref('excluded.zone'), forSale: eb.ref('excluded.forSale') })))
          .execute();
      }
      return [];
    },
    async seatsOfPerformance(performanceId, now) {
      const rows = await db
        .selectFrom('performances as pf')
        .innerJoin('seats as s', 's.venueId', 'pf.venueId')
        .where('pf.id', '=', performanceId)
        .select([
          ...SEAT_COLUMNS,
          (eb) => eb.exists(
            eb.selectFrom('seatClaims as c')
              .whereRef('c.seatId', '=', 's.id')
              .where('c.performanceId', '=', performanceId)
              .where('c.releasedAt', 'is', null)
              .where((w) => w.not(dead(w, now)))
              .select('c.id'),
          ).as('taken'),
        ])
        .orderBy('s.y')
        .orderBy('s.x')
        .execute();
      return rows.map((r): PerformanceSeat => ({ ...placed(r), taken: Boolean(r.taken) }));
    },
    async seatsForPerformance(performanceId, seatIds) {
      if (seatIds.length === 0) return [];
      const rows = await db
        .selectFrom('performances as pf')
        .innerJoin('seats as s', 's.venueId', 'pf.venueId')
        .where('pf.id', '=', performanceId)
        .where('s.id', 'in', seatIds)
        .select(SEAT_COLUMNS)
        .execute();
      return rows.map(placed);
    },
    async seatedTicketTypes(performanceId) {
      const rows = await db
        .selectFrom('ticketTypes')
        .where('performanceId', '=', performanceId)
        .where('zone', 'is not', null)
        .select(['id', 'name', 'zone', 'priceMinor', 'currency'])
        .orderBy('sort')
        .orderBy('name')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, zone: r.zone!, price: money(r.priceMinor, r.currency) }));
    },
    async claim(c) {
      if (c.seats.length === 0) return [];
      // One order for every buyer, so that two claims of overlapping seats cannot deadlock.
      const seats = [...c.seats].sort((a, b) => (a.seatId < b.seatId ? -1 : a.seatId > b.seatId ? 1 : 0));
      const ids = seats.map((s) => s.seatId);
      await db
        .updateTable('seatClaims as c')
        .set({ releasedAt: c.now })
        .where('c.performanceId', '=', c.performanceId)
        .where('c.seatId', 'in', ids)
        .where((eb) => dead(eb, c.now))
        .execute();
      const claimed = await db
        .insertInto('seatClaims')
        .values(seats.map((s) => ({
          id: randomUUID(), performanceId: c.performanceId, seatId: s.seatId, holdId: c.holdId, ticketTypeId: s.ticketTypeId,
          expiresAt: c.expiresAt, ticketId: null, createdAt: c.now, releasedAt: null,
        })))
        .onConflict((oc) => oc.columns(['performanceId', 'seatId']).where('releasedAt', 'is', null).doNothing())
        .returning('seatId')
        .execute();
      const got = new Set(claimed.map((r) => r.seatId));
      return ids.filter((id) => !got.has(id));
    },
    async keepHoldSeats(holdId) {
      const rows = await db.selectFrom('seatClaims').where('holdId', '=', holdId).select(['id', 'ticketTypeId', 'releasedAt']).orderBy('seatId').forUpdate().execute();
      return rows.every((r) => r.releasedAt === null) ? rows.map((r) => ({ id: r.id, ticketTypeId: r.ticketTypeId })) : null;
    },
    async sellHoldSeats(claims, tickets) {
      const free = [...tickets];
      for (const claim of claims) {
        const i = free.findIndex((t) => t.ticketTypeId === claim.ticketTypeId);
        if (i < 0) throw new Error('a seat claim without a ticket of its type');
        const [ticket] = free.splice(i, 1);
        await db.updateTable('seatClaims').set({ ticketId: ticket!.id, expiresAt: null }).where('id', '=', claim.id).execute();
      }
    },
    async ofHold(holdId) {
      const rows = await db
        .selectFrom('seatClaims as c')
        .innerJoin('seats as s', 's.id', 'c.seatId')
        .where('c.holdId', '=', holdId)
        .where('c.releasedAt', 'is', null)
        .select(SEAT_COLUMNS)
        .orderBy('s.y')
        .orderBy('s.x')
        .execute();
      return rows.map(placed);
    },
    async ofTickets(ticketIds) {
      const result = new Map<string, PlacedSeat>();
      if (ticketIds.length === 0) return result;
      const rows = await db
        .selectFrom('seatClaims as c')
        .innerJoin('seats as s', 's.id', 'c.seatId')
        .where('c.ticketId', 'in', ticketIds)
        .select([...SEAT_COLUMNS, 'c.ticketId'])
        .execute();
      for (const r of rows) result.set(r.ticketId!, placed(r));
      return result;
    },
  };
}
