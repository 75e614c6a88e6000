import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import {
  ADMISSION_MINUTES, MAX_PER_MINUTE, MIN_PER_MINUTE, VISITOR_ID, type WaitingRoom, admissionPayload, admittedCount, aheadOf, estimatedWaitMinutes, isAdmitted, queueKey, repace,
} from '../domain/waitingRoom.ts';
import type { AppDeps } from './deps.ts';
import type { ProducerEvent, SessionUser, WaitingRoomSettings } from './ports.ts';

/** Where a visitor stands on one poll of the queue page. */
export type QueueStatus =
  | { kind: 'none' }
  | { kind: 'early'; room: WaitingRoom; waiting: number }
  | { kind: 'waiting'; room: WaitingRoom; position: number; ahead: number; waitMinutes: number }
  | { kind: 'admitted'; room: WaitingRoom; token: string; expiresAt: Date };

/**
 * One poll of the waiting room: O(1), and no database read. The room comes from the queue's cache
 * (Redis or memory), the place from the queue; an admitted visitor gets a fresh admission token.
 * `none` when the cache has no room for this slug (the event page then decides, from the database).
 */
export async function pollQueue(deps: AppDeps, eventSlug: string, visitorId: string): Promise<QueueStatus> {
  const room = await deps.waitingRoom.room(eventSlug);
  if (!room) return { kind: 'none' };
  const now = deps.clock.now();
  const place = await deps.waitingRoom.enter(queueKey(room), visitorId, {
    opened: now >= room.opensAt,
    floor: admittedCount(room, now),
    // 48 random bits: independent, uniform keys sort into a uniformly random order (ADR 0012).
    randomKey: randomInt(2 ** 48 - 1),
  });
  if (place.kind === 'early') return { kind: 'early', room, waiting: place.waiting };
  if (isAdmitted(room, place.position, now)) return { kind: 'admitted', room, ...admissionToken(deps, room.eventId, visitorId) };
  return { kind: 'waiting', room, position: place.position, ahead: aheadOf(room, place.position, now), waitMinutes: estimatedWaitMinutes(room, place.position, now) };
}

/**
 * A new visitor id for the waiting-room cookie: random, with a MAC, so a script cannot make up ids by
 * the thousand to hold many places; it must ask /events/:slug/queue/join, which is rate-limited per address.
 */
