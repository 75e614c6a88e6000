import type { Redis } from 'ioredis';
import type { QueuePlace, WaitingRoomQueue } from '../../app/ports.ts';
import type { WaitingRoom } from '../../domain/waitingRoom.ts';

/** Queues of a past opening are forgotten a week after their last arrival. */
const QUEUE_TTL_SECONDS = 7 * 86_400;

/**
 * KEYS: early arrivals (sorted set by random key), positions (hash visitor → position), meta (hash: drawn, next).
 * ARGV: visitor, opened (0/1), floor, random key, TTL. Returns {placed (0/1), position or number waiting}.
 * One script, so an arrival, the draw and the next position never interleave between instances.
 */
const ENTER = `
local p = redis.call('HGET', KEYS[2], ARGV[1])
if p then return {1, tonumber(p)} end
if ARGV[2] == '0' then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return {0, redis.call('ZCARD', KEYS[1])}
end
if redis.call('HGET', KEYS[3], 'drawn') ~= '1' then
  local early = redis.call('ZRANGE', KEYS[1], 0, -1)
  for i, v in ipairs(early) do redis.call('HSET', KEYS[2], v, i - 1) end
  redis.call('HSET', KEYS[3], 'drawn', '1', 'next', #early)
  redis.call('DEL', KEYS[1])
  p = redis.call('HGET', KEYS[2], ARGV[1])
  if p then
    redis.call('EXPIRE', KEYS[2], ARGV[5])
    redis.call('EXPIRE', KEYS[3], ARGV[5])
    return {1, tonumber(p)}
  end
end
local nxt = tonumber(redis.call('HGET', KEYS[3], 'next') or '0')
local floor = tonumber(ARGV[3])
if floor > nxt then nxt = floor end
redis.call('HSET', KEYS[2], ARGV[1], nxt)
redis.call('HSET', KEYS[3], 'next', nxt + 1)
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[5])
return {1, nxt}
`;

/**
 * The waiting room in Redis, shared by every instance: the room settings (a JSON string per event
 * slug, written when the producer saves them) and each queue (three keys under `prefix`).
 * Polls are one GET and one script call of O(1) work; the draw at the opening is O(n log n), once.
 */
export function redisWaitingRoomQueue(redis: Redis, prefix: string): WaitingRoomQueue {
  const roomKey = (slug: string) => `${prefix}room:${slug}`;
  return {
    async room(slug) {
      const raw = await redis.get(roomKey(slug));
      if (!raw) return null;
      const r = JSON.parse(raw) as Omit<WaitingRoom, 'opensAt' | 'rateFrom'> & { opensAt: string; rateFrom: string };
      return { ...r, opensAt: new Date(r.opensAt), rateFrom: new Date(r.rateFrom) };
    },
    async putRoom(room) {
      await redis.set(roomKey(room.eventSlug), JSON.stringify(room));
    },
    async dropRoom(slug) {
      await redis.del(roomKey(slug));
    },
    async enter(key, visitorId, o): Promise<QueuePlace> {
      const q = `${prefix}queue:${key}:`;
      const [placed, n] = (await redis.eval(
        ENTER, 3, `${q}early`, `${q}positions`, `${q}meta`,
        visitorId, o.opened ? '1' : '0', String(o.floor), String(o.randomKey), String(QUEUE_TTL_SECONDS),
      )) as [number, number];
      return placed === 1 ? { kind: 'placed', position: n } : { kind: 'early', waiting: n };
    },
  };
}
