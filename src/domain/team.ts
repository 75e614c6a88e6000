import type { Role } from './policy.ts';

/** Team rules of a producer (issue 6 §1): roles, who may hand out which, and what makes a password too weak. */

export const ROLES: readonly Role[] = ['owner', 'admin', 'box_office', 'door', 'viewer'];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: 'Owner', admin: 'Admin', box_office: 'Box office', door: 'Door', viewer: 'Viewer',
};

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}

/**
 * Whether an actor (owner or admin) may move a member (or an invitation) from one role to another;
 * `null` is "not a member" (an invitation, or a removal). Only an owner hands out, changes or takes
 * away the owner role, so an admin cannot promote themselves past the owners or push one out.
 */
export function mayAssignRole(actorRole: string, from: Role | null, to: Role | null): boolean {
  if (actorRole !== 'owner' && actorRole !== 'admin') return false;
  if ((from === 'owner' || to === 'owner') && actorRole !== 'owner') return false;
  return true;
}

/** A producer must keep an owner: true when this change would take away the last one. */
export function removesLastOwner(owners: number, from: Role, to: Role | null): boolean {
  return from === 'owner' && to !== 'owner' && owners <= 1;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1000;

/** Why a new password will not do, or null. It must be long enough and not be, or contain, the email address or its name part. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `That password is too long (${MAX_PASSWORD_LENGTH} characters at most).`;
  const p = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (p.includes(address) || (local.length >= 4 && p.includes(local))) return 'Your password must not contain your email address. Choose something else.';
  return null;
}

/** A producer's public slug: lower-case letters, digits and single hyphens, 3 to 40 characters. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,39}$/;
