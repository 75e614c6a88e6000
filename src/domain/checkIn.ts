/** What the door answers for one scan. One of these, always. */
export type ScanVerdict =
  | { readonly kind: 'valid'; readonly ticketId: string; readonly attendeeName: string; readonly ticketTypeName: string }
  | { readonly kind: 'already_checked_in'; readonly ticketId: string; readonly checkedInAt: Date }
  | { readonly kind: 'bad_signature' }
  | { readonly kind: 'wrong_event'; readonly ticketId: string }
  | { readonly kind: 'invalid_ticket'; readonly ticketId: string; readonly reason: string }
  | { readonly kind: 'unknown' };

export const VERDICT_LABEL: Readonly<Record<ScanVerdict['kind'], string>> = {
  valid: 'Valid: let them in',
  already_checked_in: 'Already checked in',
  bad_signature: 'Bad signature: not a genuine ticket',
  wrong_event: 'Wrong event',
  invalid_ticket: 'Not valid',
  unknown: 'Unknown ticket',
};

export function outsideWindow(now: Date, validFrom?: Date, validUntil?: Date): boolean {
  return (validFrom !== undefined && now < validFrom) || (validUntil !== undefined && now > validUntil);
}
