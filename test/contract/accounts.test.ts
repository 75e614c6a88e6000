import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLogIn, logIn, sessionUser, startLogIn } from '../../src/app/auth.ts';
import { checkPasswordReset, requestPasswordReset, resetPassword } from '../../src/app/passwordReset.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { confirmTwoFactor, disableTwoFactor, startTwoFactor, twoFactorStatus } from '../../src/app/twoFactor.ts';
import { base32Decode, hotp, totpStep } from '../../src/domain/totp.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { drainMail } from '../support/subjects.ts';

type Producer = Awaited<ReturnType<typeof producerWithEvent>>;

/** TOTP two-factor and password reset for producer users, on both databases. */
describe.each(DB_KINDS)('producer accounts on %s', (kind) => {
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

  async function signedIn(p: Producer): Promise<SessionUser> {
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  }
  const codeNow = (secret: string, offsetMs = 0) => hotp(base32Decode(secret)!, totpStep(new Date(box.clock.now().getTime() + offsetMs)));

  /** A producer user with two-factor switched on; returns the secret as their app holds it. */
  async function withTwoFactor() {
    const p = await producerWithEvent(box);
    const user = await signedIn(p);
    expect((await startTwoFactor(box.deps, user)).ok).toBe(true);
    const status = await twoFactorStatus(box.deps, user);
    if (status.state !== 'pending') throw new Error('expected a pending enrolment');
    expect((await confirmTwoFactor(box.deps, user, codeNow(status.secret))).ok).toBe(true);
    box.clock.advance(30_000); // the confirming code's step is used
    return { p, user, secret: status.secret };
  }
  const sessionsOf = async (userId: string) => (await tdb.db.selectFrom('sessions').where('userId', '=', userId).select('tokenHash').execute()).length;

  describe('TOTP', () => {
    it('enrolment stores the secret sealed, not in plain text, and shows it only until confirmed', async () => {
      const p = await producerWithEvent(box);
      const user = await signedIn(p);
      expect(await twoFactorStatus(box.deps, user)).toEqual({ state: 'off' });
      await startTwoFactor(box.deps, user);
      const status = await twoFactorStatus(box.deps, user);
      if (status.state !== 'pending') throw new Error('expected a pending enrolment');
      expect(status.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(status.uri).toContain(`secret=${status.secret}`);
      const row = await tdb.db.selectFrom('userTotp').where('userId', '=', p.userId).selectAll().executeTakeFirstOrThrow();
      expect(row.secretSealed).not.toContain(status.secret);
      expect(Buffer.from(row.secretSealed, 'base64url').toString('latin1')).not.toContain(status.secret);
      expect(row.confirmedAt).toBeNull();

      // Not on until confirmed: log-in still takes one step.
      expect(await startLogIn(box.deps, p.email, p.password)).toMatchObject({ ok: true, value: { kind: 'session' } });
      expect(await confirmTwoFactor(box.deps, user, codeNow(status.secret) === '000000' ? '111111' : '000000')).toMatchObject({ ok: false, code: 'invalid_input' });
      expect((await confirmTwoFactor(box.deps, user, codeNow(status.secret))).ok).toBe(true);
      expect(await twoFactorStatus(box.deps, user)).toMatchObject({ state: 'on' });
      expect(await startTwoFactor(box.deps, user)).toMatchObject({ ok: false, code: 'conflict' });
      expect(box.logs.text()).not.toContain(status.secret);
    });

    it('log-in asks for the code after the password, and makes a session only for a right code', async () => {
      const { p, secret } = await withTwoFactor();
      const before = await sessionsOf(p.userId);
      const first = await startLogIn(box.deps, p.email, p.password);
      if (!first.ok || first.value.kind !== 'code') throw new Error('expected the code step');
      expect(await sessionsOf(p.userId)).toBe(before);
      expect(await logIn(box.deps, p.email, p.password)).toMatchObject({ ok: false, code: 'unauthenticated' });

      const wrong = codeNow(secret) === '123456' ? '654321' : '123456';
      expect(await completeLogIn(box.deps, first.value.challenge, wrong)).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect(await sessionsOf(p.userId)).toBe(before);

      const done = await completeLogIn(box.deps, first.value.challenge, codeNow(secret));
      if (!done.ok) throw new Error(done.message);
      expect((await sessionUser(box.deps, done.value.token))?.userId).toBe(p.userId);
      expect(await sessionsOf(p.userId)).toBe(before + 1);
    });

    it('a wrong password never reaches the code step', async () => {
      const { p } = await withTwoFactor();
      expect(await startLogIn(box.deps, p.email, `${p.password}x`)).toMatchObject({ ok: false, code: 'unauthenticated' });
    });

    it('a code cannot be used twice, even with a fresh password step, and an older step is refused after a newer', async () => {
      const { p, secret } = await withTwoFactor();
      const code = codeNow(secret);
      const a = await startLogIn(box.deps, p.email, p.password);
      const b = await startLogIn(box.deps, p.email, p.password);
      if (!a.ok || a.value.kind !== 'code' || !b.ok || b.value.kind !== 'code') throw new Error('expected the code step');
      expect((await completeLogIn(box.deps, a.value.challenge, code)).ok).toBe(true);
      expect(await completeLogIn(box.deps, b.value.challenge, code)).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect(await completeLogIn(box.deps, b.value.challenge, codeNow(secret, -30_000))).toMatchObject({ ok: false });
      box.clock.advance(30_000);
      expect((await completeLogIn(box.deps, b.value.challenge, codeNow(secret))).ok).toBe(true);
    });

    it('the password step expires after five minutes, and a forged or altered one is refused', async () => {
      const { p, secret } = await withTwoFactor();
      const a = await startLogIn(box.deps, p.email, p.password);
      if (!a.ok || a.value.kind !== 'code') throw new Error('expected the code step');
      const altered = `${a.value.challenge.slice(0, -2)}${a.value.challenge.endsWith('AA') ? 'BB' : 'AA'}`;
      expect(await completeLogIn(box.deps, altered, codeNow(secret))).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect(await completeLogIn(box.deps, 'not-a-challenge', codeNow(secret))).toMatchObject({ ok: false, code: 'unauthenticated' });
      box.clock.advance(5 * 60_000 + 1000);
      expect(await completeLogIn(box.deps, a.value.challenge, codeNow(secret))).toMatchObject({ ok: false, code: 'unauthenticated' });
    });

    it('disabling needs a current, unused code', async () => {
      const { p, user, secret } = await withTwoFactor();
      const a = await startLogIn(box.deps, p.email, p.password);
      if (!a.ok || a.value.kind !== 'code') throw new Error('expected the code step');
      const used = codeNow(secret);
      expect((await completeLogIn(box.deps, a.value.challenge, used)).ok).toBe(true);
      expect(await disableTwoFactor(box.deps, user, used)).toMatchObject({ ok: false, code: 'invalid_input' });
      expect(await disableTwoFactor(box.deps, user, '12345')).toMatchObject({ ok: false, code: 'invalid_input' });
      expect(await twoFactorStatus(box.deps, user)).toMatchObject({ state: 'on' });
      box.clock.advance(30_000);
      expect((await disableTwoFactor(box.deps, user, codeNow(secret))).ok).toBe(true);
      expect(await twoFactorStatus(box.deps, user)).toEqual({ state: 'off' });
      expect(await startLogIn(box.deps, p.email, p.password)).toMatchObject({ ok: true, value: { kind: 'session' } });
    });
  });

  describe('password reset', () => {
    async function mailedResetToken(email: string): Promise<string | null> {
      await drainMail(box);
      const rows = await box.db.selectFrom('devOutbox').where('toAddress', '=', email).select(['textBody', 'createdAt']).orderBy('createdAt', 'desc').execute();
      for (const r of rows) {
        const m = /\/login\/reset\/([A-Za-z0-9_-]+)/.exec(r.textBody);
        if (m) return m[1]!;
      }
      return null;
    }

    it('a mailed token sets a new password once, ends every session, and is stored only as a hash', async () => {
      const p = await producerWithEvent(box);
      await signedIn(p);
      await signedIn(p);
      expect(await sessionsOf(p.userId)).toBe(2);
      await requestPasswordReset(box.deps, ` ${p.email.toUpperCase()} `);
      const token = await mailedResetToken(p.email);
      if (!token) throw new Error('no reset mail');
      const stored = await tdb.db.selectFrom('passwordResets').where('userId', '=', p.userId).selectAll().execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.tokenHash).not.toBe(token);
      expect(JSON.stringify(await tdb.db.selectFrom('subjectMails').selectAll().execute())).not.toContain(token);

      expect((await checkPasswordReset(box.deps, token)).ok).toBe(true);
      expect(await resetPassword(box.deps, token, 'short')).toMatchObject({ ok: false, code: 'invalid_input' });
      expect((await resetPassword(box.deps, token, 'a new long password')).ok).toBe(true);
      expect(await sessionsOf(p.userId)).toBe(0);
      expect((await logIn(box.deps, p.email, p.password)).ok).toBe(false);
      expect((await logIn(box.deps, p.email, 'a new long password')).ok).toBe(true);

      expect(await checkPasswordReset(box.deps, token)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await resetPassword(box.deps, token, 'yet another password')).toMatchObject({ ok: false, code: 'not_found' });
      expect((await logIn(box.deps, p.email, 'a new long password')).ok).toBe(true);
      expect(box.logs.text()).not.toContain(token);
      expect(box.logs.text()).not.toContain(p.email);
    });

    it('a token expires after 30 minutes', async () => {
      const p = await producerWithEvent(box);
      await requestPasswordReset(box.deps, p.email);
      const token = await mailedResetToken(p.email);
      if (!token) throw new Error('no reset mail');
      box.clock.advance(30 * 60_000 + 1000);
      expect(await checkPasswordReset(box.deps, token)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await resetPassword(box.deps, token, 'a new long password')).toMatchObject({ ok: false, code: 'not_found' });
      expect((await logIn(box.deps, p.email, p.password)).ok).toBe(true);
    });

    it('an unknown address gets no mail and leaves no trace, and a made-up token opens nothing', async () => {
      const before = await tdb.db.selectFrom('subjectMails').select('id').execute();
      await requestPasswordReset(box.deps, 'nobody-here@producer.test');
      expect(await tdb.db.selectFrom('subjectMails').select('id').execute()).toHaveLength(before.length);
      expect(await mailedResetToken('nobody-here@producer.test')).toBeNull();
      expect(await checkPasswordReset(box.deps, 'A'.repeat(43))).toMatchObject({ ok: false, code: 'not_found' });
    });

    it('a reset keeps two-factor on: the new password still needs the code', async () => {
      const { p } = await withTwoFactor();
      await requestPasswordReset(box.deps, p.email);
      const token = await mailedResetToken(p.email);
      if (!token) throw new Error('no reset mail');
      expect((await resetPassword(box.deps, token, 'a new long password')).ok).toBe(true);
      expect(await startLogIn(box.deps, p.email, 'a new long password')).toMatchObject({ ok: true, value: { kind: 'code' } });
    });

    it('a reset voids a password step that was waiting for its code', async () => {
      const { p, secret } = await withTwoFactor();
      const a = await startLogIn(box.deps, p.email, p.password);
      if (!a.ok || a.value.kind !== 'code') throw new Error('expected the code step');
      await requestPasswordReset(box.deps, p.email);
      const token = await mailedResetToken(p.email);
      expect((await resetPassword(box.deps, token!, 'a new long password')).ok).toBe(true);
      expect(await completeLogIn(box.deps, a.value.challenge, codeNow(secret))).toMatchObject({ ok: false, code: 'unauthenticated' });
    });
  });
});
