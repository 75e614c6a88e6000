import { type Selectable, sql } from 'kysely';
import type { VoucherListRow, VoucherRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { VoucherRule } from '../../../domain/voucher.ts';
import type { Db } from '../connect.ts';
import type { VouchersTable } from '../schema.ts';

function rule(r: Selectable<VouchersTable>, ticketTypeIds: string[] | null): VoucherRule {
  return {
    id: r.id, producerId: r.producerId, eventId: r.eventId, code: r.code, kind: r.kind as VoucherRule['kind'],
    percentBp: r.percentBp, amount: r.amountMinor === null ? null : money(r.amountMinor, r.currency!),
    ticketTypeIds, maxUses: r.maxUses, validUntil: r.validUntil, disabledAt: r.disabledAt,
  };
}

/**
 * Discount codes, always named with their producer. A use is counted, never stored as a number:
 * the redemptions whose order is paid or refunded, or pending with a hold that is still live, so an
 * expired hold or a cancelled order gives its use back by itself (ADR 0014, like ADR 0001's holds).
 */
export function voucherRepo(db: Db): VoucherRepo {
  async function ticketTypesOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('voucherTicketTypes').where('voucherId', 'in', ids).select(['voucherId', 'ticketTypeId']).orderBy('ticketTypeId').execute();
    for (const r of rows) out.set(r.voucherId, [...(out.get(r.voucherId) ?? []), r.ticketTypeId]);
    return out;
  }
  async function one(r: Selectable<VouchersTable> | undefined): Promise<VoucherRule | null> {
    if (!r) return null;
    return rule(r, (await ticketTypesOf([r.id])).get(r.id) ?? null);
  }
  const liveUseCount = (now: Date) => sql<number>`count(*) filter (where o.status in ('paid', 'partially_refunded', 'refunded') or (o.status = 'pending' and h.status = 'active' and h.expires_at > ${now}))::int`;
  return {
    async create(v) {
      // The code's uniqueness per producer is the database's to decide, so two creations at once cannot both win.
      const inserted = await db
        .insertInto('vouchers')
        .values({
          id: v.id, producerId: v.producerId, eventId: v.eventId, code: v.code, kind: v.kind, percentBp: v.percentBp,
          amountMinor: v.amount?.amount ?? null, currency: v.amount?.currency ?? null, maxUses: v.maxUses, validUntil: v.validUntil,
          disabledAt: v.disabledAt, createdAt: v.createdAt,
        })
        .onConflict((oc) => oc.columns(['producerId', 'code']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      if (v.ticketTypeIds && v.ticketTypeIds.length > 0) {
        await db.insertInto('voucherTicketTypes').values(v.ticketTypeIds.map((ticketTypeId) => ({ voucherId: v.id, ticketTypeId }))).execute();
      }
      return true;
    },
    async byCode(producerId, code, opts) {
      let q = db.selectFrom('vouchers').where('producerId', '=', producerId).where('code', '=', code).selectAll();
      if (opts?.forUpdate) q = q.forUpdate();
      return one(await q.executeTakeFirst());
    },
    async byId(producerId, id, opts) {
      let q = db.selectFrom('vouchers').where('producerId', '=', producerId).where('id', '=', id).selectAll();
      if (opts?.forUpdate) q = q.forUpdate();
      return one(await q.executeTakeFirst());
    },
    async liveUses(voucherId, now, exceptOrderId) {
      let q = db
        .selectFrom('voucherRedemptions as r')
        .innerJoin('orders as o', 'o.id', 'r.orderId')
        .innerJoin('holds as h', 'h.id', 'o.holdId')
        .where('r.voucherId', '=', voucherId)
        .select(liveUseCount(now).as('n'));
      if (exceptOrderId) q = q.where('r.orderId', '<>', exceptOrderId);
      return (await q.executeTakeFirstOrThrow()).n ?? 0;
    },
    async listForProducer(producerId, now) {
      const rows = await db
        .selectFrom('vouchers as v')
        .innerJoin('events as e', 'e.id', 'v.eventId')
        .where('v.producerId', '=', producerId)
        .selectAll('v')
        .select('e.title as eventTitle')
        .select((eb) =>
          eb.selectFrom('voucherRedemptions as r')
            .innerJoin('orders as o', 'o.id', 'r.orderId')
            .innerJoin('holds as h', 'h.id', 'o.holdId')
            .whereRef('r.voucherId', '=', 'v.id')
            .select(liveUseCount(now).as('n'))
            .as('uses'))
        .orderBy('v.createdAt', 'desc')
        .orderBy('v.code')
        .execute();
      const types = await ticketTypesOf(rows.map((r) => r.id));
      return rows.map((r): VoucherListRow => ({ ...rule(r, types.get(r.id) ?? null), eventTitle: r.eventTitle, uses: r.uses ?? 0, createdAt: r.createdAt }));
    },
    async disable(producerId, id, now) {
      const r = await db.updateTable('vouchers').set({ disabledAt: now }).where('producerId', '=', producerId).where('id', '=', id).where('disabledAt', 'is', null).returning('id').executeTakeFirst();
      if (r) return true;
      return (await db.selectFrom('vouchers').where('producerId', '=', producerId).where('id', '=', id).select('id').executeTakeFirst()) !== undefined;
    },
    async redeem(r) {
      await db.insertInto('voucherRedemptions').values(r).execute();
    },
    async forOrder(orderId) {
      const r = await db
        .selectFrom('voucherRedemptions as r')
        .innerJoin('vouchers as v', 'v.id', 'r.voucherId')
        .where('r.orderId', '=', orderId)
        .select(['r.voucherId', 'v.code'])
        .executeTakeFirst();
      return r ?? null;
    },
    async eventTicketTypes(producerId, eventId) {
      return db
        .selectFrom('ticketTypes as t')
        .innerJoin('performances as pf', 'pf.id', 't.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .where('e.producerId', '=', producerId)
        .where('e.id', '=', eventId)
        .select(['t.id', 't.name', 't.currency'])
        .orderBy('t.sort')
        .orderBy('t.name')
        .orderBy('t.id')
        .execute();
    },
  };
}