export function newVisitorId(deps: AppDeps): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${visitorMac(deps, id)}`;
}

/** The visitor id if the box office issued it, else null. */
export function issuedVisitorId(deps: AppDeps, value: string | undefined): string | null {
  const m = value ? VISITOR_ID.exec(value) : null;
  if (!m) return null;
  return sameText(m[2]!, visitorMac(deps, m[1]!)) ? value! : null;
}

const visitorMac = (deps: AppDeps, id: string) => deps.keys.derivedToken('waiting-room-visitor', id).slice(0, 22);
const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A signed admission: `<expiry seconds>.<HMAC of event, visitor and expiry>`, with a key derived from the master secret. */
export function admissionToken(deps: AppDeps, eventId: string, visitorId: string): { token: string; expiresAt: Date } {
  const expiresAtSeconds = Math.floor(deps.clock.now().getTime() / 1000) + ADMISSION_MINUTES * 60;
  const mac = deps.keys.derivedToken('waiting-room-admission', admissionPayload(eventId, visitorId, expiresAtSeconds));
  return { token: `${expiresAtSeconds}.${mac}`, expiresAt: new Date(expiresAtSeconds * 1000) };
}

/** True for an unexpired token made for this event and this visitor (their cookie); a token copied to another visitor fails. */
export function admissionValid(deps: AppDeps, eventId: string, visitorId: string | null, token: string | null): boolean {
  if (!visitorId || !token) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const expiresAtSeconds = Number(m[1]);
  if (expiresAtSeconds * 1000 <= deps.clock.now().getTime()) return false;
  return sameText(m[2]!, deps.keys.derivedToken('waiting-room-admission', admissionPayload(eventId, visitorId, expiresAtSeconds)));
}

/**
 * The gate in front of placing a hold (and of the event page): while the event's waiting room is
 * on, only a visitor with a valid admission passes. The settings are read from the database (the
 * source; one indexed read next to the hold's own), and a room missing from the cache is put back, so a flushed Redis
 * or a restarted process heals on the next visit.
 */
export async function requireAdmission(
  deps: AppDeps,
  eventSlug: string,
  visit: { visitorId: string | null; token: string | null },
): Promise<Result<{ room: WaitingRoom | null }>> {
  const settings = await deps.store.waitingRooms.forEventSlug(eventSlug);
  if (!settings?.enabled) return ok({ room: null });
  const eventId = settings.eventId;
  const room = roomOf(settings);
  try {
    const cached = await deps.waitingRoom.room(room.eventSlug);
    if (!cached || cached.opensAt.getTime() !== room.opensAt.getTime() || cached.rateFrom.getTime() !== room.rateFrom.getTime() || cached.perMinute !== room.perMinute) {
      await deps.waitingRoom.putRoom(room);
    }
  } catch (err) {
    // The gate decides from the database; a cache it cannot reach only delays the healing.
    deps.log.warn({ eventId, err: String(err) }, 'waiting room cache unavailable');
  }
  if (!admissionValid(deps, eventId, visit.visitorId, visit.token)) {
    return fail('forbidden', 'This sale has a waiting room. Join the queue, and you can choose tickets when it is your turn.', { queue: queuePath(room.eventSlug) });
  }
  return ok({ room });
}

export const queuePath = (eventSlug: string) => `/events/${encodeURIComponent(eventSlug)}/queue`;

export interface WaitingRoomForm { enabled: boolean; opensAt: Date; perMinute: number }

/** The producer's events, each with its waiting room (null when it never had one). */
export async function waitingRoomsOverview(deps: AppDeps, user: SessionUser): Promise<Result<{ event: ProducerEvent; room: WaitingRoomSettings | null }[]>> {
  if (!may(user.role, 'events.manage')) return fail('forbidden', 'Your role cannot change how sales run.');
  const [events, rooms] = await Promise.all([deps.store.attendees.eventsOf(user.producerId), deps.store.waitingRooms.ofProducer(user.producerId)]);
  return ok(events.map((event) => ({ event, room: rooms.find((r) => r.eventId === event.id) ?? null })));
}

/** The producer's own event and its waiting room settings (null before any were saved). */
export async function waitingRoomSettings(deps: AppDeps, user: SessionUser, eventId: string): Promise<Result<{ event: ProducerEvent; settings: WaitingRoomSettings | null }>> {
  if (!may(user.role, 'events.manage')) return fail('forbidden', 'Your role cannot change how sales run.');
  const event = await deps.store.attendees.eventOf(user.producerId, eventId);
  if (!event) return fail('not_found', 'There is no such event.');
  const settings = await deps.store.waitingRooms.forEvent(eventId);
  return ok({ event, settings: settings && settings.producerId === user.producerId ? settings : null });
}

/**
 * Saves the settings, then publishes them to the queue's cache (Redis, shared by every instance, or
 * this process's memory): on, the room is put there; off, it is dropped, and the gate opens at once.
 */
export async function configureWaitingRoom(deps: AppDeps, user: SessionUser, eventId: string, form: WaitingRoomForm): Promise<Result<WaitingRoomSettings>> {
  const current = await waitingRoomSettings(deps, user, eventId);
  if (!current.ok) return current;
  if (!Number.isInteger(form.perMinute) || form.perMinute < MIN_PER_MINUTE || form.perMinute > MAX_PER_MINUTE) {
    return fail('invalid_input', `Let in between ${MIN_PER_MINUTE} and ${MAX_PER_MINUTE} buyers per minute.`);
  }
  if (Number.isNaN(form.opensAt.getTime())) return fail('invalid_input', 'Give the time the sale opens.');
  const now = deps.clock.now();
  const pace = repace(current.value.settings, form, now);
  await deps.store.waitingRooms.save({ eventId, producerId: user.producerId, opensAt: form.opensAt, perMinute: form.perMinute, ...pace, enabled: form.enabled, updatedAt: now });
  const saved = (await deps.store.waitingRooms.forEvent(eventId))!;
  if (saved.enabled) await deps.waitingRoom.putRoom(roomOf(saved));
  else await deps.waitingRoom.dropRoom(saved.eventSlug);
  deps.log.info({ eventId, enabled: saved.enabled, perMinute: saved.perMinute }, 'waiting room saved');
  return ok(saved);
}

/** Fills the cache with every room that is on (at start: memory is empty, Redis may have been flushed). */
export async function publishWaitingRooms(deps: AppDeps): Promise<number> {
  const rooms = await deps.store.waitingRooms.allEnabled();
  for (const r of rooms) await deps.waitingRoom.putRoom(roomOf(r));
  return rooms.length;
}

function roomOf(s: WaitingRoomSettings): WaitingRoom {
  return {
    eventId: s.eventId, producerId: s.producerId, eventSlug: s.eventSlug, eventTitle: s.eventTitle, timeZone: s.timeZone,
    opensAt: s.opensAt, perMinute: s.perMinute, rateFrom: s.rateFrom, admittedAtRateFrom: s.admittedAtRateFrom,
  };
}
