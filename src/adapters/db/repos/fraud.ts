import { sql } from 'kysely';
import type { FraudRepo, StaffLogIn } from '../../../app/ports.ts';
import type { FlagReason } from '../../../domain/fraud.ts';
import type { Db } from '../connect.ts';

const count = sql<number>`count(*)::int`;

export function fraudRepo(db: Db): FraudRepo {
  return {
    async recentActivity({ ip, email, asn, since }) {
      const ordersFromEmail = db.selectFrom('orders').select(count.as('n'))
        .where(sql<boolean>`lower(buyer_email) = ${email.trim().toLowerCase()}`).where('createdAt', '>=', since);
      // One after another: inside a transaction they share one connection anyway.
      const byEmail = await ordersFromEmail.executeTakeFirstOrThrow();
      const byIp = ip === null ? { n: 0 } : await db.selectFrom('orders').select(count.as('n')).where('clientIp', '=', ip).where('createdAt', '>=', since).executeTakeFirstOrThrow();
      const byAsn = asn === null ? { n: 0 } : await db.selectFrom('orders').select(count.as('n')).where('clientAsn', '=', asn).where('createdAt', '>=', since).executeTakeFirstOrThrow();
      const failed = ip === null ? { n: 0 } : await db.selectFrom('payments as p').innerJoin('orders as o', 'o.id', 'p.orderId').select(count.as('n'))
        .where('o.clientIp', '=', ip).where('p.status', '=', 'failed').where('p.updatedAt', '>=', since).executeTakeFirstOrThrow();
      return { ordersFromEmail: byEmail.n, ordersFromIp: byIp.n, ordersFromAsn: byAsn.n, failedPaymentsFromIp: failed.n };
    },
    async recordOrderClient(orderId, c) {
      await db.updateTable('orders').set({
        clientIp: c.ip, clientAsn: c.network?.asn ?? null, clientOrg: c.network?.organisation ?? null,
        flagReasons: c.flags.length > 0 ? c.flags.join(',') : null,
      }).where('id', '=', orderId).execute();
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
