import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeHold } from '../../src/app/holds.ts';
import { NETWORK_COLUMNS } from '../../src/adapters/db/repos/network.ts';
import { applyRetention } from '../../src/app/retention.ts';
import { placeLegalHold } from '../../src/app/subjects.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { databaseText } from '../support/scan.ts';
import { buy, drainMail } from '../support/subjects.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Issue 7 §9, with the clock moved forward: default periods (IP 90 days, buyer data 24 months after
 * the event's last performance, abandoned holds and sent mail 30 days). Before each period nothing
 * changes; after it, exactly what should go is gone; a legal hold is respected; each run is audited.
 */
describe.each(DB_KINDS)('retention on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  const t0 = Date.parse('2027-03-01T12:00:00Z');
  const ids = { eve: '', fay: '', gus: '', kim: '', holdOnly: '' };

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    const ticketTypes = [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 100 }];
    const oneNight = await producerWithEvent(box, { name: 'One Night', ticketTypes }); // performs at t0 + 30 days
    const twoNights = await producerWithEvent(box, { name: 'Two Nights', ticketTypes, performances: 2 }); // t0 + 30 and 31 days
    ids.eve = (await buy(box, oneNight, { buyerName: 'Eve Ended', buyerEmail: 'eve@example.org', marketingConsent: true })).id;
    ids.fay = (await buy(box, oneNight, { buyerName: 'Fay Frozen', buyerEmail: 'fay@example.org', marketingConsent: false })).id;
    ids.gus = (await buy(box, oneNight, { buyerName: 'Gus Gone', buyerEmail: 'gus@example.org', marketingConsent: false }, 1, 'declined')).id;
    ids.kim = (await buy(box, twoNights, { buyerName: 'Kim Later', buyerEmail: 'kim@example.org', marketingConsent: false })).id;
    const h = await placeHold(box.deps, { performanceId: oneNight.performance.id, lines: [{ ticketTypeId: oneNight.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!h.ok) throw new Error(h.message);
    ids.holdOnly = h.value.holdId;
    await sql`update orders set client_ip = '203.0.113.7', client_org = 'Example Hosting', client_asn = 64500`.execute(box.db);
    await drainMail(box);
    expect(await placeLegalHold(box.deps, { orderId: ids.fay, reason: 'chargeback dispute', until: null, staffId: 'staff-1' })).toMatchObject({ ok: true });
    // A password-reset link asked for and never used: its hash outlives its 30 minutes only until retention.
    await box.db.insertInto('passwordResets').values({ tokenHash: 'spent-reset-hash', userId: oneNight.userId, createdAt: new Date(t0 - 25 * 60_000), expiresAt: new Date(t0 + 5 * 60_000), usedAt: null }).execute();
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const moveTo = (at: number) => box.clock.advance(at - box.clock.now().getTime());
  /** Everything but the audit trail, which every run appends to. */
  const snapshot = async () => (await databaseText(box.db)).filter((r) => !r.table.startsWith('audit_')).map((r) => `${r.table}: ${r.text}`).sort();
  const order = (id: string) => box.db.selectFrom('orders').where('id', '=', id).select(['buyerName', 'buyerEmail', 'marketingConsent', sql<string | null>`client_ip`.as('ip'), sql<string | null>`client_org`.as('isp')]).executeTakeFirst();
  const paidTotals = async () => (await sql<{ orders: string; payments: string }>`select
      (select coalesce(sum(total_minor), 0) from orders where paid_at is not null) as orders,
      (select coalesce(sum(amount_minor), 0) from payments where status in ('paid', 'refunded', 'partially_refunded')) as payments`.execute(box.db)).rows[0];
  const lastAudit = async () => (await box.deps.store.audit.entries(0, 100_000)).at(-1)!;
  let totals: Awaited<ReturnType<typeof paidTotals>>;

  it('changes nothing before any period has passed, and still writes its audit entry', async () => {
    totals = await paidTotals();
    for (const at of [t0 + MINUTE, t0 + 30 * DAY - MINUTE]) {
      moveTo(at);
      const before = await snapshot();
      const report = await applyRetention(box.deps);
      expect(await snapshot()).toEqual(before);
      expect(report).toMatchObject({ networkRows: 0, buyersAnonymised: 0, abandonedDeleted: 0, abandonedAnonymised: 0, holdsDeleted: 0, outboxMails: 0, devOutboxMails: 0 });
      expect(report.networkColumns).toEqual(['orders.client_ip', 'orders.client_asn', 'orders.client_org', 'staff_logins.ip', 'staff_logins.asn', 'staff_logins.organisation']);
      expect(await lastAudit()).toMatchObject({ action: 'retention.apply', actorKind: 'system', subject: 'retention' });
    }
  });

  it('after 30 days deletes the abandoned hold, its unpaid order and the sent mail, and nothing else', async () => {
    moveTo(t0 + 30 * DAY + 11 * MINUTE); // the holds expired at t0 + 10 minutes
    const report = await applyRetention(box.deps);
    expect(report).toMatchObject({ abandonedDeleted: 1, holdsDeleted: 1, buyersAnonymised: 0, networkRows: 0, outboxMails: 3, devOutboxMails: 3, resetTokens: 1 });
    expect(await box.db.selectFrom('passwordResets').selectAll().execute()).toEqual([]);
    expect(await order(ids.gus)).toBeUndefined();
    expect(await box.db.selectFrom('holds').where('id', '=', ids.holdOnly).select('id').executeTakeFirst()).toBeUndefined();
    expect(await box.db.selectFrom('devOutbox').select('id').execute()).toEqual([]);
    expect((await snapshot()).some((t) => t.includes('gus@example.org') || t.includes('Gus Gone'))).toBe(false);
    for (const id of [ids.eve, ids.fay, ids.kim]) expect(await order(id)).toMatchObject({ ip: '203.0.113.7', isp: 'Example Hosting' });
    expect(await paidTotals()).toEqual(totals);
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ abandonedDeleted: 1, holdsDeleted: 1, outboxMails: 3, devOutboxMails: 3 });
  });

  it('clears IP, ISP and ASN after 90 days, to the minute', async () => {
    moveTo(t0 + 90 * DAY - MINUTE);
    expect((await applyRetention(box.deps)).networkRows).toBe(0);
    moveTo(t0 + 90 * DAY + MINUTE);
    expect((await applyRetention(box.deps)).networkRows).toBe(3);
    for (const id of [ids.eve, ids.fay, ids.kim]) expect(await order(id)).toMatchObject({ ip: null, isp: null, buyerName: expect.stringMatching(/^(Eve|Fay|Kim) /) });
  });

  it("anonymises buyers 24 months after their event's last performance, except under a legal hold", async () => {
    // One Night performed on 2027-03-31 12:00 UTC; Two Nights last performs a day later.
    moveTo(Date.parse('2029-03-31T11:00:00Z'));
    const early = await applyRetention(box.deps);
    expect(early.buyersAnonymised).toBe(0);
    expect(early.keptForLegalHold).toBe(0);

    moveTo(Date.parse('2029-03-31T13:00:00Z'));
    const report = await applyRetention(box.deps);
    expect(report).toMatchObject({ buyersAnonymised: 1, keptForLegalHold: 1 });
    expect(await order(ids.eve)).toMatchObject({ buyerName: 'Erased buyer', buyerEmail: `erased+${ids.eve}@invalid`, marketingConsent: false });
    expect(await order(ids.fay)).toMatchObject({ buyerName: 'Fay Frozen', buyerEmail: 'fay@example.org' });
    expect(await order(ids.kim)).toMatchObject({ buyerName: 'Kim Later' });
    expect((await box.db.selectFrom('tickets').where('orderId', '=', ids.eve).select('attendeeName').execute()).map((t) => t.attendeeName)).toEqual(['Erased attendee', 'Erased attendee']);
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ buyersAnonymised: 1, keptForLegalHold: 1, buyerDataMonths: 24 });

    moveTo(Date.parse('2029-04-01T13:00:00Z'));
    expect(await applyRetention(box.deps)).toMatchObject({ buyersAnonymised: 1, keptForLegalHold: 1 });
    expect(await order(ids.kim)).toMatchObject({ buyerName: 'Erased buyer' });
    expect(await order(ids.fay)).toMatchObject({ buyerName: 'Fay Frozen' });
    // A second run finds nothing left to do.
    expect(await applyRetention(box.deps)).toMatchObject({ buyersAnonymised: 0, abandonedDeleted: 0, networkRows: 0 });
    expect(await paidTotals()).toEqual(totals);
    const text = (await snapshot()).join('\n');
    for (const gone of ['Eve Ended', 'eve@example.org', 'Kim Later', 'kim@example.org']) expect(text).not.toContain(gone);
    expect(text).toContain('Fay Frozen');
    expect((await box.deps.store.audit.entries(0, 100_000)).filter((e) => e.action === 'retention.apply')).toHaveLength(9);
  });
});

describe('network data columns', () => {
  it('lists every column of the schema that looks like an IP, ISP, organisation or ASN, so retention and erasure reach it', async () => {
    const tdb = await freshDatabase('pglite');
    try {
      const rows = await sql<{ t: string; c: string }>`
        select table_name as t, column_name as c from information_schema.columns
        where table_schema = 'public' and (column_name ~ '(^|_)(ip|isp|asn|org|organisation)($|_)')`.execute(tdb.db);
      const listed = new Set(NETWORK_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}`)));
      expect(rows.rows.map((r) => `${r.t}.${r.c}`).filter((c) => !listed.has(c))).toEqual([]);
      expect(rows.rows.length).toBe(listed.size);
    } finally {
      await tdb.drop();
    }
  });
});
