import { sql } from 'kysely';
import type { MailingDelivery, MailingKind, MailingRecord, MailingRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

const PAID = ['paid', 'partially_refunded'];

type Row = Omit<MailingRecord, 'kind' | 'status'> & { kind: string; status: string };
const toRecord = (r: Row): MailingRecord => ({ ...r, kind: r.kind as MailingKind, status: r.status as MailingRecord['status'] });

/** The mailings' reads and writes. Every read of buyers or mailings names the producer. */
export function mailingRepo(db: Db): MailingRepo {
  const mailings = () => db.selectFrom('mailings').selectAll();
  return {
    async audience(producerId, eventId, consentOnly) {
      let q = db
        .selectFrom('orders as o')
        .innerJoin('performances as pf', 'pf.id', 'o.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .where('o.producerId', '=', producerId)
        .where('e.producerId', '=', producerId)
        .where('o.status', 'in', PAID)
        // A counter buyer who gave no address is nobody to write to.
        .where('o.buyerEmail', 'is not', null)
        .select(sql<string>`lower(o.buyer_email)`.as('email'))
        .distinct();
      if (eventId !== null) q = q.where('e.id', '=', eventId);
      if (consentOnly) q = q.where('o.marketingConsent', '=', true);
      const rows = await q.orderBy('email').execute();
      return rows.map((r) => r.email);
    },
    async unsubscribed(producerId, subjectRefs) {
      if (subjectRefs.length === 0) return new Set();
      const rows = await db.selectFrom('mailUnsubscribes').select('subjectRef').where('producerId', '=', producerId).where('subjectRef', 'in', [...subjectRefs]).execute();
      return new Set(rows.map((r) => r.subjectRef));
    },
    async create(m, recipients) {
      await db.insertInto('mailings').values({ ...m, status: recipients.length === 0 ? 'done' : 'sending', finishedAt: recipients.length === 0 ? m.createdAt : null }).execute();
      for (let i = 0; i < recipients.length; i += 500) {
        await db.insertInto('mailingRecipients')
          .values(recipients.slice(i, i + 500).map((r) => ({ ...r, mailingId: m.id, status: 'queued', lastError: null, claimedAt: null, sentAt: null })))
          .execute();
      }
    },
    async byId(producerId, id) {
      const r = await mailings().where('producerId', '=', producerId).where('id', '=', id).executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async recent(producerId, limit) {
      return (await mailings().where('producerId', '=', producerId).orderBy('createdAt', 'desc').limit(limit).execute()).map(toRecord);
    },
    async claimDue(limit, now) {
      // SKIP LOCKED: two dispatchers (two app instances) each take different recipients.
      const stale = new Date(now.getTime() - 10 * 60_000);
      const claimed = await db
        .updateTable('mailingRecipients')
        .set({ status: 'sending', claimedAt: now })
        .where('id', 'in', (eb) =>
          eb.selectFrom('mailingRecipients').select('id')
            .where((w) => w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'sending'), w('claimedAt', '<', stale)])]))
            .orderBy('mailingId').orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'mailingId', 'email', 'subjectRef', 'attempts'])
        .execute();
      if (claimed.length === 0) return [];
      const ids = [...new Set(claimed.map((c) => c.mailingId))];
      const heads = await db.selectFrom('mailings as m').innerJoin('producers as p', 'p.id', 'm.producerId')
        .select(['m.id', 'm.producerId', 'p.name as producerName', 'm.kind', 'm.subject', 'm.body']).where('m.id', 'in', ids).execute();
      const byId = new Map(heads.map((h) => [h.id, h]));
      return claimed.map((c): MailingDelivery => {
        const h = byId.get(c.mailingId)!;
        return {
          id: c.id, mailingId: c.mailingId, producerId: h.producerId, producerName: h.producerName, kind: h.kind as MailingKind,
          subject: h.subject, body: h.body, email: c.email!, subjectRef: c.subjectRef, attempts: c.attempts,
        };
      });
    },
    async finish(d, outcome, at, error) {
      {
        const tx = db;
        if (outcome === 'retry') {
          await tx.updateTable('mailingRecipients').set((eb) => ({ status: 'queued', attempts: eb('attempts', '+', 1), lastError: (error ?? '').slice(0, 500) }))
            .where('id', '=', d.id).execute();
          await tx.updateTable('mailings').set((eb) => ({ failedAttempts: eb('failedAttempts', '+', 1) })).where('id', '=', d.mailingId).execute();
          return;
        }
        const status = outcome === 'failed' ? 'failed' : outcome;
        await tx.updateTable('mailingRecipients')
          .set((eb) => ({ status, email: null, sentAt: outcome === 'sent' ? at : null, attempts: outcome === 'skipped' ? eb('attempts', '+', 0) : eb('attempts', '+', 1), lastError: error ? error.slice(0, 500) : null }))
          .where('id', '=', d.id).execute();
        await tx.updateTable('mailings')
          .set((eb) => ({
            sent: outcome === 'sent' ? eb('sent', '+', 1) : eb('sent', '+', 0),
            failed: outcome === 'failed' ? eb('failed', '+', 1) : eb('failed', '+', 0),
            failedAttempts: outcome === 'failed' ? eb('failedAttempts', '+', 1) : eb('failedAttempts', '+', 0),
          }))
          .where('id', '=', d.mailingId).execute();
        await tx.updateTable('mailings').set({ status: 'done', finishedAt: at })
          .where('id', '=', d.mailingId).where('status', '=', 'sending')
          .where((eb) => eb.not(eb.exists(eb.selectFrom('mailingRecipients').select('id').where('mailingId', '=', d.mailingId).where('status', 'in', ['queued', 'sending']))))
          .execute();
      }
    },
    async unsubscribe(producerId, email, subjectRef, withdrawConsent, at) {
      await db.insertInto('mailUnsubscribes').values({ producerId, subjectRef, createdAt: at }).onConflict((oc) => oc.columns(['producerId', 'subjectRef']).doNothing()).execute();
      if (!withdrawConsent) return { consentWithdrawn: 0 };
      const r = await db.updateTable('orders').set({ marketingConsent: false })
        .where('producerId', '=', producerId).where(sql<string>`lower(buyer_email)`, '=', email.trim().toLowerCase()).where('marketingConsent', '=', true)
        .executeTakeFirst();
      return { consentWithdrawn: Number(r.numUpdatedRows) };
    },
    async userEmail(producerId, userId) {
      const r = await db.selectFrom('users').select('email').where('producerId', '=', producerId).where('id', '=', userId).executeTakeFirst();
      return r?.email ?? null;
    },
    async producerName(producerId) {
      const r = await db.selectFrom('producers').select('name').where('id', '=', producerId).executeTakeFirst();
      return r?.name ?? null;
    },
  };
}
