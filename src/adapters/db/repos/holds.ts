import type { Hold, HoldRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';

export function holdRepo(db: Db): HoldRepo {
  return {
    async get(id) {
      const h = await db.selectFrom('holds').where('id', '=', id).selectAll().executeTakeFirst();
      if (!h) return null;
      const items = await db
        .selectFrom('holdItems as hi')
        .innerJoin('ticketTypes as t', 't.id', 'hi.ticketTypeId')
        .where('hi.holdId', '=', id)
        .select(['hi.ticketTypeId', 't.name', 'hi.quantity', 'hi.unitPriceMinor', 'hi.currency', 'hi.taxRateBp', 'hi.taxInclusive'])
        .orderBy('t.sort')
        .orderBy('t.name')
        .execute();
      const hold: Hold = {
        id: h.id, performanceId: h.performanceId, status: h.status as Hold['status'], createdAt: h.createdAt, expiresAt: h.expiresAt,
        lines: items.map((i) => ({ ticketTypeId: i.ticketTypeId, ticketTypeName: i.name, quantity: i.quantity, unitPrice: money(i.unitPriceMinor, i.currency), taxRateBp: i.taxRateBp, taxInclusive: i.taxInclusive })),
      };
      return hold;
    },
    async markConverted(id) {
      await db.updateTable('holds').set({ status: 'converted' }).where('id', '=', id).where('status', 'in', ['released', 'expired']).execute();
    },
  };
}
