import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryWaitingRoomQueue } from '../../src/adapters/queue/memory.ts';
import { redisWaitingRoomQueue } from '../../src/adapters/queue/redis.ts';
import type { WaitingRoomQueue } from '../../src/app/ports.ts';
import type { WaitingRoom } from '../../src/domain/waitingRoom.ts';

/**
 * The WaitingRoomQueue port's contract, run against the memory adapter (embedded mode) and the Redis
 * adapter (a key prefix of its own per run, removed afterwards).
 */
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const prefix = `marquee-test-wr-${randomBytes(6).toString('hex')}:`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const ADAPTERS: [string, () => WaitingRoomQueue][] = [
  ['memory', () => memoryWaitingRoomQueue()],
  ['redis', () => redisWaitingRoomQueue(redis, `${prefix}${randomBytes(4).toString('hex')}:`)],
];

const visitor = () => randomBytes(16).toString('base64url');
const room = (over: Partial<WaitingRoom> = {}): WaitingRoom => ({
  eventId: randomUUID(), producerId: randomUUID(), eventSlug: `show-${randomBytes(4).toString('hex')}`, eventTitle: 'Hamlet',
  timeZone: 'Europe/London', opensAt: new Date('2027-03-01T10:00:00Z'), perMinute: 60,
  rateFrom: new Date('2027-03-01T10:00:00Z'), admittedAtRateFrom: 0, ...over,
});

describe.each(ADAPTERS)('waiting room queue in %s', (_name, make) => {
  let q: WaitingRoomQueue;
  beforeAll(() => {
    q = make();
  });

  it('caches a room by its event slug, replaces it, and forgets it when dropped', async () => {
    const r = room();
    expect(await q.room(r.eventSlug)).toBeNull();
    await q.putRoom(r);
    expect(await q.room(r.eventSlug)).toEqual(r);
    await q.putRoom({ ...r, perMinute: 5 });
    expect((await q.room(r.eventSlug))?.perMinute).toBe(5);
    await q.dropRoom(r.eventSlug);
    expect(await q.room(r.eventSlug)).toBeNull();
  });

  it('counts early arrivals once each, then draws them into positions 0…n-1 ordered by their random keys', async () => {
    const key = randomUUID();
    const keys = [700, 100, 500, 300, 900];
    const vs = keys.map(() => visitor());
    for (const [i, v] of vs.entries()) {
      expect(await q.enter(key, v, { opened: false, floor: 0, randomKey: keys[i]! })).toEqual({ kind: 'early', waiting: i + 1 });
    }
    // A repeat before the opening keeps the first key and does not count twice.
    expect(await q.enter(key, vs[0]!, { opened: false, floor: 0, randomKey: 0 })).toEqual({ kind: 'early', waiting: 5 });
    // The first poll after the opening draws; the floor does not move early arrivals.
    const order = [...keys].sort((a, b) => a - b);
    expect(await q.enter(key, vs[2]!, { opened: true, floor: 3, randomKey: 1 })).toEqual({ kind: 'placed', position: order.indexOf(500) });
    for (const [i, v] of vs.entries()) {
      expect(await q.enter(key, v, { opened: true, floor: 4, randomKey: 1 })).toEqual({ kind: 'placed', position: order.indexOf(keys[i]!) });
    }
  });

  it('queues later arrivals first come, first served behind the early ones, and a repeat keeps its place', async () => {
    const key = randomUUID();
    await q.enter(key, visitor(), { opened: false, floor: 0, randomKey: 42 });
    await q.enter(key, visitor(), { opened: false, floor: 0, randomKey: 7 });
    const late = [visitor(), visitor(), visitor()];
    const places = [];
    for (const v of late) places.push(await q.enter(key, v, { opened: true, floor: 0, randomKey: 1 }));
    expect(places).toEqual([2, 3, 4].map((position) => ({ kind: 'placed', position })));
    expect(await q.enter(key, late[0]!, { opened: true, floor: 10, randomKey: 1 })).toEqual({ kind: 'placed', position: 2 });
  });

  it('starts a late arrival no lower than the floor, so a crowd after a quiet spell is still paced', async () => {
    const key = randomUUID();
    expect(await q.enter(key, visitor(), { opened: true, floor: 0, randomKey: 1 })).toEqual({ kind: 'placed', position: 0 });
    expect(await q.enter(key, visitor(), { opened: true, floor: 50, randomKey: 1 })).toEqual({ kind: 'placed', position: 50 });
    expect(await q.enter(key, visitor(), { opened: true, floor: 50, randomKey: 1 })).toEqual({ kind: 'placed', position: 51 });
  });

  it('keeps queues apart by key', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const v = visitor();
    expect(await q.enter(a, visitor(), { opened: true, floor: 0, randomKey: 1 })).toEqual({ kind: 'placed', position: 0 });
    expect(await q.enter(a, v, { opened: true, floor: 0, randomKey: 1 })).toEqual({ kind: 'placed', position: 1 });
    expect(await q.enter(b, v, { opened: true, floor: 0, randomKey: 1 })).toEqual({ kind: 'placed', position: 0 });
  });

  it('gives every one of many simultaneous arrivals its own position, with none skipped', async () => {
    const key = randomUUID();
    const early = Array.from({ length: 30 }, () => visitor());
    await Promise.all(early.map((v) => q.enter(key, v, { opened: false, floor: 0, randomKey: Number.parseInt(randomBytes(6).toString('hex'), 16) })));
    const late = Array.from({ length: 30 }, () => visitor());
    const places = await Promise.all([...early, ...late].map((v) => q.enter(key, v, { opened: true, floor: 0, randomKey: 1 })));
    const positions = places.map((p) => (p.kind === 'placed' ? p.position : -1)).sort((x, y) => x - y);
    expect(positions).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // The early arrivals hold exactly the first 30 places.
    expect(places.slice(0, 30).every((p) => p.kind === 'placed' && p.position < 30)).toBe(true);
  });
});
