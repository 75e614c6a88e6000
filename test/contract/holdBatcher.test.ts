import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoldBatcher } from '../../src/app/holdBatcher.ts';
import { placeHold } from '../../src/app/holds.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import type { HoldRequest } from '../../src/app/ports.ts';
import { money } from '../../src/domain/money.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { auditInventory } from '../support/inventory.ts';

/** Group commit of holds in one process (ADR 0010, "Group commit"), on both databases. */
describe.each(DB_KINDS)('hold group commit on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 25 });
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  /** A hall shared by Adult and Student; Students also have their own quota. */
  async function hall(capacity: number, students: number) {
    const p = await producerWithEvent(box, {
      quotas: [{ name: 'Hall', capacity }],
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', quotas: ['Hall'] },
        { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: students, quotas: ['Hall'] },
      ],
    });
    const [adult, student] = p.performance.ticketTypeIds as [string, string];
    return { p, adult, student };
  }

  const audit = (performanceId: string) => auditInventory(box.deps, performanceId, box.clock.now());

  /** Makes hold requests as placeHold would, for the given ticket types (with their quotas) of a performance. */
  async function holdRequests(performanceId: string, typeIds: string[]) {
    const types = (await box.deps.store.inventory.holdContext(performanceId, typeIds))!.types;
    const quotasOf = new Map(types.map((t) => [t.id, t.quotaIds]));
    const now = box.clock.now();
    return (ticketTypeId: string, quantity: number): HoldRequest => ({
      hold: { id: randomUUID(), performanceId, createdAt: now, expiresAt: new Date(now.getTime() + 600_000) },
      items: [{ ticketTypeId, quantity, unitPrice: money(2500, 'GBP'), taxRateBp: 0, taxInclusive: true }],
      takes: (quotasOf.get(ticketTypeId) ?? []).map((quotaId) => ({ quotaId, quantity })),
    });
  }

  it('many buyers at once in one process: fewer transactions than holds, no oversell, exact refusals', async () => {
    const { p, adult } = await hall(10, 5);
    const batcher = box.deps.holdBatcher!;
    const before = { ...batcher.stats };
    const calls = 40;
    const results = await Promise.all(Array.from({ length: calls }, () =>
      placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: adult, quantity: 3 }] })));

    // (a) Served in fewer transactions than calls: the holds that queued behind one in flight went together.
    const holds = batcher.stats.holds - before.holds;
    const transactions = batcher.stats.transactions - before.transactions;
    expect(holds).toBe(calls);
    expect(transactions).toBeLessThan(calls);
    expect(batcher.stats.groups).toBeGreaterThan(before.groups);

    // (b) Three holds of 3 fit in 10; the counters match the rows exactly.
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 9, available: 1 }, Student: { sold: 0, held: 0, available: 5 } });

    // (c) Every refused buyer is told what is left, as a lone hold would be.
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ ok: false, code: 'sold_out', message: 'Only 1 Adult ticket is left.' });
      expect(r.ok ? null : r.details).toEqual({ short: [{ ticketTypeId: adult, name: 'Adult', available: 1 }] });
    }
  });

  it('a group is decided in arrival order across shared quotas, in one transaction', async () => {
    const { p, adult, student } = await hall(6, 2);
    const request = await holdRequests(p.performance.id, [adult, student]);
    const batcher = new HoldBatcher(box.deps.store.inventory);
    // Asked for in one tick: the first runs alone at once, the other five queue behind it and go as one group.
    const asked = [request(adult, 1), request(student, 2), request(student, 1), request(adult, 3), request(adult, 1), request(student, 1)];
    const results = await Promise.all(asked.map((r) => batcher.reserve(r)));
    expect(batcher.stats).toEqual({ holds: 6, transactions: 2, groups: 1, largestGroup: 5 });

    const free = (r: { short: { name: string; capacity: number; sold: number; held: number }[] }) =>
      r.short.map((q) => `${q.name}:${q.capacity - q.sold - q.held}`).sort();
    // Adult 1 (hall 5 left), Student 2 (hall 3, students 0), Student 1 refused (students 0),
    // Adult 3 (hall 0), Adult 1 refused (hall 0), Student 1 refused (hall and students 0).
    expect(results.map(free)).toEqual([[], [], ['Student:0'], [], ['Hall:0'], ['Hall:0', 'Student:0']]);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 6, available: 0 }, Student: { sold: 0, held: 2, available: 0 } });
    // Refused holds left no rows; placed ones are whole.
    for (const [i, r] of results.entries()) {
      const hold = await box.deps.store.holds.get(asked[i]!.hold.id);
      if (r.short.length > 0) expect(hold).toBeNull();
      else expect(hold?.lines.map((l) => l.quantity)).toEqual([asked[i]!.items[0]!.quantity]);
    }
  });

  it('a group with room for all of it is placed whole by the repository, with exact counters and rows', async () => {
    const { p, adult, student } = await hall(10, 3);
    const request = await holdRequests(p.performance.id, [adult, student]);
    // 4 + 3 + 3 = the whole hall, 3 = every student place: the group fits exactly.
    const asked = [request(adult, 4), request(student, 2), request(adult, 3), request(student, 1)];
    const results = await box.deps.store.inventory.reserveHolds(asked);
    expect(results).toEqual(asked.map(() => ({ short: [] })));
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 10, available: 0 }, Student: { sold: 0, held: 3, available: 0 } });
    for (const r of asked) {
      const hold = await box.deps.store.holds.get(r.hold.id);
      expect(hold?.lines.map((l) => [l.ticketTypeId, l.quantity])).toEqual([[r.items[0]!.ticketTypeId, r.items[0]!.quantity]]);
    }
    // One place more than is left: nothing of the group is placed whole, each hold is decided alone.
    const more = [request(adult, 1), request(student, 1)];
    expect((await box.deps.store.inventory.reserveHolds(more)).map((r) => r.short.length > 0)).toEqual([true, true]);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 10, available: 0 }, Student: { sold: 0, held: 3, available: 0 } });
  });

  it('a group that fails is tried hold by hold: only the bad hold\'s caller gets the error', async () => {
    const { p, adult } = await hall(6, 2);
    const [type] = (await box.deps.store.inventory.holdContext(p.performance.id, [adult]))!.types;
    const now = box.clock.now();
    const request = (ticketTypeId: string): HoldRequest => ({
      hold: { id: randomUUID(), performanceId: p.performance.id, createdAt: now, expiresAt: new Date(now.getTime() + 600_000) },
      items: [{ ticketTypeId, quantity: 1, unitPrice: money(2500, 'GBP'), taxRateBp: 0, taxInclusive: true }],
      takes: type!.quotaIds.map((quotaId) => ({ quotaId, quantity: 1 })),
    });
    const batcher = new HoldBatcher(box.deps.store.inventory);
    // The third names a ticket type that does not exist: its item breaks the group's insert.
    const asked = [request(adult), request(adult), request(randomUUID()), request(adult)];
    const settled = await Promise.allSettled(asked.map((r) => batcher.reserve(r)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The lone first, the group that failed, and its three holds alone.
    expect(batcher.stats).toMatchObject({ holds: 4, transactions: 5, groups: 1 });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 3, available: 3 }, Student: { sold: 0, held: 0, available: 2 } });
    expect(await box.deps.store.holds.get(asked[2]!.hold.id)).toBeNull();
  });

  it('a paid hold moves from held to sold at the end of the payment, keeping the counters exact', async () => {
    const { p, adult, student } = await hall(5, 2);
    const held = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: adult, quantity: 2 }, { ticketTypeId: student, quantity: 1 }] });
    if (!held.ok) throw new Error(held.message);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 3, available: 2 }, Student: { sold: 0, held: 1, available: 1 } });
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, held.value.holdId, 'paid'));
    expect(paid).toMatchObject({ ok: true, value: { outcome: 'paid' } });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 3, held: 0, available: 2 }, Student: { sold: 1, held: 0, available: 1 } });
  });
});
