import type { MailRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

export function mailRepo(db: Db): MailRepo {
  return {
    async enqueue(m) {
      await db
        .insertInto('mails')
        .values({ ...m, status: 'queued', lastError: null, sentAt: null })
        .onConflict((oc) => oc.columns(['orderId', 'kind']).doNothing())
        .execute();
    },
    async claimDue(limit, now) {
      // SKIP LOCKED: two dispatchers (two app instances) each take different mails.
      const stale = new Date(now.getTime() - 10 * 60_000);
      return db
        .updateTable('mails')
        .set({ status: 'sending', claimedAt: now })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('mails')
            .select('id')
            .where((w) => w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'sending'), w('claimedAt', '<', stale)])]))
            .orderBy('createdAt')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'orderId', 'kind', 'attempts'])
        .execute();
    },
    async markSent(id, at) {
      await db.updateTable('mails').set((eb) => ({ status: 'sent', sentAt: at, attempts: eb('attempts', '+', 1), lastError: null })).where('id', '=', id).execute();
    },
    async markFailed(id, error, giveUp) {
      await db
        .updateTable('mails')
        .set((eb) => ({ status: giveUp ? 'failed' : 'queued', attempts: eb('attempts', '+', 1), lastError: error.slice(0, 500) }))
        .where('id', '=', id)
        .execute();
    },
  };
}
