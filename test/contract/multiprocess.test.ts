import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcesses, startAppProcesses } from '../support/appProcesses.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/**
 * Zero oversell across processes: three separate app processes (scripts/serve-app.ts) on one
 * PostgreSQL database, many buyers at once over HTTP, more buyers than places. PostgreSQL only:
 * PGlite is one process's embedded database.
 */
describe('holds from several app processes on postgres', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let apps: AppProcesses;

  beforeAll(async () => {
    tdb = await freshDatabase('postgres');
    box = await testBoxOffice(tdb.db);
    apps = await startAppProcesses(3, tdb.url!, { RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await apps?.stop();
    await box?.close();
    await tdb?.drop();
  });

  it('sells a shared hall of 12 and a Student quota of 4 to no more than that, and tells every other buyer why', async () => {
    const p = await producerWithEvent(box, {
      quotas: [{ name: 'Hall', capacity: 12 }],
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', quotas: ['Hall'] },
        { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 4, quotas: ['Hall'] },
      ],
    });
    const [adult, student] = p.performance.ticketTypeIds as [string, string];
    const buyers = Array.from({ length: 60 }, (_, i) => ({ type: i % 3 === 0 ? student : adult, quantity: i % 5 === 0 ? 2 : 1, url: apps.urls[i % apps.urls.length]! }));
    const answers = await Promise.all(
      buyers.map(async (b) => {
        const res = await fetch(`${b.url}/events/${p.slug}/hold`, {
          method: 'POST', redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ performanceId: p.performance.id, [`q_${b.type}`]: String(b.quantity) }).toString(),
        });
        return { ...b, status: res.status, location: res.headers.get('location'), body: await res.text() };
      }),
    );

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const held = answers.filter((a) => a.status === 303);
    const refused = answers.filter((a) => a.status !== 303);
    for (const a of held) expect(a.location).toMatch(/^\/checkout\/[0-9a-f-]{36}$/);
    for (const a of refused) {
      expect(a.status).toBe(409);
      expect(a.body).toMatch(/(Adult|Student) is sold out\.|Only \d+ (Adult|Student) tickets? (is|are) left\./);
    }
    // Every process answered its share.
    for (const url of apps.urls) expect(answers.filter((a) => a.url === url)).toHaveLength(20);

    const heldAdults = held.filter((a) => a.type === adult).reduce((n, a) => n + a.quantity, 0);
    const heldStudents = held.filter((a) => a.type === student).reduce((n, a) => n + a.quantity, 0);
    expect(heldStudents).toBeLessThanOrEqual(4);
    expect(heldAdults + heldStudents).toBeLessThanOrEqual(12);
    // Demand was far above supply: the hall is full, or at most one place is left for a refused pair.
    expect(heldAdults + heldStudents).toBeGreaterThanOrEqual(11);

    const audit = await box.deps.store.inventory.audit(p.performance.id, new Date());
    const hall = audit.find((q) => q.name === 'Hall')!;
    const own = audit.find((q) => q.name === 'Student')!;
    expect(hall).toMatchObject({ capacity: 12, sold: 0, held: heldAdults + heldStudents, heldFromRows: heldAdults + heldStudents, soldFromRows: 0 });
    expect(own).toMatchObject({ capacity: 4, held: heldStudents, heldFromRows: heldStudents });
    for (const q of audit) expect(q.sold + q.held + q.available).toBe(q.capacity);
  });
});
