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
  /** Buyers admitted per minute, since `rateFrom`. */
  perMinute: number;
  /** When the current rate took effect (the opening, or a later change of rate), and how many were admitted by then. */
  rateFrom: Date;
  admittedAtRateFrom: number;
}

type Pace = Pick<WaitingRoom, 'opensAt' | 'perMinute' | 'rateFrom' | 'admittedAtRateFrom'>;

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
 * How many places have been admitted by `now`: positions 0 … n-1. From the opening (or the last
 * change of rate) position p is admitted (p + 1 - admitted then) / perMinute minutes later, so the
 * first buyer waits one interval, and a new rate applies from its change, never backwards.
 */
export function admittedCount(room: Pace, now: Date): number {
  if (now < room.opensAt) return 0;
  const from = Math.max(room.rateFrom.getTime(), room.opensAt.getTime());
  const ms = Math.max(0, now.getTime() - from);
  return room.admittedAtRateFrom + Math.floor((ms * room.perMinute) / 60_000);
}

export function isAdmitted(room: Pace, position: number, now: Date): boolean {
  return position < admittedCount(room, now);
}

/** Whole minutes (at least 1) until position `position` is admitted; 0 once it is. */
export function estimatedWaitMinutes(room: Pace, position: number, now: Date): number {
  if (isAdmitted(room, position, now)) return 0;
  const from = Math.max(room.rateFrom.getTime(), room.opensAt.getTime());
  const at = from + ((position + 1 - room.admittedAtRateFrom) * 60_000) / room.perMinute;
  return Math.max(1, Math.ceil((at - now.getTime()) / 60_000));
}

/**
 * The pace after the producer saves new settings at `now`: a new opening time starts over; a new
 * rate after the opening counts from now, keeping everyone admitted so far admitted.
 */
export function repace(previous: Pace | null, next: { opensAt: Date; perMinute: number }, now: Date): Pick<WaitingRoom, 'rateFrom' | 'admittedAtRateFrom'> {
  if (!previous || previous.opensAt.getTime() !== next.opensAt.getTime() || now <= next.opensAt) return { rateFrom: next.opensAt, admittedAtRateFrom: 0 };
  if (previous.perMinute === next.perMinute) return { rateFrom: previous.rateFrom, admittedAtRateFrom: previous.admittedAtRateFrom };
  return { rateFrom: now, admittedAtRateFrom: admittedCount(previous, now) };
}

/** People still ahead of position `position` (0 when it is next or admitted). */
export function aheadOf(room: Pace, position: number, now: Date): number {
  return Math.max(0, position - admittedCount(room, now));
}

/** What an admission token signs: the event, the visitor (from their cookie) and the expiry in whole seconds. */
export function admissionPayload(eventId: string, visitorId: string, expiresAtSeconds: number): string {
  return `admission:v1|${eventId}|${visitorId}|${expiresAtSeconds}`;
}

/** A visitor id: 16 random bytes and a 16-byte MAC over them, both base64url, so only ids the box office issued count. */
export const VISITOR_ID = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;
