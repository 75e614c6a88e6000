import { randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { DUMMY_PASSWORD_HASH, sessionTokenHash } from './auth.ts';
import type { AppDeps } from './deps.ts';
import type { StaffMember } from './ports.ts';

/** Platform staff run this Marquee instance; they are not a producer's users and have their own sessions. */
const SESSION_HOURS = 8;

export type StaffRole = 'support' | 'admin';

/** Creates a staff member with a generated password, returned once for the operator to pass on. */
export async function createStaff(deps: Pick<AppDeps, 'store' | 'passwords' | 'clock' | 'log'>, input: { email: string; name: string; role: StaffRole }): Promise<Result<{ staffId: string; password: string }>> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 254) return fail('invalid_input', 'Give a valid email address.');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) return fail('invalid_input', 'Give a name (200 characters at most).');
  const password = randomBytes(18).toString('base64url');
  const staffId = randomUUID();
  const created = await deps.store.staff.create({ id: staffId, email, name, role: input.role, passwordHash: await deps.passwords.hash(password), createdAt: deps.clock.now() });
  if (!created) return fail('conflict', 'A staff member with that email exists already.');
  deps.log.info({ staffId, role: input.role }, 'platform staff created');
  return ok({ staffId, password });
}

/** A successful log-in replaces a password hash of an older scheme or weaker parameters, with the new session. */
export async function staffLogIn(deps: AppDeps, email: string, password: string): Promise<Result<{ token: string; expiresAt: Date }>> {
  const staff = await deps.store.staff.byEmail(email);
  const good = await deps.passwords.verify(staff?.passwordHash ?? DUMMY_PASSWORD_HASH, password);
  if (!staff || !good) {
    deps.log.warn({ staffId: staff?.id ?? null }, 'failed staff log-in');
    return fail('unauthenticated', 'That email and password do not match a staff account.');
  }
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const rehashed = deps.passwords.needsRehash(staff.passwordHash) ? await deps.passwords.hash(password) : null;
  await deps.store.transaction(async (tx) => {
    await tx.staff.createSession({ tokenHash: sessionTokenHash(token), staffId: staff.id, createdAt: now, expiresAt });
    if (rehashed) await tx.staff.replacePasswordHash(staff.id, staff.passwordHash, rehashed);
  });
  deps.log.info({ staffId: staff.id, rehashed: rehashed !== null }, 'staff logged in');
  return ok({ token, expiresAt });
}

export async function staffSession(deps: AppDeps, token: string | undefined): Promise<StaffMember | null> {
  if (!token || token.length > 100) return null;
  return deps.store.staff.sessionStaff(sessionTokenHash(token), deps.clock.now());
}

export async function staffLogOut(deps: AppDeps, token: string | undefined): Promise<void> {
  if (token) await deps.store.staff.deleteSession(sessionTokenHash(token));
}
