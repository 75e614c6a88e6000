import { randomUUID } from 'node:crypto';
import { outsideWindow, type ScanVerdict } from '../domain/checkIn.ts';
import { decodeTicketCode } from '../domain/ticketCode.ts';
import type { AppDeps } from './deps.ts';
import type { DoorPerformance, SessionUser } from './ports.ts';

export function doorPerformances(deps: AppDeps, user: SessionUser): Promise<DoorPerformance[]> {
  return deps.store.accounts.doorPerformances(user.producerId, deps.clock.now());
}

/** One of the producer's performances open at the door, or null: another producer's is never one. */
export async function doorPerformance(deps: AppDeps, user: SessionUser, performanceId: string): Promise<DoorPerformance | null> {
  return (await doorPerformances(deps, user)).find((p) => p.id === performanceId) ?? null;
}

/**
 * One scan at the door of `performanceId`. The code's signature is checked with the producer's
 * public key first; only a genuine code reaches the database, and a valid one is checked in.
 */
export async function scanTicket(deps: AppDeps, user: SessionUser, input: { code: string; performanceId: string }): Promise<ScanVerdict> {
  const now = deps.clock.now();
  const decoded = decodeTicketCode(input.code, deps.keys.ticketSigningKey(user.producerId).publicKey);
  if (!decoded.ok) return decoded.reason === 'bad_signature' ? { kind: 'bad_signature' } : { kind: 'unknown' };
  const claims = decoded.value;
  const ticket = await deps.store.tickets.forDoor(claims.ticketId);
  // Another producer's ticket is "unknown" here: nothing about it is revealed.
  if (!ticket || ticket.producerId !== user.producerId) return { kind: 'unknown' };
  if (ticket.performanceId !== input.performanceId) return { kind: 'wrong_event', ticketId: ticket.id };
  if (ticket.status !== 'valid') return { kind: 'invalid_ticket', ticketId: ticket.id, reason: 'This ticket was cancelled or refunded.' };
  if (outsideWindow(now, claims.validFrom, claims.validUntil)) {
    return { kind: 'invalid_ticket', ticketId: ticket.id, reason: 'This ticket is not valid at this time.' };
  }
  // A valid verdict shows the door the attendee's name: a staff read of personal data, so the
  // check-in and its audit entry (the ticket id, never the name) commit together.
  const result = await deps.store.transaction(async (tx) => {
    const r = await tx.checkIns.checkIn({ id: randomUUID(), ticketId: ticket.id, performanceId: ticket.performanceId, userId: user.userId, at: now });
    if (r.first) {
      await tx.audit.record({
        actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'door.scan', subject: `ticket:${ticket.id}`,
        reason: 'attendee name shown at the door on check-in', detail: { performanceId: ticket.performanceId }, at: now,
      });
    }
    return r;
  });
  if (!result.first) return { kind: 'already_checked_in', ticketId: ticket.id, checkedInAt: result.checkedInAt };
  deps.log.info({ ticketId: ticket.id, performanceId: ticket.performanceId, userId: user.userId }, 'checked in');
  return { kind: 'valid', ticketId: ticket.id, attendeeName: ticket.attendeeName, ticketTypeName: ticket.ticketTypeName };
}
