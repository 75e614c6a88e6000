import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/db/connect.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/**
 * PGlite has one connection. Kysely's PGliteDialect serialises transactions on it; kysely-pglite 0.6
 * lost one of two concurrent transactions. This keeps us honest about that.
 */
describe('PGlite driver', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
  });
  afterAll(async () => tdb?.drop());

  const insertProducer = (db: Db, id: string) =>
    db.insertInto('producers').values({ id, name: id, slug: id, isDemo: false, createdAt: new Date() }).execute();

  it('commits both of two concurrent transactions', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const slow = (id: string) =>
      tdb.db.transaction().execute(async (tx) => {
        await new Promise((r) => setTimeout(r, 30));
        await insertProducer(tx as unknown as Db, id);
        await new Promise((r) => setTimeout(r, 30));
        return id;
      });
    expect(await Promise.all([slow(a), slow(b)])).toEqual([a, b]);
    const rows = await tdb.db.selectFrom('producers').where('id', 'in', [a, b]).select('id').execute();
    expect(rows.map((r) => r.id).sort()).toEqual([a, b].sort());
  });

  it('rolls back one transaction without touching a concurrent one', async () => {
    const [kept, dropped] = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([
      tdb.db.transaction().execute(async (tx) => {
        await insertProducer(tx as unknown as Db, dropped);
        throw new Error('roll back');
      }),
      tdb.db.transaction().execute(async (tx) => insertProducer(tx as unknown as Db, kept)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const rows = await tdb.db.selectFrom('producers').where('id', 'in', [kept, dropped]).select('id').execute();
    expect(rows.map((r) => r.id)).toEqual([kept]);
  });

  it('keeps queries outside a transaction out of it while it runs', async () => {
    const id = randomUUID();
    let seenInside = -1;
    await Promise.all([
      tdb.db.transaction().execute(async (tx) => {
        await insertProducer(tx as unknown as Db, id);
        await new Promise((r) => setTimeout(r, 30));
      }),
      (async () => {
        const r = await tdb.db.selectFrom('producers').where('id', '=', id).select('id').execute();
        seenInside = r.length;
      })(),
    ]);
    // The outside read waits for the transaction (one connection), so it sees the committed row.
    expect(seenInside).toBe(1);
  });
});
