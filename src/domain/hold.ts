import { type Result, fail, ok } from './errors.ts';

export const MAX_TICKETS_PER_HOLD = 10;

export interface RequestedLine {
  readonly ticketTypeId: string;
  readonly quantity: number;
}

/** Drops zero lines and checks what a buyer may ask for in one hold. */
export function normaliseRequest(lines: readonly RequestedLine[]): Result<RequestedLine[]> {
  const merged = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 0) {
      return fail('invalid_input', 'Quantities must be whole numbers of zero or more.');
    }
    if (line.quantity > 0) merged.set(line.ticketTypeId, (merged.get(line.ticketTypeId) ?? 0) + line.quantity);
  }
  const result = [...merged].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
  const total = result.reduce((sum, l) => sum + l.quantity, 0);
  if (total === 0) return fail('invalid_input', 'Choose at least one ticket.');
  if (total > MAX_TICKETS_PER_HOLD) {
    return fail('invalid_input', `You can hold at most ${MAX_TICKETS_PER_HOLD} tickets at a time.`, { max: MAX_TICKETS_PER_HOLD });
  }
  // A stable order, so that concurrent holds lock rows in the same order and cannot deadlock.
  result.sort((a, b) => (a.ticketTypeId < b.ticketTypeId ? -1 : a.ticketTypeId > b.ticketTypeId ? 1 : 0));
  return ok(result);
}

export function holdExpiry(now: Date, minutes: number): Date {
  return new Date(now.getTime() + minutes * 60_000);
}

export function isHoldLive(hold: { status: string; expiresAt: Date }, now: Date): boolean {
  return hold.status === 'active' && hold.expiresAt.getTime() > now.getTime();
}

/** Places still on sale: capacity less sold tickets and live holds, never below zero. */
export function available(capacity: number, sold: number, held: number): number {
  return Math.max(0, capacity - sold - held);
}
