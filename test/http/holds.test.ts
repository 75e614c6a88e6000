import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const MINUTE = 60_000;

/** The storefront's answers to holds it refuses: a clear 4xx page with the reason, never a 500. */
describe('holding tickets from the event page', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let p: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    const now = box.clock.now();
    p = await producerWithEvent(box, {
      quotas: [{ name: 'Hall', capacity: 3 }],
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', quotas: ['Hall'], maxPerOrder: 2 },
        { name: 'Pair', priceMinor: 4000, currency: 'GBP', quotas: ['Hall'], minPerOrder: 2 },
        { name: 'Preview', priceMinor: 1000, currency: 'GBP', capacity: 5, salesOpensAt: new Date(now.getTime() + 24 * 60 * MINUTE) },
        { name: 'Early bird', priceMinor: 1000, currency: 'GBP', capacity: 5, salesClosesAt: new Date(now.getTime() - MINUTE) },
      ],
    });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const hold = (typeIndex: number, quantity: number) =>
    box.server.inject({
      method: 'POST', url: `/events/${p.slug}/hold`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[typeIndex]}`]: String(quantity) }).toString(),
    });

  it('shows each type\'s sales window and limits on the event page', async () => {
    const page = await box.server.inject({ method: 'GET', url: `/events/${p.slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/data-sale="not_yet">On sale from <time/);
    expect(page.body).toContain('data-sale="ended">No longer on sale');
    expect(page.body).toMatch(new RegExp(`id="q-${p.performance.ticketTypeIds[0]}" name="q_[^"]+" min="0" max="2"`));
    expect(page.body).toContain('Number of Pair tickets (at least 2)');
  });

  it('refuses outside the sales window, outside the per-order limits and beyond the quota, each with its reason', async () => {
    const cases: [number, number, number, string][] = [
      [2, 1, 409, 'Preview tickets are not on sale yet.'],
      [3, 1, 409, 'Early bird tickets are no longer on sale.'],
      [0, 3, 400, 'You can hold at most 2 Adult tickets at a time.'],
      [1, 1, 400, 'Pair tickets are sold at least 2 at a time.'],
    ];
    for (const [type, quantity, status, message] of cases) {
      const res = await hold(type, quantity);
      expect(res.statusCode, message).toBe(status);
      expect(res.body).toContain('class="notice error"');
      expect(res.body).toContain(message);
    }
    expect((await hold(0, 2)).statusCode).toBe(303);
    const short = await hold(1, 2);
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('Only 1 Pair ticket is left.');
    // The refusal's page shows what is left now, never more than can be held.
    expect(short.body).toContain('data-available="1"');
    expect((await box.db.selectFrom('holds').where('performanceId', '=', p.performance.id).selectAll().execute())).toHaveLength(1);
  });
});
