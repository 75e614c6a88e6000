import { sql } from 'kysely';
import type { RetentionRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';
import { endActiveHolds } from './inventory.ts';
import { networkColumns } from './network.ts';

export function retentionRepo(db: Db): RetentionRepo {
  const raw = db.withoutPlugins();
  return {
    async clearNetworkData(before) {
      const found = await networkColumns(db);
      const byTable = new Map<string, { agedBy: string; columns: string[] }>();
      for (const c of found) byTable.set(c.table, { agedBy: c.agedBy, columns: [...(byTable.get(c.table)?.columns ?? []), c.column] });
      let rows = 0;
      for (const [table, { agedBy, columns }] of byTable) {
        const r = await sql`update ${sql.table(table)} set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = null`))}
          where ${sql.ref(agedBy)} < ${before} and (${sql.join(columns.map((c) => sql`${sql.ref(c)} is not null`), sql` or `)})`.execute(raw);
        rows += Number(r.numAffectedRows ?? 0);
      }
      return { columns: found.map((c) => `${c.table}.${c.column}`), rows };
    },
    async ordersOfEventsEndedBefore(before) {
      return db
        .selectFrom('orders as o')
        .innerJoin('performances as pf', 'pf.id', 'o.performanceId')
        .where('o.buyerEmail', 'not like', 'erased+%@invalid')
        .where((eb) => eb(eb.selectFrom('performances as last').whereRef('last.eventId', '=', 'pf.eventId').select(sql<Date>`max(last.starts_at)`.as('m')), '<', before))
        .select(['o.id as orderId', 'o.buyerEmail as email'])
        .orderBy('o.id')
        .execute();
    },
    async abandonedOrders(before) {
      const rows = await db
        .selectFrom('orders as o')
        .innerJoin('holds as h', 'h.id', 'o.holdId')
        .where('h.status', '!=', 'converted')
        .where('h.expiresAt', '<', before)
        .where('o.status', 'in', ['pending', 'expired', 'cancelled'])
        .where('o.buyerEmail', 'not like', 'erased+%@invalid')
        .select([
          'o.id as orderId', 'o.buyerEmail as email',
          (eb) => eb.exists(eb.selectFrom('payments as p').whereRef('p.orderId', '=', 'o.id')
            .where((w) => w.or([w('p.status', 'in', ['paid', 'refunded', 'partially_refunded']), w('p.refundedMinor', '>', 0)])).select('p.id')).as('moneyMoved'),
        ])
        .orderBy('o.id')
        .execute();
      return rows.map((r) => ({ orderId: r.orderId, email: r.email, moneyMoved: Boolean(r.moneyMoved) }));
    },
    async deleteUnpaidOrders(orderIds) {
      if (orderIds.length === 0) return 0;
      const holdIds = (await db.selectFrom('orders').where('id', 'in', orderIds).select('holdId').execute()).map((r) => r.holdId);
      const paymentIds = db.selectFrom('payments').where('orderId', 'in', orderIds).select('id');
      await db.deleteFrom('paymentIssues').where('paymentId', 'in', paymentIds).execute();
      await db.deleteFrom('payments').where('orderId', 'in', orderIds).execute();
      await db.deleteFrom('mails').where('orderId', 'in', orderIds).execute();
      await db.deleteFrom('supportRequests').where('orderId', 'in', orderIds).execute();
      await db.deleteFrom('orderLines').where('orderId', 'in', orderIds).execute();
      // The caller has left out orders under a hold in force; holds that have ended go with their order.
      await db.deleteFrom('legalHolds').where('orderId', 'in', orderIds).execute();
      const r = await db.deleteFrom('orders').where('id', 'in', orderIds).executeTakeFirst();
      // A hold the expiry sweeper has not ended yet gives its places back before it goes (ADR 0010).
      await endActiveHolds(db, holdIds);
      await db.deleteFrom('holdItems').where('holdId', 'in', holdIds).execute();
      await db.deleteFrom('holds').where('id', 'in', holdIds).execute();
      return Number(r.numDeletedRows);
    },
    async deleteAbandonedHolds(before) {
      const ids = db
        .selectFrom('holds as h')
        .where('h.status', '!=', 'converted')
        .where('h.expiresAt', '<', before)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('orders as o').whereRef('o.holdId', '=', 'h.id').select('o.id'))))
        .select('h.id');
      await endActiveHolds(db, (await ids.execute()).map((h) => h.id));
      await db.deleteFrom('holdItems').where('holdId', 'in', ids).execute();
      const r = await db.deleteFrom('holds').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteOldMail(before) {
      const outbox = await db.deleteFrom('mails').where('status', 'in', ['sent', 'failed']).where((w) => w.or([w('sentAt', '<', before), w.and([w('sentAt', 'is', null), w('createdAt', '<', before)])])).executeTakeFirst();
      const subject = await db.deleteFrom('subjectMails').where('status', 'in', ['sent', 'failed']).where('createdAt', '<', before).executeTakeFirst();
      const dev = await db.deleteFrom('devOutbox').where('createdAt', '<', before).executeTakeFirst();
      // A password-reset token's hash, once it expired long ago, is of no use to anyone.
      const resets = await db.deleteFrom('passwordResets').where('expiresAt', '<', before).executeTakeFirst();
      return {
        outbox: Number(outbox.numDeletedRows), subjectMails: Number(subject.numDeletedRows), devOutbox: Number(dev.numDeletedRows),
        resetTokens: Number(resets.numDeletedRows),
      };
    },
  };
}
