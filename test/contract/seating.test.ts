import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { checkoutView, placeHold } from '../../src/app/holds.ts';
import { buyerOrder } from '../../src/app/orders.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { refundOrder } from '../../src/app/refunds.ts';
import { addSection, performanceSeating, placeSeatedHold, saveSeatMap, venueSeatMap } from '../../src/app/seating.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { seatShortName } from '../../src/domain/seating.ts';
import { seedDemo } from '../../src/adapters/db/seed.ts';
import { eventPage } from '../../src/app/storefront.ts';
import { type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { producerWithSeatedEvent } from '../support/seating.ts';

const MINUTE = 60_000;

/** Reserved seating (issue 4 §3, ADR 0011) on embedded PGlite and on PostgreSQL. */
describe.each(DB_KINDS)('reserved seating on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 20 });
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  type Seated = Awaited<ReturnType<typeof producerWithSeatedEvent>>;
  const hold = (p: Seated, names: string[], lines: { ticketTypeId: string; quantity: number }[] = []) =>
    placeSeatedHold(box.deps, { performanceId: p.performance.id, lines, seatIds: names.map((n) => p.seat(n).id), best: null });
  const best = (p: Seated, count: number, zone: string | null = null) =>
    placeSeatedHold(box.deps, { performanceId: p.performance.id, lines: [], seatIds: [], best: { count, zone } });
  async function stateOf(p: Seated, names: string[]) {
    const seating = await performanceSeating(box.deps, p.performance.id);
    return names.map((n) => seating!.seats.find((s) => s.id === p.seat(n).id)!.state);
  }
  async function heldNames(holdId: string) {
    return (await box.deps.store.seats.ofHold(holdId)).map((s) => `${s.section} ${seatShortName(s)}`).sort();
  }

  it('holds the chosen seats with their zone price, and shows them taken to everyone else', async () => {
    const p = await producerWithSeatedEvent(box);
    const held = await hold(p, ['Stalls C5', 'Stalls C6', 'Balcony A1'], [{ ticketTypeId: p.types.standing, quantity: 1 }]);
    if (!held.ok) throw new Error(held.message);
    expect(await heldNames(held.value.holdId)).toEqual(['Balcony A1', 'Stalls C5', 'Stalls C6']);
    const view = await checkoutView(box.deps, held.value.holdId);
    expect(view.ok && view.value.hold.lines.map((l) => [l.ticketTypeName, l.quantity, l.unitPrice.amount])).toEqual([
      ['Stalls', 2, 2500], ['Balcony', 1, 1500], ['Standing', 1, 800],
    ]);
    expect(await stateOf(p, ['Stalls C5', 'Stalls C6', 'Balcony A1', 'Stalls C7', 'Stalls A1'])).toEqual(['taken', 'taken', 'taken', 'available', 'not_for_sale']);
    expect(await hold(p, ['Stalls C6', 'Stalls C7'])).toMatchObject({ ok: false, code: 'conflict', message: 'Seat C6 (Stalls) was just taken. Choose other seats.' });
    // The refused hold left nothing behind: C7 is still free.
    expect(await stateOf(p, ['Stalls C7'])).toEqual(['available']);
  });

  it('sells a seat to one buyer only when many try at once', async () => {
    const p = await producerWithSeatedEvent(box);
    const tries = await Promise.all(Array.from({ length: 8 }, (_, i) => hold(p, i % 2 === 0 ? ['Stalls D5', 'Stalls D6'] : ['Stalls D6', 'Stalls D7'])));
    const won = tries.filter((t) => t.ok);
    expect(won).toHaveLength(1);
    for (const t of tries.filter((x) => !x.ok)) expect(t).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/^Seats? .*D6 \(Stalls\).* just taken/) });
    const live = await sql<{ n: number }>`select count(*)::int as n from seat_claims where performance_id = ${p.performance.id} and released_at is null`.execute(box.db);
    expect(live.rows[0]!.n).toBe(2);
  });

  it('refuses seats that are not for sale, seated tickets without seats, and seats of another venue', async () => {
    const p = await producerWithSeatedEvent(box);
    const other = await producerWithSeatedEvent(box);
    expect(await hold(p, ['Stalls A1'])).toMatchObject({ ok: false, code: 'invalid_input', message: 'Seat A1 (Stalls) is not for sale.' });
    // Straight to placeHold, past the form's check: the seat step in the transaction refuses it too.
    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.types.stalls, quantity: 1 }], seats: [{ seatId: p.seat('Stalls A12').id, ticketTypeId: p.types.stalls }] }))
      .toMatchObject({ ok: false, code: 'invalid_input', message: 'Seat A12 (Stalls) is not for sale.' });
    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.types.stalls, quantity: 2 }] }))
      .toMatchObject({ ok: false, code: 'invalid_input', message: 'Stalls tickets are sold with seats: choose your seats on the seat map.' });
    expect(await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.types.balcony, quantity: 1 }], seats: [{ seatId: p.seat('Stalls B2').id, ticketTypeId: p.types.balcony }] }))
      .toMatchObject({ ok: false, code: 'invalid_input', message: 'Seat B2 (Stalls) is not sold as Balcony.' });
    expect(await placeSeatedHold(box.deps, { performanceId: p.performance.id, lines: [], seatIds: [other.seat('Stalls B2').id], best: null }))
      .toMatchObject({ ok: false, code: 'invalid_input', message: 'One of the chosen seats is not in this venue.' });
    const claims = await sql<{ n: number }>`select count(*)::int as n from seat_claims where performance_id = ${p.performance.id}`.execute(box.db);
    expect(claims.rows[0]!.n).toBe(0);
    // Unseated places still sell as before.
    expect((await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.types.standing, quantity: 2 }] })).ok).toBe(true);
  });

  it('finds the best seats together: the front-most row, nearest its middle, in one zone or any', async () => {
    const p = await producerWithSeatedEvent(box);
    const first = await best(p, 4);
    if (!first.ok) throw new Error(first.message);
    expect(await heldNames(first.value.holdId)).toEqual(['Stalls A5', 'Stalls A6', 'Stalls A7', 'Stalls A8']);
    // Row A now has A2–A4 and A9–A11 free: no four together, so row B.
    const second = await best(p, 4);
    expect(second.ok && (await heldNames(second.value.holdId))).toEqual(['Stalls B5', 'Stalls B6', 'Stalls B7', 'Stalls B8']);
    const third = await best(p, 3);
    expect(third.ok && (await heldNames(third.value.holdId))).toEqual(['Stalls A2', 'Stalls A3', 'Stalls A4']);
    const balcony = await best(p, 3, 'Balcony');
    expect(balcony.ok && (await heldNames(balcony.value.holdId))).toEqual(['Balcony A4', 'Balcony A5', 'Balcony A6']);
    expect(await best(p, 8, 'Balcony').then(async (h) => h.ok && heldNames(h.value.holdId))).toEqual(['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9'].map((n) => `Balcony ${n}`));
    expect(await best(p, 8, 'Balcony').then(async (h) => h.ok && heldNames(h.value.holdId))).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'].map((n) => `Balcony ${n}`));
    expect(await best(p, 8, 'Balcony')).toMatchObject({ ok: false, code: 'sold_out', message: 'There are no 8 seats together in Balcony left. Choose seats on the map instead.' });
    expect(await best(p, 11)).toMatchObject({ ok: false, code: 'invalid_input', message: 'You can hold at most 10 tickets at a time.' });
  });

  it('frees the seats of an expired hold; a late payment then gets them only if nobody took them', async () => {
    const p = await producerWithSeatedEvent(box);
    const late = await hold(p, ['Stalls E5']);
    const lucky = await hold(p, ['Stalls E9']);
    if (!late.ok || !lucky.ok) throw new Error('hold failed');
    // Both buyers pay in time, but their payments are confirmed only after the holds expired.
    const lateParams = await checkoutAndSettle(box, late.value.holdId, 'paid');
    const luckyParams = await checkoutAndSettle(box, lucky.value.holdId, 'paid');

    box.clock.advance(box.deps.settings.holdMinutes * MINUTE);
    expect(await stateOf(p, ['Stalls E5', 'Stalls E9'])).toEqual(['available', 'available']);
    const next = await hold(p, ['Stalls E5']);
    expect(next.ok).toBe(true);

    // E5 went to the next buyer: the late payment is refunded, and E5 stays theirs.
    const refused = await confirmPaymentReturn(box.deps, lateParams);
    expect(refused).toMatchObject({ ok: true, value: { outcome: 'refunded', order: { status: 'expired' } } });
    expect(await stateOf(p, ['Stalls E5'])).toEqual(['taken']);
    expect(await box.deps.store.tickets.byOrder(refused.ok ? refused.value.order.id : '')).toEqual([]);

    // Nobody took E9: the late payment gets it, with the seat on the ticket.
    const paid = await confirmPaymentReturn(box.deps, luckyParams);
    expect(paid).toMatchObject({ ok: true, value: { outcome: 'paid', order: { status: 'paid' } } });
    const order = paid.ok ? paid.value.order : null;
    const view = await buyerOrder(box.deps, order!.id, box.deps.keys.orderLinkToken(order!.id));
    expect(view.ok && view.value.tickets.map((t) => t.seat)).toEqual(['Stalls, row E, seat 9']);
    expect(await hold(p, ['Stalls E9'])).toMatchObject({ ok: false, code: 'conflict', message: 'Seat E9 (Stalls) was just taken. Choose other seats.' });
  });

  it('records each paid seat on its ticket, and a refunded ticket frees its seat', async () => {
    const p = await producerWithSeatedEvent(box);
    const held = await hold(p, ['Balcony B3', 'Balcony B4']);
    if (!held.ok) throw new Error(held.message);
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, held.value.holdId, 'paid'));
    if (!paid.ok) throw new Error(paid.message);
    const order = paid.value.order;
    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    if (!view.ok) throw new Error(view.message);
    expect(view.value.tickets.map((t) => t.seat).sort()).toEqual(['Balcony, row B, seat 3', 'Balcony, row B, seat 4']);
    expect(await stateOf(p, ['Balcony B3', 'Balcony B4'])).toEqual(['taken', 'taken']);

    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    const user = (await sessionUser(box.deps, r.value.token)) as SessionUser;
    const b3 = view.value.tickets.find((t) => t.seat === 'Balcony, row B, seat 3')!;
    expect(await refundOrder(box.deps, user, order.id, { ticketIds: [b3.id] })).toMatchObject({ ok: true });
    expect(await stateOf(p, ['Balcony B3', 'Balcony B4'])).toEqual(['available', 'taken']);
    expect((await hold(p, ['Balcony B3'])).ok).toBe(true);
  });

  it('lets only the producer edit its venue map, and keeps seats that were ever held', async () => {
    const p = await producerWithSeatedEvent(box);
    const other = await producerWithSeatedEvent(box);
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    const user = (await sessionUser(box.deps, r.value.token)) as SessionUser;
    expect(await venueSeatMap(box.deps, user, other.venueId)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await addSection(box.deps, user, other.venueId, { section: 'Box', firstRow: 'A', lastRow: 'A', firstSeat: 1, lastSeat: 4, zone: 'Box', notForSale: [] }))
      .toMatchObject({ ok: false, code: 'not_found' });

    const added = await addSection(box.deps, user, p.venueId, { section: 'Gallery', firstRow: 'A', lastRow: 'B', firstSeat: 1, lastSeat: 4, zone: 'Balcony', notForSale: ['B4'] });
    if (!added.ok) throw new Error(added.message);
    expect(added.value.seats.filter((s) => s.section === 'Gallery').map((s) => `${seatShortName(s)}${s.forSale ? '' : '*'}`)).toEqual(['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4*']);
    expect(await addSection(box.deps, user, p.venueId, { section: 'Gallery', firstRow: 'A', lastRow: 'A', firstSeat: 1, lastSeat: 2, zone: 'Balcony', notForSale: [] }))
      .toMatchObject({ ok: false, code: 'invalid_input' });

    const held = await hold(p, ['Stalls F1']);
    expect(held.ok).toBe(true);
    const withoutRowF = added.value.seats.filter((s) => !(s.section === 'Stalls' && s.row === 'F'));
    expect(await saveSeatMap(box.deps, user, p.venueId, withoutRowF)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('Stalls, row F, seat 1') });
    expect((await venueSeatMap(box.deps, user, p.venueId)).ok && (await box.deps.store.seats.seatsOfVenue(p.venueId)).length).toBe(added.value.seats.length);
    // Marking it not for sale keeps its id, and the seat's live hold.
    const marked = added.value.seats.map((s) => (s.section === 'Stalls' && s.row === 'F' && s.number === '1' ? { ...s, forSale: false } : s));
    const saved = await saveSeatMap(box.deps, user, p.venueId, marked);
    expect(saved.ok && saved.value.seats.find((s) => s.id === p.seat('Stalls F1').id)?.forSale).toBe(false);
    expect(await stateOf(p, ['Stalls F1'])).toEqual(['not_for_sale']);
  });

  it('seeds a seated demo event whose zones sell the map\'s seats', async () => {
    await seedDemo(box.db, box.deps.passwords, { email: `demo-${kind}@seating.test`, password: 'demo-password' }, box.clock.now());
    const event = await eventPage(box.deps, 'chamber-recital-demo');
    if (!event.ok) throw new Error(event.message);
    const seating = await performanceSeating(box.deps, event.value.performances[0]!.id);
    expect(seating?.seatedTypes.map((t) => [t.name, t.zone, t.price.amount])).toEqual([['Stalls', 'Stalls', 2500], ['Balcony', 'Balcony', 1500]]);
    expect(seating?.seats.filter((s) => s.state === 'available')).toHaveLength(100);
    expect(event.value.performances[0]!.ticketTypes.map((t) => t.available)).toEqual([70, 30]);
  });
});
