import type { QueuePlace, WaitingRoomQueue } from '../../app/ports.ts';
import type { WaitingRoom } from '../../domain/waitingRoom.ts';

interface Queue {
  /** Early arrivals and their random keys, until the draw. */
  early: Map<string, number>;
  positions: Map<string, number>;
  drawn: boolean;
  next: number;
}

/**
 * The waiting room in this process's memory, for the embedded mode (one process, PGlite). The same
 * contract as the Redis adapter (test/contract/waitingRoomQueue.test.ts). JavaScript runs one call at a
 * time, so each `enter` is atomic as the Redis script is.
 */
export function memoryWaitingRoomQueue(): WaitingRoomQueue {
  const rooms = new Map<string, WaitingRoom>();
  const queues = new Map<string, Queue>();
  return {
    async room(slug) {
      const r = rooms.get(slug);
      return r ? { ...r, opensAt: new Date(r.opensAt), rateFrom: new Date(r.rateFrom) } : null;
    },
    async putRoom(room) {
      rooms.set(room.eventSlug, { ...room, opensAt: new Date(room.opensAt), rateFrom: new Date(room.rateFrom) });
    },
    async dropRoom(slug) {
      rooms.delete(slug);
    },
    async enter(key, visitorId, o): Promise<QueuePlace> {
      let q = queues.get(key);
      if (!q) {
        q = { early: new Map(), positions: new Map(), drawn: false, next: 0 };
        queues.set(key, q);
      }
      const known = q.positions.get(visitorId);
      if (known !== undefined) return { kind: 'placed', position: known };
      if (!o.opened) {
        if (!q.early.has(visitorId)) q.early.set(visitorId, o.randomKey);
        return { kind: 'early', waiting: q.early.size };
      }
      if (!q.drawn) {
        // Ties (a 2^-48 chance) fall back to the visitor id, as a Redis sorted set orders them.
        const order = [...q.early].sort(([a, ka], [b, kb]) => ka - kb || (a < b ? -1 : a > b ? 1 : 0));
        for (const [i, [v]] of order.entries()) q.positions.set(v, i);
        q.next = order.length;
        q.drawn = true;
        q.early.clear();
        const drawn = q.positions.get(visitorId);
        if (drawn !== undefined) return { kind: 'placed', position: drawn };
      }
      const position = Math.max(q.next, o.floor);
      q.positions.set(visitorId, position);
      q.next = position + 1;
      return { kind: 'placed', position };
    },
  };
}
