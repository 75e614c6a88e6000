import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrate, openDatabase } from '../../src/adapters/db/connect.ts';
import { formatFinding, type PanFinding, scanDatabase } from '../../src/adapters/scan/panScan.ts';
import { openPgliteCopy } from '../../src/adapters/scan/pgliteCopy.ts';
import { type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { countAllRows, doSomeBusiness } from '../support/sales.ts';

const where = (f: PanFinding) => (f.location.kind === 'database' ? `${f.location.table}.${f.location.column} ${f.masked}` : `file ${f.masked}`);

/** A MIME message as the dev outbox keeps it, with a card number in its body. */
const mailWith = (body: string) =>
  Buffer.from(`From: Marquee <tickets@marquee.localhost>\r\nTo: x@example.org\r\nSubject: Your tickets\r\n\r\n${body}\r\n`, 'utf8');

describe.each(DB_KINDS)('scanDatabase on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let orderIds: string[];

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    ({ orderIds } = await doSomeBusiness(box));
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('finds nothing in a box office that has sold tickets and sent mail, and reads every row', async () => {
    const outbox = await tdb.db.selectFrom('devOutbox').select(['raw']).execute();
    expect(outbox.length).toBe(2);
    expect(outbox.every((m) => m.raw.length > 10_000)).toBe(true); // the PDF tickets are attached
    const scan = await scanDatabase(tdb.db);
    expect(scan.findings.map(formatFinding)).toEqual([]);
    expect(scan.rows).toBe(await countAllRows(tdb.db));
    expect(scan.rows).toBeGreaterThan(20);
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(tdb.db);
    expect(scan.tables).toBe(tables.rows[0]!.n);
  });

  describe('with card numbers planted', () => {
    let outboxId: string;
    beforeAll(async () => {
      await tdb.db.updateTable('orders').set({ buyerName: 'Ada 4242 4242 4242 4242 Lovelace' }).where('id', '=', orderIds[1]!).execute();
      outboxId = randomUUID();
      await tdb.db
        .insertInto('devOutbox')
        .values({ id: outboxId, toAddress: 'x@example.org', subject: 'Your tickets', textBody: 'See the attachment.', raw: mailWith('Paid with 5555-5555-5555-4444, thanks.'), createdAt: new Date() })
        .execute();
    });
    afterAll(async () => {
      await tdb.db.deleteFrom('devOutbox').where('id', '=', outboxId).execute();
      await tdb.db.updateTable('orders').set({ buyerName: 'Buyer 1' }).where('id', '=', orderIds[1]!).execute();
    });

    it('finds both, by table and column, masked', async () => {
      const scan = await scanDatabase(tdb.db);
      expect(scan.findings.map(where).sort()).toEqual(['dev_outbox.raw 555555******4444', 'orders.buyer_name 424242******4242']);
    });

    it('says where in the value, and which row, and never shows the number', async () => {
      const scan = await scanDatabase(tdb.db);
      const order = scan.findings.find((f) => f.location.kind === 'database' && f.location.table === 'orders')!;
      expect(order.location).toMatchObject({ kind: 'database', column: 'buyer_name', offset: 'Ada '.length });
      const mail = scan.findings.find((f) => f.location.kind === 'database' && f.location.table === 'dev_outbox')!;
      expect(mail.location).toMatchObject({ column: 'raw', offset: mailWith('Paid with ').length - 2 });
      // The row number and ctid lead back to the row.
      const loc = order.location as Extract<PanFinding['location'], { kind: 'database' }>;
      const raw = tdb.db.withoutPlugins();
      const byCtid = await sql<{ id: string }>`select id from orders where ctid = ${loc.ctid}::tid`.execute(raw);
      expect(byCtid.rows.map((r) => r.id)).toEqual([orderIds[1]]);
      const text = scan.findings.map(formatFinding).join('\n');
      expect(text).toContain('table=orders column=buyer_name');
      expect(text).not.toMatch(/4242424242424242|4242 4242 4242 4242|5555555555554444|5555-5555-5555-4444/);
    });

    it('gives the same findings and row count whatever the batch size', async () => {
      const whole = await scanDatabase(tdb.db);
      for (const batchRows of [1, 2, 3]) {
        const batched = await scanDatabase(tdb.db, { batchRows });
        expect(batched.findings, `batchRows ${batchRows}`).toEqual(whole.findings);
        expect(batched.rows).toBe(whole.rows);
      }
    });
  });

  it('reads every column type, and tables the application does not know', async () => {
    const raw = tdb.db.withoutPlugins();
    await sql`create table "Pan Extra" (id int, "MixedCase" bigint, doc jsonb, tags text[], blobs bytea[], amount numeric)`.execute(raw);
    try {
      await sql`insert into "Pan Extra" values
        (1, 4242424242424242, '{"card": "3782 822463 10005"}', array['a', '6011-1111-1111-1117'], array[convert_to('x 5555555555554444 y', 'UTF8')], 3530111333300000),
        (2, 1796136987955, '{"time": 1796136987955}', array['2026-06-15'], array['\\x00ff'::bytea], 12.5)`.execute(raw);
      const scan = await scanDatabase(tdb.db);
      const found = scan.findings.filter((f) => f.location.kind === 'database' && f.location.table === 'Pan Extra');
      expect(found.map((f) => [(f.location as { column: string }).column, f.network])).toEqual([
        ['MixedCase', 'visa'],
        ['doc', 'amex'],
        ['tags', 'discover'],
        ['blobs', 'mastercard'],
        ['amount', 'jcb'],
      ]);
    } finally {
      await sql`drop table "Pan Extra"`.execute(raw);
    }
  });
});

describe('openPgliteCopy', () => {
  let dir: string;
  let server: Db;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'marquee-pan-')), 'pglite');
    server = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrate(server);
    await server.insertInto('producers').values({ id: randomUUID(), name: 'Card 4242-4242-4242-4242', slug: 'p', isDemo: false, createdAt: new Date() }).execute();
  });
  afterAll(async () => {
    await server?.destroy();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('scans a directory a running server holds, through a copy, and leaves the server alone', async () => {
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(true);
    const before = readdirSync(dir).sort();
    const copy = await openPgliteCopy(dir);
    expect(copy).not.toBeNull();
    expect(copy!.heldByServer).toBe(true);
    try {
      const scan = await scanDatabase(copy!.db);
      expect(scan.findings.map(where)).toEqual(['producers.name 424242******4242']);
    } finally {
      await copy!.close();
    }
    // A second PGlite on the directory itself would have deleted the server's postmaster.pid on close.
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(before);
    await expect(server.selectFrom('producers').select('name').execute()).resolves.toHaveLength(1);
  });

  it('says when there is no database, rather than creating one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'marquee-pan-empty-'));
    try {
      await expect(openPgliteCopy(join(empty, 'pglite'))).resolves.toBeNull();
      expect(existsSync(join(empty, 'pglite'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
