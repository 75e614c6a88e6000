import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerOrders } from '../../src/app/producer.ts';
import { refundOrder } from '../../src/app/refunds.ts';
import { correctSubject, eraseSubject, placeLegalHold, subjectData, withdrawSubjectConsent } from '../../src/app/subjects.ts';
import { requestSupport } from '../../src/app/support.ts';
import { firstBrokenLink } from '../../src/domain/audit.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { databaseText } from '../support/scan.ts';
import { accountingTotals, buy, drainMail, mailedToken, type Producer, staff } from '../support/subjects.ts';

const MINUTE = 60_000;
const ADA = { buyerName: 'Ada Quillfeather', buyerEmail: 'ada.quill@example.org', marketingConsent: true };
const BOB = { buyerName: 'Bob Marchbank', buyerEmail: 'bob.march@example.org', marketingConsent: true };

/** Issue 7 §8: a buyer's data, from a mailed link: see it, download it, correct it, withdraw consent, erase it. */
describe.each(DB_KINDS)('data-subject rights on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;

  beforeAll(async () => {
    tdb = await freshDatabase(kind, { poolSize: 20 });
    box = await testBoxOffice(tdb.db);
    const ticketTypes = [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 500 }];
    a = await producerWithEvent(box, { name: 'Alpha Theatre', ticketTypes });
    b = await producerWithEvent(box, { name: 'Beta Hall', ticketTypes: [{ ...ticketTypes[0]!, priceMinor: 1800 }] });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const form = (email: string) => ({ method: 'POST' as const, url: '/privacy/my-data', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email)}` });
  const withoutNonces = (html: string) => html.replace(/nonce="[^"]*"/g, '');
  const audit = async () => box.deps.store.audit.entries(0, 100_000);

  it('answers the email form the same whether or not the address is known, and mails only a known one', async () => {
    await buy(box, a, { buyerName: 'Known Buyer', buyerEmail: 'known@example.org', marketingConsent: false });
    const known = await box.server.inject(form('known@example.org'));
    const unknown = await box.server.inject(form('nobody-here@example.org'));
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(withoutNonces(unknown.body)).toBe(withoutNonces(known.body));
    expect(known.body).toContain('If we hold any orders for that address');
    expect(await mailedToken(box, 'known@example.org')).not.toBeNull();
    expect(await mailedToken(box, 'nobody-here@example.org')).toBeNull();
    // A malformed address is a 400 with a message, not a mail.
    const bad = await box.server.inject(form('not-an-address'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a valid email address');
  });

  it("exports exactly the buyer's orders across producers, as a page and as JSON, and records the access", async () => {
    const mine = [await buy(box, a, { ...ADA, buyerName: 'Eve Exporter', buyerEmail: 'exp@example.org' }), await buy(box, b, { ...ADA, buyerName: 'Eve Exporter', buyerEmail: 'exp@example.org' })];
    const others = await buy(box, a, { ...BOB, buyerEmail: 'other@example.org' });
    // What she wrote to support is part of her data; what someone else wrote is not.
    expect(await requestSupport(box.deps, mine[0]!.id, box.deps.keys.orderLinkToken(mine[0]!.id), 'My tickets did not arrive.')).toMatchObject({ ok: true });
    expect(await requestSupport(box.deps, others.id, box.deps.keys.orderLinkToken(others.id), 'Someone else asking.')).toMatchObject({ ok: true });
    await box.server.inject(form('EXP@example.org'));
    const token = (await mailedToken(box, 'exp@example.org'))!;
    const before = (await audit()).length;

    const page = await box.server.inject(`/privacy/my-data/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const o of mine) expect(page.body).toContain(o.code);
    expect(page.body).toContain('Alpha Theatre');
    expect(page.body).toContain('Beta Hall');
    expect(page.body).not.toContain('other@example.org');

    const json = await box.server.inject(`/privacy/my-data/${token}/data.json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain('attachment');
    const data = JSON.parse(json.body) as { email: string; orders: { code: string; buyerEmail: string; tickets: unknown[]; payments: { status: string }[] }[] };
    expect(data.email).toBe('exp@example.org');
    expect(data.orders.map((o) => o.code).sort()).toEqual(mine.map((o) => o.code).sort());
    expect(data.orders.every((o) => o.buyerEmail === 'exp@example.org' && o.tickets.length === 2 && o.payments[0]!.status === 'paid')).toBe(true);
    expect(json.body).not.toContain('Bob Marchbank');
    const support = (JSON.parse(json.body) as { supportRequests: { order: string; message: string }[] }).supportRequests;
    expect(support).toEqual([expect.objectContaining({ order: mine[0]!.code, message: 'My tickets did not arrive.' })]);

    const added = (await audit()).slice(before);
    expect(added.map((e) => [e.action, e.actorKind])).toEqual([['subject.view', 'buyer'], ['subject.export', 'buyer']]);
    expect(added.every((e) => !e.subject.includes('exp@') && !e.detail.includes('exp@'))).toBe(true);
  });

  it('refuses an expired, a tampered or a foreign token', async () => {
    await buy(box, a, { ...BOB, buyerEmail: 'tok@example.org' });
    await box.server.inject(form('tok@example.org'));
    const token = (await mailedToken(box, 'tok@example.org'))!;
    expect((await box.server.inject(`/privacy/my-data/${token}`)).statusCode).toBe(200);

    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    for (const bad of [flipped, token.slice(0, -2), `${token}AA`, box.deps.keys.orderLinkToken('00000000-0000-4000-8000-000000000000'), 'x']) {
      const r = await box.server.inject(`/privacy/my-data/${bad}`);
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('This link is not valid');
      expect((await box.server.inject({ method: 'POST', url: `/privacy/my-data/${bad}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' })).statusCode).toBe(404);
    }
    box.clock.advance(61 * MINUTE);
    const late = await box.server.inject(`/privacy/my-data/${token}`);
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('This link has expired');
    expect(await correctSubject(box.deps, token, { buyerName: 'X', buyerEmail: 'x@example.org' })).toMatchObject({ ok: false, code: 'link_expired' });
    expect((await box.deps.store.subjects.ordersOf('tok@example.org'))[0]!.buyerName).toBe(BOB.buyerName);
  });

  it('corrects name and email on every order in one go, audited without the values; the new address gets a new link', async () => {
    const orders = [await buy(box, a, { ...BOB, buyerName: 'Carol Typo', buyerEmail: 'carol@example.org' }), await buy(box, b, { ...BOB, buyerName: 'Carol Typo', buyerEmail: 'carol@example.org' })];
    await box.server.inject(form('carol@example.org'));
    const token = (await mailedToken(box, 'carol@example.org'))!;
    const invalid = await box.server.inject({ method: 'POST', url: `/privacy/my-data/${token}/correct`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'buyerName=&buyerEmail=nope' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Enter the name for your tickets.');

    const before = (await audit()).length;
    const r = await box.server.inject({ method: 'POST', url: `/privacy/my-data/${token}/correct`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'buyerName=Carol+Tighe&buyerEmail=Carol.Tighe%40example.org' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('We have emailed a new link to the new address');
    for (const o of orders) {
      const now = (await box.deps.store.orders.byId(o.id))!;
      expect([now.buyerName, now.buyerEmail]).toEqual(['Carol Tighe', 'carol.tighe@example.org']);
      expect((await box.deps.store.tickets.byOrder(o.id)).map((t) => t.attendeeName)).toEqual(['Carol Tighe', 'Carol Tighe']);
    }
    const added = (await audit()).slice(before);
    expect(added.map((e) => [e.action, e.actorKind, e.producerId]).sort()).toEqual([['subject.correct', 'buyer', a.producerId], ['subject.correct', 'buyer', b.producerId]].sort());
    expect(added.every((e) => !/carol/i.test(e.detail + e.subject + e.reason))).toBe(true);
    // The old link opens nothing now; the new address got its own.
    const old = await subjectData(box.deps, token, 'page');
    expect(old.ok && old.value.orders.length).toBe(0);
    const fresh = (await mailedToken(box, 'carol.tighe@example.org'))!;
    const view = await subjectData(box.deps, fresh, 'page');
    expect(view.ok && view.value.orders.map((o) => o.order.id).sort()).toEqual(orders.map((o) => o.id).sort());
  });

  it('withdraws marketing consent with one click, from the data page or from the confirmation mail', async () => {
    const o1 = await buy(box, a, { ...ADA, buyerName: 'Dora Consent', buyerEmail: 'dora@example.org' });
    const o2 = await buy(box, b, { ...ADA, buyerName: 'Dora Consent', buyerEmail: 'dora@example.org' });
    await drainMail(box);
    const confirmation = await box.db.selectFrom('devOutbox').where('toAddress', '=', 'dora@example.org').where('subject', 'like', `%${o1.code}%`).select('textBody').executeTakeFirstOrThrow();
    const consentPath = new URL(/http\S+\/privacy\/consent\/\S+/.exec(confirmation.textBody)![0]).pathname;
    const page = await box.server.inject(consentPath);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stop emails from Alpha Theatre');
    const before = (await audit()).length;
    const click = await box.server.inject({ method: 'POST', url: consentPath });
    expect(click.statusCode).toBe(200);
    expect((await box.deps.store.orders.byId(o1.id))!.marketingConsent).toBe(false);
    expect((await box.deps.store.orders.byId(o2.id))!.marketingConsent).toBe(true); // another producer's consent stands
    expect((await audit()).slice(before).map((e) => [e.action, e.producerId])).toEqual([['consent.withdraw', a.producerId]]);

    await box.server.inject(form('dora@example.org'));
    const token = (await mailedToken(box, 'dora@example.org'))!;
    expect(await withdrawSubjectConsent(box.deps, token)).toEqual({ ok: true, value: { withdrawn: 1 } });
    expect((await box.deps.store.orders.byId(o2.id))!.marketingConsent).toBe(false);
  });

  it('a legal hold on the address or on one order blocks erasure, with a clear failure, and changes nothing', async () => {
    const held = await buy(box, a, { ...BOB, buyerName: 'Hal Holden', buyerEmail: 'hal@example.org' });
    await buy(box, b, { ...BOB, buyerName: 'Hal Holden', buyerEmail: 'hal@example.org' });
    const otherHeld = await buy(box, b, { ...BOB, buyerName: 'Ivy Ironside', buyerEmail: 'ivy@example.org' });
    expect(await placeLegalHold(box.deps, { email: 'HAL@example.org', reason: 'court order 123', until: new Date(box.clock.now().getTime() + 60 * MINUTE), staffId: 'staff-1' })).toMatchObject({ ok: true });
    expect(await placeLegalHold(box.deps, { orderId: otherHeld.id, reason: 'fraud investigation', until: null, staffId: 'staff-1' })).toMatchObject({ ok: true });
    expect(await placeLegalHold(box.deps, { reason: 'no subject', until: null, staffId: 'staff-1' })).toMatchObject({ ok: false, code: 'invalid_input' });

    await box.server.inject(form('hal@example.org'));
    const hal = (await mailedToken(box, 'hal@example.org'))!;
    const refused = await box.server.inject({ method: 'POST', url: `/privacy/my-data/${hal}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('a legal obligation requires us to keep it');
    expect((await box.deps.store.orders.byId(held.id))!.buyerName).toBe('Hal Holden');
    expect((await audit()).at(-1)).toMatchObject({ action: 'subject.erase_refused', actorKind: 'buyer' });

    await box.server.inject(form('ivy@example.org'));
    const ivy = (await mailedToken(box, 'ivy@example.org'))!;
    expect(await eraseSubject(box.deps, ivy)).toMatchObject({ ok: false, code: 'legal_hold' });
    expect((await box.deps.store.orders.byId(otherHeld.id))!.buyerEmail).toBe('ivy@example.org');

    // Once the hold on the address has ended, erasure goes ahead (with a fresh link: the old one expired too).
    box.clock.advance(61 * MINUTE);
    await box.server.inject(form('hal@example.org'));
    const again = (await mailedToken(box, 'hal@example.org'))!;
    expect(await eraseSubject(box.deps, again)).toMatchObject({ ok: true, value: { orders: 2 } });
  });

  it('erasure needs the box ticked', async () => {
    await buy(box, a, { ...BOB, buyerName: 'Jo Unticked', buyerEmail: 'jo@example.org' });
    await box.server.inject(form('jo@example.org'));
    const token = (await mailedToken(box, 'jo@example.org'))!;
    const r = await box.server.inject({ method: 'POST', url: `/privacy/my-data/${token}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('Tick the box');
    expect((await box.deps.store.subjects.ordersOf('jo@example.org')).length).toBe(1);
  });

  it("erasure: afterwards no table holds the buyer's name or email, the accounting totals are unchanged, and other buyers are untouched", async () => {
    const adaOrders = [await buy(box, a, ADA, 3), await buy(box, b, ADA, 1), await buy(box, a, ADA, 1, 'declined')];
    const bobOrder = await buy(box, a, BOB, 2);
    const user = await staff(box, a);
    const firstTicket = (await box.deps.store.tickets.byOrder(adaOrders[0]!.id))[0]!;
    expect(await refundOrder(box.deps, user, adaOrders[0]!.id, { ticketIds: [firstTicket.id] })).toMatchObject({ ok: true });
    // She also wrote to support, naming herself: that message is her data too.
    expect(await requestSupport(box.deps, adaOrders[0]!.id, box.deps.keys.orderLinkToken(adaOrders[0]!.id), `Hello, this is ${ADA.buyerName} (${ADA.buyerEmail}).`)).toMatchObject({ ok: true });
    await box.server.inject(form(ADA.buyerEmail));
    const token = (await mailedToken(box, ADA.buyerEmail))!;
    const dump = async () => (await databaseText(box.db)).map((r) => `${r.table}: ${r.text}`);
    const mentions = async (needle: string) => (await dump()).filter((t) => t.toLowerCase().includes(needle.toLowerCase()));
    // The search finds them before: it is not blind.
    expect((await mentions(ADA.buyerName)).length).toBeGreaterThan(0);
    expect((await mentions(ADA.buyerEmail)).some((t) => t.startsWith('dev_outbox'))).toBe(true);
    expect((await mentions(ADA.buyerName)).some((t) => t.startsWith('support_requests'))).toBe(true);
    const totals = await accountingTotals(box);
    const bobBefore = { order: await box.deps.store.orders.byId(bobOrder.id), tickets: await box.deps.store.tickets.byOrder(bobOrder.id), mail: await mentions(BOB.buyerEmail) };

    const r = await box.server.inject({ method: 'POST', url: `/privacy/my-data/${token}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Your data is erased');

    expect(await mentions(ADA.buyerName)).toEqual([]);
    expect(await mentions(ADA.buyerEmail)).toEqual([]);
    expect(await mentions('Quillfeather')).toEqual([]);
    expect(await accountingTotals(box)).toEqual(totals);
    for (const o of adaOrders) {
      const now = (await box.deps.store.orders.byId(o.id))!;
      expect(now).toMatchObject({ buyerName: 'Erased buyer', buyerEmail: `erased+${o.id}@invalid`, marketingConsent: false, status: o.id === adaOrders[2]!.id ? 'pending' : expect.any(String) });
      expect((await box.deps.store.payments.forOrder(o.id)).length).toBeGreaterThan(0);
    }
    expect((await box.deps.store.tickets.byOrder(adaOrders[0]!.id)).map((t) => [t.attendeeName, t.status])).toEqual([['Erased attendee', 'void'], ['Erased attendee', 'valid'], ['Erased attendee', 'valid']]);
    // The producer's views (and so its exports) show the anonymised order.
    const list = await producerOrders(box.deps, user);
    expect(list.find((o) => o.id === adaOrders[0]!.id)).toMatchObject({ buyerName: 'Erased buyer' });
    // Bob is untouched.
    expect(await box.deps.store.orders.byId(bobOrder.id)).toEqual(bobBefore.order);
    expect(await box.deps.store.tickets.byOrder(bobOrder.id)).toEqual(bobBefore.tickets);
    expect(await mentions(BOB.buyerEmail)).toEqual(bobBefore.mail);
    // The link opens nothing now, and the erasure is in an unbroken audit chain, per producer.
    const view = await subjectData(box.deps, token, 'page');
    expect(view.ok && view.value.orders.length).toBe(0);
    const entries = await audit();
    expect(entries.filter((e) => e.action === 'subject.erase').slice(-2).map((e) => e.producerId).sort()).toEqual([a.producerId, b.producerId].sort());
    expect(firstBrokenLink('genesis', entries)).toBeNull();
  });
});
