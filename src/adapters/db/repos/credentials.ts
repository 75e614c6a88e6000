import type { CredentialRepo } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';
import { singleUseTokens } from './singleUseTokens.ts';

export function credentialRepo(db: Db): CredentialRepo {
  const resets = singleUseTokens(db, 'passwordResets');
  return {
    async userById(userId) {
      const r = await db.selectFrom('users').where('id', '=', userId).where('removedAt', 'is', null).select(['id', 'producerId', 'email', 'name', 'role', 'passwordHash']).executeTakeFirst();
      return r ?? null;
    },
    async totpOf(userId) {
      const r = await db.selectFrom('userTotp').where('userId', '=', userId).select(['secretSealed', 'confirmedAt', 'lastUsedStep']).executeTakeFirst();
      return r ? { secretSealed: r.secretSealed, confirmedAt: r.confirmedAt ?? null, lastUsedStep: r.lastUsedStep === null ? null : Number(r.lastUsedStep) } : null;
    },
    async startTotp(userId, secretSealed, at) {
      await db
        .insertInto('userTotp')
        .values({ userId, secretSealed, confirmedAt: null, lastUsedStep: null, createdAt: at })
        .onConflict((oc) => oc.column('userId').doUpdateSet({ secretSealed, createdAt: at, lastUsedStep: null }).where('userTotp.confirmedAt', 'is', null))
        .execute();
    },
    async confirmTotp(userId, step, at) {
      const r = await db.updateTable('userTotp').set({ confirmedAt: at, lastUsedStep: step }).where('userId', '=', userId).where('confirmedAt', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async useTotpStep(userId, step) {
      const r = await db
        .updateTable('userTotp')
        .set({ lastUsedStep: step })
        .where('userId', '=', userId)
        .where('confirmedAt', 'is not', null)
        .where((w) => w.or([w('lastUsedStep', 'is', null), w('lastUsedStep', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteTotp(userId) {
      await db.deleteFrom('userTotp').where('userId', '=', userId).execute();
    },
    async createPasswordReset(r) {
      await db.insertInto('passwordResets').values({ ...r, usedAt: null }).execute();
    },
    passwordResetUser: (tokenHash, now) => resets.userOf(tokenHash, now),
    takePasswordReset: (tokenHash, now) => resets.take(tokenHash, now),
    async setPassword(userId, passwordHash, now) {
      await db.updateTable('users').set({ passwordHash }).where('id', '=', userId).execute();
      const ended = await db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst();
      await db.updateTable('passwordResets').set({ usedAt: now }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
      return { sessionsEnded: Number(ended.numDeletedRows) };
    },
  };
}
