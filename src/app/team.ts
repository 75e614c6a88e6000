import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { type Role, UNVERIFIED_MESSAGE, may, mayAs } from '../domain/policy.ts';
import { normaliseEmail } from '../domain/subject.ts';
import { ROLE_LABELS, isRole, mayAssignRole, passwordProblem, removesLastOwner } from '../domain/team.ts';
import { sessionTokenHash } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import type { InvitationRecord, SessionUser, TeamMember } from './ports.ts';

/**
 * A producer's team (issue 6 §1): owners and admins invite people by email with a role, revoke
 * invitations, change roles and remove members; only an owner touches the owner role, and the last
 * owner stays. Every change is audited in its own transaction. An invitation's token is derived
 * (HMAC) from its mail's id, stored only as a SHA-256 hash, and works once, for INVITATION_DAYS.
 * A person belongs to one producer: an address that has an account cannot accept an invitation.
 */

export const INVITATION_DAYS = 7;
const INVITE_PURPOSE = 'team-invitation';

export interface TeamView { members: TeamMember[]; invitations: InvitationRecord[] }

function mayManage(user: SessionUser): Result<void> {
  if (!may(user.role, 'team.manage')) return fail('forbidden', 'Your role cannot manage the team.');
  if (!mayAs(user, 'team.manage')) return fail('forbidden', UNVERIFIED_MESSAGE);
  return ok(undefined);
}

export async function teamView(deps: AppDeps, user: SessionUser): Promise<Result<TeamView>> {
  if (!may(user.role, 'team.read')) return fail('forbidden', 'Your role cannot see the team.');
  return ok({ members: await deps.store.team.members(user.producerId), invitations: await deps.store.team.pendingInvitations(user.producerId, deps.clock.now()) });
}

export function invitationUrl(deps: AppDeps, mailId: string): string {
  return `${deps.settings.baseUrl}/invite/${deps.keys.derivedToken(INVITE_PURPOSE, mailId)}`;
}

/** The stored hash of the token in the invitation mail with this id. */
export function invitationTokenHashOfMail(deps: AppDeps, mailId: string): string {
  return sessionTokenHash(deps.keys.derivedToken(INVITE_PURPOSE, mailId));
}

export async function inviteMember(deps: AppDeps, user: SessionUser, input: { email: string; role: string }): Promise<Result<{ invitationId: string }>> {
  const allowed = mayManage(user);
  if (!allowed.ok) return allowed;
  const email = normaliseEmail(input.email);
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return fail('invalid_input', 'Enter a valid email address.');
  if (!isRole(input.role)) return fail('invalid_input', 'Choose one of the roles.');
  const role: Role = input.role;
  if (!mayAssignRole(user.role, null, role)) return fail('forbidden', 'Only an owner can invite another owner.');
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx): Promise<Result<{ invitationId: string }>> => {
    await tx.team.lockTeam(user.producerId);
    if (await tx.team.pendingInvitationFor(user.producerId, email, now)) {
      return fail('conflict', 'That address has an invitation waiting already. Revoke it first to send a new one.');
    }
    const invitationId = randomUUID();
    const mailId = randomUUID();
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
    await tx.team.createInvitation({ id: invitationId, producerId: user.producerId, email, role, tokenHash: invitationTokenHashOfMail(deps, mailId), invitedBy: user.userId, createdAt: now, expiresAt });
    await tx.subjects.enqueueMail({ id: mailId, email, subjectRef: deps.keys.subjectRef(email), kind: 'team_invitation', createdAt: now, linkExpiresAt: expiresAt });
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'team.invite', subject: `invitation:${invitationId}`,
      reason: 'invited a team member', detail: { role }, at: now,
    });
    return ok({ invitationId });
  });
  if (result.ok) {
    deps.log.info({ userId: user.userId, invitationId: result.value.invitationId }, 'team member invited');
    sendQueuedMail(deps);
  }
  return result;
}

export async function revokeInvitation(deps: AppDeps, user: SessionUser, invitationId: string): Promise<Result<void>> {
  const allowed = mayManage(user);
  if (!allowed.ok) return allowed;
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    if (!(await tx.team.revokeInvitation(user.producerId, invitationId, user.userId, now))) return fail('not_found', 'There is no such invitation waiting.');
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'team.invite_revoke', subject: `invitation:${invitationId}`,
      reason: 'revoked an invitation', at: now,
    });
    return ok(undefined);
  });
}

