import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import {
  admissionToken, admissionValid, configureWaitingRoom, issuedVisitorId, newVisitorId, pollQueue, publishWaitingRooms, type QueueStatus, requireAdmission, waitingRoomSettings,
} from '../../src/app/waitingRoom.ts';
import { placeHold } from '../../src/app/holds.ts';
import { ADMISSION_MINUTES } from '../../src/domain/waitingRoom.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { type Producer, staff } from '../support/subjects.ts';

const visitor = () => randomBytes(16).toString('base64url');
const MINUTE = 60_000;

/** The use cases' deps with a store that fails on any use: a poll must not need the database. */
const withoutDatabase = (deps: AppDeps): AppDeps => ({
  ...deps,
  store: new Proxy({} as AppDeps['store'], { get: (_t, name) => { throw new Error(`the poll touched the database (store.${String(name)})`); } }),
});

/** Issue 4 §4: the waiting room's use cases, with a test clock, on both databases (queue in memory). */
describe.each(DB_KINDS)('waiting room on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let owner: SessionUser;

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Room Theatre' });
    owner = await staff(box, a);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  /** A new event of A's with a room that opens in an hour. */
  async function roomIn(minutes: number, perMinute: number) {
    const p = await producerWithEvent(box);
    const user = await staff(box, p);
    const opensAt = new Date(box.clock.now().getTime() + minutes * MINUTE);
    const saved = await configureWaitingRoom(box.deps, user, p.event.eventId, { enabled: true, opensAt, perMinute });
    if (!saved.ok) throw new Error(saved.message);
    return { p, user, opensAt };
  }
  const poll = (p: Producer, v: string) => pollQueue(withoutDatabase(box.deps), p.slug, v);
  const positionOf = (s: QueueStatus) => (s.kind === 'waiting' ? s.position : s.kind === 'admitted' ? -1 : -2);

  it('saves the settings for the producer\'s own event only, within the rate limits, and only for owners and admins', async () => {
    const opensAt = new Date(box.clock.now().getTime() + 60 * MINUTE);
    const other = await producerWithEvent(box);
    expect(await configureWaitingRoom(box.deps, owner, other.event.eventId, { enabled: true, opensAt, perMinute: 10 })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await configureWaitingRoom(box.deps, { ...owner, role: 'box_office' }, a.event.eventId, { enabled: true, opensAt, perMinute: 10 })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await configureWaitingRoom(box.deps, owner, a.event.eventId, { enabled: true, opensAt, perMinute: 0 })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await box.deps.store.waitingRooms.forEvent(a.event.eventId)).toBeNull();
    const saved = await configureWaitingRoom(box.deps, owner, a.event.eventId, { enabled: true, opensAt, perMinute: 10 });
    expect(saved).toMatchObject({ ok: true, value: { eventSlug: a.slug, perMinute: 10, enabled: true, timeZone: 'Europe/London' } });
    expect((await box.deps.waitingRoom.room(a.slug))?.opensAt).toEqual(opensAt);
    expect(await waitingRoomSettings(box.deps, owner, other.event.eventId)).toMatchObject({ ok: false, code: 'not_found' });
    // Off: the cache forgets it at once, and the gate opens.
    await configureWaitingRoom(box.deps, owner, a.event.eventId, { enabled: false, opensAt, perMinute: 10 });
    expect(await box.deps.waitingRoom.room(a.slug)).toBeNull();
    expect(await requireAdmission(box.deps, a.slug, { visitorId: null, token: null })).toMatchObject({ ok: true, value: { room: null } });
  });

  it('puts early arrivals in a random order at the opening, and later arrivals first come, first served behind them', async () => {
    const { p } = await roomIn(60, 1);
    const early = Array.from({ length: 20 }, () => visitor());
    for (const [i, v] of early.entries()) expect(await poll(p, v)).toMatchObject({ kind: 'early', waiting: i + 1 });
    box.clock.advance(60 * MINUTE);
    const late = [visitor(), visitor(), visitor()];
    // One late arrival polls first, and so triggers the draw; it still queues behind every early one.
    const firstLate = positionOf(await poll(p, late[0]!));
    const earlyPositions = [];
    for (const v of early) earlyPositions.push(positionOf(await poll(p, v)));
    expect([...earlyPositions].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Not the order of arrival (the chance that a fair draw gives exactly that is 1 in 20!).
    expect(earlyPositions).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([firstLate, positionOf(await poll(p, late[1]!)), positionOf(await poll(p, late[2]!))]).toEqual([20, 21, 22]);
  });

  it('admits at the configured rate, estimates the wait, and gives a token only to the admitted', async () => {
    const { p } = await roomIn(10, 2);
    const vs = [visitor(), visitor(), visitor()];
    box.clock.advance(10 * MINUTE);
    const first = await poll(p, vs[0]!);
    expect(first).toMatchObject({ kind: 'waiting', position: 0, ahead: 0, waitMinutes: 1 });
    expect(await poll(p, vs[1]!)).toMatchObject({ kind: 'waiting', position: 1, ahead: 1, waitMinutes: 1 });
    expect(await poll(p, vs[2]!)).toMatchObject({ kind: 'waiting', position: 2, ahead: 2, waitMinutes: 2 });
    box.clock.advance(30_000);
    expect(await poll(p, vs[0]!)).toMatchObject({ kind: 'admitted' });
    expect(await poll(p, vs[1]!)).toMatchObject({ kind: 'waiting', ahead: 0 });
    box.clock.advance(30_000);
    expect(await poll(p, vs[1]!)).toMatchObject({ kind: 'admitted' });
    expect(await poll(p, vs[2]!)).toMatchObject({ kind: 'waiting', ahead: 0, waitMinutes: 1 });
    // Rate 2 a minute: a minute later the third is in too.
    box.clock.advance(MINUTE);
    expect((await poll(p, vs[2]!)).kind).toBe('admitted');
  });

  it('refuses a hold without a valid admission, an expired one, or one copied to another visitor; admits with a fresh one', async () => {
    const { p } = await roomIn(1, 60);
    const v = visitor();
    const gate = (visit: { visitorId: string | null; token: string | null }) => requireAdmission(box.deps, p.slug, visit);
    expect(await gate({ visitorId: null, token: null })).toMatchObject({ ok: false, code: 'forbidden', details: { queue: `/events/${p.slug}/queue` } });
    await poll(p, v);
    box.clock.advance(2 * MINUTE);
    const admitted = await poll(p, v);
    if (admitted.kind !== 'admitted') throw new Error(`expected admission, got ${admitted.kind}`);
    expect(await gate({ visitorId: v, token: admitted.token })).toMatchObject({ ok: true });
    // A token copied to another browser (another visitor cookie) is refused.
    expect(await gate({ visitorId: visitor(), token: admitted.token })).toMatchObject({ ok: false, code: 'forbidden' });
    // So is one made for another event, and a forged one.
    expect(admissionValid(box.deps, a.event.eventId, v, admitted.token)).toBe(false);
    expect(await gate({ visitorId: v, token: `${admitted.token.split('.')[0]}.${'A'.repeat(43)}` })).toMatchObject({ ok: false });
    expect(await gate({ visitorId: v, token: `${Number(admitted.token.split('.')[0]) + 3600}.${admitted.token.split('.')[1]}` })).toMatchObject({ ok: false });
    // It expires.
    box.clock.advance(ADMISSION_MINUTES * MINUTE - 1000);
    expect(await gate({ visitorId: v, token: admitted.token })).toMatchObject({ ok: true });
    box.clock.advance(1000);
    expect(await gate({ visitorId: v, token: admitted.token })).toMatchObject({ ok: false, code: 'forbidden' });
    // Still admitted by position: the next poll hands out a fresh token, and the hold goes through.
    const again = await poll(p, v);
    if (again.kind !== 'admitted') throw new Error('expected admission');
    expect(await gate({ visitorId: v, token: again.token })).toMatchObject({ ok: true });
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    expect(hold.ok).toBe(true);
  });

  it('keeps places when the rate changes, applies a new rate from its change only, and starts a new queue when the opening time changes', async () => {
    const { p, user, opensAt } = await roomIn(5, 1);
    const [x, y, z] = [visitor(), visitor(), visitor()];
    box.clock.advance(5 * MINUTE);
    expect([positionOf(await poll(p, x)), positionOf(await poll(p, y)), positionOf(await poll(p, z))]).toEqual([0, 1, 2]);
    box.clock.advance(MINUTE);
    expect(await poll(p, x)).toMatchObject({ kind: 'admitted' });
    // A faster rate does not act backwards: at the moment of the change, y is still next.
    await configureWaitingRoom(box.deps, user, p.event.eventId, { enabled: true, opensAt, perMinute: 1000 });
    expect(await poll(p, y)).toMatchObject({ kind: 'waiting', position: 1, ahead: 0 });
    box.clock.advance(1000);
    expect(await poll(p, y)).toMatchObject({ kind: 'admitted' });
    expect(await poll(p, z)).toMatchObject({ kind: 'admitted' });
    const later = new Date(box.clock.now().getTime() + 30 * MINUTE);
    await configureWaitingRoom(box.deps, user, p.event.eventId, { enabled: true, opensAt: later, perMinute: 1000 });
    expect(await poll(p, y)).toMatchObject({ kind: 'early', waiting: 1 });
  });

  it('refills a cache that lost the room: at start, and from the gate on the next visit', async () => {
    const { p } = await roomIn(5, 1);
    await box.deps.waitingRoom.dropRoom(p.slug);
    expect(await poll(p, visitor())).toEqual({ kind: 'none' });
    expect(await publishWaitingRooms(box.deps)).toBeGreaterThanOrEqual(1);
    expect((await poll(p, visitor())).kind).toBe('early');
    await box.deps.waitingRoom.dropRoom(p.slug);
    expect(await requireAdmission(box.deps, p.slug, { visitorId: null, token: null })).toMatchObject({ ok: false });
    expect((await poll(p, visitor())).kind).toBe('early');
  });

  it('signs tokens and visitor ids with keys derived from the master secret: another box office refuses them', async () => {
    const { p } = await roomIn(0, 60);
    const v = visitor();
    const { token } = admissionToken(box.deps, p.event.eventId, v);
    expect(admissionValid(box.deps, p.event.eventId, v, token)).toBe(true);
    // Visitor ids too: only those this box office issued count.
    const issued = newVisitorId(box.deps);
    expect(issuedVisitorId(box.deps, issued)).toBe(issued);
    expect(issuedVisitorId(box.deps, `${issued.slice(0, 23)}${'A'.repeat(22)}`)).toBeNull();
    expect(issuedVisitorId(box.deps, v)).toBeNull();
    const other = await testBoxOffice(tdb.db, { clock: box.clock });
    try {
      expect(admissionValid(other.deps, p.event.eventId, v, token)).toBe(false);
      expect(issuedVisitorId(other.deps, issued)).toBeNull();
    } finally {
      await other.close();
    }
  });
});
