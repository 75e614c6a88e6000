import { sql } from 'kysely';
import type { FraudRepo, StaffLogIn } from '../../../app/ports.ts';
import type { FlagReason } from '../../../domain/fraud.ts';
import type { Db } from '../connect.ts';
import { clientColumns } from './orders.ts';

const count = sql<number>`count(*)::int`;

export function fraudRepo(db: Db): FraudRepo {
  return {
    async recentActivity({ ip, email, asn, since }) {
      // One read, four counts (each on its own index); a null address or network counts 0.
      const r = await db.selectNoFrom((eb) => [
        eb.selectFrom('orders').select(count.as('n')).where(sql<boolean>`lower(buyer_email) = ${email.trim().toLowerCase()}`).where('createdAt', '>=', since).as('ordersFromEmail'),
        eb.selectFrom('orders').select(count.as('n')).where('clientIp', '=', ip).where('createdAt', '>=', since).as('ordersFromIp'),
        eb.selectFrom('orders').select(count.as('n')).where('clientAsn', '=', asn).where('createdAt', '>=', since).as('ordersFromAsn'),
        eb.selectFrom('payments as p').innerJoin('orders as o', 'o.id', 'p.orderId').select(count.as('n'))
          .where('o.clientIp', '=', ip).where('p.status', '=', 'failed').where('p.updatedAt', '>=', since).as('failedPaymentsFromIp'),
      ]).executeTakeFirstOrThrow();
      return { ordersFromEmail: r.ordersFromEmail ?? 0, ordersFromIp: r.ordersFromIp ?? 0, ordersFromAsn: r.ordersFromAsn ?? 0, failedPaymentsFromIp: r.failedPaymentsFromIp ?? 0 };
    },
    async recordOrderClient(orderId, c) {
      await db.updateTable('orders').set(clientColumns(c)).where('id', '=', orderId).execute();
    },
    async orderClient(orderId) {
      const r = await db.selectFrom('orders').select(['clientIp', 'clientAsn', 'clientOrg', 'flagReasons']).where('id', '=', orderId).executeTakeFirst();
      if (!r || r.clientIp === null) return null;
      return { ip: r.clientIp, asn: r.clientAsn, organisation: r.clientOrg, flags: r.flagReasons ? (r.flagReasons.split(',') as FlagReason[]) : [] };
    },
    async recordStaffLogIn(l) {
      await db.insertInto('staffLogins').values(l).execute();
    },
    async staffLogIns(producerId, limit) {
      const rows = await db.selectFrom('staffLogins').selectAll().where('producerId', '=', producerId).orderBy('at', 'desc').limit(limit).execute();
      return rows.map((r): StaffLogIn => ({ id: r.id, userId: r.userId, producerId: r.producerId, at: r.at, ip: r.ip, asn: r.asn, organisation: r.organisation }));
    },
  };
}