/** Changes a member's role, or removes them (`to` = null). Serialised per producer, so the last owner always stays. */
export async function changeMemberRole(deps: AppDeps, user: SessionUser, memberId: string, to: string | null): Promise<Result<void>> {
  const allowed = mayManage(user);
  if (!allowed.ok) return allowed;
  if (to !== null && !isRole(to)) return fail('invalid_input', 'Choose one of the roles.');
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    await tx.team.lockTeam(user.producerId);
    const member = await tx.team.member(user.producerId, memberId);
    if (!member || !isRole(member.role)) return fail('not_found', 'There is no such member of your team.');
    const from: Role = member.role;
    if (!mayAssignRole(user.role, from, to)) return fail('forbidden', 'Only an owner can make someone an owner, or change or remove an owner.');
    if (removesLastOwner(await tx.team.countOwners(user.producerId), from, to)) {
      return fail('conflict', 'Your organisation needs at least one owner. Make someone else an owner first.');
    }
    if (to === null) await tx.team.removeMember(user.producerId, memberId, now);
    else await tx.team.setRole(user.producerId, memberId, to);
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: to === null ? 'team.remove' : 'team.role_change',
      subject: `user:${memberId}`, reason: to === null ? 'removed a team member' : 'changed a role', detail: { from, to }, at: now,
    });
    deps.log.info({ userId: user.userId, memberId, from, to }, to === null ? 'team member removed' : 'team role changed');
    return ok(undefined);
  });
}

const INVALID = `This invitation is not valid any more: it was used or revoked, or it is more than ${INVITATION_DAYS} days old. Ask whoever invited you for a new one.`;
export const ONE_PRODUCER_MESSAGE =
  'This email address already has a Marquee account. A person belongs to one organisation: ask whoever invited you to invite another address of yours.';

export interface InvitationView { producerName: string; inviterName: string; email: string; role: Role; roleLabel: string }

function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

async function pending(deps: AppDeps, token: string): Promise<Result<InvitationRecord & { role: Role }>> {
  if (!wellFormed(token)) return fail('not_found', INVALID);
  const i = await deps.store.team.invitationByTokenHash(sessionTokenHash(token));
  if (!i || i.acceptedAt || i.revokedAt || i.expiresAt <= deps.clock.now() || !isRole(i.role)) return fail('not_found', INVALID);
  return ok({ ...i, role: i.role });
}

export async function checkInvitation(deps: AppDeps, token: string): Promise<Result<InvitationView>> {
  const i = await pending(deps, token);
  if (!i.ok) return i;
  return ok({ producerName: i.value.producerName, inviterName: i.value.inviterName, email: i.value.email, role: i.value.role, roleLabel: ROLE_LABELS[i.value.role] });
}

/**
 * The invitee sets their name and password: the user is made (verified: the link came to the
 * address), and the invitation used, in one transaction; a second use finds it used.
 */
export async function acceptInvitation(deps: AppDeps, token: string, input: { name: string; password: string }): Promise<Result<{ userId: string }>> {
  const i = await pending(deps, token);
  if (!i.ok) return i;
  const name = input.name.trim();
  if (name.length < 1 || name.length > 120) return fail('invalid_input', 'Enter your name (120 characters at most).');
  const weak = passwordProblem(input.password, i.value.email);
  if (weak) return fail('invalid_input', weak);
  const passwordHash = await deps.passwords.hash(input.password);
  const now = deps.clock.now();
  const userId = randomUUID();
  return deps.store.transaction(async (tx) => {
    // One accept at a time per team: a double submit finds the invitation used, not a taken address.
    await tx.team.lockTeam(i.value.producerId);
    const still = await tx.team.invitationByTokenHash(sessionTokenHash(token));
    if (!still || still.acceptedAt || still.revokedAt || still.expiresAt <= now) return fail('not_found', INVALID);
    if (await tx.team.emailTaken(i.value.email)) return fail('conflict', ONE_PRODUCER_MESSAGE);
    const created = await tx.team.createUser({ id: userId, producerId: i.value.producerId, email: i.value.email, name, passwordHash, role: i.value.role, createdAt: now, emailVerifiedAt: now });
    if (!created) return fail('conflict', ONE_PRODUCER_MESSAGE);
    if (!(await tx.team.acceptInvitation(sessionTokenHash(token), userId, now))) throw new InvitationGone();
    await tx.audit.record({
      actorKind: 'producer_user', actorId: userId, producerId: i.value.producerId, action: 'team.join', subject: `invitation:${i.value.id}`,
      reason: 'accepted an invitation', detail: { user: userId, role: i.value.role }, at: now,
    });
    deps.log.info({ userId, invitationId: i.value.id }, 'invitation accepted');
    return ok({ userId });
  }).catch((e: unknown) => {
    if (e instanceof InvitationGone) return fail('not_found', INVALID);
    throw e;
  });
}

class InvitationGone extends Error {}
