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
    async due(limit) {
      return db
        .selectFrom('mails')
        .where('status', '=', 'queued')
        .select(['id', 'orderId', 'kind', 'attempts'])
        .orderBy('createdAt')
        .limit(limit)
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
