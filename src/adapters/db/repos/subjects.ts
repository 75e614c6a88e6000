import { sql } from 'kysely';
import type { DataSubjectRepo, LegalHold, NetworkData, SubjectOrder } from '../../../app/ports.ts';
import { ERASED_ATTENDEE_NAME, ERASED_BUYER_NAME } from '../../../domain/subject.ts';
import type { Db } from '../connect.ts';
import { networkColumns } from './network.ts';
import { orderRecord, orderRepo } from './orders.ts';
import { paymentRepo } from './payments.ts';
import { ticketRepo } from './tickets.ts';
import { questionRepo } from './questions.ts';

export function dataSubjectRepo(db: Db): DataSubjectRepo {
  const raw = db.withoutPlugins();
  async function networkOf(orderIds: readonly string[]): Promise<Map<string, NetworkData>> {
    const out = new Map<string, NetworkData>();
    const columns = (await networkColumns(db, 'orders')).map((c) => c.column);
    if (columns.length === 0 || orderIds.length === 0) return out;
    const rows = await sql<Record<string, string | number | null>>`select id::text as id, ${sql.join(columns.map((c) => sql`${sql.ref(c)}::text as ${sql.ref(c)}`))} from orders where id in (${sql.join(orderIds)})`.execute(raw);
    for (const r of rows.rows) {
      const { id, ...rest } = r;
      out.set(String(id), rest);
    }
    return out;
  }
  return {
    async ordersOf(email, opts) {
      let q = db.selectFrom('orders').where(sql<string>`lower(buyer_email)`, '=', email.trim().toLowerCase()).selectAll().orderBy('createdAt').orderBy('id');
      if (opts?.forUpdate) q = q.forUpdate();
      return (await q.execute()).map(orderRecord);
    },
    async details(orders) {
      const network = await networkOf(orders.map((o) => o.id));
      const out: SubjectOrder[] = [];
      for (const order of orders) {
        const ctx = await db
          .selectFrom('performances as pf')
          .innerJoin('events as e', 'e.id', 'pf.eventId')
          .innerJoin('venues as v', 'v.id', 'pf.venueId')
          .innerJoin('producers as p', 'p.id', 'e.producerId')
          .where('pf.id', '=', order.performanceId)
          .select(['p.name as producerName', 'e.title as eventTitle', 'pf.startsAt', 'v.timeZone', 'v.name as venueName'])
          .executeTakeFirstOrThrow();
        out.push({
          order, producerName: ctx.producerName, eventTitle: ctx.eventTitle, performanceStartsAt: ctx.startsAt, timeZone: ctx.timeZone, venueName: ctx.venueName,
          lines: await orderRepo(db).lines(order.id), tickets: await ticketRepo(db).byOrder(order.id), payments: await paymentRepo(db).forOrder(order.id),
          network: network.get(order.id) ?? {}, answers: await questionRepo(db).answersOf(order.id),
        });
      }
      return out;
    },
    async correct(orderIds, from, to) {
      if (orderIds.length === 0) return;
      await db.updateTable('tickets').set({ attendeeName: to.name }).where('orderId', 'in', orderIds).where('attendeeName', '=', from.name).execute();
      await db.updateTable('orders').set({ buyerName: to.name, buyerEmail: to.email }).where('id', 'in', orderIds).execute();
    },
    async anonymise(orderIds, emails) {
      const none = { orders: 0, tickets: 0, outboxMails: 0, subjectMails: 0 };
      if (orderIds.length === 0 && emails.length === 0) return none;
      const counts = { ...none };
      if (orderIds.length > 0) {
        const codes = (await db.selectFrom('orders').where('id', 'in', orderIds).select('code').execute()).map((r) => r.code);
        // Mail about these orders that went out or was kept in the dev outbox: by address, or by the order code it names.
        const lowered = emails.map((e) => e.trim().toLowerCase());
        // A producer's mailing still queued to this buyer is not sent, and forgets the address.
        if (lowered.length > 0) {
          await db
            .updateTable('mailingRecipients')
            .set({ status: 'skipped', email: null, lastError: null })
            .where(sql<string>`lower(email)`, 'in', lowered)
            .where('status', 'in', ['queued', 'sending'])
            .execute();
          await db.updateTable('mailingRecipients').set({ email: null, lastError: null }).where(sql<string>`lower(email)`, 'in', lowered).execute();
        }
        const outbox = await db
          .deleteFrom('devOutbox')
          .where((w) => w.or([
            ...(lowered.length > 0 ? [w(sql<string>`lower(to_address)`, 'in', lowered)] : []),
            ...codes.map((c) => w('textBody', 'like', `%${c}%`)),
          ]))
          .executeTakeFirst();
        counts.outboxMails = Number(outbox.numDeletedRows);
        // Queued mail for an erased order would go to an address that no longer exists.
        await db.updateTable('mails').set({ status: 'failed', lastError: 'buyer data erased' }).where('orderId', 'in', orderIds).where('status', 'in', ['queued', 'sending']).execute();
        // A mail server's refusal may quote the address.
        await db.updateTable('mails').set({ lastError: 'buyer data erased' }).where('orderId', 'in', orderIds).where('lastError', 'is not', null).execute();
        // The answers to producers' checkout questions are the buyer's data: they go entirely.
        await db.deleteFrom('orderAnswers').where('orderId', 'in', orderIds).execute();
        // What the buyer wrote to support is theirs too.
        await db.updateTable('supportRequests').set({ message: '[erased with the buyer data]' }).where('orderId', 'in', orderIds).execute();
        const tickets = await db.updateTable('tickets').set({ attendeeName: ERASED_ATTENDEE_NAME }).where('orderId', 'in', orderIds).executeTakeFirst();
        counts.tickets = Number(tickets.numUpdatedRows);
        const orders = await db
          .updateTable('orders')
          .set({ buyerName: ERASED_BUYER_NAME, buyerEmail: sql<string>`'erased+' || id::text || '@invalid'`, marketingConsent: false })
          .where('id', 'in', orderIds)
          .executeTakeFirst();
        counts.orders = Number(orders.numUpdatedRows);
        const columns = (await networkColumns(db, 'orders')).map((c) => c.column);
        if (columns.length > 0) {
          await sql`update orders set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = null`))} where id in (${sql.join(orderIds)})`.execute(raw);
        }
      } else {
        const outbox = await db.deleteFrom('devOutbox').where(sql<string>`lower(to_address)`, 'in', emails.map((e) => e.trim().toLowerCase())).executeTakeFirst();
        counts.outboxMails = Number(outbox.numDeletedRows);
      }
      if (emails.length > 0) {
        const sm = await db.deleteFrom('subjectMails').where(sql<string>`lower(email)`, 'in', emails.map((e) => e.trim().toLowerCase())).executeTakeFirst();
        counts.subjectMails = Number(sm.numDeletedRows);
      }
      return counts;
    },
    async withdrawConsent(orderIds) {
      if (orderIds.length === 0) return 0;
      const r = await db.updateTable('orders').set({ marketingConsent: false }).where('id', 'in', orderIds).where('marketingConsent', '=', true).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async placeLegalHold(h) {
      await db.insertInto('legalHolds').values(h).execute();
    },
    async legalHolds(subjectRefs, orderIds, now) {
      if (subjectRefs.length === 0 && orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('legalHolds')
        .where((w) => w.or([
          ...(subjectRefs.length > 0 ? [w('subjectRef', 'in', subjectRefs)] : []),
          ...(orderIds.length > 0 ? [w('orderId', 'in', orderIds)] : []),
        ]))
        .where((w) => w.or([w('until', 'is', null), w('until', '>', now)]))
        .selectAll()
        .execute();
      return rows satisfies LegalHold[];
    },
    async enqueueMail(m) {
      await db.insertInto('subjectMails').values({ ...m, status: 'queued', lastError: null, claimedAt: null, sentAt: null }).execute();
    },
    async mailsSince(subjectRef, since) {
      const r = await db.selectFrom('subjectMails').where('subjectRef', '=', subjectRef).where('createdAt', '>=', since).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return r.n;
    },
    async claimDueMails(limit, now) {
      const stale = new Date(now.getTime() - 10 * 60_000);
      const rows = await db
        .updateTable('subjectMails')
        .set({ status: 'sending', claimedAt: now })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('subjectMails')
            .select('id')
            .where((w) => w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'sending'), w('claimedAt', '<', stale)])]))
            .orderBy('createdAt')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'email', 'kind', 'linkExpiresAt', 'attempts'])
        .execute();
      return rows.filter((r): r is typeof r & { email: string } => r.email !== null);
    },
    async markMailSent(id, at) {
      await db.updateTable('subjectMails').set((eb) => ({ status: 'sent', sentAt: at, email: null, attempts: eb('attempts', '+', 1), lastError: null })).where('id', '=', id).execute();
    },
    async markMailFailed(id, error, giveUp) {
      await db
        .updateTable('subjectMails')
        .set((eb) => ({ status: giveUp ? 'failed' : 'queued', attempts: eb('attempts', '+', 1), // Given up: the address goes, and so does the server's reply, which may quote it.
          lastError: giveUp ? 'gave up' : error.slice(0, 500), ...(giveUp ? { email: null } : {}) }))
        .where('id', '=', id)
        .execute();
    },
  };
}
