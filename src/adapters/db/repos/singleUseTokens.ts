import type { Db } from '../connect.ts';

/** Tables of single-use, expiring links to a user: only the token's hash is stored, and `usedAt` spends it. */
type TokenTable = 'passwordResets' | 'emailVerifications';

/** Reading and spending a single-use link of `table`: neither finds a token that is used or past its expiry. */
export function singleUseTokens(db: Db, table: TokenTable) {
  return {
    /** The user a live token is for, without spending it. */
    async userOf(tokenHash: string, now: Date): Promise<string | null> {
      const r = await db
        .selectFrom(table)
        .where('tokenHash', '=', tokenHash)
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', now)
        .select('userId')
        .executeTakeFirst();
      return r?.userId ?? null;
    },
    /** Spends a live token (once: a second call finds nothing) and returns its user. */
    async take(tokenHash: string, now: Date): Promise<string | null> {
      const r = await db
        .updateTable(table)
        .set({ usedAt: now })
        .where('tokenHash', '=', tokenHash)
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', now)
        .returning('userId')
        .executeTakeFirst();
      return r?.userId ?? null;
    },
  };
}
