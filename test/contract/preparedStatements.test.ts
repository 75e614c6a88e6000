import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/**
 * On PostgreSQL every statement with parameters is a named prepared statement (ADR 0018): the server
 * parses and plans it once per connection. One connection here, so what it has prepared can be read.
 */
describe('prepared statements on postgres', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase('postgres', { poolSize: 1 });
  });
  afterAll(async () => tdb?.drop());

  const prepared = async (fragment: string) =>
    (await sql<{ name: string }>`select name from pg_prepared_statements where statement like ${`%${fragment}%`}`.execute(tdb.db)).rows.map((r) => r.name);

  it('prepares a statement with parameters once, under a name made from its text, and reuses it', async () => {
    const lookup = (slug: string) => tdb.db.selectFrom('producers').where('slug', '=', slug).select(['id', 'name']).execute();
    expect(await lookup(`none-${randomUUID()}`)).toEqual([]);
    const names = await prepared('from "producers" where "slug" =');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^mq_[A-Za-z0-9_-]{24}$/);
    // Run again with other values: the same one statement, no second.
    const id = randomUUID();
    await tdb.db.insertInto('producers').values({ id, name: 'Prepared Hall', slug: `prepared-${id}`, isDemo: false, createdAt: new Date() }).execute();
    expect(await lookup(`prepared-${id}`)).toEqual([{ id, name: 'Prepared Hall' }]);
    expect(await prepared('from "producers" where "slug" =')).toEqual(names);
  });

  it('leaves a statement without parameters unprepared, so one text may hold several statements', async () => {
    // As a prepared statement the server would refuse it ("cannot insert multiple commands into a prepared statement").
    await expect(sql.raw('select 1 as one; select 2 as two').execute(tdb.db)).resolves.toBeDefined();
    expect(await prepared('select 2 as two')).toEqual([]);
  });

  it('after a table gains a column while running, a prepared select * fails once and then runs unprepared', async () => {
    await sql.raw('create table prepared_probe (id int primary key, a text)').execute(tdb.db);
    await sql.raw("insert into prepared_probe values (1, 'x')").execute(tdb.db);
    const read = () => tdb.db.selectFrom('preparedProbe' as never).selectAll().where('id' as never, '=', 1 as never).execute();
    expect(await read()).toEqual([{ id: 1, a: 'x' }]);
    // A newer version's migration, as in a rolling deploy.
    await sql.raw('alter table prepared_probe add column b text').execute(tdb.db);
    const first = await read().then(() => null, (e: { code?: string }) => e.code ?? 'error');
    expect(first).toBe('0A000');
    expect(await read()).toEqual([{ id: 1, a: 'x', b: null }]);
    expect(await read()).toEqual([{ id: 1, a: 'x', b: null }]);
  });
});
