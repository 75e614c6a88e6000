import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import type { Client, SessionUser } from './ports.ts';

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

/**
 * A successful log-in records the client's IP address and network with the new session, and
 * replaces a password hash of an older scheme (scrypt) or weaker parameters, in one transaction.
 */
export async function logIn(deps: AppDeps, email: string, password: string, client?: Client): Promise<Result<{ token: string; expiresAt: Date }>> {
  const user = await deps.store.accounts.userByEmail(email);
  const good = await deps.passwords.verify(user?.passwordHash ?? DUMMY_PASSWORD_HASH, password);
  if (!user || !good) {
    deps.log.warn({ userId: user?.id ?? null }, 'failed log-in');
    return fail('unauthenticated', 'That email and password do not match an account.');
  }
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const network = client ? await deps.ipInfo.lookup(client.ip) : null;
  const logInId = randomUUID();
  const rehashed = deps.passwords.needsRehash(user.passwordHash) ? await deps.passwords.hash(password) : null;
  await deps.store.transaction(async (tx) => {
    await tx.accounts.createSession({ tokenHash: sessionTokenHash(token), userId: user.id, createdAt: now, expiresAt });
    if (rehashed) await tx.accounts.replacePasswordHash(user.id, user.passwordHash, rehashed);
    await tx.fraud.recordStaffLogIn({
      id: logInId, userId: user.id, producerId: user.producerId, at: now,
      ip: client?.ip ?? null, asn: network?.asn ?? null, organisation: network?.organisation ?? null,
    });
  });
  deps.log.info({ userId: user.id, logInId, asn: network?.asn ?? null, rehashed: rehashed !== null }, 'logged in');
  return ok({ token, expiresAt });
}

export async function sessionUser(deps: AppDeps, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  return deps.store.accounts.sessionUser(sessionTokenHash(token), deps.clock.now());
}

export async function logOut(deps: AppDeps, token: string | undefined): Promise<void> {
  if (token) await deps.store.accounts.deleteSession(sessionTokenHash(token));
}
