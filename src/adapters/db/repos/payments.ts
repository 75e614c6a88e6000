import type { PaymentRecord, PaymentRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';

export function paymentRepo(db: Db): PaymentRepo {
  return {
    async create(p) {
      await db
        .insertInto('payments')
        .values({
          id: p.id, orderId: p.orderId, provider: p.provider, providerRef: null, status: 'created',
          amountMinor: p.amount.amount, currency: p.amount.currency, createdAt: p.createdAt, updatedAt: p.createdAt,
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
      if (!r) return null;
      const rec: PaymentRecord = {
        id: r.id, orderId: r.orderId, provider: r.provider, providerRef: r.providerRef,
        status: r.status as PaymentRecord['status'], amount: money(r.amountMinor, r.currency),
      };
      return rec;
    },
    async setStatus(id, status, now) {
      await db.updateTable('payments').set({ status, updatedAt: now }).where('id', '=', id).execute();
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
