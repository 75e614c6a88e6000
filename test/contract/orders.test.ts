import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyerOrder } from '../../src/app/orders.ts';
import type { OrderRecord, SessionUser } from '../../src/app/ports.ts';
import { ORDER_SEARCH_PAGE_SIZE, renameAttendee, resendTickets, searchProducerOrders } from '../../src/app/producer.ts';
import { firstBrokenLink } from '../../src/domain/audit.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, drainMail, type Producer, staff } from '../support/subjects.ts';

const WIDE = [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 200 }];

/** Issue 6 §3 on both databases: search scoped by producer and audited without the query; resend; attendee names. */
describe.each(DB_KINDS)('orders in the producer workspace (%s)', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let ownerA: SessionUser;
  let ownerB: SessionUser;
  let ada: OrderRecord;
  let grace: OrderRecord;
  let elsewhere: OrderRecord;

  const auditOf = async (action: string) => (await box.deps.store.audit.entries(0, 100_000)).filter((e) => e.action === action);

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Search Theatre', ticketTypes: WIDE });
    b = await producerWithEvent(box, { name: 'Other Theatre', ticketTypes: WIDE });
    ada = await buy(box, a, { buyerName: 'Ada Lovelace', buyerEmail: 'ada.lovelace@example.org', marketingConsent: false }, 2);
    grace = await buy(box, a, { buyerName: 'Grace Hopper', buyerEmail: 'grace@navy.example', marketingConsent: true }, 1);
    // Another producer's buyer with the same name: never found by A.
    elsewhere = await buy(box, b, { buyerName: 'Ada Lovelace', buyerEmail: 'ada.lovelace@example.org', marketingConsent: false }, 1);
    ownerA = await staff(box, a);
    ownerB = await staff(box, b);
  }, 60_000);
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const codesFound = async (user: SessionUser, q: string, page = 1) => {
    const r = await searchProducerOrders(box.deps, user, q, page);
    if (!r.ok) throw new Error(r.message);
    return r.value.rows.map((o) => o.code).sort();
  };

  it('finds orders by part of the buyer name or email in any case, and by the order code or its start, with or without the dash', async () => {
    expect(await codesFound(ownerA, 'lovel')).toEqual([ada.code]);
    expect(await codesFound(ownerA, 'ADA LOVELACE')).toEqual([ada.code]);
    expect(await codesFound(ownerA, 'navy.EXAMPLE')).toEqual([grace.code]);
    expect(await codesFound(ownerA, 'example')).toEqual([ada.code, grace.code].sort());
    expect(await codesFound(ownerA, grace.code)).toEqual([grace.code]);
    expect(await codesFound(ownerA, grace.code.toLowerCase().replace('-', ''))).toEqual([grace.code]);
    expect(await codesFound(ownerA, grace.code.slice(0, 6))).toContain(grace.code);
    // The code matches from its start only.
    expect(await codesFound(ownerA, grace.code.slice(5))).not.toContain(grace.code);
  });

  it('never finds another producer\'s orders, even by their exact code or the same buyer', async () => {
    expect(await codesFound(ownerA, elsewhere.code)).toEqual([]);
    expect(await codesFound(ownerB, 'ada')).toEqual([elsewhere.code]);
    expect(await codesFound(ownerB, ada.code)).toEqual([]);
    expect(await codesFound(ownerB, 'grace')).toEqual([]);
  });

  it('treats % and _ as themselves, not as wildcards', async () => {
    expect(await codesFound(ownerA, '%')).toEqual([]);
    expect(await codesFound(ownerA, '_')).toEqual([]);
    expect(await codesFound(ownerA, 'ada%hopper')).toEqual([]);
  });

  it('audits each search with the number of rows and the page, never the query', async () => {
    const before = (await auditOf('orders.search')).length;
    await codesFound(ownerA, 'grace@navy');
    const entries = await auditOf('orders.search');
    expect(entries).toHaveLength(before + 1);
    const entry = entries.at(-1)!;
    expect(entry.actorId).toBe(ownerA.userId);
    expect(entry.producerId).toBe(a.producerId);
    expect(entry.subject).toBe(`producer:${a.producerId}`);
    expect(JSON.parse(entry.detail)).toEqual({ rows: 1, page: 1 });
    expect(JSON.stringify(entries)).not.toMatch(/grace|navy|lovel/i);
    expect(box.logs.text()).not.toMatch(/grace|navy/i);
    expect(firstBrokenLink('genesis', await box.deps.store.audit.entries(0, 100_000))).toBeNull();
  });

  it('refuses an empty or overlong query, a page out of range and the door role, without an audit entry', async () => {
    const before = (await auditOf('orders.search')).length;
    expect(await searchProducerOrders(box.deps, ownerA, '   ')).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await searchProducerOrders(box.deps, ownerA, 'x'.repeat(201))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await searchProducerOrders(box.deps, ownerA, 'ada', 0)).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await searchProducerOrders(box.deps, { ...ownerA, role: 'door' }, 'ada')).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await auditOf('orders.search')).length).toBe(before);
  });

  it('pages results 50 at a time, newest first, each order once', async () => {
    const c = await producerWithEvent(box, { ticketTypes: WIDE });
    const ownerC = await staff(box, c);
    const codes: string[] = [];
    for (let i = 0; i < ORDER_SEARCH_PAGE_SIZE + 2; i++) {
      codes.push((await buy(box, c, { buyerName: `Pager ${i}`, buyerEmail: `pager${i}@example.org`, marketingConsent: false }, 1)).code);
      box.clock.advance(1000);
    }
    const first = await searchProducerOrders(box.deps, ownerC, 'pager', 1);
    const second = await searchProducerOrders(box.deps, ownerC, 'pager', 2);
    if (!first.ok || !second.ok) throw new Error('search failed');
    expect(first.value.rows).toHaveLength(ORDER_SEARCH_PAGE_SIZE);
    expect(first.value.hasNext).toBe(true);
    expect(second.value.rows).toHaveLength(2);
    expect(second.value.hasNext).toBe(false);
    expect(first.value.rows[0]!.buyerName).toBe(`Pager ${ORDER_SEARCH_PAGE_SIZE + 1}`);
    expect([...first.value.rows, ...second.value.rows].map((r) => r.code).sort()).toEqual([...codes].sort());
  }, 120_000);

  it('resends the tickets: one more mail, sent with the tickets attached, audited', async () => {
    await drainMail(box);
    const mailsBefore = await box.db.selectFrom('mails').where('orderId', '=', ada.id).select(['kind']).execute();
    const sentBefore = await box.db.selectFrom('devOutbox').where('toAddress', '=', ada.buyerEmail).select('id').execute();
    for (let i = 0; i < 2; i++) expect((await resendTickets(box.deps, ownerA, ada.id)).ok).toBe(true);
    const mails = await box.db.selectFrom('mails').where('orderId', '=', ada.id).select(['kind']).execute();
    expect(mails).toHaveLength(mailsBefore.length + 2);
    expect(mails.filter((m) => m.kind.startsWith('order_confirmation:resend:'))).toHaveLength(2);
    await drainMail(box);
    const sent = await box.db.selectFrom('devOutbox').where('toAddress', '=', ada.buyerEmail).selectAll().orderBy('createdAt').execute();
    expect(sent.length).toBe(sentBefore.length + 2);
    expect(await box.db.selectFrom('mails').where('orderId', '=', ada.id).where('status', '!=', 'sent').select('id').execute()).toEqual([]);
    const resends = (await auditOf('order.resend')).filter((e) => e.subject === `order:${ada.id}`);
    expect(resends).toHaveLength(2);
    expect(resends[0]!.actorId).toBe(ownerA.userId);
  });

  it('does not resend another producer\'s order, nor for a role without the right', async () => {
    const before = await box.db.selectFrom('mails').select('id').execute();
    expect(await resendTickets(box.deps, ownerB, ada.id)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await resendTickets(box.deps, ownerA, randomUUID())).toMatchObject({ ok: false, code: 'not_found' });
    expect(await resendTickets(box.deps, { ...ownerA, role: 'viewer' }, ada.id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await box.db.selectFrom('mails').select('id').execute()).toHaveLength(before.length);
  });

  it('changes the name on one ticket only, keeps its code, and audits the ticket id without any name', async () => {
    const token = box.deps.keys.orderLinkToken(ada.id);
    const before = await buyerOrder(box.deps, ada.id, token);
    if (!before.ok) throw new Error(before.message);
    const [first, second] = before.value.tickets;
    const r = await renameAttendee(box.deps, { ...ownerA, role: 'box_office' }, ada.id, first!.id, '  Charles Babbage  ');
    expect(r.ok).toBe(true);
    const after = await buyerOrder(box.deps, ada.id, token);
    if (!after.ok) throw new Error(after.message);
    const renamed = after.value.tickets.find((t) => t.id === first!.id)!;
    const other = after.value.tickets.find((t) => t.id === second!.id)!;
    expect(renamed.attendeeName).toBe('Charles Babbage');
    expect(renamed.code).toBe(first!.code);
    expect(other.attendeeName).toBe('Ada Lovelace');
    expect(after.value.order.buyerName).toBe('Ada Lovelace');
    const entry = (await auditOf('ticket.rename')).at(-1)!;
    expect(entry.subject).toBe(`order:${ada.id}`);
    expect(JSON.parse(entry.detail)).toEqual({ ticketId: first!.id });
    expect(JSON.stringify(await auditOf('ticket.rename'))).not.toMatch(/Babbage|Lovelace/);
    expect(box.logs.text()).not.toContain('Babbage');
  });

  it('refuses a blank or overlong name, another producer, another order\'s ticket and the viewer role, changing nothing', async () => {
    const ticket = (await box.deps.store.tickets.byOrder(grace.id))[0]!;
    const audits = (await auditOf('ticket.rename')).length;
    expect(await renameAttendee(box.deps, ownerA, grace.id, ticket.id, '   ')).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await renameAttendee(box.deps, ownerA, grace.id, ticket.id, 'x'.repeat(201))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await renameAttendee(box.deps, ownerB, grace.id, ticket.id, 'Mallory')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await renameAttendee(box.deps, ownerA, ada.id, ticket.id, 'Mallory')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await renameAttendee(box.deps, { ...ownerA, role: 'viewer' }, grace.id, ticket.id, 'Mallory')).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await box.deps.store.tickets.byOrder(grace.id))[0]!.attendeeName).toBe('Grace Hopper');
    expect((await auditOf('ticket.rename')).length).toBe(audits);
  });
});
