import type { CheckInRepo, TicketRecord, TicketRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';
import { countTickets } from './inventory.ts';

export function ticketRepo(db: Db): TicketRepo {
  return {
    async createMany(tickets, opts) {
      if (tickets.length === 0) return;
      await db.insertInto('tickets').values(tickets.map((t) => ({ ...t, status: 'valid' }))).execute();
      if (!opts?.countLater) await countTickets(db, tickets.map((t) => t.ticketTypeId), 1);
    },
    async voidTickets(orderId, ticketIds) {
      let q = db.updateTable('tickets').set({ status: 'void' }).where('orderId', '=', orderId).where('status', '=', 'valid');
      if (ticketIds) {
        if (ticketIds.length === 0) return [];
        q = q.where('id', 'in', ticketIds);
      }
      const voided = await q.returning(['id', 'ticketTypeId']).execute();
      await countTickets(db, voided.map((r) => r.ticketTypeId), -1);
      return voided.map((r) => r.id);
    },
    async byOrder(orderId) {
      const rows = await db
        .selectFrom('tickets as t')
        .innerJoin('ticketTypes as tt', 'tt.id', 't.ticketTypeId')
        .where('t.orderId', '=', orderId)
        .select(['t.id', 't.orderId', 't.performanceId', 't.ticketTypeId', 'tt.name as ticketTypeName', 't.attendeeName', 't.status'])
        .orderBy('tt.sort')
        .orderBy('t.createdAt')
        .orderBy('t.id')
        .execute();
      return rows.map((r) => ({ ...r, status: r.status as TicketRecord['status'] }));
    },
    async forDoor(ticketId) {
      const r = await db
        .selectFrom('tickets as t')
        .innerJoin('ticketTypes as tt', 'tt.id', 't.ticketTypeId')
        .innerJoin('performances as pf', 'pf.id', 't.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .leftJoin('checkIns as c', 'c.ticketId', 't.id')
        .where('t.id', '=', ticketId)
        .select(['t.id', 't.status', 'e.producerId', 't.performanceId', 'e.id as eventId', 't.attendeeName', 'tt.name as ticketTypeName', 'c.checkedInAt'])
        .executeTakeFirst();
      return r ? { ...r, status: r.status as TicketRecord['status'], checkedInAt: r.checkedInAt ?? null } : null;
    },
    async renameAttendee(orderId, ticketId, attendeeName) {
      const r = await db.updateTable('tickets').set({ attendeeName }).where('id', '=', ticketId).where('orderId', '=', orderId).where('status', '=', 'valid').executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

export function checkInRepo(db: Db): CheckInRepo {
  return {
    async checkIn(c) {
      // The unique ticket_id makes the first scan win, even when two doors scan at once.
      const inserted = await db
        .insertInto('checkIns')
        .values({ id: c.id, ticketId: c.ticketId, performanceId: c.performanceId, userId: c.userId, checkedInAt: c.at })
        .onConflict((oc) => oc.column('ticketId').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { first: true };
      const prior = await db.selectFrom('checkIns').where('ticketId', '=', c.ticketId).select('checkedInAt').executeTakeFirstOrThrow();
      return { first: false, checkedInAt: prior.checkedInAt };
    },
  };
}
