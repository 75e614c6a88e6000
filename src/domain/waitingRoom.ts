/**
 * The virtual waiting room's rules (issue 4 §4, ADR 0012), pure: who is admitted when, how long
 * the wait is, and what an admission token says. Storage of places lives behind the
 * WaitingRoomQueue port; signing lives in the app.
 */

/** A producer's waiting room in front of one event's on-sale. */
export interface WaitingRoom {
  eventId: string;
  producerId: string;
  eventSlug: string;
  eventTitle: string;
  /** The venue's time zone, to show the opening time in. */
  timeZone: string;
  opensAt: Date;
  /** Buyers admitted per minute once the sale opens. */
  perMinute: number;
}

export const MIN_PER_MINUTE = 1;
export const MAX_PER_MINUTE = 10_000;
/** How long an admission lasts: long enough to choose tickets, short enough that a copied token soon dies. */
export const ADMISSION_MINUTES = 15;

/**
 * The queue of one opening: a new opening time starts a new queue (new random draw), while a
 * new rate keeps everyone's place.
 */
export function queueKey(room: Pick<WaitingRoom, 'eventId' | 'opensAt'>): string {
  return `${room.eventId}:${room.opensAt.getTime()}`;
}

/**
 * How many places have been admitted by `now`: positions 0 … n-1. Position p is admitted
 * (p + 1) / perMinute minutes after the opening, so the first buyer waits one interval.
 */
export function admittedCount(room: Pick<WaitingRoom, 'opensAt' | 'perMinute'>, now: Date): number {
  const ms = now.getTime() - room.opensAt.getTime();
  if (ms < 0) return 0;
  return Math.floor((ms * room.perMinute) / 60_000);
}

export function isAdmitted(room: Pick<WaitingRoom, 'opensAt' | 'perMinute'>, position: number, now: Date): boolean {
  return position < admittedCount(room, now);
}

/** Whole minutes (at least 1) until position `position` is admitted; 0 once it is. */
export function estimatedWaitMinutes(room: Pick<WaitingRoom, 'opensAt' | 'perMinute'>, position: number, now: Date): number {
  if (isAdmitted(room, position, now)) return 0;
  const at = room.opensAt.getTime() + ((position + 1) * 60_000) / room.perMinute;
  return Math.max(1, Math.ceil((at - now.getTime()) / 60_000));
}

/** People still ahead of position `position` (0 when it is next or admitted). */
export function aheadOf(room: Pick<WaitingRoom, 'opensAt' | 'perMinute'>, position: number, now: Date): number {
  return Math.max(0, position - admittedCount(room, now));
}

/** What an admission token signs: the event, the visitor (from their cookie) and the expiry in whole seconds. */
export function admissionPayload(eventId: string, visitorId: string, expiresAtSeconds: number): string {
  return `admission:v1|${eventId}|${visitorId}|${expiresAtSeconds}`;
}

/** A visitor id is 16 random bytes in base64url. */
export const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;
