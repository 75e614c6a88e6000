import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/app/audit.ts';
import { decideDisclosure, exportDisclosure, recordDisclosure, type DisclosureInput } from '../../src/app/disclosure.ts';
import { placeHold } from '../../src/app/holds.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import type { StaffMember } from '../../src/app/ports.ts';
import { createStaff, staffLogIn, staffSession } from '../../src/app/staff.ts';
import { eraseByEmail } from '../../src/app/subjects.ts';
import { openSupportRequest, requestSupport, supportLookup } from '../../src/app/support.ts';
import { DISCLOSURE_HOLD_DAYS, emailHash } from '../../src/domain/disclosure.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

/** Lawful disclosure and the support console, through the use cases, on both databases. */
describe.each(DB_KINDS)('disclosure and support on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let adminA: StaffMember;
  let adminB: StaffMember;
  let support: StaffMember;
  const orders: { id: string; code: string; email: string; name: string; producerId: string }[] = [];

  async function staff(role: 'admin' | 'support', n: string): Promise<StaffMember> {
    const created = await createStaff(box.deps, { email: `${n}@platform.test`, name: `Staff ${n}`, role });
    if (!created.ok) throw new Error(created.message);
    const login = await staffLogIn(box.deps, `${n}@platform.test`, created.value.password);
    if (!login.ok) throw new Error(login.message);
    return (await staffSession(box.deps, login.value.token))!;
  }

  async function buy(p: Awaited<ReturnType<typeof producerWithEvent>>, name: string, email: string) {
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!hold.ok) throw new Error(hold.message);
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, 'paid', { buyerName: name, buyerEmail: email, marketingConsent: false }));
    if (!paid.ok) throw new Error(paid.message);
    orders.push({ id: paid.value.order.id, code: paid.value.order.code, email, name, producerId: p.producerId });
  }

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    const p1 = await producerWithEvent(box, { name: 'First Theatre' });
    const p2 = await producerWithEvent(box, { name: 'Second Theatre' });
    await buy(p1, 'Suspect One', 'suspect@example.org'); // 0: named by email
    await buy(p1, 'Bystander Two', 'bystander@example.org'); // 1: not named
    await buy(p2, 'Named Three', 'named@example.net'); // 2: named by order id, another producer
    await buy(p2, 'Suspect One', 'SUSPECT@example.org'); // 3: same email, other producer, named by email
    await dispatchMails(box.deps);
    adminA = await staff('admin', 'a');
    adminB = await staff('admin', 'b');
    support = await staff('support', 's');
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const day = 86_400_000;
  const request = (over: Partial<DisclosureInput> = {}): DisclosureInput => ({
    kind: 'authority', authority: 'Metropolitan Police', legalBasis: 'Investigatory Powers Act s.61', reference: 'MP/2027/0042',
    orderIds: [orders[2]!.id], emails: ['Suspect@Example.org'], fields: ['order_code', 'buyer_name', 'buyer_email', 'payments'],
    from: new Date(box.clock.now().getTime() - day), to: new Date(box.clock.now().getTime() + day), notifyAllowed: true, ...over,
  });
  const auditSince = async (seq: number) => (await box.deps.store.audit.entries(seq, 10_000));

  it('records by one admin, refuses approval by the same, approves by a second, and exports exactly the scope', async () => {
    const start = (await box.deps.store.audit.head()).seq;
    const recorded = await recordDisclosure(box.deps, adminA, request());
    if (!recorded.ok) throw new Error(recorded.message);
    const id = recorded.value.id;
    // Stored: the email's hash, never the email.
    const row = await tdb.db.selectFrom('disclosureRequests').where('id', '=', id).selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/suspect@/i);
    expect(JSON.parse(row.emailHashes)).toEqual([emailHash('suspect@example.org')]);

    expect(await exportDisclosure(box.deps, adminA, id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await decideDisclosure(box.deps, adminA, id, { approve: true, note: '' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await decideDisclosure(box.deps, support, id, { approve: true, note: '' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await decideDisclosure(box.deps, adminB, id, { approve: true, note: 'Warrant checked' })).toEqual({ ok: true, value: null });
    expect(await decideDisclosure(box.deps, adminB, id, { approve: false, note: '' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await exportDisclosure(box.deps, support, id)).toMatchObject({ ok: false, code: 'forbidden' });

    const pkg = await exportDisclosure(box.deps, adminA, id);
    if (!pkg.ok) throw new Error(pkg.message);
    expect(createHash('sha256').update(pkg.value.body).digest('hex')).toBe(pkg.value.sha256);
    const parsed = JSON.parse(pkg.value.body);
    expect(parsed.manifest).toMatchObject({
      requestId: id, kind: 'authority', authority: 'Metropolitan Police', legalBasis: 'Investigatory Powers Act s.61', reference: 'MP/2027/0042',
      scope: { orderIds: [orders[2]!.id], emailHashes: [emailHash('suspect@example.org')], fields: ['order_code', 'buyer_name', 'buyer_email', 'payments'] },
      counts: { orders: 3, tickets: 0, payments: 3 }, generatedAt: box.clock.now().toISOString(),
    });
    const named = [orders[0]!, orders[2]!, orders[3]!];
    expect(parsed.records.map((r: { order_code: string }) => r.order_code).sort()).toEqual(named.map((o) => o.code).sort());
    for (const r of parsed.records) expect(Object.keys(r)).toEqual(['order_code', 'buyer_name', 'buyer_email', 'payments']);
    // Nothing of the order that was not named; no field that was not asked for.
    expect(pkg.value.body).not.toContain(orders[1]!.code);
    expect(pkg.value.body).not.toContain('Bystander');
    expect(pkg.value.body).not.toContain('bystander@');
    expect(pkg.value.body).not.toMatch(/attendee|Test Hall|First Theatre|Second Theatre/);
    const stored = await tdb.db.selectFrom('disclosureRequests').where('id', '=', id).select('lastExportHash').executeTakeFirstOrThrow();
    expect(stored.lastExportHash).toBe(pkg.value.sha256);

    // Every step is in the audit trail, and the export's entries carry the package's hash.
    const added = await auditSince(start);
    expect(added.map((e) => e.action)).toEqual([
      'disclosure.record', 'disclosure.approve', ...named.map(() => 'legal_hold.place'), 'disclosure.export',
      ...named.flatMap(() => ['disclosure.export.order', 'disclosure.notify']),
    ]);
    expect(added.map((e) => e.actorId)).toEqual([adminA.staffId, ...Array(4).fill(adminB.staffId), ...Array(7).fill(adminA.staffId)]);
    expect(added.filter((e) => e.action === 'legal_hold.place').map((e) => e.subject).sort()).toEqual(named.map((o) => `order:${o.id}`).sort());
    expect(added.filter((e) => e.action === 'disclosure.export.order').map((e) => e.subject).sort()).toEqual(named.map((o) => `order:${o.id}`).sort());
    for (const e of added.filter((x) => x.action.startsWith('disclosure.export'))) expect(JSON.parse(e.detail).sha256).toBe(pkg.value.sha256);
    expect(JSON.stringify(added)).not.toMatch(/suspect@|Suspect One/i);
    expect(await verifyAuditChain(box.deps.store.audit)).toEqual({ ok: true, entries: (await box.deps.store.audit.head()).seq });
    // Walked in batches of two, across every batch boundary.
    expect(await verifyAuditChain(box.deps.store.audit, 2)).toEqual({ ok: true, entries: (await box.deps.store.audit.head()).seq });

    // The buyers named are told, once, with the authority and the basis.
    await dispatchMails(box.deps);
    const mail = await tdb.db.selectFrom('devOutbox').where('subject', 'like', 'Data about your order%').select(['toAddress', 'textBody']).execute();
    expect(mail.map((m) => m.toAddress).sort()).toEqual(named.map((o) => o.email).sort());
    expect(mail[0]!.textBody).toContain('Metropolitan Police, under Investigatory Powers Act s.61');
    const again = await exportDisclosure(box.deps, adminB, id);
    expect(again.ok).toBe(true);
    await dispatchMails(box.deps);
    expect(await tdb.db.selectFrom('devOutbox').where('subject', 'like', 'Data about your order%').select('id').execute()).toHaveLength(3);
  });

  it('an approved request holds its orders: the buyer cannot erase them before the authority has them; a rejected one holds nothing', async () => {
    const recorded = await recordDisclosure(box.deps, adminA, request({ orderIds: [], emails: ['bystander@example.org'] }));
    if (!recorded.ok) throw new Error(recorded.message);
    const bystander = orders[1]!;
    const holdsOf = () => box.db.selectFrom('legalHolds').where('orderId', '=', bystander.id).select(['reason', 'until']).execute();
    expect(await holdsOf()).toEqual([]);
    expect(await decideDisclosure(box.deps, adminB, recorded.value.id, { approve: true, note: 'Order checked' })).toEqual({ ok: true, value: null });
    expect(await holdsOf()).toEqual([{ reason: `disclosure request ${recorded.value.id}`, until: new Date(box.clock.now().getTime() + DISCLOSURE_HOLD_DAYS * day) }]);
    const erased = await eraseByEmail(box.deps, 'Bystander@example.org', { actorKind: 'buyer', actorId: null, reason: 'the buyer asked for erasure' });
    expect(erased).toMatchObject({ ok: false, code: 'legal_hold' });
    expect((await box.deps.store.orders.byId(bystander.id))!.buyerEmail).toBe(bystander.email);

    const rejected = await recordDisclosure(box.deps, adminA, request({ orderIds: [orders[0]!.id], emails: [] }));
    if (!rejected.ok) throw new Error(rejected.message);
    await decideDisclosure(box.deps, adminB, rejected.value.id, { approve: false, note: 'No basis' });
    expect(await box.db.selectFrom('legalHolds').where('reason', '=', `disclosure request ${rejected.value.id}`).select('id').execute()).toEqual([]);
  });

  it('keeps to the dates, tells nobody when the request forbids it, and never exports a rejected request', async () => {
    const past = await recordDisclosure(box.deps, adminB, request({ from: new Date('2020-01-01'), to: new Date('2021-01-01'), notifyAllowed: false }));
    if (!past.ok) throw new Error(past.message);
    await decideDisclosure(box.deps, adminA, past.value.id, { approve: true, note: '' });
    const mailsBefore = await tdb.db.selectFrom('mails').select('id').execute();
    const empty = await exportDisclosure(box.deps, adminA, past.value.id);
    if (!empty.ok) throw new Error(empty.message);
    expect(JSON.parse(empty.value.body).records).toEqual([]);
    expect(await tdb.db.selectFrom('mails').select('id').execute()).toHaveLength(mailsBefore.length);

    const rejected = await recordDisclosure(box.deps, adminB, request());
    if (!rejected.ok) throw new Error(rejected.message);
    expect(await decideDisclosure(box.deps, adminA, rejected.value.id, { approve: false, note: 'No valid basis' })).toEqual({ ok: true, value: null });
    expect(await exportDisclosure(box.deps, adminA, rejected.value.id)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('refuses a request without subjects, fields or a sensible date range, and a fraud report beyond its fields', async () => {
    expect(await recordDisclosure(box.deps, adminA, request({ orderIds: [], emails: [] }))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await recordDisclosure(box.deps, adminA, request({ fields: [] }))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await recordDisclosure(box.deps, adminA, request({ to: new Date('2000-01-01') }))).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await recordDisclosure(box.deps, support, request())).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await recordDisclosure(box.deps, adminA, request({ kind: 'fraud_agency', fields: ['buyer_name'] }))).toMatchObject({ ok: false, code: 'invalid_input' });

    // The order's network data as the checkout recorded it (a fraud report carries it, nothing more).
    await box.db.updateTable('orders').set({ clientIp: '203.0.113.9', clientAsn: 64500, clientOrg: 'Example ISP' }).where('id', '=', orders[0]!.id).execute();
    const fraud = await recordDisclosure(box.deps, adminA, request({ kind: 'fraud_agency', fields: [] }));
    if (!fraud.ok) throw new Error(fraud.message);
    await decideDisclosure(box.deps, adminB, fraud.value.id, { approve: true, note: '' });
    const pkg = await exportDisclosure(box.deps, adminB, fraud.value.id);
    if (!pkg.ok) throw new Error(pkg.message);
    const records = JSON.parse(pkg.value.body).records;
    expect(records).toHaveLength(3);
    for (const r of records) {
      const withNetwork = r.order_code === orders[0]!.code;
      expect(r).toEqual({
        order_code: expect.any(String), ordered_at: expect.any(String), payment_outcome: 'paid',
        client_ip: withNetwork ? '203.0.113.9' : null, client_network: withNetwork ? { asn: 64500, isp: 'Example ISP' } : null,
      });
    }
    expect(records.some((r: { order_code: string }) => r.order_code === orders[0]!.code)).toBe(true);
  });

  it('lets support see an order only with a reason and a buyer request reference, masked, and records it', async () => {
    const o = orders[1]!;
    expect(await requestSupport(box.deps, o.id, 'wrong-token', 'help')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await requestSupport(box.deps, o.id, box.deps.keys.orderLinkToken(o.id), '  ')).toMatchObject({ ok: false, code: 'invalid_input' });
    const asked = await requestSupport(box.deps, o.id, box.deps.keys.orderLinkToken(o.id), 'My tickets did not arrive.');
    if (!asked.ok) throw new Error(asked.message);
    expect(asked.value.reference).toMatch(/^S-[2-9A-HJ-NP-Z]{8}$/);

    const start = (await box.deps.store.audit.head()).seq;
    expect(await supportLookup(box.deps, support, { reference: asked.value.reference, reason: '', fullEmail: false })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await supportLookup(box.deps, support, { reference: '', reason: 'Buyer says tickets never arrived', fullEmail: false })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await supportLookup(box.deps, support, { reference: 'S-AAAAAAAA', reason: 'Buyer says tickets never arrived', fullEmail: false })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await auditSince(start)).toEqual([]);

    const view = await supportLookup(box.deps, support, { reference: asked.value.reference.toLowerCase(), reason: 'Buyer says tickets never arrived', fullEmail: false });
    if (!view.ok) throw new Error(view.message);
    expect(view.value).toMatchObject({ orderCode: o.code, orderStatus: 'paid', buyerEmail: '•••@example.org', emailShown: 'masked', tickets: [{ status: 'valid' }], payments: [{ status: 'paid' }] });
    expect(JSON.stringify(view.value)).not.toContain(o.name);
    const full = await supportLookup(box.deps, support, { reference: asked.value.reference, reason: 'Buyer asks to correct the email', fullEmail: true });
    expect(full.ok && full.value.buyerEmail).toBe(o.email);

    const request = await tdb.db.selectFrom('supportRequests').where('reference', '=', asked.value.reference).select('id').executeTakeFirstOrThrow();
    expect((await openSupportRequest(box.deps, support, request.id)).ok).toBe(true);
    const added = await auditSince(start);
    expect(added.map((e) => [e.action, e.actorKind, e.actorId, e.subject, e.producerId, e.reason])).toEqual([
      ['support.order.view', 'platform_staff', support.staffId, `order:${o.id}`, o.producerId, 'Buyer says tickets never arrived'],
      ['support.order.view', 'platform_staff', support.staffId, `order:${o.id}`, o.producerId, 'Buyer asks to correct the email'],
      ['support.request.open', 'platform_staff', support.staffId, `order:${o.id}`, o.producerId, `support request ${asked.value.reference}`],
    ]);
    expect(JSON.parse(added[0]!.detail).shown).toContain('email_masked');
    expect(JSON.parse(added[1]!.detail).shown).toContain('email_full');
    expect((await verifyAuditChain(box.deps.store.audit)).ok).toBe(true);
  });
});
