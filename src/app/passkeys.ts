import { type Result, fail, ok } from '../domain/errors.ts';
import { openSession, sessionTokenHash } from './auth.ts';
import type { AppDeps } from './deps.ts';
import type { Client, PasskeyRecord, SessionUser } from './ports.ts';

/**
 * Passkeys (WebAuthn) for producer users (issue 6 §1, ADR 0013): a signed-in user registers one
 * from the security page; anyone may then log in with it, without a password. Each ceremony's
 * challenge is kept (as a hash) for CHALLENGE_MINUTES and used once, so an answer cannot be
 * replayed; the protocol checks themselves are the PasskeyVerifier's (@simplewebauthn/server).
 */

export const CHALLENGE_MINUTES = 5;
const MAX_PASSKEYS = 10;

export type PasskeyView = Pick<PasskeyRecord, 'id' | 'name' | 'createdAt' | 'lastUsedAt'>;

export async function passkeysOf(deps: AppDeps, user: SessionUser): Promise<PasskeyView[]> {
  return (await deps.store.passkeys.byUser(user.userId)).map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt }));
}

const expiry = (deps: AppDeps) => new Date(deps.clock.now().getTime() + CHALLENGE_MINUTES * 60_000);

/** Options for navigator.credentials.create(), for the signed-in user; the challenge is kept for this user. */
export async function startPasskeyRegistration(deps: AppDeps, user: SessionUser): Promise<Result<unknown>> {
  const existing = await deps.store.passkeys.byUser(user.userId);
  if (existing.length >= MAX_PASSKEYS) return fail('conflict', `You have ${MAX_PASSKEYS} passkeys already. Remove one first.`);
  const record = await deps.store.credentials.userById(user.userId);
  if (!record) return fail('not_found', 'There is no such user.');
  const { options, challenge } = await deps.passkeys.registrationOptions({
    userId: user.userId, userName: record.email, displayName: record.name, exclude: existing.map((p) => ({ id: p.id, transports: p.transports })),
  });
  await deps.store.passkeys.saveChallenge({ challengeHash: sessionTokenHash(challenge), purpose: 'register', userId: user.userId, expiresAt: expiry(deps) }, deps.clock.now());
  return ok(options);
}

const NOT_REGISTERED = 'The passkey was not added: your device did not confirm it, or the request was more than 5 minutes old. Please try again.';

/** Checks the browser's answer and stores the new passkey, audited, in one transaction that also uses up the challenge. */
export async function finishPasskeyRegistration(deps: AppDeps, user: SessionUser, response: unknown, name: string): Promise<Result<void>> {
  const label = name.trim();
  if (label.length < 1 || label.length > 60) return fail('invalid_input', 'Give the passkey a name of 1 to 60 characters, such as "Work laptop".');
  const challenge = deps.passkeys.readAttestationChallenge(response);
  if (!challenge) return fail('invalid_input', NOT_REGISTERED);
  const credential = await deps.passkeys.verifyRegistration(response, challenge);
  if (!credential) return fail('invalid_input', NOT_REGISTERED);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    if (!(await tx.passkeys.takeChallenge(sessionTokenHash(challenge), 'register', user.userId, now))) return fail('invalid_input', NOT_REGISTERED);
    if (!(await tx.passkeys.add({ id: credential.credentialId, userId: user.userId, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports, name: label, createdAt: now }))) {
      return fail('conflict', 'That passkey is registered already.');
    }
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'user.passkey_add', subject: `user:${user.userId}`,
      reason: 'added a passkey', at: now,
    });
    deps.log.info({ userId: user.userId }, 'passkey added');
    return ok(undefined);
  });
}

export async function removePasskey(deps: AppDeps, user: SessionUser, passkeyId: string): Promise<Result<void>> {
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    if (!(await tx.passkeys.remove(user.userId, passkeyId))) return fail('not_found', 'There is no such passkey.');
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'user.passkey_remove', subject: `user:${user.userId}`,
      reason: 'removed a passkey', at: now,
    });
    deps.log.info({ userId: user.userId }, 'passkey removed');
    return ok(undefined);
  });
}

/** Options for navigator.credentials.get() on the log-in page: any of this box office's passkeys (discoverable credentials). */
export async function startPasskeyLogIn(deps: AppDeps): Promise<unknown> {
  const { options, challenge } = await deps.passkeys.authenticationOptions();
  await deps.store.passkeys.saveChallenge({ challengeHash: sessionTokenHash(challenge), purpose: 'log_in', userId: null, expiresAt: expiry(deps) }, deps.clock.now());
  return options;
}

class ChallengeUsed extends Error {}

/**
 * Logs in with a passkey: the answer must name a known passkey, carry a challenge we issued and
 * nobody used, and verify (signature, origin, RP ID, user verification, counter). The challenge is
 * used up, the counter recorded and the session made in one transaction.
 */
export async function finishPasskeyLogIn(deps: AppDeps, response: unknown, client?: Client): Promise<Result<{ token: string; expiresAt: Date }>> {
  const refused = fail('unauthenticated', 'That passkey did not log you in. Try again, or log in with your password.');
  const assertion = deps.passkeys.readAssertion(response);
  if (!assertion) return refused;
  const credential = await deps.store.passkeys.byId(assertion.credentialId);
  const user = credential ? await deps.store.credentials.userById(credential.userId) : null;
  if (!credential || !user) {
    deps.log.warn({ userId: null }, 'failed passkey log-in');
    return refused;
  }
  const verified = await deps.passkeys.verifyAuthentication(response, assertion.challenge, credential);
  if (!verified) {
    deps.log.warn({ userId: user.id }, 'failed passkey log-in');
    return refused;
  }
  const now = deps.clock.now();
  const session = await openSession(deps, user, client, async (tx) => {
    if (!(await tx.passkeys.takeChallenge(sessionTokenHash(assertion.challenge), 'log_in', null, now))) throw new ChallengeUsed();
    await tx.passkeys.used(credential.id, verified.newCounter, now);
  }).catch((e: unknown) => {
    if (e instanceof ChallengeUsed) return null;
    throw e;
  });
  if (!session) {
    deps.log.warn({ userId: user.id }, 'failed passkey log-in: challenge used or expired');
    return refused;
  }
  deps.log.info({ userId: user.id }, 'logged in with a passkey');
  return ok(session);
}
