import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import { matchTotp } from '../domain/totp.ts';
import type { Client, Repos, SessionUser, UserRecord } from './ports.ts';

const SESSION_HOURS = 12;
/**
 * Verified when the email is unknown, so that a wrong email and a wrong password take as long: an
 * argon2id hash of a forgotten random password, with the hasher's current parameters (its test
 * checks that the hasher would not re-hash it).
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$rqsXNmPcGi7s+PI0w0snwQ$3xNCGRzu0nbZMkE2boF1CNwuHn4E7wS1v1DmoP+rS/o';

export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** How long the "password was right" state waits for the second factor's code. */
export const CODE_STEP_MINUTES = 5;
const CHALLENGE_PURPOSE = 'login-challenge:v1';
export const TOTP_SECRET_PURPOSE = 'totp-secret:v1';

/** What the password step leads to: a session, or (two-factor on) the code step with its sealed state. */
export type LogInStep = { kind: 'session'; token: string; expiresAt: Date } | { kind: 'code'; challenge: string };

/**
 * The password step. A user without a second factor gets a session; a user with TOTP gets a
 * challenge instead: sealed (AES-GCM) over their id, an expiry and a fingerprint of their password
 * hash, so it cannot be forged or altered, and a password change voids it. No session exists yet.
 */
export async function startLogIn(deps: AppDeps, email: string, password: string, client?: Client): Promise<Result<LogInStep>> {
  const user = await deps.store.accounts.userByEmail(email);
  const good = await deps.passwords.verify(user?.passwordHash ?? DUMMY_PASSWORD_HASH, password);
  if (!user || !good) {
    deps.log.warn({ userId: user?.id ?? null }, 'failed log-in');
    return fail('unauthenticated', 'That email and password do not match an account.');
  }
  const totp = await deps.store.credentials.totpOf(user.id);
  if (totp?.confirmedAt) {
    const expiresAt = deps.clock.now().getTime() + CODE_STEP_MINUTES * 60_000;
    const challenge = deps.keys.sealToken(CHALLENGE_PURPOSE, JSON.stringify({ u: user.id, e: expiresAt, h: hashFingerprint(user.passwordHash) }));
    deps.log.info({ userId: user.id }, 'password accepted, waiting for the code');
    return ok({ kind: 'code', challenge });
  }
  const rehashed = deps.passwords.needsRehash(user.passwordHash) ? await deps.passwords.hash(password) : null;
  const session = await openSession(deps, user, client, async (tx) => {
    if (rehashed) await tx.accounts.replacePasswordHash(user.id, user.passwordHash, rehashed);
  });
  return ok({ kind: 'session', ...session });
}

/**
 * The code step: the challenge must be intact, unexpired and still match the user's password; the
 * code must be of the current time step (or a neighbour) and after the last step used. Marking the
 * step used and creating the session are one transaction, so a code logs in once.
 */
export async function completeLogIn(deps: AppDeps, challenge: string, code: string, client?: Client): Promise<Result<{ token: string; expiresAt: Date }>> {
  const expired = fail('unauthenticated', `Your log-in waited more than ${CODE_STEP_MINUTES} minutes for the code. Please log in again.`);
  const state = parseChallenge(deps.keys.openToken(CHALLENGE_PURPOSE, challenge));
  if (!state || state.e <= deps.clock.now().getTime()) return expired;
  const user = await deps.store.credentials.userById(state.u);
  if (!user || hashFingerprint(user.passwordHash) !== state.h) return expired;
  const step = await matchUserCode(deps, user.id, code);
  const wrong = () => {
    deps.log.warn({ userId: user.id }, 'failed log-in code');
    return fail('unauthenticated', 'That code is not right, or was used already. Enter the code your authenticator app shows now.');
  };
  if (step === null) return wrong();
  const session = await openSession(deps, user, client, async (tx) => {
    // Another request may have used this step since it was read: then this one rolls back.
    if (!(await tx.credentials.useTotpStep(user.id, step))) throw new CodeUsed();
  }).catch((e: unknown) => {
    if (e instanceof CodeUsed) return null;
    throw e;
  });
  if (!session) return wrong();
  return ok(session);
}

class CodeUsed extends Error {}

/** The time step the user's current code belongs to, if it is right and not used before; null otherwise. */
export async function matchUserCode(deps: AppDeps, userId: string, code: string): Promise<number | null> {
  const totp = await deps.store.credentials.totpOf(userId);
  if (!totp) return null;
  const secret = deps.keys.openToken(TOTP_SECRET_PURPOSE, totp.secretSealed);
  if (!secret) return null;
  return matchTotp(secret, code, deps.clock.now(), totp.lastUsedStep);
}

function parseChallenge(text: string | null): { u: string; e: number; h: string } | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as { u?: unknown; e?: unknown; h?: unknown };
    return typeof v.u === 'string' && typeof v.e === 'number' && typeof v.h === 'string' ? { u: v.u, e: v.e, h: v.h } : null;
  } catch {
    return null;
  }
}

function hashFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

/**
 * Creates a session for a user whose credentials were checked, recording the client's IP address and
 * network, with `alsoInTx` (a password re-hash, a used code step) in the same transaction.
 */
export async function openSession(deps: AppDeps, user: UserRecord, client: Client | undefined, alsoInTx: (tx: Repos) => Promise<void>): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const network = client ? await deps.ipInfo.lookup(client.ip) : null;
  const logInId = randomUUID();
  await deps.store.transaction(async (tx) => {
    await alsoInTx(tx);
    await tx.accounts.createSession({ tokenHash: sessionTokenHash(token), userId: user.id, createdAt: now, expiresAt });
    await tx.fraud.recordStaffLogIn({
      id: logInId, userId: user.id, producerId: user.producerId, at: now,
      ip: client?.ip ?? null, asn: network?.asn ?? null, organisation: network?.organisation ?? null,
    });
  });
  deps.log.info({ userId: user.id, logInId, asn: network?.asn ?? null }, 'logged in');
  return { token, expiresAt };
}

/**
 * Log-in in one step, for a user without a second factor (scripts and tests); a user with TOTP is
 * refused here and must go through startLogIn and completeLogIn.
 */
export async function logIn(deps: AppDeps, email: string, password: string, client?: Client): Promise<Result<{ token: string; expiresAt: Date }>> {
  const step = await startLogIn(deps, email, password, client);
  if (!step.ok) return step;
  if (step.value.kind === 'code') return fail('unauthenticated', 'This account needs the code from its authenticator app.');
  return ok({ token: step.value.token, expiresAt: step.value.expiresAt });
}

export async function sessionUser(deps: AppDeps, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  return deps.store.accounts.sessionUser(sessionTokenHash(token), deps.clock.now());
}

export async function logOut(deps: AppDeps, token: string | undefined): Promise<void> {
  if (token) await deps.store.accounts.deleteSession(sessionTokenHash(token));
}
