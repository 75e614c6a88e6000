import { type Selectable, sql } from 'kysely';
import type { PaymentRecord, PaymentRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { PaymentStatus } from '../../../domain/payment.ts';
import type { Db } from '../connect.ts';
import type { PaymentsTable } from '../schema.ts';

function toRecord(r: Selectable<PaymentsTable>): PaymentRecord {
  return {
    id: r.id, orderId: r.orderId, provider: r.provider, providerRef: r.providerRef, status: r.status as PaymentStatus,
    amount: money(r.amountMinor, r.currency), refunded: money(r.refundedMinor, r.currency), createdAt: r.createdAt, updatedAt: r.updatedAt,
    terminalRef: r.terminalRef ?? null,
  };
}

export function paymentRepo(db: Db): PaymentRepo {
  return {
    async create(p) {
      await db
        .insertInto('payments')
        .values({
          id: p.id, orderId: p.orderId, provider: p.provider, providerRef: null, status: 'created',
          amountMinor: p.amount.amount, currency: p.amount.currency, createdAt: p.createdAt, updatedAt: p.createdAt, terminalRef: p.terminalRef ?? null,
        })
        .execute();
    },
    async attachProviderRef(id, providerRef, now) {
      await db.updateTable('payments').set({ providerRef, status: 'pending', updatedAt: now }).where('id', '=', id).execute();
    },
    async byProviderRef(provider, providerRef) {
      const r = await db
        .selectFrom('payments')
        .where('provider', '=', provider)
        .where('providerRef', '=', providerRef)
        .selectAll()
        .executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async byId(id, opts) {
      let q = db.selectFrom('payments').where('id', '=', id).selectAll();
      if (opts?.forUpdate) q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async forOrder(orderId) {
      return (await db.selectFrom('payments').where('orderId', '=', orderId).selectAll().orderBy('createdAt').execute()).map(toRecord);
    },
    async setStatus(id, status, now, refunded) {
      await db
        .updateTable('payments')
        .set(refunded ? { status, updatedAt: now, refundedMinor: refunded.amount } : { status, updatedAt: now })
        .where('id', '=', id)
        .execute();
    },
    async unsettled(before, limit) {
      const rows = await db
        .selectFrom('payments')
        .where('status', 'in', ['created', 'pending'])
        .where('updatedAt', '<', before)
        .selectAll()
        .orderBy('updatedAt')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async paidWithoutTickets(limit) {
      const rows = await db
        .selectFrom('payments as p')
        .innerJoin('orders as o', 'o.id', 'p.orderId')
        .where('p.status', '=', 'paid')
        .where('o.status', 'in', ['expired', 'cancelled'])
        .selectAll('p')
        .orderBy('p.updatedAt')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async recordRefund(r) {
      await db
        .insertInto('refunds')
        .values({ id: r.id, paymentId: r.paymentId, idempotencyKey: r.idempotencyKey, providerRefundRef: r.providerRefundRef, amountMinor: r.amount.amount, createdAt: r.createdAt })
        .onConflict((oc) => oc.columns(['paymentId', 'idempotencyKey']).doNothing())
        .execute();
      const total = await db
        .selectFrom('refunds')
        .where('paymentId', '=', r.paymentId)
        .select(sql<number>`coalesce(sum(amount_minor), 0)::int`.as('n'))
        .executeTakeFirstOrThrow();
      return money(total.n, r.amount.currency);
    },
    async recordIssue(i) {
      await db
        .insertInto('paymentIssues')
        .values({ ...i, resolvedAt: null })
        .onConflict((oc) => oc.columns(['paymentId', 'kind']).doUpdateSet({ detail: i.detail, resolvedAt: null }))
        .execute();
    },
    async openIssues(producerId) {
      return db
        .selectFrom('paymentIssues as i')
        .innerJoin('payments as p', 'p.id', 'i.paymentId')
        .innerJoin('orders as o', 'o.id', 'p.orderId')
        .where('i.producerId', '=', producerId)
        .where('i.resolvedAt', 'is', null)
        .select(['i.id', 'i.paymentId', 'o.code as orderCode', 'i.kind', 'i.detail', 'i.createdAt'])
        .orderBy('i.createdAt', 'desc')
        .limit(100)
        .execute();
    },
    async recordEvent(provider, eventId, now) {
      const r = await db
        .insertInto('paymentEvents')
        .values({ provider, eventId, receivedAt: now })
        .onConflict((oc) => oc.columns(['provider', 'eventId']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
