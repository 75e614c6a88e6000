/** Who may do what, in one table. Issue 6 grows this into per-resource policies. */
export type Role = 'owner' | 'admin' | 'box_office' | 'door' | 'viewer';
export type Action =
  | 'orders.read' | 'orders.refund' | 'performances.cancel' | 'door.scan' | 'attendees.export' | 'orders.resend' | 'tickets.rename'
  | 'buyers.email' | 'sales.read' | 'checkout.configure';

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
  // Discount codes and checkout questions of the producer's events.
  'checkout.configure': ['owner', 'admin'],
};

export function may(role: string, action: Action): boolean {
  return (allowed[action] as readonly string[]).includes(role);
}
