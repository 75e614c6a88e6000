import type { InvitationRecord, TeamRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';
import { singleUseTokens } from './singleUseTokens.ts';

export function teamRepo(db: Db): TeamRepo {
  const verifications = singleUseTokens(db, 'emailVerifications');
  const invitations = () =>
    db
      .selectFrom('invitations as i')
      .innerJoin('producers as p', 'p.id', 'i.producerId')
      .innerJoin('users as u', 'u.id', 'i.invitedBy')
      .select([
        'i.id', 'i.producerId', 'p.name as producerName', 'i.email', 'i.role', 'i.invitedBy', 'u.name as inviterName',
        'i.createdAt', 'i.expiresAt', 'i.acceptedAt', 'i.revokedAt',
      ]);
  const record = (r: InvitationRecord): InvitationRecord => ({ ...r, acceptedAt: r.acceptedAt ?? null, revokedAt: r.revokedAt ?? null });
  const members = (producerId: string) =>
    db
      .selectFrom('users')
      .where('producerId', '=', producerId)
      .where('removedAt', 'is', null)
      .select(['id as userId', 'name', 'email', 'role', 'emailVerifiedAt', 'createdAt']);

  return {
    async slugTaken(slug) {
      return (await db.selectFrom('producers').where('slug', '=', slug).select('id').executeTakeFirst()) !== undefined;
    },
    async emailTaken(email) {
      return (await db.selectFrom('users').where('email', '=', email.trim().toLowerCase()).select('id').executeTakeFirst()) !== undefined;
    },
    async createProducerWithOwner(p) {
      const producer = await db
        .insertInto('producers')
        .values({ id: p.producerId, name: p.name, slug: p.slug, isDemo: false, createdAt: p.createdAt })
        .onConflict((oc) => oc.column('slug').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!producer) return false;
      const user = await db
        .insertInto('users')
        .values({
          id: p.userId, producerId: p.producerId, email: p.email.toLowerCase(), name: p.userName, passwordHash: p.passwordHash, role: 'owner',
          createdAt: p.createdAt, emailVerifiedAt: null,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      return user !== undefined;
    },
    async createEmailVerification(v) {
      await db.insertInto('emailVerifications').values({ ...v, usedAt: null }).execute();
    },
    emailVerificationUser: (tokenHash, now) => verifications.userOf(tokenHash, now),
    async takeEmailVerification(tokenHash, now) {
      const userId = await verifications.take(tokenHash, now);
      if (!userId) return null;
      await db.updateTable('users').set({ emailVerifiedAt: now }).where('id', '=', userId).where('emailVerifiedAt', 'is', null).execute();
      // The other links of this user are of no use any more.
      await db.updateTable('emailVerifications').set({ usedAt: now }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
      return userId;
    },
    async userVerified(userId) {
      const r = await db.selectFrom('users').where('id', '=', userId).select('emailVerifiedAt').executeTakeFirst();
      return (r?.emailVerifiedAt ?? null) !== null;
    },
    async lockTeam(producerId) {
      await db.selectFrom('producers').where('id', '=', producerId).select('id').forUpdate().execute();
    },
    async members(producerId) {
      const rows = await members(producerId).orderBy('createdAt').orderBy('id').execute();
      return rows.map(({ emailVerifiedAt, ...r }) => ({ ...r, verified: (emailVerifiedAt ?? null) !== null }));
    },
    async member(producerId, userId) {
      const r = await members(producerId).where('id', '=', userId).executeTakeFirst();
      if (!r) return null;
      const { emailVerifiedAt, ...rest } = r;
      return { ...rest, verified: (emailVerifiedAt ?? null) !== null };
    },
    async countOwners(producerId) {
      const r = await db
        .selectFrom('users')
        .where('producerId', '=', producerId)
        .where('role', '=', 'owner')
        .where('removedAt', 'is', null)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async setRole(producerId, userId, role) {
      await db.updateTable('users').set({ role }).where('producerId', '=', producerId).where('id', '=', userId).where('removedAt', 'is', null).execute();
    },
    async removeMember(producerId, userId, now) {
      await db
        .updateTable('users')
        .set({ removedAt: now, email: `removed+${userId}@invalid` })
        .where('producerId', '=', producerId)
        .where('id', '=', userId)
        .where('removedAt', 'is', null)
        .execute();
      await db.deleteFrom('sessions').where('userId', '=', userId).execute();
      await db.updateTable('passwordResets').set({ usedAt: now }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
    },
    async createInvitation(i) {
      await db.insertInto('invitations').values({ ...i, email: i.email.toLowerCase(), acceptedAt: null, acceptedUserId: null, revokedAt: null, revokedBy: null }).execute();
    },
    async pendingInvitations(producerId, now) {
      const rows = await invitations()
        .where('i.producerId', '=', producerId)
        .where('i.acceptedAt', 'is', null)
        .where('i.revokedAt', 'is', null)
        .where('i.expiresAt', '>', now)
        .orderBy('i.createdAt')
        .orderBy('i.id')
        .execute();
      return rows.map(record);
    },
    async pendingInvitationFor(producerId, email, now) {
      const r = await invitations()
        .where('i.producerId', '=', producerId)
        .where('i.email', '=', email.toLowerCase())
        .where('i.acceptedAt', 'is', null)
        .where('i.revokedAt', 'is', null)
        .where('i.expiresAt', '>', now)
        .executeTakeFirst();
      return r ? record(r) : null;
    },
    async invitationByTokenHash(tokenHash) {
      const r = await invitations().where('i.tokenHash', '=', tokenHash).executeTakeFirst();
      return r ? record(r) : null;
    },
    async revokeInvitation(producerId, invitationId, by, now) {
      const r = await db
        .updateTable('invitations')
        .set({ revokedAt: now, revokedBy: by })
        .where('producerId', '=', producerId)
        .where('id', '=', invitationId)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async acceptInvitation(tokenHash, userId, now) {
      const r = await db
        .updateTable('invitations')
        .set({ acceptedAt: now, acceptedUserId: userId })
        .where('tokenHash', '=', tokenHash)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', now)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteOldLinks(before) {
      const verifications = await db.deleteFrom('emailVerifications').where('expiresAt', '<', before).executeTakeFirst();
      const invitations = await db
        .deleteFrom('invitations')
        .where((w) => w.or([w('expiresAt', '<', before), w('revokedAt', '<', before), w('acceptedAt', '<', before)]))
        .executeTakeFirst();
      const challenges = await db.deleteFrom('passkeyChallenges').where('expiresAt', '<', before).executeTakeFirst();
      return Number(verifications.numDeletedRows) + Number(invitations.numDeletedRows) + Number(challenges.numDeletedRows);
    },
    async createUser(u) {
      const r = await db
        .insertInto('users')
        .values({ ...u, email: u.email.toLowerCase(), removedAt: null })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      return r !== undefined;
    },
  };
}
