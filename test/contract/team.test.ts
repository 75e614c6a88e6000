import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { sendTestMailing, startMailing } from '../../src/app/mailings.ts';
import type { Repos, SessionUser } from '../../src/app/ports.ts';
import { VERIFY_HOURS, checkEmailVerification, resendVerification, signUp, verifyEmail } from '../../src/app/signup.ts';
import { INVITATION_DAYS, ONE_PRODUCER_MESSAGE, acceptInvitation, changeMemberRole, checkInvitation, inviteMember, revokeInvitation, teamView } from '../../src/app/team.ts';
import { finishPasskeyLogIn } from '../../src/app/passkeys.ts';
import { applyRetention } from '../../src/app/retention.ts';
import { statusOf } from '../../src/http/errors.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { mailedTokens, newProducerAccount } from '../support/signup.ts';
import { drainMail, staff } from '../support/subjects.ts';

/** Sign-up, email verification, invitations and team roles, on both databases. */
describe.each(DB_KINDS)('sign-up and the team on %s', (kind) => {
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

  const userOf = async (email: string, password: string): Promise<SessionUser> => {
    const r = await logIn(box.deps, email, password);
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  };
  const countOf = async (table: 'producers' | 'users' | 'invitations') => Number((await box.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const auditActions = async (producerId: string) => (await box.db.selectFrom('auditEntries').where('producerId', '=', producerId).select('action').orderBy('seq').execute()).map((r) => r.action);

  /** A signed-up producer whose owner has verified the address; returns the owner's session user. */
  async function verifiedProducer(label: string) {
    const account = newProducerAccount(label);
    const r = await signUp(box.deps, account);
    if (!r.ok || r.value.kind !== 'created') throw new Error('sign-up failed');
    const [token] = await mailedTokens(box, account.email, '/signup/verify/');
    expect((await verifyEmail(box.deps, token!)).ok).toBe(true);
    return { account, ...r.value, owner: await userOf(account.email, account.password) };
  }

  /** Invites `email` as `role` and returns the token from the mail. */
  async function invite(by: SessionUser, email: string, role: string): Promise<{ token: string; invitationId: string }> {
    const r = await inviteMember(box.deps, by, { email, role });
    if (!r.ok) throw new Error(r.message);
    const tokens = await mailedTokens(box, email, '/invite/');
    return { token: tokens.at(-1)!, invitationId: r.value.invitationId };
  }

  describe('sign-up', () => {
    it('makes the producer and its owner together, unverified, and mails a verification link', async () => {
      const account = newProducerAccount('Create');
      const r = await signUp(box.deps, { ...account, email: account.email.toUpperCase(), slug: ` ${account.slug} ` });
      if (!r.ok || r.value.kind !== 'created') throw new Error('expected a new producer');
      const producer = await box.db.selectFrom('producers').where('id', '=', r.value.producerId).selectAll().executeTakeFirstOrThrow();
      expect(producer).toMatchObject({ name: account.producerName, slug: account.slug, isDemo: false });
      const user = await box.db.selectFrom('users').where('id', '=', r.value.userId).selectAll().executeTakeFirstOrThrow();
      expect(user).toMatchObject({ producerId: producer.id, email: account.email, name: account.name, role: 'owner', emailVerifiedAt: null });
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await auditActions(producer.id)).toEqual(['producer.signup']);

      // The owner may log in and look around, but not reach people outside the team yet.
      const owner = await userOf(account.email, account.password);
      expect(owner).toMatchObject({ role: 'owner', verified: false, producerId: producer.id });
      expect(await startMailing(box.deps, owner, { subject: 'Hi', body: 'Hello', kind: 'update', eventId: null })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await sendTestMailing(box.deps, owner, { subject: 'Hi', body: 'Hello', kind: 'update', eventId: null })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await inviteMember(box.deps, owner, { email: 'someone@crew.test', role: 'door' })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('Verify your email') });
      expect((await teamView(box.deps, owner)).ok).toBe(true);

      const tokens = await mailedTokens(box, account.email, '/signup/verify/');
      expect(tokens).toHaveLength(1);
      const stored = await box.db.selectFrom('emailVerifications').where('userId', '=', r.value.userId).select('tokenHash').execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.tokenHash).not.toBe(tokens[0]);
      expect(JSON.stringify(await box.db.selectFrom('subjectMails').selectAll().execute())).not.toContain(tokens[0]);
      expect(box.logs.text()).not.toContain(account.email);
      expect(box.logs.text()).not.toContain(account.password);
    });

    it('refuses a taken slug with a 409 and bad input with a 400, writing nothing', async () => {
      const first = await verifiedProducer('Taken');
      const [producers, users] = [await countOf('producers'), await countOf('users')];
      const again = await signUp(box.deps, { ...newProducerAccount('Other'), slug: first.account.slug });
      expect(again).toMatchObject({ ok: false, code: 'conflict', details: { field: 'slug' } });
      expect(statusOf(again as { code: 'conflict' })).toBe(409);
      const fresh = newProducerAccount('Bad');
      for (const [input, field] of [
        [{ ...fresh, password: 'short' }, 'password'],
        [{ ...fresh, password: `my ${fresh.email} pass` }, 'password'],
        [{ ...fresh, slug: 'No Spaces' }, 'slug'],
        [{ ...fresh, email: 'not-an-address' }, 'email'],
        [{ ...fresh, producerName: ' ' }, 'producerName'],
      ] as const) {
        const r = await signUp(box.deps, input);
        expect(r, field).toMatchObject({ ok: false, code: 'invalid_input', details: { field } });
        expect(statusOf(r as { code: 'invalid_input' })).toBe(400);
      }
      expect([await countOf('producers'), await countOf('users')]).toEqual([producers, users]);
    });

    it('answers a taken email address like a new one, creates nothing, and tells the address by mail', async () => {
      const first = await verifiedProducer('Known');
      const [producers, users] = [await countOf('producers'), await countOf('users')];
      const r = await signUp(box.deps, { ...newProducerAccount('Again'), email: first.account.email });
      expect(r).toEqual({ ok: true, value: { kind: 'existing' } });
      expect([await countOf('producers'), await countOf('users')]).toEqual([producers, users]);
      await drainMail(box);
      const mails = await box.db.selectFrom('devOutbox').where('toAddress', '=', first.account.email).select(['subject', 'textBody']).execute();
      expect(mails.map((m) => m.subject)).toContain('Signing up to Marquee');
      expect(mails.find((m) => m.subject === 'Signing up to Marquee')!.textBody).toContain('already has an account');
      // The existing account is unchanged: its password still works.
      expect((await logIn(box.deps, first.account.email, first.account.password)).ok).toBe(true);
    });

    it('rolls the producer back when its owner cannot be made (the address was taken in between)', async () => {
      const first = await verifiedProducer('Race');
      const producers = await countOf('producers');
      // The address check answers "free" as it would just before a concurrent sign-up commits.
      const racing: AppDeps = {
        ...box.deps,
        store: {
          ...box.deps.store,
          transaction: <T>(fn: (tx: Repos) => Promise<T>) => box.deps.store.transaction((tx) => fn({ ...tx, team: { ...tx.team, emailTaken: async () => false } })),
        },
      };
      const account = newProducerAccount('Loser');
      const r = await signUp(racing, { ...account, email: first.account.email });
      expect(r).toMatchObject({ ok: false, code: 'conflict' });
      expect(await countOf('producers')).toBe(producers);
      expect(await box.db.selectFrom('producers').where('slug', '=', account.slug).select('id').executeTakeFirst()).toBeUndefined();
    });
  });

  describe('email verification', () => {
    it('verifies once; a second use, a made-up token and an expired link are refused', async () => {
      const account = newProducerAccount('Verify');
      const r = await signUp(box.deps, account);
      if (!r.ok || r.value.kind !== 'created') throw new Error('sign-up failed');
      const [token] = await mailedTokens(box, account.email, '/signup/verify/');
      expect((await checkEmailVerification(box.deps, token!)).ok).toBe(true);
      expect(await checkEmailVerification(box.deps, 'A'.repeat(43))).toMatchObject({ ok: false, code: 'not_found' });
      expect((await verifyEmail(box.deps, token!)).ok).toBe(true);
      expect(await verifyEmail(box.deps, token!)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await checkEmailVerification(box.deps, token!)).toMatchObject({ ok: false, code: 'not_found' });
      const owner = await userOf(account.email, account.password);
      expect(owner.verified).toBe(true);
      expect(await resendVerification(box.deps, owner)).toMatchObject({ ok: false, code: 'conflict' });
      expect(await auditActions(r.value.producerId)).toEqual(['producer.signup', 'user.verify_email']);
      expect((await inviteMember(box.deps, owner, { email: `crew-${account.slug}@crew.test`, role: 'door' })).ok).toBe(true);
    });

    it('expires after its hours; a new link from the signed-in user works', async () => {
      const account = newProducerAccount('Expire');
      const r = await signUp(box.deps, account);
      if (!r.ok || r.value.kind !== 'created') throw new Error('sign-up failed');
      const [old] = await mailedTokens(box, account.email, '/signup/verify/');
      box.clock.advance(VERIFY_HOURS * 3_600_000 + 1000);
      expect(await verifyEmail(box.deps, old!)).toMatchObject({ ok: false, code: 'not_found' });
      const owner = await userOf(account.email, account.password);
      expect(owner.verified).toBe(false);
      expect((await resendVerification(box.deps, owner)).ok).toBe(true);
      const tokens = await mailedTokens(box, account.email, '/signup/verify/');
      expect(tokens).toHaveLength(2);
      expect((await verifyEmail(box.deps, tokens[1]!)).ok).toBe(true);
      expect((await userOf(account.email, account.password)).verified).toBe(true);
    });
  });

  describe('invitations', () => {
    it('an invitee accepts once: a verified user with the role, audited', async () => {
      const { owner, producerId } = await verifiedProducer('Invite');
      const email = `door-${producerId.slice(0, 8)}@crew.test`;
      const { token, invitationId } = await invite(owner, email, 'door');
      expect((await teamView(box.deps, owner)).ok && (await teamView(box.deps, owner))).toMatchObject({ value: { invitations: [{ id: invitationId, email, role: 'door' }] } });
      expect(await checkInvitation(box.deps, token)).toMatchObject({ ok: true, value: { email, role: 'door', inviterName: owner.name } });
      expect(await acceptInvitation(box.deps, token, { name: 'Dora Door', password: 'short' })).toMatchObject({ ok: false, code: 'invalid_input' });
      const accepted = await acceptInvitation(box.deps, token, { name: 'Dora Door', password: 'a door keeper passphrase' });
      expect(accepted.ok).toBe(true);
      expect(await acceptInvitation(box.deps, token, { name: 'Dora Again', password: 'a door keeper passphrase' })).toMatchObject({ ok: false, code: 'not_found' });
      const dora = await userOf(email, 'a door keeper passphrase');
      expect(dora).toMatchObject({ producerId, role: 'door', verified: true, name: 'Dora Door' });
      const view = await teamView(box.deps, owner);
      expect(view.ok && view.value.invitations).toEqual([]);
      expect(view.ok && view.value.members.map((m) => m.role).sort()).toEqual(['door', 'owner']);
      expect(await auditActions(producerId)).toEqual(['producer.signup', 'user.verify_email', 'team.invite', 'team.join']);
      expect(box.logs.text()).not.toContain(token);
    });

    it('expires, and a revoked invitation no longer works', async () => {
      const { owner, producerId } = await verifiedProducer('Revoke');
      const late = await invite(owner, `late-${producerId.slice(0, 8)}@crew.test`, 'viewer');
      const gone = await invite(owner, `gone-${producerId.slice(0, 8)}@crew.test`, 'viewer');
      expect(await inviteMember(box.deps, owner, { email: `gone-${producerId.slice(0, 8)}@crew.test`, role: 'admin' })).toMatchObject({ ok: false, code: 'conflict' });
      expect((await revokeInvitation(box.deps, owner, gone.invitationId)).ok).toBe(true);
      expect(await revokeInvitation(box.deps, owner, gone.invitationId)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await checkInvitation(box.deps, gone.token)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await acceptInvitation(box.deps, gone.token, { name: 'Gone', password: 'a viewer passphrase here' })).toMatchObject({ ok: false, code: 'not_found' });
      box.clock.advance(INVITATION_DAYS * 86_400_000 + 1000);
      expect(await acceptInvitation(box.deps, late.token, { name: 'Late', password: 'a viewer passphrase here' })).toMatchObject({ ok: false, code: 'not_found' });
      expect(await box.db.selectFrom('users').where('producerId', '=', producerId).select('id').execute()).toHaveLength(1);
      expect(await auditActions(producerId)).toEqual(['producer.signup', 'user.verify_email', 'team.invite', 'team.invite', 'team.invite_revoke']);
    });

    it('refuses an address that has an account (a person belongs to one producer), and an admin cannot invite an owner', async () => {
      const a = await verifiedProducer('OneA');
      const b = await verifiedProducer('OneB');
      const { token } = await invite(b.owner, a.account.email, 'admin');
      expect(await acceptInvitation(box.deps, token, { name: 'Twice', password: 'another long passphrase' })).toEqual({ ok: false, code: 'conflict', message: ONE_PRODUCER_MESSAGE });
      expect((await userOf(a.account.email, a.account.password)).producerId).toBe(a.producerId);

      const adminMail = `admin-${b.producerId.slice(0, 8)}@crew.test`;
      const adminInvite = await invite(b.owner, adminMail, 'admin');
      expect((await acceptInvitation(box.deps, adminInvite.token, { name: 'Ada Admin', password: 'an admin passphrase!' })).ok).toBe(true);
      const admin = await userOf(adminMail, 'an admin passphrase!');
      expect(await inviteMember(box.deps, admin, { email: 'boss@crew.test', role: 'owner' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect((await inviteMember(box.deps, admin, { email: 'boxer@crew.test', role: 'box_office' })).ok).toBe(true);
      const viewerMail = `viewer-${b.producerId.slice(0, 8)}@crew.test`;
      const v = await invite(b.owner, viewerMail, 'viewer');
      expect((await acceptInvitation(box.deps, v.token, { name: 'Vic Viewer', password: 'a viewer passphrase here' })).ok).toBe(true);
      const viewer = await userOf(viewerMail, 'a viewer passphrase here');
      expect(await inviteMember(box.deps, viewer, { email: 'x@crew.test', role: 'door' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await teamView(box.deps, viewer)).toMatchObject({ ok: false, code: 'forbidden' });
    });
  });

  describe('roles', () => {
    async function member(owner: SessionUser, role: string, label: string) {
      const email = `${label}-${owner.producerId.slice(0, 8)}@crew.test`;
      const { token } = await invite(owner, email, role);
      const r = await acceptInvitation(box.deps, token, { name: label, password: `${label} has a long passphrase` });
      if (!r.ok) throw new Error(r.message);
      return { userId: r.value.userId, email, password: `${label} has a long passphrase` };
    }

    it('keeps the last owner, lets an owner hand the role on, and only an owner touches owners', async () => {
      const { owner, producerId } = await verifiedProducer('Owner');
      expect(await changeMemberRole(box.deps, owner, owner.userId, 'admin')).toMatchObject({ ok: false, code: 'conflict' });
      expect(await changeMemberRole(box.deps, owner, owner.userId, null)).toMatchObject({ ok: false, code: 'conflict' });
      const adm = await member(owner, 'admin', 'adam');
      const admin = await userOf(adm.email, adm.password);
      expect(await changeMemberRole(box.deps, admin, owner.userId, 'viewer')).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await changeMemberRole(box.deps, admin, adm.userId, 'owner')).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await changeMemberRole(box.deps, owner, adm.userId, 'wizard')).toMatchObject({ ok: false, code: 'invalid_input' });

      expect((await changeMemberRole(box.deps, owner, adm.userId, 'owner')).ok).toBe(true);
      expect((await changeMemberRole(box.deps, owner, owner.userId, 'admin')).ok).toBe(true);
      const newOwner = await userOf(adm.email, adm.password);
      expect(newOwner.role).toBe('owner');
      expect(await changeMemberRole(box.deps, newOwner, adm.userId, 'viewer')).toMatchObject({ ok: false, code: 'conflict' });
      const entries = await box.db.selectFrom('auditEntries').where('producerId', '=', producerId).where('action', '=', 'team.role_change').select(['subject', 'detail']).orderBy('seq').execute();
      expect(entries.map((e) => [e.subject, JSON.parse(e.detail)])).toEqual([
        [`user:${adm.userId}`, { from: 'admin', to: 'owner' }],
        [`user:${owner.userId}`, { from: 'owner', to: 'admin' }],
      ]);
    });

    it('removes a member: logged out, cannot log in, and the address is free again', async () => {
      const { owner, producerId } = await verifiedProducer('Remove');
      const m = await member(owner, 'box_office', 'bob');
      const session = await logIn(box.deps, m.email, m.password);
      if (!session.ok) throw new Error(session.message);
      expect((await changeMemberRole(box.deps, owner, m.userId, null)).ok).toBe(true);
      expect(await sessionUser(box.deps, session.value.token)).toBeNull();
      expect(await logIn(box.deps, m.email, m.password)).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect(await changeMemberRole(box.deps, owner, m.userId, 'viewer')).toMatchObject({ ok: false, code: 'not_found' });
      const view = await teamView(box.deps, owner);
      expect(view.ok && view.value.members.map((x) => x.userId)).toEqual([owner.userId]);
      expect((await auditActions(producerId)).at(-1)).toBe('team.remove');
      // Invited again, the same address makes a new member.
      const again = await member(owner, 'viewer', 'bob');
      expect(again.userId).not.toBe(m.userId);
    });

    it("an admin of B can neither revoke A's invitations nor change or remove A's users", async () => {
      const a = await verifiedProducer('CrossA');
      const b = await verifiedProducer('CrossB');
      const aMember = await member(a.owner, 'door', 'dan');
      const aInvite = await invite(a.owner, `pending-${a.producerId.slice(0, 8)}@crew.test`, 'viewer');
      const bAdmin = await member(b.owner, 'admin', 'bea');
      const admin = await userOf(bAdmin.email, bAdmin.password);
      const before = {
        users: await box.db.selectFrom('users').where('producerId', '=', a.producerId).select(['id', 'role', 'email', 'removedAt']).orderBy('id').execute(),
        invitations: await box.db.selectFrom('invitations').where('producerId', '=', a.producerId).select(['id', 'revokedAt']).orderBy('id').execute(),
      };
      for (const actor of [admin, b.owner]) {
        expect(await revokeInvitation(box.deps, actor, aInvite.invitationId)).toMatchObject({ ok: false, code: 'not_found' });
        expect(await changeMemberRole(box.deps, actor, aMember.userId, 'admin')).toMatchObject({ ok: false, code: 'not_found' });
        expect(await changeMemberRole(box.deps, actor, aMember.userId, null)).toMatchObject({ ok: false, code: 'not_found' });
        expect(await changeMemberRole(box.deps, actor, a.owner.userId, null)).toMatchObject({ ok: false, code: 'not_found' });
      }
      const bView = await teamView(box.deps, admin);
      expect(JSON.stringify(bView)).not.toContain(a.account.email);
      expect(JSON.stringify(bView)).not.toContain(aMember.email);
      expect({
        users: await box.db.selectFrom('users').where('producerId', '=', a.producerId).select(['id', 'role', 'email', 'removedAt']).orderBy('id').execute(),
        invitations: await box.db.selectFrom('invitations').where('producerId', '=', a.producerId).select(['id', 'revokedAt']).orderBy('id').execute(),
      }).toEqual(before);
      expect((await checkInvitation(box.deps, aInvite.token)).ok).toBe(true);
    });
  });

  describe('passkey storage', () => {
    it('uses a challenge once, for its purpose and user, before it expires', async () => {
      const { owner } = await verifiedProducer('Challenge');
      const now = box.clock.now();
      const later = new Date(now.getTime() + 60_000);
      const store = box.deps.store.passkeys;
      await store.saveChallenge({ challengeHash: `reg-${owner.userId}`, purpose: 'register', userId: owner.userId, expiresAt: later }, now);
      expect(await store.takeChallenge(`reg-${owner.userId}`, 'log_in', null, now)).toBe(false);
      expect(await store.takeChallenge(`reg-${owner.userId}`, 'register', null, now)).toBe(false);
      expect(await store.takeChallenge(`reg-${owner.userId}`, 'register', owner.userId, now)).toBe(true);
      expect(await store.takeChallenge(`reg-${owner.userId}`, 'register', owner.userId, now)).toBe(false);
      await store.saveChallenge({ challengeHash: `old-${owner.userId}`, purpose: 'log_in', userId: null, expiresAt: later }, now);
      expect(await store.takeChallenge(`old-${owner.userId}`, 'log_in', null, new Date(later.getTime() + 1))).toBe(false);
    });

    it("forgets a removed member's passkeys for log-in, and refuses an unknown credential", async () => {
      const { owner } = await verifiedProducer('Keys');
      const { token } = await invite(owner, `keys-${owner.producerId.slice(0, 8)}@crew.test`, 'door');
      const joined = await acceptInvitation(box.deps, token, { name: 'Kay', password: 'kay has a long passphrase' });
      if (!joined.ok) throw new Error(joined.message);
      const id = `credential-${joined.value.userId}`;
      expect(await box.deps.store.passkeys.add({ id, userId: joined.value.userId, publicKey: 'AQID', counter: 0, transports: ['internal'], name: 'Phone', createdAt: box.clock.now() })).toBe(true);
      expect(await box.deps.store.passkeys.add({ id, userId: owner.userId, publicKey: 'AQID', counter: 0, transports: [], name: 'Copy', createdAt: box.clock.now() })).toBe(false);
      expect(await box.deps.store.passkeys.byId(id)).toMatchObject({ userId: joined.value.userId, transports: ['internal'], counter: 0 });
      expect((await changeMemberRole(box.deps, owner, joined.value.userId, null)).ok).toBe(true);
      expect(await box.deps.store.passkeys.byId(id)).toBeNull();
      const forged = { id, rawId: id, type: 'public-key', response: { clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'x' })).toString('base64url') } };
      expect(await finishPasskeyLogIn(box.deps, forged)).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect(await finishPasskeyLogIn(box.deps, { nonsense: true })).toMatchObject({ ok: false, code: 'unauthenticated' });
    });
  });

  it('retention deletes verification links, invitations and challenges that ended long ago, and nothing newer', async () => {
    const { owner, producerId } = await verifiedProducer('Retain');
    const old = await invite(owner, `old-${producerId.slice(0, 8)}@crew.test`, 'viewer');
    box.clock.advance(400 * 86_400_000);
    const fresh = await invite(owner, `fresh-${producerId.slice(0, 8)}@crew.test`, 'viewer');
    const report = await applyRetention(box.deps);
    expect(report.accountLinks).toBeGreaterThanOrEqual(2);
    expect(await box.db.selectFrom('invitations').where('id', '=', old.invitationId).select('id').executeTakeFirst()).toBeUndefined();
    expect(await box.db.selectFrom('invitations').where('id', '=', fresh.invitationId).select('id').executeTakeFirst()).toBeDefined();
    expect(await box.db.selectFrom('emailVerifications').where('expiresAt', '<', new Date(box.clock.now().getTime() - 86_400_000 * 60)).select('tokenHash').execute()).toEqual([]);
    expect((await checkInvitation(box.deps, fresh.token)).ok).toBe(true);
  });

  it('existing users (made before sign-up existed, or by the seed) count as verified', async () => {
    const p = await producerWithEvent(box);
    expect((await staff(box, p)).verified).toBe(true);
  });
});
