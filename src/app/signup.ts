import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { normaliseEmail } from '../domain/subject.ts';
import { SLUG_PATTERN, passwordProblem } from '../domain/team.ts';
import { sessionTokenHash } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import type { Repos, SessionUser } from './ports.ts';

/**
 * Sign-up and email verification for producers (issue 6 §1, ADR 0013). Sign-up makes the producer
 * and its owner in one transaction; the owner's address is unverified until they open the link we
 * mail them. Its token is derived (HMAC) from the mail's id, so the outbox never holds it; the
 * database keeps only its SHA-256 hash. The answer to the form is the same whether or not the
 * address already has an account: that address gets a mail saying so instead.
 */

export const VERIFY_HOURS = 48;
const VERIFY_PURPOSE = 'email-verification';
/** At most this many sign-up or verification mails per address and hour, counted with the other mails to a person. */
const MAILS_PER_HOUR = 3;

export interface SignUpInput { producerName: string; slug: string; name: string; email: string; password: string }

/** `created`: a new producer and owner; `existing`: the address had an account, which was told by mail. The pages show both the same. */
export type SignUpOutcome = { kind: 'created'; producerId: string; userId: string } | { kind: 'existing' };

export const SIGNED_UP_MESSAGE =
  `We have emailed you a link to verify your address; it works once, for ${VERIFY_HOURS} hours. ` +
  'You can log in now and set things up; publishing events, emailing buyers and inviting your team wait until the address is verified.';

export function emailVerificationUrl(deps: AppDeps, mailId: string): string {
  return `${deps.settings.baseUrl}/signup/verify/${deps.keys.derivedToken(VERIFY_PURPOSE, mailId)}`;
}

/** The hash stored for the token of the verification mail with this id. */
function verificationTokenHash(deps: AppDeps, mailId: string): string {
  return sessionTokenHash(deps.keys.derivedToken(VERIFY_PURPOSE, mailId));
}

class Raced extends Error {}

export async function signUp(deps: AppDeps, input: SignUpInput): Promise<Result<SignUpOutcome>> {
  const email = normaliseEmail(input.email);
  const slug = input.slug.trim().toLowerCase();
  const producerName = input.producerName.trim();
  const name = input.name.trim();
  if (!SLUG_PATTERN.test(slug)) return fail('invalid_input', 'The short name must be 3 to 40 lower-case letters, digits or single hyphens, like "the-old-vic".', { field: 'slug' });
  if (producerName.length < 2 || producerName.length > 120) return fail('invalid_input', 'Give your organisation a name of 2 to 120 characters.', { field: 'producerName' });
  if (name.length < 1 || name.length > 120) return fail('invalid_input', 'Enter your name (120 characters at most).', { field: 'name' });
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return fail('invalid_input', 'Enter a valid email address.', { field: 'email' });
  const weak = passwordProblem(input.password, email);
  if (weak) return fail('invalid_input', weak, { field: 'password' });
  // Hashed whatever happens next, so that a known address answers as slowly as a new one.
  const passwordHash = await deps.passwords.hash(input.password);
  const now = deps.clock.now();
  const subjectRef = deps.keys.subjectRef(email);
  const outcome = await deps.store
    .transaction(async (tx): Promise<Result<SignUpOutcome>> => {
      if (await tx.team.slugTaken(slug)) return fail('conflict', `The short name "${slug}" is taken. Choose another.`, { field: 'slug' });
      if (await tx.team.emailTaken(email)) {
        if ((await tx.subjects.mailsSince(subjectRef, new Date(now.getTime() - 3_600_000))) < MAILS_PER_HOUR) {
          await tx.subjects.enqueueMail({ id: randomUUID(), email, subjectRef, kind: 'signup_existing', createdAt: now, linkExpiresAt: now });
        }
        deps.log.info({ subjectRef }, 'sign-up with an address that has an account; told the address');
        return ok({ kind: 'existing' });
      }
      const producerId = randomUUID();
      const userId = randomUUID();
      if (!(await tx.team.createProducerWithOwner({ producerId, name: producerName, slug, userId, email, userName: name, passwordHash, createdAt: now }))) throw new Raced();
      await queueVerification(deps, tx, userId, email, now);
      await tx.audit.record({
        actorKind: 'producer_user', actorId: userId, producerId, action: 'producer.signup', subject: `producer:${producerId}`,
        reason: 'sign-up', detail: { user: userId, slug }, at: now,
      });
      deps.log.info({ producerId, userId }, 'producer signed up');
      return ok({ kind: 'created', producerId, userId });
    })
    .catch((e: unknown) => {
      if (e instanceof Raced) return fail('conflict', 'That short name or email address was taken a moment ago. Please try again.');
      throw e;
    });
  if (outcome.ok) sendQueuedMail(deps);
  return outcome;
}

async function queueVerification(deps: AppDeps, tx: Repos, userId: string, email: string, now: Date): Promise<void> {
  const mailId = randomUUID();
  const expiresAt = new Date(now.getTime() + VERIFY_HOURS * 3_600_000);
  await tx.team.createEmailVerification({ tokenHash: verificationTokenHash(deps, mailId), userId, createdAt: now, expiresAt });
  await tx.subjects.enqueueMail({ id: mailId, email, subjectRef: deps.keys.subjectRef(email), kind: 'email_verification', createdAt: now, linkExpiresAt: expiresAt });
}

/** A new verification link for the signed-in user, if their address is not verified yet. */
export async function resendVerification(deps: AppDeps, user: SessionUser): Promise<Result<void>> {
  const record = await deps.store.credentials.userById(user.userId);
  if (!record) return fail('not_found', 'There is no such user.');
  if (await deps.store.team.userVerified(user.userId)) return fail('conflict', 'Your email address is verified already.');
  const now = deps.clock.now();
  const queued = await deps.store.transaction(async (tx) => {
    if ((await tx.subjects.mailsSince(deps.keys.subjectRef(record.email), new Date(now.getTime() - 3_600_000))) >= MAILS_PER_HOUR) return false;
    await queueVerification(deps, tx, user.userId, record.email, now);
    return true;
  });
  if (!queued) return fail('rate_limited', 'We have sent you several links in the last hour. Please use one of them, or try again later.');
  deps.log.info({ userId: user.userId }, 'verification link sent again');
  sendQueuedMail(deps);
  return ok(undefined);
}

const INVALID = `This link is not valid any more: it was used, or it is more than ${VERIFY_HOURS} hours old. Log in and ask for a new one.`;

function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Whether a verification link can still be used (for showing its button). */
export async function checkEmailVerification(deps: AppDeps, token: string): Promise<Result<void>> {
  if (!wellFormed(token)) return fail('not_found', INVALID);
  return (await deps.store.team.emailVerificationUser(sessionTokenHash(token), deps.clock.now())) ? ok(undefined) : fail('not_found', INVALID);
}

/** Uses the link: once, before it expires; the user's address is verified in the same transaction, and audited. */
export async function verifyEmail(deps: AppDeps, token: string): Promise<Result<void>> {
  if (!wellFormed(token)) return fail('not_found', INVALID);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const userId = await tx.team.takeEmailVerification(sessionTokenHash(token), now);
    if (!userId) return fail('not_found', INVALID);
    const user = await tx.credentials.userById(userId);
    await tx.audit.record({
      actorKind: 'producer_user', actorId: userId, producerId: user?.producerId ?? null, action: 'user.verify_email', subject: `user:${userId}`,
      reason: 'opened the verification link', at: now,
    });
    deps.log.info({ userId }, 'email address verified');
    return ok(undefined);
  });
}
