import type { PasskeyRecord, PasskeyRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

export function passkeyRepo(db: Db): PasskeyRepo {
  const rows = () =>
    db
      .selectFrom('passkeys as k')
      .innerJoin('users as u', 'u.id', 'k.userId')
      .where('u.removedAt', 'is', null)
      .select(['k.id', 'k.userId', 'k.publicKey', 'k.counter', 'k.transports', 'k.name', 'k.createdAt', 'k.lastUsedAt']);
  const record = (r: { id: string; userId: string; publicKey: string; counter: string | number; transports: string; name: string; createdAt: Date; lastUsedAt: Date | null }): PasskeyRecord => ({
    ...r, counter: Number(r.counter), transports: r.transports === '' ? [] : r.transports.split(','), lastUsedAt: r.lastUsedAt ?? null,
  });
  return {
    async byUser(userId) {
      return (await rows().where('k.userId', '=', userId).orderBy('k.createdAt').orderBy('k.id').execute()).map(record);
    },
    async byId(id) {
      const r = await rows().where('k.id', '=', id).executeTakeFirst();
      return r ? record(r) : null;
    },
    async add(p) {
      const r = await db
        .insertInto('passkeys')
        .values({ id: p.id, userId: p.userId, publicKey: p.publicKey, counter: p.counter, transports: p.transports.join(','), name: p.name, createdAt: p.createdAt, lastUsedAt: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      return r !== undefined;
    },
    async used(id, counter, at) {
      await db.updateTable('passkeys').set({ counter, lastUsedAt: at }).where('id', '=', id).execute();
    },
    async remove(userId, id) {
      const r = await db.deleteFrom('passkeys').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async saveChallenge(c, now) {
      await db.deleteFrom('passkeyChallenges').where('expiresAt', '<', now).execute();
      await db.insertInto('passkeyChallenges').values(c).execute();
    },
    async takeChallenge(challengeHash, purpose, userId, now) {
      let q = db.deleteFrom('passkeyChallenges').where('challengeHash', '=', challengeHash).where('purpose', '=', purpose).where('expiresAt', '>', now);
      q = userId === null ? q.where('userId', 'is', null) : q.where('userId', '=', userId);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
  };
}
