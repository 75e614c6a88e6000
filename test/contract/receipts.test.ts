import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/db/connect.ts';
import { receiptRepo } from '../../src/adapters/db/repos/receipts.ts';
import { createEvent, createProducer } from '../../src/adapters/db/seed.ts';
import { kyselyStore } from '../../src/adapters/db/store.ts';
import type { PasswordHasher, ReceiptRepo } from '../../src/app/ports.ts';
import { money } from '../../src/domain/money.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

const NOW = new Date('2027-03-01T12:00:00Z');
const passwords: PasswordHasher = { hash: async (p) => `plain:${p}`, verify: async (h, p) => h === `plain:${p}`, needsRehash: () => false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Receipt and credit-note numbers: per producer and kind, 1, 2, 3… with no gap, whatever runs at once or rolls back. */
describe.each(DB_KINDS)('receipt numbering on %s', (kind) => {
  let tdb: TestDatabase;
  let db: Db;
  let seq = 0;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 20 });
    db = tdb.db;
  });
  afterAll(async () => tdb?.drop());

  /** A producer with one paid order: the least a receipt needs to point at. */
  async function producerWithOrder(details: { name?: string; legalName?: string; legalAddress?: string; vatId?: string } = {}) {
    const n = ++seq;
    const { producerId } = await createProducer(db, passwords, {
      name: details.name ?? `Producer ${n}`, slug: `producer-${n}`, user: { email: `owner-${n}@producer.test`, name: 'Owner', password: 'x' },
    }, NOW);
    if (details.legalName !== undefined || details.legalAddress !== undefined || details.vatId !== undefined) {
      await db.updateTable('producers').set({ legalName: details.legalName ?? '', legalAddress: details.legalAddress ?? '', vatId: details.vatId ?? null }).where('id', '=', producerId).execute();
    }
    const event = await createEvent(db, producerId, {
      slug: `show-${n}`, title: `Show ${n}`, venue: { name: 'Hall', timeZone: 'Europe/London' },
      performances: [{ startsAt: new Date('2027-04-01T19:30:00Z'), ticketTypes: [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 100 }] }],
    }, NOW);
    const performanceId = event.performances[0]!.id;
    const holdId = randomUUID();
    await db.insertInto('holds').values({ id: holdId, performanceId, status: 'converted', createdAt: NOW, expiresAt: NOW }).execute();
    const orderId = randomUUID();
    await db
      .insertInto('orders')
      .values({
        id: orderId, code: `ORD${n}`, producerId, performanceId, holdId, status: 'paid', buyerName: 'Buyer', buyerEmail: 'buyer@example.test',
        marketingConsent: false, totalMinor: 2500, currency: 'GBP', createdAt: NOW, paidAt: NOW,
      })
      .execute();
    return { producerId, orderId };
  }

  type Target = Awaited<ReturnType<typeof producerWithOrder>>;

  const CONTENT = {
    seller: { legalName: 'Test Theatre Ltd', address: '1 Test Road', vatId: null },
    lines: [{ description: 'Adult', quantity: 1, unitGross: money(2500, 'GBP'), net: money(2500, 'GBP'), taxRateBp: 0, tax: money(0, 'GBP'), gross: money(2500, 'GBP') }],
    taxByRate: [{ rateBp: 0, net: money(2500, 'GBP'), tax: money(0, 'GBP') }],
    net: money(2500, 'GBP'), tax: money(0, 'GBP'), gross: money(2500, 'GBP'),
  };
  const issueIn = (repo: ReceiptRepo, t: Target, extra: { kind?: 'receipt' | 'credit_note'; refersTo?: string; id?: string } = {}) =>
    repo.issue({
      id: extra.id ?? randomUUID(), producerId: t.producerId, orderId: t.orderId, kind: extra.kind ?? 'receipt', gross: money(2500, 'GBP'), issuedAt: NOW,
      refersTo: extra.refersTo, content: CONTENT,
    });

  /** Issues in a transaction of its own, keeping it open a little so that concurrent issuers overlap. */
  const issue = (t: Target, extra: Parameters<typeof issueIn>[2] = {}, holdMs = 0) =>
    db.transaction().execute(async (tx) => {
      const r = await issueIn(receiptRepo(tx), t, extra);
      if (holdMs) await sleep(holdMs);
      return r;
    });

  const storedNumbers = async (t: Target, k: 'receipt' | 'credit_note' = 'receipt') =>
    (await db.selectFrom('receipts').where('producerId', '=', t.producerId).where('kind', '=', k).select('number').orderBy('number').execute()).map((r) => r.number);

  it('gives 30 concurrent receipts of one producer exactly the numbers 1 to 30', async () => {
    const p = await producerWithOrder();
    const issued = await Promise.all(range(1, 30).map((i) => issue(p, {}, i % 3)));
    expect(issued.map((r) => r.number).sort((a, b) => a - b)).toEqual(range(1, 30));
    expect(await storedNumbers(p)).toEqual(range(1, 30));
    for (const r of issued) expect(r.formatted).toBe(`R-${String(r.number).padStart(6, '0')}`);
  });

  it('numbers two producers independently, even when they issue at the same time', async () => {
    const [a, b] = [await producerWithOrder(), await producerWithOrder()];
    const issued = await Promise.all(range(1, 10).map((i) => issue(i % 2 ? a : b, {}, 2)));
    expect(issued.filter((_, i) => (i + 1) % 2).map((r) => r.number).sort((x, y) => x - y)).toEqual(range(1, 5));
    expect(await storedNumbers(a)).toEqual(range(1, 5));
    expect(await storedNumbers(b)).toEqual(range(1, 5));
  });

  it('keeps a sequence of its own for credit notes, which refer to the receipt they correct', async () => {
    const p = await producerWithOrder();
    const receiptIds = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of receiptIds) await issue(p, { id });
    const note = await issue(p, { kind: 'credit_note', refersTo: receiptIds[1] });
    expect(note).toEqual({ number: 1, formatted: 'CN-000001' });
    expect(await issue(p)).toEqual({ number: 4, formatted: 'R-000004' });
    expect(await issue(p, { kind: 'credit_note', refersTo: receiptIds[0] })).toEqual({ number: 2, formatted: 'CN-000002' });

    const docs = await receiptRepo(db).forOrder(p.orderId);
    expect(docs.map((d) => d.formatted)).toEqual(['R-000001', 'R-000002', 'R-000003', 'R-000004', 'CN-000001', 'CN-000002']);
    const cn1 = docs.find((d) => d.formatted === 'CN-000001')!;
    expect(cn1).toMatchObject({ kind: 'credit_note', number: 1, refersTo: receiptIds[1], orderId: p.orderId, producerId: p.producerId, gross: money(2500, 'GBP') });
    expect(cn1.issuedAt.toISOString()).toBe(NOW.toISOString());
    expect(docs.filter((d) => d.kind === 'receipt').every((d) => d.refersTo === null)).toBe(true);
  });

  it('gives the number of a rolled-back transaction to the next document, leaving no gap', async () => {
    const p = await producerWithOrder();
    await issue(p);
    const lostId = randomUUID();
    let taken = 0;
    await expect(
      db.transaction().execute(async (tx) => {
        taken = (await issueIn(receiptRepo(tx), p, { id: lostId })).number;
        throw new Error('payment failed after the receipt was issued');
      }),
    ).rejects.toThrow('payment failed');
    expect(taken).toBe(2);
    expect(await issue(p)).toEqual({ number: 2, formatted: 'R-000002' });
    expect(await storedNumbers(p)).toEqual([1, 2]);
    expect(await db.selectFrom('receipts').where('id', '=', lostId).select('id').execute()).toEqual([]);
  });

  it('leaves no gap when some of many concurrent transactions roll back', async () => {
    const p = await producerWithOrder();
    const results = await Promise.allSettled(
      range(1, 24).map((i) =>
        db.transaction().execute(async (tx) => {
          const r = await issueIn(receiptRepo(tx), p);
          await sleep(i % 4);
          if (i % 3 === 0) throw new Error('rolled back');
          return r;
        }),
      ),
    );
    const kept = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.number] : []));
    expect(kept).toHaveLength(16);
    expect(kept.sort((a, b) => a - b)).toEqual(range(1, 16));
    expect(await storedNumbers(p)).toEqual(range(1, 16));
  });

  it('takes the number and writes the document together when called outside a transaction', async () => {
    const p = await producerWithOrder();
    const store = kyselyStore(db);
    expect(await issueIn(store.receipts, p)).toEqual({ number: 1, formatted: 'R-000001' });
    // The document cannot be written (no such order): its number must not be used up.
    await expect(issueIn(store.receipts, { ...p, orderId: randomUUID() })).rejects.toThrow();
    expect(await store.transaction((tx) => issueIn(tx.receipts, p))).toEqual({ number: 2, formatted: 'R-000002' });
  });

  it('refuses a receipt that refers to another document', async () => {
    const p = await producerWithOrder();
    const first = randomUUID();
    await issue(p, { id: first });
    await expect(issue(p, { refersTo: first })).rejects.toThrow();
    expect(await issue(p)).toEqual({ number: 2, formatted: 'R-000002' });
  });

  it('formats numbers with six digits at least and no year', async () => {
    const p = await producerWithOrder();
    const next = (kind: 'receipt' | 'credit_note', nextNumber: number) =>
      db.insertInto('documentSequences').values({ producerId: p.producerId, kind, nextNumber })
        .onConflict((oc) => oc.columns(['producerId', 'kind']).doUpdateSet({ nextNumber })).execute();
    await next('receipt', 42);
    expect(await issue(p)).toEqual({ number: 42, formatted: 'R-000042' });
    await next('credit_note', 7);
    expect(await issue(p, { kind: 'credit_note' })).toEqual({ number: 7, formatted: 'CN-000007' });
    await next('receipt', 1_234_567);
    expect(await issue(p)).toEqual({ number: 1_234_567, formatted: 'R-1234567' });
  });

  it('names the seller by its legal details, or by its display name when none are set', async () => {
    const plain = await producerWithOrder({ name: 'Théâtre du Nord' });
    const legal = await producerWithOrder({ name: 'Nordbühne', legalName: 'Nordbühne gGmbH', legalAddress: 'Hafenstraße 1\n20457 Hamburg', vatId: 'DE123456789' });
    const repo = receiptRepo(db);
    expect(await repo.legalDetails(plain.producerId)).toEqual({ legalName: 'Théâtre du Nord', address: '', vatId: null });
    expect(await repo.legalDetails(legal.producerId)).toEqual({ legalName: 'Nordbühne gGmbH', address: 'Hafenstraße 1\n20457 Hamburg', vatId: 'DE123456789' });
    expect(await repo.legalDetails(randomUUID())).toBeNull();
  });
});
