import { type Result, fail, ok } from '../domain/errors.ts';
import { matchTotp, newTotpSecret, otpauthUri } from '../domain/totp.ts';
import { TOTP_SECRET_PURPOSE, matchUserCode } from './auth.ts';
import type { AppDeps } from './deps.ts';
import type { SessionUser } from './ports.ts';

/**
 * TOTP two-factor for producer users (issue 6 §1). The secret is sealed with AES-256-GCM under a
 * key derived from the master secret before it is stored; it is switched on only once the user has
 * entered a current code from it, and switched off only with a current code.
 */

const ISSUER = 'Marquee';

export type TwoFactorStatus =
  | { state: 'off' }
  | { state: 'pending'; secret: string; uri: string }
  | { state: 'on'; since: Date };

/** What the security page shows; the secret only while the enrolment waits for its first code. */
export async function twoFactorStatus(deps: AppDeps, user: SessionUser): Promise<TwoFactorStatus> {
  const totp = await deps.store.credentials.totpOf(user.userId);
  if (!totp) return { state: 'off' };
  if (totp.confirmedAt) return { state: 'on', since: totp.confirmedAt };
  const secret = deps.keys.openToken(TOTP_SECRET_PURPOSE, totp.secretSealed);
  if (!secret) return { state: 'off' };
  const account = (await deps.store.credentials.userById(user.userId))?.email ?? user.name;
  return { state: 'pending', secret, uri: otpauthUri(ISSUER, account, secret) };
}

/** Makes a new secret for the user to add to their app (replacing an unconfirmed one). */
export async function startTwoFactor(deps: AppDeps, user: SessionUser): Promise<Result<void>> {
  const totp = await deps.store.credentials.totpOf(user.userId);
  if (totp?.confirmedAt) return fail('conflict', 'Two-factor log-in is already on.');
  await deps.store.credentials.startTotp(user.userId, deps.keys.sealToken(TOTP_SECRET_PURPOSE, newTotpSecret()), deps.clock.now());
  deps.log.info({ userId: user.userId }, 'two-factor enrolment started');
  return ok(undefined);
}

const WRONG_CODE = 'That code is not right. Enter the six digits your authenticator app shows now.';

/** Switches two-factor on once the user shows a current code from the new secret. */
export async function confirmTwoFactor(deps: AppDeps, user: SessionUser, code: string): Promise<Result<void>> {
  const totp = await deps.store.credentials.totpOf(user.userId);
  if (!totp) return fail('conflict', 'Start the set-up first.');
  if (totp.confirmedAt) return fail('conflict', 'Two-factor log-in is already on.');
  const secret = deps.keys.openToken(TOTP_SECRET_PURPOSE, totp.secretSealed);
  const step = secret ? matchTotp(secret, code, deps.clock.now(), null) : null;
  if (step === null) return fail('invalid_input', WRONG_CODE);
  if (!(await deps.store.credentials.confirmTotp(user.userId, step, deps.clock.now()))) return fail('conflict', 'Two-factor log-in is already on.');
  deps.log.info({ userId: user.userId }, 'two-factor switched on');
  return ok(undefined);
}

/** Switches two-factor off; needs a current code (not one used before), so a stolen session alone cannot. */
export async function disableTwoFactor(deps: AppDeps, user: SessionUser, code: string): Promise<Result<void>> {
  const totp = await deps.store.credentials.totpOf(user.userId);
  if (!totp?.confirmedAt) return fail('conflict', 'Two-factor log-in is not on.');
  const step = await matchUserCode(deps, user.userId, code);
  if (step === null) return fail('invalid_input', WRONG_CODE);
  const done = await deps.store.transaction(async (tx) => {
    if (!(await tx.credentials.useTotpStep(user.userId, step))) return false;
    await tx.credentials.deleteTotp(user.userId);
    return true;
  });
  if (!done) return fail('invalid_input', WRONG_CODE);
  deps.log.info({ userId: user.userId }, 'two-factor switched off');
  return ok(undefined);
}
