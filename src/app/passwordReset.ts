import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { normaliseEmail } from '../domain/subject.ts';
import { sessionTokenHash } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';

/**
 * Password reset for producer users (issue 6 §1). The token in the mailed link is derived (HMAC)
 * from the mail's id, so the outbox never holds it; the database keeps only its SHA-256 hash. It
 * works once, for 30 minutes, and using it ends every session of the user.
 */

export const RESET_MINUTES = 30;
const TOKEN_PURPOSE = 'password-reset';
/** At most this many reset mails per address and hour, counted with the other mails to a person. */
const RESETS_PER_HOUR = 3;
export const MIN_PASSWORD_LENGTH = 12;

/** The one answer to the form, whether or not the address has an account (no account enumeration). */
export const RESET_REQUESTED_MESSAGE =
  `If that address belongs to an account, we have just emailed it a link to set a new password. The link works once, for ${RESET_MINUTES} minutes. ` +
  'If nothing arrives, check your spam folder, or ask again in a few minutes.';

export function passwordResetUrl(deps: AppDeps, mailId: string): string {
  return `${deps.settings.baseUrl}/login/reset/${deps.keys.derivedToken(TOKEN_PURPOSE, mailId)}`;
}

/** Queues a reset link if the address has an account; the caller shows RESET_REQUESTED_MESSAGE either way. */
export async function requestPasswordReset(deps: AppDeps, email: string): Promise<void> {
  const address = normaliseEmail(email);
  if (address.length > 254) return;
  const subjectRef = deps.keys.subjectRef(address);
  const now = deps.clock.now();
  const queued = await deps.store.transaction(async (tx) => {
    const user = await tx.accounts.userByEmail(address);
    if (!user) return false;
    if ((await tx.subjects.mailsSince(subjectRef, new Date(now.getTime() - 3_600_000))) >= RESETS_PER_HOUR) return false;
    const mailId = randomUUID();
    const expiresAt = new Date(now.getTime() + RESET_MINUTES * 60_000);
    await tx.credentials.createPasswordReset({ tokenHash: sessionTokenHash(deps.keys.derivedToken(TOKEN_PURPOSE, mailId)), userId: user.id, createdAt: now, expiresAt });
    await tx.subjects.enqueueMail({ id: mailId, email: user.email, subjectRef, kind: 'password_reset', createdAt: now, linkExpiresAt: expiresAt });
    deps.log.info({ userId: user.id, subjectMailId: mailId }, 'password reset requested');
    return true;
  });
  if (queued) sendQueuedMail(deps);
}

const INVALID = 'This link is not valid any more: it was used, or it is more than 30 minutes old. Ask for a new one.';

function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Whether a reset link can still be used (for showing the form). */
export async function checkPasswordReset(deps: AppDeps, token: string): Promise<Result<void>> {
  if (!wellFormed(token)) return fail('not_found', INVALID);
  const userId = await deps.store.credentials.passwordResetUser(sessionTokenHash(token), deps.clock.now());
  return userId ? ok(undefined) : fail('not_found', INVALID);
}

/**
 * Sets the new password (argon2id) and ends all the user's sessions and other reset links, in one
 * transaction that also uses up the token; a second use finds it used.
 */
export async function resetPassword(deps: AppDeps, token: string, password: string): Promise<Result<void>> {
  if (!wellFormed(token)) return fail('not_found', INVALID);
  if (password.length < MIN_PASSWORD_LENGTH) return fail('invalid_input', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > 1000) return fail('invalid_input', 'That password is too long (1000 characters at most).');
  const hash = await deps.passwords.hash(password);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const userId = await tx.credentials.takePasswordReset(sessionTokenHash(token), now);
    if (!userId) return fail('not_found', INVALID);
    const { sessionsEnded } = await tx.credentials.setPassword(userId, hash, now);
    deps.log.info({ userId, sessionsEnded }, 'password reset');
    return ok(undefined);
  });
}
