import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore } from '../../src/adapters/db/store.ts';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { producerOrder, producerOrders } from '../../src/app/producer.ts';
import { firstBrokenLink } from '../../src/domain/audit.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

/** The audit trail is one hash chain, whoever appends at once, and any change to it shows. */
describe.each(DB_KINDS)('audit trail on %s', (kind) => {
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

  const all = () => box.deps.store.audit.entries(0, 10_000);

  it('forms one unbroken chain from concurrent appends, inside and outside transactions', async () => {
    const store = kyselyStore(tdb.db);
    await Promise.all(Array.from({ length: 25 }, (_, i) =>
      i % 2 === 0
        ? store.audit.record({ actorKind: 'system', actorId: null, producerId: null, action: 'test.append', subject: `s:${i}`, reason: 'test', at: new Date() })
        : store.transaction((tx) => tx.audit.record({ actorKind: 'system', actorId: null, producerId: null, action: 'test.append', subject: `s:${i}`, reason: 'test', at: new Date() })),
    ));
    const entries = await all();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
    expect(firstBrokenLink('genesis', entries)).toBeNull();
  });

  it('finds a changed, a removed or a reordered entry', async () => {
    const entries = await all();
    const changed = entries.map((e, i) => (i === 3 ? { ...e, subject: 's:changed' } : e));
    expect(firstBrokenLink('genesis', changed)).toBe(4);
    expect(firstBrokenLink('genesis', entries.filter((_, i) => i !== 5))).toBe(7);
    const swapped = [...entries];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(firstBrokenLink('genesis', swapped)).toBe(3);
  });

  it("records every producer view of buyers' orders, by id, without the buyer's name or email", async () => {
    const p = await producerWithEvent(box);
    const r = await logIn(box.deps, p.email, p.password);
    if (!r.ok) throw new Error(r.message);
    const user = (await sessionUser(box.deps, r.value.token))!;
    const before = (await all()).length;
    await producerOrders(box.deps, user);
    await producerOrder(box.deps, user, '00000000-0000-4000-8000-000000000000'); // not found: nothing was read, nothing recorded
    const added = (await all()).slice(before);
    expect(added.map((e) => [e.action, e.actorId, e.producerId])).toEqual([['orders.list', user.userId, p.producerId]]);
    expect(firstBrokenLink('genesis', await all())).toBeNull();
  });
});
