import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { scanTicket } from '../../src/app/door.ts';
import { placeHold } from '../../src/app/holds.ts';
import { buyerOrder } from '../../src/app/orders.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { refundOrder } from '../../src/app/refunds.ts';
import { salesOverview } from '../../src/app/sales.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer, staff } from '../support/subjects.ts';

const HOUR = 3_600_000;
const BUYER = { buyerName: 'Sally Sales', buyerEmail: 'sally@example.org', marketingConsent: false };

/** Issue 6 §4: the sales dashboard's numbers, scoped by producer, on both databases. */
describe.each(DB_KINDS)('sales overview on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let owner: SessionUser;
  const second = () => ({ ...a, performance: a.event.performances[1]! });

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    // Two performances, each with Adult (10) and Student (5).
    a = await producerWithEvent(box, { name: 'Sales Theatre', performances: 2 });
    b = await producerWithEvent(box, { name: 'Other Sales Theatre' });
    owner = await staff(box, a);
    // Day 1 (1 March, London): 2 adult tickets for the first performance, and 4 that are refunded.
    const kept = await buy(box, a, BUYER, 2);
    const refunded = await buy(box, a, BUYER, 4);
    const r = await refundOrder(box.deps, owner, refunded.id, { ticketIds: null });
    if (!r.ok) throw new Error(r.message);
    // Another producer sells 3 the same day; they must never show up.
    await buy(box, b, BUYER, 3);
    // Day 3: 1 adult ticket for the second performance, checked in.
    box.clock.advance(2 * 24 * HOUR);
    const late = await buy(box, second(), BUYER, 1);
    const view = await buyerOrder(box.deps, late.id, box.deps.keys.orderLinkToken(late.id));
    if (!view.ok) throw new Error(view.message);
    expect(await scanTicket(box.deps, owner, { code: view.value.tickets[0]!.code, performanceId: late.performanceId })).toMatchObject({ kind: 'valid' });
    // One kept ticket of the first order is checked in too.
    const first = await buyerOrder(box.deps, kept.id, box.deps.keys.orderLinkToken(kept.id));
    if (!first.ok) throw new Error(first.message);
    expect(await scanTicket(box.deps, owner, { code: first.value.tickets[0]!.code, performanceId: kept.performanceId })).toMatchObject({ kind: 'valid' });
    // A hold that expires, then a live one of 2 students on the second performance.
    const expired = await placeHold(box.deps, { performanceId: second().performance.id, lines: [{ ticketTypeId: second().performance.ticketTypeIds[0]!, quantity: 5 }] });
    if (!expired.ok) throw new Error(expired.message);
    box.clock.advance(HOUR);
    const live = await placeHold(box.deps, { performanceId: second().performance.id, lines: [{ ticketTypeId: second().performance.ticketTypeIds[1]!, quantity: 2 }] });
    if (!live.ok) throw new Error(live.message);
    // Another producer's live hold.
    await placeHold(box.deps, { performanceId: b.performance.id, lines: [{ ticketTypeId: b.performance.ticketTypeIds[0]!, quantity: 1 }] });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('counts valid tickets per day in the producer\'s zone, from the first sale, without refunded tickets or another producer\'s', async () => {
    const r = await salesOverview(box.deps, owner);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.timeZone).toBe('Europe/London');
    expect(r.value.perDay).toEqual([
      { day: '2027-03-01', tickets: 2 }, { day: '2027-03-02', tickets: 0 }, { day: '2027-03-03', tickets: 1 },
    ]);
  });

  it('shows each performance\'s ticket types against capacity: sold, held by live holds only, available', async () => {
    const r = await salesOverview(box.deps, owner);
    if (!r.ok) throw new Error(r.message);
    const [p1, p2] = r.value.performances;
    expect(r.value.performances).toHaveLength(2);
    expect(p1!.performanceId).toBe(a.event.performances[0]!.id);
    expect(p1!.ticketTypes.map((t) => [t.name, t.capacity, t.sold, t.held, t.available])).toEqual([['Adult', 10, 2, 0, 8], ['Student', 5, 0, 0, 5]]);
    expect([p1!.capacity, p1!.sold, p1!.held, p1!.available]).toEqual([15, 2, 0, 13]);
    expect(p2!.ticketTypes.map((t) => [t.name, t.capacity, t.sold, t.held, t.available])).toEqual([['Adult', 10, 1, 0, 9], ['Student', 5, 0, 2, 3]]);
    expect([p2!.capacity, p2!.sold, p2!.held, p2!.available]).toEqual([15, 1, 2, 12]);
  });

  it('shows check-in progress per performance over valid tickets', async () => {
    const r = await salesOverview(box.deps, owner);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.checkIns.map((c) => [c.performanceId, c.valid, c.checkedIn])).toEqual([
      [a.event.performances[0]!.id, 2, 1], [a.event.performances[1]!.id, 1, 1],
    ]);
  });

  it('gives the other producer only its own numbers', async () => {
    const r = await salesOverview(box.deps, await staff(box, b));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.perDay.reduce((n, d) => n + d.tickets, 0)).toBe(3);
    expect(r.value.performances.map((p) => [p.performanceId, p.sold, p.held])).toEqual([[b.performance.id, 3, 1]]);
    expect(r.value.checkIns).toEqual([expect.objectContaining({ performanceId: b.performance.id, valid: 3, checkedIn: 0 })]);
  });

  it('counts days in the venue\'s zone, and shows at most the last 30 days', async () => {
    const c = await producerWithEvent(box, { name: 'New York Stage' });
    await box.db.updateTable('venues').set({ timeZone: 'America/New_York' })
      .where('id', '=', (await box.db.selectFrom('performances').where('id', '=', c.performance.id).select('venueId').executeTakeFirstOrThrow()).venueId).execute();
    const user = await staff(box, c);
    // Now is 3 March 13:00Z; a sale at 4 March 03:00Z is 3 March 22:00 in New York.
    box.clock.advance(14 * HOUR);
    await buy(box, c, BUYER, 2);
    let r = await salesOverview(box.deps, user);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.timeZone).toBe('America/New_York');
    expect(r.value.perDay).toEqual([{ day: '2027-03-03', tickets: 2 }]);
    // Forty days on, the window is the last 30 days, all without sales.
    box.clock.advance(40 * 24 * HOUR);
    r = await salesOverview(box.deps, user);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.perDay).toHaveLength(30);
    expect(r.value.perDay[29]!.day).toBe('2027-04-12');
    expect(r.value.perDay.every((d) => d.tickets === 0)).toBe(true);
    box.clock.advance(-40 * 24 * HOUR - 14 * HOUR);
  });

  it('refuses door staff, who only scan; a viewer may see sales', async () => {
    const roleUser = async (role: string): Promise<SessionUser> => {
      const email = `${role}-${randomUUID()}@producer.test`;
      await box.db.insertInto('users').values({
        id: randomUUID(), producerId: a.producerId, email, name: `The ${role}`, role, createdAt: box.clock.now(),
        passwordHash: await box.deps.passwords.hash('pw-role-user'),
      }).execute();
      const r = await logIn(box.deps, email, 'pw-role-user');
      if (!r.ok) throw new Error(r.message);
      return (await sessionUser(box.deps, r.value.token))!;
    };
    expect(await salesOverview(box.deps, await roleUser('door'))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await salesOverview(box.deps, await roleUser('viewer'))).toMatchObject({ ok: true });
  });
});
