import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scryptHasher } from '../../src/adapters/keys/passwords.ts';
import { logIn } from '../../src/app/auth.ts';
import { createStaff, staffLogIn } from '../../src/app/staff.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

const ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

/** Passwords stored with scrypt before argon2id become argon2id at the next successful log-in, on both databases. */
describe.each(DB_KINDS)('password re-hash at log-in on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const userHash = async (id: string) => (await tdb.db.selectFrom('users').where('id', '=', id).select('passwordHash').executeTakeFirstOrThrow()).passwordHash;
  const staffHash = async (id: string) => (await tdb.db.selectFrom('platformStaff').where('id', '=', id).select('passwordHash').executeTakeFirstOrThrow()).passwordHash;
  const sessionsOf = async (userId: string) => (await tdb.db.selectFrom('sessions').where('userId', '=', userId).select('tokenHash').execute()).length;
  const staffSessionsOf = async (staffId: string) => (await tdb.db.selectFrom('staffSessions').where('staffId', '=', staffId).select('tokenHash').execute()).length;

  /** A producer user whose password was stored by the scrypt hasher. */
  async function userWithScryptHash() {
    const p = await producerWithEvent(box);
    const old = await scryptHasher().hash(p.password);
    await tdb.db.updateTable('users').set({ passwordHash: old }).where('id', '=', p.userId).execute();
    return { ...p, old };
  }

  it('new producer users get argon2id hashes', async () => {
    const p = await producerWithEvent(box);
    expect(await userHash(p.userId)).toMatch(ARGON2ID);
  });

  it('a producer user with a scrypt hash logs in, the hash becomes argon2id, and they log in again with it', async () => {
    const p = await userWithScryptHash();
    expect((await logIn(box.deps, p.email, p.password)).ok).toBe(true);
    const rehashed = await userHash(p.userId);
    expect(rehashed).toMatch(ARGON2ID);
    expect(await box.deps.passwords.verify(rehashed, p.password)).toBe(true);

    expect((await logIn(box.deps, p.email, p.password)).ok).toBe(true);
    expect(await userHash(p.userId)).toBe(rehashed); // current hashes are left alone
    expect(await sessionsOf(p.userId)).toBe(2);
    expect((await logIn(box.deps, p.email, 'not the password')).ok).toBe(false);
    expect(box.logs.text()).not.toContain(p.password);
  });

  it('a wrong password for a scrypt hash changes nothing', async () => {
    const p = await userWithScryptHash();
    const result = await logIn(box.deps, p.email, `${p.password}x`);
    expect(result.ok).toBe(false);
    expect(await userHash(p.userId)).toBe(p.old);
    expect(await sessionsOf(p.userId)).toBe(0);
    expect((await logIn(box.deps, p.email, p.password)).ok).toBe(true);
  });

  it('a re-hash never overwrites a password changed since the log-in read it', async () => {
    const p = await userWithScryptHash();
    const changed = await box.deps.passwords.hash('a newer password');
    await tdb.db.updateTable('users').set({ passwordHash: changed }).where('id', '=', p.userId).execute();
    await box.deps.store.accounts.replacePasswordHash(p.userId, p.old, await box.deps.passwords.hash(p.password));
    expect(await userHash(p.userId)).toBe(changed);
  });

  it('platform staff with a scrypt hash are re-hashed to argon2id at log-in; a wrong password changes nothing', async () => {
    const created = await createStaff(box.deps, { email: `ops-${kind}@platform.test`, name: 'Ops', role: 'support' });
    if (!created.ok) throw new Error(created.message);
    const { staffId, password } = created.value;
    expect(await staffHash(staffId)).toMatch(ARGON2ID);
    const old = await scryptHasher().hash(password);
    await tdb.db.updateTable('platformStaff').set({ passwordHash: old }).where('id', '=', staffId).execute();

    expect((await staffLogIn(box.deps, `ops-${kind}@platform.test`, `${password}x`)).ok).toBe(false);
    expect(await staffHash(staffId)).toBe(old);
    expect(await staffSessionsOf(staffId)).toBe(0);

    expect((await staffLogIn(box.deps, `ops-${kind}@platform.test`, password)).ok).toBe(true);
    const rehashed = await staffHash(staffId);
    expect(rehashed).toMatch(ARGON2ID);
    expect((await staffLogIn(box.deps, `ops-${kind}@platform.test`, password)).ok).toBe(true);
    expect(await staffHash(staffId)).toBe(rehashed);
    expect(await staffSessionsOf(staffId)).toBe(2);
  });
});
