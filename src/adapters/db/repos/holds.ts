import type { Hold, HoldRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';

export function holdRepo(db: Db): HoldRepo {
  return {
    async get(id) {
      // One read: the hold with its items (a left join, so a hold without items is still found).
      const rows = await db
        .selectFrom('holds as h')
        .leftJoin('holdItems as hi', 'hi.holdId', 'h.id')
        .leftJoin('ticketTypes as t', 't.id', 'hi.ticketTypeId')
        .where('h.id', '=', id)
        .select([
          'h.id', 'h.performanceId', 'h.status', 'h.createdAt', 'h.expiresAt',
          'hi.ticketTypeId', 't.name', 'hi.quantity', 'hi.unitPriceMinor', 'hi.currency', 'hi.taxRateBp', 'hi.taxInclusive',
        ])
        .orderBy('t.sort')
        .orderBy('t.name')
        .execute();
      const h = rows[0];
      if (!h) return null;
      const hold: Hold = {
        id: h.id, performanceId: h.performanceId, status: h.status as Hold['status'], createdAt: h.createdAt, expiresAt: h.expiresAt,
        lines: rows.flatMap((i) => (i.ticketTypeId === null ? [] : [{
          ticketTypeId: i.ticketTypeId, ticketTypeName: i.name!, quantity: i.quantity!, unitPrice: money(i.unitPriceMinor!, i.currency!), taxRateBp: i.taxRateBp!, taxInclusive: i.taxInclusive!,
        }])),
      };
      return hold;
    },
    async markConverted(id) {
      await db.updateTable('holds').set({ status: 'converted' }).where('id', '=', id).where('status', 'in', ['released', 'expired']).execute();
    },
  };
}
