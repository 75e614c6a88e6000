import { sql } from 'kysely';
import type { AttendeeRepo, AttendeeRow, ProducerEvent } from '../../../app/ports.ts';
import type { OrderStatus } from '../../../domain/order.ts';
import type { Db } from '../connect.ts';
import { latestPaymentProvider } from './orders.ts';

/** The attendee export's reads. Every query names the producer, so no other producer's row can come back. */
export function attendeeRepo(db: Db): AttendeeRepo {
  const events = (producerId: string) =>
    db
      .selectFrom('events as e')
      .where('e.producerId', '=', producerId)
      .select([
        'e.id', 'e.slug', 'e.title',
        (eb) => eb.selectFrom('performances as pf').whereRef('pf.eventId', '=', 'e.id').select(sql<number>`count(*)::int`.as('n')).as('performanceCount'),
        (eb) => eb.selectFrom('performances as pf').whereRef('pf.eventId', '=', 'e.id').select((x) => x.fn.min('pf.startsAt').as('m')).as('firstStartsAt'),
        (eb) => eb.selectFrom('performances as pf').innerJoin('venues as v', 'v.id', 'pf.venueId').whereRef('pf.eventId', '=', 'e.id')
          .select('v.timeZone').orderBy('pf.startsAt').limit(1).as('timeZone'),
      ]);
  const toEvent = (r: { id: string; slug: string; title: string; performanceCount: number | null; firstStartsAt: Date | null; timeZone: string | null }): ProducerEvent => ({
    id: r.id, slug: r.slug, title: r.title, performanceCount: r.performanceCount ?? 0, firstStartsAt: r.firstStartsAt ?? null, timeZone: r.timeZone ?? null,
  });

  return {
    async eventsOf(producerId) {
      const rows = await events(producerId).orderBy('firstStartsAt', (ob) => ob.desc().nullsLast()).orderBy('e.title').limit(500).execute();
      return rows.map(toEvent);
    },
    async eventOf(producerId, eventId) {
      const r = await events(producerId).where('e.id', '=', eventId).executeTakeFirst();
      return r ? toEvent(r) : null;
    },
    async rows(producerId, eventId) {
      let q = db
        .selectFrom('tickets as t')
        .innerJoin('orders as o', 'o.id', 't.orderId')
        .innerJoin('performances as pf', 'pf.id', 't.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .innerJoin('ticketTypes as tt', 'tt.id', 't.ticketTypeId')
        .leftJoin('checkIns as c', 'c.ticketId', 't.id')
        // Both the order and the event must be the producer's.
        .where('o.producerId', '=', producerId)
        .where('e.producerId', '=', producerId);
      if (eventId) q = q.where('e.id', '=', eventId);
      const rows = await q
        .select([
          'o.code as orderCode', 'o.status as orderStatus', 'o.buyerName', 'o.buyerEmail', 'o.marketingConsent',
          'e.title as eventTitle', 'pf.startsAt as performanceStartsAt', 'v.timeZone', 'tt.name as ticketTypeName',
          't.status as ticketStatus', 't.attendeeName', 'c.checkedInAt', latestPaymentProvider,
          (eb) => eb.selectFrom('orderAnswers as oa').innerJoin('checkoutQuestions as cq', 'cq.id', 'oa.questionId').whereRef('oa.orderId', '=', 'o.id')
            .select(sql<string>`string_agg(cq.label || ': ' || (case when cq.kind = 'yes_no' then initcap(oa.answer) else oa.answer end), '; ' order by cq.sort, cq.created_at)`.as('a'))
            .as('answers'),
        ])
        .orderBy('e.title').orderBy('pf.startsAt').orderBy('o.code').orderBy('tt.sort').orderBy('t.createdAt').orderBy('t.id')
        .execute();
      return rows.map((r): AttendeeRow => ({
        ...r, orderStatus: r.orderStatus as OrderStatus, ticketStatus: r.ticketStatus as AttendeeRow['ticketStatus'], checkedInAt: r.checkedInAt ?? null, paymentProvider: r.paymentProvider ?? null,
        answers: r.answers ?? '',
      }));
    },
    async recentExports(producerId, limit) {
      const rows = await db
        .selectFrom('auditEntries as a')
        .leftJoin('users as u', (j) => j.on(sql`u.id::text`, '=', sql.ref('a.actorId')).onRef('u.producerId', '=', 'a.producerId'))
        .where('a.producerId', '=', producerId)
        .where('a.action', '=', 'attendees.export')
        .select(['a.seq', 'a.at', 'a.actorId as userId', 'u.name as userName', 'a.detail'])
        .orderBy('a.seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), at: r.at, userId: r.userId, userName: r.userName ?? null, detail: r.detail }));
    },
  };
}
