import type { AccountRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

export function accountRepo(db: Db): AccountRepo {
  return {
    async userByEmail(email) {
      const r = await db
        .selectFrom('users')
        .where('email', '=', email.trim().toLowerCase())
        .where('removedAt', 'is', null)
        .select(['id', 'producerId', 'email', 'name', 'role', 'passwordHash'])
        .executeTakeFirst();
      return r ?? null;
    },
    async createSession(s) {
      await db.insertInto('sessions').values(s).execute();
    },
    async sessionUser(tokenHash, now) {
      const r = await db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.userId')
        .innerJoin('producers as p', 'p.id', 'u.producerId')
        .where('s.tokenHash', '=', tokenHash)
        .where('s.expiresAt', '>', now)
        .where('u.removedAt', 'is', null)
        .select(['u.id as userId', 'u.producerId', 'p.name as producerName', 'u.name', 'u.role', 'u.emailVerifiedAt'])
        .executeTakeFirst();
      if (!r) return null;
      const { emailVerifiedAt, ...user } = r;
      return { ...user, verified: (emailVerifiedAt ?? null) !== null };
    },
    async deleteSession(tokenHash) {
      await db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
    },
    async replacePasswordHash(userId, previous, next) {
      await db.updateTable('users').set({ passwordHash: next }).where('id', '=', userId).where('passwordHash', '=', previous).execute();
    },
    async doorPerformances(producerId, now) {
      // From a day ago, so tonight's show stays on the door page after it starts.
      const since = new Date(now.getTime() - 24 * 3600_000);
      return db
        .selectFrom('performances as pf')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('venues as v', 'v.id', 'pf.venueId')
        .where('e.producerId', '=', producerId)
        .where('pf.startsAt', '>', since)
        .select(['pf.id', 'e.title as eventTitle', 'pf.startsAt', 'v.timeZone', 'pf.cancelledAt'])
        .orderBy('pf.startsAt')
        .limit(200)
        .execute()
        .then((rows) => rows.map((r) => ({ ...r, cancelledAt: r.cancelledAt ?? null })));
    },
  };
}
