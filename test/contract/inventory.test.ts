import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeHold, sweepExpiredHolds } from '../../src/app/holds.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { cancelPerformance, refundOrder } from '../../src/app/refunds.ts';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { eventPage } from '../../src/app/storefront.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { auditInventory } from '../support/inventory.ts';

const MINUTE = 60_000;

/** Quotas, sales windows, per-order limits and expiry (issue 4 §1–2, ADR 0010), on both databases. */
describe.each(DB_KINDS)('inventory on %s', (kind) => {
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

  /** A hall shared by Adult, Student and Companion; Students also have their own quota. */
  async function hall(capacity = 6, students = 3) {
    const p = await producerWithEvent(box, {
      quotas: [{ name: 'Hall', capacity }],
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', quotas: ['Hall'] },
        { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: students, quotas: ['Hall'] },
        { name: 'Companion', priceMinor: 0, currency: 'GBP', quotas: ['Hall'] },
      ],
    });
    const [adult, student, companion] = p.performance.ticketTypeIds as [string, string, string];
    const hold = (lines: Record<string, number>) =>
      placeHold(box.deps, { performanceId: p.performance.id, lines: Object.entries(lines).map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })) });
    return { p, adult, student, companion, hold };
  }

  async function availability(slug: string) {
    const e = await eventPage(box.deps, slug);
    if (!e.ok) throw new Error(e.message);
    return Object.fromEntries(e.value.performances[0]!.ticketTypes.map((t) => [t.name, t.available]));
  }

  const audit = (performanceId: string) => auditInventory(box.deps, performanceId, box.clock.now());

  it('a hold takes places from every quota its types draw on: the shared hall and the students\' own', async () => {
    const { p, adult, student, companion, hold } = await hall();
    expect(await availability(p.slug)).toEqual({ Adult: 6, Student: 3, Companion: 6 });
    expect((await hold({ [student]: 2, [adult]: 1 })).ok).toBe(true);
    expect(await availability(p.slug)).toEqual({ Adult: 3, Student: 1, Companion: 3 });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 3, available: 3 }, Student: { sold: 0, held: 2, available: 1 } });

    // The students' own quota is short, though the hall has room; nothing is taken from the hall either.
    expect(await hold({ [student]: 2 })).toMatchObject({ ok: false, code: 'sold_out', message: 'Only 1 Student ticket is left.' });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 3, available: 3 }, Student: { sold: 0, held: 2, available: 1 } });

    expect((await hold({ [companion]: 3 })).ok).toBe(true);
    expect(await availability(p.slug)).toEqual({ Adult: 0, Student: 0, Companion: 0 });
    expect(await hold({ [adult]: 1 })).toMatchObject({ ok: false, code: 'sold_out', message: 'Adult is sold out.' });
    expect(await hold({ [student]: 1 })).toMatchObject({ ok: false, code: 'sold_out', message: 'Student is sold out.' });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 6, available: 0 }, Student: { sold: 0, held: 2, available: 1 } });
  });

  it('buyers racing for a shared hall and a students\' quota get exactly the places, never more', async () => {
    const { p, adult, student, hold } = await hall(8, 3);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => hold({ [i % 2 ? student : adult]: 1 })));
    const won = results.filter((r) => r.ok).length;
    expect(won).toBe(8);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ code: 'sold_out' });
    const after = await audit(p.performance.id);
    expect(after.Hall).toEqual({ sold: 0, held: 8, available: 0 });
    expect(after.Student!.held).toBeLessThanOrEqual(3);
    expect(after.Student!.held).toBeGreaterThan(0);
  });

  it('shown availability is never above what a buyer can hold: the full number can be held at once', async () => {
    const { p, adult, student, companion, hold } = await hall(7, 4);
    expect((await hold({ [adult]: 2 })).ok).toBe(true);
    const shown = await availability(p.slug);
    for (const [id, name] of [[adult, 'Adult'], [student, 'Student'], [companion, 'Companion']] as const) {
      // One more than shown is refused; exactly what is shown is held (then given back by a rollback-free release).
      expect(await hold({ [id]: shown[name]! + 1 })).toMatchObject({ ok: false, code: 'sold_out' });
      const r = await hold({ [id]: shown[name]! });
      if (!r.ok) throw new Error(`${name}: ${r.message}`);
      await box.deps.store.transaction((tx) => tx.inventory.endHold(r.value.holdId, 'released'));
    }
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 2, available: 5 }, Student: { sold: 0, held: 0, available: 4 } });
  });

  it('sales windows: not yet on sale and no longer on sale are clear refusals, shown on the event page', async () => {
    const now = box.clock.now();
    const p = await producerWithEvent(box, {
      ticketTypes: [
        { name: 'Early', priceMinor: 1000, currency: 'GBP', capacity: 5, salesClosesAt: new Date(now.getTime() - MINUTE) },
        { name: 'Main', priceMinor: 2000, currency: 'GBP', capacity: 5, salesOpensAt: new Date(now.getTime() + 60 * MINUTE) },
      ],
    });
    const [early, main] = p.performance.ticketTypeIds as [string, string];
    const hold = (id: string) => placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: id, quantity: 1 }] });
    expect(await hold(early)).toMatchObject({ ok: false, code: 'sales_ended', message: 'Early tickets are no longer on sale.' });
    expect(await hold(main)).toMatchObject({ ok: false, code: 'not_on_sale', message: 'Main tickets are not on sale yet.' });
    const page = await eventPage(box.deps, p.slug);
    expect(page.ok && page.value.performances[0]!.ticketTypes.map((t) => [t.name, t.saleState])).toEqual([['Early', 'ended'], ['Main', 'not_yet']]);

    box.clock.advance(60 * MINUTE);
    expect((await hold(main)).ok).toBe(true);
    expect(await audit(p.performance.id)).toMatchObject({ Main: { held: 1 }, Early: { held: 0 } });
  });

  it('per-order limits: the fewest and most of a type, and at most 10 tickets in one hold', async () => {
    const p = await producerWithEvent(box, {
      ticketTypes: [
        { name: 'Table', priceMinor: 5000, currency: 'GBP', capacity: 40, minPerOrder: 2, maxPerOrder: 4 },
        { name: 'Standing', priceMinor: 1000, currency: 'GBP', capacity: 40 },
      ],
    });
    const [table, standing] = p.performance.ticketTypeIds as [string, string];
    const hold = (lines: [string, number][]) => placeHold(box.deps, { performanceId: p.performance.id, lines: lines.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })) });
    expect(await hold([[table, 1]])).toMatchObject({ ok: false, code: 'invalid_input', message: 'Table tickets are sold at least 2 at a time.', details: { min: 2 } });
    expect(await hold([[table, 5]])).toMatchObject({ ok: false, code: 'invalid_input', message: 'You can hold at most 4 Table tickets at a time.', details: { max: 4 } });
    expect(await hold([[table, 4], [standing, 7]])).toMatchObject({ ok: false, code: 'invalid_input', details: { max: 10 } });
    expect(await audit(p.performance.id)).toMatchObject({ Table: { held: 0 }, Standing: { held: 0 } });
    expect((await hold([[table, 2], [standing, 8]])).ok).toBe(true);
    expect(await audit(p.performance.id)).toMatchObject({ Table: { held: 2 }, Standing: { held: 8 } });
  });

  it('the sweeper gives expired holds\' places back exactly once, without any request arriving', async () => {
    const { p, adult, student, hold } = await hall(5, 3);
    const first = await hold({ [student]: 2, [adult]: 1 });
    if (!first.ok) throw new Error(first.message);
    box.clock.advance(5 * MINUTE);
    const second = await hold({ [adult]: 1 });
    if (!second.ok) throw new Error(second.message);
    box.clock.advance((box.deps.settings.holdMinutes - 5) * MINUTE + 1);

    // The first hold is past its time: shown as free at once, still on the counters until swept.
    expect(await availability(p.slug)).toMatchObject({ Adult: 4, Student: 3 });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 4, available: 1 }, Student: { sold: 0, held: 2, available: 1 } });
    // The timer's sweep (all performances; earlier tests' holds of this database expire too).
    expect(await sweepExpiredHolds(box.deps)).toBeGreaterThanOrEqual(1);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 1, available: 4 }, Student: { sold: 0, held: 0, available: 3 } });
    expect((await box.deps.store.holds.get(first.value.holdId))!.status).toBe('expired');
    expect((await box.deps.store.holds.get(second.value.holdId))!.status).toBe('active');
    // Again, and from two sweepers at once: nothing more is given back.
    expect(await Promise.all([sweepExpiredHolds(box.deps), sweepExpiredHolds(box.deps)])).toEqual([0, 0]);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 1, available: 4 }, Student: { sold: 0, held: 0, available: 3 } });

    box.clock.advance(5 * MINUTE);
    expect(await sweepExpiredHolds(box.deps, p.performance.id)).toBe(1);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 0, available: 5 }, Student: { sold: 0, held: 0, available: 3 } });
  });

  it('a hold refused for want of room ends expired holds first, so what is shown can be held', async () => {
    const { p, adult, hold } = await hall(4, 2);
    expect((await hold({ [adult]: 4 })).ok).toBe(true);
    box.clock.advance(box.deps.settings.holdMinutes * MINUTE + 1);
    expect(await availability(p.slug)).toMatchObject({ Adult: 4 });
    expect((await hold({ [adult]: 4 })).ok).toBe(true);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 4, available: 0 }, Student: { sold: 0, held: 0, available: 2 } });
  });

  it('deleting long-abandoned holds that were never swept gives their places back first', async () => {
    const { p, adult, hold } = await hall(4, 2);
    expect((await hold({ [adult]: 3 })).ok).toBe(true);
    box.clock.advance(box.deps.settings.holdMinutes * MINUTE + 1);
    const deleted = await box.deps.store.transaction((tx) => tx.retention.deleteAbandonedHolds(box.clock.now()));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await box.db.selectFrom('holds').where('performanceId', '=', p.performance.id).selectAll().execute()).toEqual([]);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 0, available: 4 }, Student: { sold: 0, held: 0, available: 2 } });
  });

  async function sessionFor(p: { email: string; password: string }): Promise<SessionUser> {
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  }

  it('paying, a late payment after the sweep, refunds and a cancelled performance keep every quota whole', async () => {
    const { p, adult, student, hold } = await hall(6, 3);
    const pay = async (holdId: string) => {
      const r = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, holdId, 'paid'));
      if (!r.ok) throw new Error(r.message);
      return r.value;
    };
    const a = await hold({ [student]: 2, [adult]: 1 });
    if (!a.ok) throw new Error(a.message);
    expect((await pay(a.value.holdId)).outcome).toBe('paid');
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 3, held: 0, available: 3 }, Student: { sold: 2, held: 0, available: 1 } });

    // A hold that expires and is swept before its payment arrives: the places are still free, so it is honoured.
    const b = await hold({ [adult]: 1 });
    if (!b.ok) throw new Error(b.message);
    const paidLate = await checkoutAndSettle(box, b.value.holdId, 'paid');
    box.clock.advance(box.deps.settings.holdMinutes * MINUTE + 1);
    expect(await sweepExpiredHolds(box.deps, p.performance.id)).toBe(1);
    expect((await confirmPaymentReturn(box.deps, paidLate)).ok && (await box.deps.store.holds.get(b.value.holdId))!.status).toBe('converted');
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 4, held: 0, available: 2 }, Student: { sold: 2, held: 0, available: 1 } });

    // Swept, and the places taken by others meanwhile: refunded, nothing oversold.
    const c = await hold({ [adult]: 2 });
    if (!c.ok) throw new Error(c.message);
    const tooLate = await checkoutAndSettle(box, c.value.holdId, 'paid');
    box.clock.advance(box.deps.settings.holdMinutes * MINUTE + 1);
    expect(await sweepExpiredHolds(box.deps, p.performance.id)).toBe(1);
    expect((await hold({ [adult]: 2 })).ok).toBe(true);
    expect(await confirmPaymentReturn(box.deps, tooLate)).toMatchObject({ ok: true, value: { outcome: 'refunded' } });
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 4, held: 2, available: 0 }, Student: { sold: 2, held: 0, available: 1 } });

    // A refund of one ticket gives its places back to both quotas.
    const user = await sessionFor(p);
    const tickets = await box.deps.store.tickets.byOrder((await box.deps.store.orders.byHold(a.value.holdId))!.id);
    const studentTicket = tickets.find((t) => t.ticketTypeId === student)!;
    const refunded = await refundOrder(box.deps, user, (await box.deps.store.orders.byHold(a.value.holdId))!.id, { ticketIds: [studentTicket.id] });
    expect(refunded.ok).toBe(true);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 3, held: 2, available: 1 }, Student: { sold: 1, held: 0, available: 2 } });

    // Cancelling the performance voids every ticket and releases every hold.
    expect((await cancelPerformance(box.deps, user, p.performance.id)).ok).toBe(true);
    expect(await audit(p.performance.id)).toEqual({ Hall: { sold: 0, held: 0, available: 6 }, Student: { sold: 0, held: 0, available: 3 } });
  });
});
