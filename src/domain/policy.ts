/** Who may do what, in one table. Issue 6 grows this into per-resource policies. */
export type Role = 'owner' | 'admin' | 'box_office' | 'door' | 'viewer';
export type Action =
  | 'orders.read' | 'orders.refund' | 'performances.cancel' | 'door.scan' | 'attendees.export' | 'orders.resend' | 'tickets.rename'
  | 'buyers.email' | 'sales.read' | 'events.read' | 'events.manage' | 'counter.sell' | 'seatmaps.edit' | 'team.read' | 'team.manage' | 'events.publish' | 'checkout.configure';

const allowed: Readonly<Record<Action, readonly Role[]>> = {
  'orders.read': ['owner', 'admin', 'box_office', 'viewer'],
  'orders.refund': ['owner', 'admin', 'box_office'],
  'performances.cancel': ['owner', 'admin'],
  'door.scan': ['owner', 'admin', 'box_office', 'door'],
  'attendees.export': ['owner', 'admin', 'box_office'],
  'orders.resend': ['owner', 'admin', 'box_office'],
  'tickets.rename': ['owner', 'admin', 'box_office'],
  'buyers.email': ['owner', 'admin'],
  // Counts only, no buyer data: viewers may watch sales; door staff only scan.
  'sales.read': ['owner', 'admin', 'box_office', 'viewer'],
  // Events, venues, performances, ticket types and quotas: everyone on the team sees them; owners and admins change them.
  'events.read': ['owner', 'admin', 'box_office', 'door', 'viewer'],
  'events.manage': ['owner', 'admin'],
  // Selling at the counter takes money: box office staff and those above them, never door staff or viewers.
  'counter.sell': ['owner', 'admin', 'box_office'],
  // A venue's seat map decides what can be sold: owners and admins only.
  'seatmaps.edit': ['owner', 'admin'],
  // Invite people, revoke invitations, change or remove members (and only an owner touches the owner role: src/domain/team.ts).
  'team.read': ['owner', 'admin'],
  'team.manage': ['owner', 'admin'],
  'events.publish': ['owner', 'admin'],
  // Discount codes and checkout questions of the producer's events.
  'checkout.configure': ['owner', 'admin'],
};

/**
 * What an account whose email address is not verified yet may not do, whatever its role (ADR 0013):
 * anything that reaches people outside the team (publishing events, mailing buyers, inviting people).
 * It may log in, look around and set things up.
 */
const needsVerifiedEmail: ReadonlySet<Action> = new Set<Action>(['buyers.email', 'team.manage', 'events.publish']);

/** `may`, for a user whose address may not be verified: the role allows it, and the address is verified where the action needs it. */
export function mayAs(user: { role: string; verified: boolean }, action: Action): boolean {
  return may(user.role, action) && (user.verified || !needsVerifiedEmail.has(action));
}

export const UNVERIFIED_MESSAGE = 'Verify your email address first: open the link we emailed you (or ask for a new one at the top of the page).';

export function may(role: string, action: Action): boolean {
  return (allowed[action] as readonly string[]).includes(role);
}
