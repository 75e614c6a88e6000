import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn } from '../../src/app/auth.ts';
import { startCheckout, type BuyerDetails } from '../../src/app/checkout.ts';
import { placeHold } from '../../src/app/holds.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import type { Client } from '../../src/app/ports.ts';
import { DEFAULT_FRAUD_POLICY, type FraudPolicy } from '../../src/domain/fraud.ts';
import { addressIn } from '../support/asnRanges.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';

const AWS = 16509;
const DIGITALOCEAN = 14061;
const DEUTSCHE_TELEKOM = 3320; // a residential network: no hosting ASN, no hosting word in its name
const HOUR = 3600_000;

/** Promise 2 at checkout and log-in: the client's IP and network are recorded, and the fraud rules hold. On both databases. */
describe.each(DB_KINDS)('fraud rules on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let p: Awaited<ReturnType<typeof producerWithEvent>>;
  let n = 0;

  beforeAll(async () => {
    tdb = await freshDatabase(kind);
    box = await testBoxOffice(tdb.db);
    p = await producerWithEvent(box, { ticketTypes: [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 500 }] });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  /** Each test sets only the rule it is about; the others stay out of its way. */
  function policy(p: Partial<FraudPolicy>): void {
    box.deps.settings.fraud = {
      ...DEFAULT_FRAUD_POLICY, maxOrdersPerIpPerHour: 1000, maxOrdersPerEmailPerHour: 1000, maxOrdersPerAsnPerHour: 1000, maxFailedPaymentsPerIpPerHour: 1000, ...p,
    };
  }
  const buyer = (email = `buyer-${++n}@example.org`): BuyerDetails => ({ buyerName: 'Test Buyer', buyerEmail: email, marketingConsent: false });

  async function hold(): Promise<string> {
    const h = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 1 }] });
    if (!h.ok) throw new Error(h.message);
    return h.value.holdId;
  }
  async function checkout(client: Client | undefined, who = buyer()) {
    const holdId = await hold();
    return { holdId, result: await startCheckout(box.deps, holdId, who, client) };
  }
  async function counts() {
    const orders = await tdb.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const payments = await tdb.db.selectFrom('payments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { orders: Number(orders.n), payments: Number(payments.n) };
  }

  it('finds real hosting ranges in the package data', async () => {
    const aws = addressIn(AWS);
    expect(await box.deps.ipInfo.lookup(aws.ip)).toEqual({ asn: AWS, organisation: aws.organisation });
    expect(await box.deps.ipInfo.lookup(aws.range[0])).toMatchObject({ asn: AWS });
    expect(await box.deps.ipInfo.lookup(aws.range[1])).toMatchObject({ asn: AWS });
    expect(await box.deps.ipInfo.lookup(addressIn(DIGITALOCEAN).ip)).toMatchObject({ asn: DIGITALOCEAN });
    expect(await box.deps.ipInfo.lookup('10.1.2.3')).toBeNull();
    expect(await box.deps.ipInfo.lookup('not an address')).toBeNull();
  });

  it('flags an order placed from an AWS address, records its IP and network, and lets the sale complete', async () => {
    policy({});
    const aws = addressIn(AWS);
    const { holdId, result } = await checkout({ ip: aws.ip });
    expect(result.ok).toBe(true);
    const order = (await box.deps.store.orders.byHold(holdId))!;
    expect(await box.deps.store.fraud.orderClient(order.id)).toEqual({ ip: aws.ip, asn: AWS, organisation: aws.organisation, flags: ['hosting_network'] });
    expect(box.logs.text()).toContain('order flagged for review');
    // The flag stays when the buyer retries the payment from a home connection.
    const home = addressIn(DEUTSCHE_TELEKOM);
    expect((await startCheckout(box.deps, holdId, buyer(order.buyerEmail!), { ip: home.ip })).ok).toBe(true);
    expect(await box.deps.store.fraud.orderClient(order.id)).toMatchObject({ ip: home.ip, asn: DEUTSCHE_TELEKOM, flags: ['hosting_network'] });
  });

  it('flags a DigitalOcean address too, and not a residential one', async () => {
    policy({});
    const droplet = await checkout({ ip: addressIn(DIGITALOCEAN).ip });
    const dropletOrder = (await box.deps.store.orders.byHold(droplet.holdId))!;
    expect((await box.deps.store.fraud.orderClient(dropletOrder.id))!.flags).toEqual(['hosting_network']);

    const home = addressIn(DEUTSCHE_TELEKOM);
    const { holdId, result } = await checkout({ ip: home.ip });
    expect(result.ok).toBe(true);
    const order = (await box.deps.store.orders.byHold(holdId))!;
    expect(await box.deps.store.fraud.orderClient(order.id)).toEqual({ ip: home.ip, asn: DEUTSCHE_TELEKOM, organisation: home.organisation, flags: [] });
  });

  it('refuses an order from a hosting network when the policy says so, writing nothing', async () => {
    policy({ hostingNetworks: 'refuse' });
    const before = await counts();
    const { holdId, result } = await checkout({ ip: addressIn(AWS).ip });
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(!result.ok && result.message).toMatch(/hosting or data-centre network.*home or mobile connection/);
    expect(await box.deps.store.orders.byHold(holdId)).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('treats an operator-listed ASN as hosting', async () => {
    policy({ extraHostingAsns: [DEUTSCHE_TELEKOM] });
    const { holdId } = await checkout({ ip: addressIn(DEUTSCHE_TELEKOM).ip });
    expect((await box.deps.store.fraud.orderClient((await box.deps.store.orders.byHold(holdId))!.id))!.flags).toEqual(['hosting_network']);
  });

  it('refuses the next order from one IP address past the hourly limit, with a clear message and no partial write', async () => {
    policy({ maxOrdersPerIpPerHour: 2 });
    const ip = '2003:e0:1234::7'; // Deutsche Telekom's IPv6
    expect((await box.deps.ipInfo.lookup(ip))?.asn).toBe(DEUTSCHE_TELEKOM);
    expect((await checkout({ ip })).result.ok).toBe(true);
    expect((await checkout({ ip })).result.ok).toBe(true);
    const before = await counts();
    const third = await checkout({ ip });
    expect(third.result).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(!third.result.ok && third.result.message).toMatch(/Too many orders have been placed from your internet connection in the last hour/);
    expect(await box.deps.store.orders.byHold(third.holdId)).toBeNull();
    expect(await counts()).toEqual(before);
    // Another address is not affected; and an hour later this one may order again.
    expect((await checkout({ ip: '2003:e0:1234::8' })).result.ok).toBe(true);
    box.clock.advance(HOUR + 1000);
    expect((await checkout({ ip })).result.ok).toBe(true);
  });

  it('refuses the next order with one email address past the limit, whatever the address or case', async () => {
    policy({ maxOrdersPerEmailPerHour: 2 });
    const email = `Velocity-${++n}@Example.org`;
    expect((await checkout({ ip: '2003:e0:2222::1' }, buyer(email))).result.ok).toBe(true);
    expect((await checkout(undefined, buyer(email.toLowerCase()))).result.ok).toBe(true);
    const before = await counts();
    const third = await checkout({ ip: '2003:e0:3333::1' }, buyer(email.toUpperCase()));
    expect(third.result).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(!third.result.ok && third.result.message).toMatch(/with this email address in the last hour/);
    expect(await counts()).toEqual(before);
  });

  it('refuses the next order from one network (ASN) past the limit', async () => {
    box.clock.advance(HOUR + 1000);
    policy({ maxOrdersPerAsnPerHour: 3 });
    const telekom = ['2003:e0:4444::1', '2003:e0:5555::1', '2003:e0:6666::1'];
    for (const ip of telekom) expect((await checkout({ ip })).result.ok).toBe(true);
    const before = await counts();
    const fourth = await checkout({ ip: '2003:e0:7777::1' });
    expect(fourth.result).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(!fourth.result.ok && fourth.result.message).toMatch(/from your network provider/);
    expect(await counts()).toEqual(before);
    expect((await checkout({ ip: addressIn(DIGITALOCEAN).ip })).result.ok).toBe(true);
  });

  it('pauses checkout for an address after repeated failed payments, even on an existing order', async () => {
    box.clock.advance(HOUR + 1000);
    policy({ maxFailedPaymentsPerIpPerHour: 2 });
    const ip = '2003:e0:8888::1';
    const { holdId } = await checkout({ ip });
    for (let i = 0; i < 2; i++) {
      const started = await startCheckout(box.deps, holdId, buyer(), { ip });
      if (!started.ok) throw new Error(started.message);
      const sessionId = new URL(started.value.redirectUrl).pathname.split('/').pop()!;
      const back = Object.fromEntries(new URL(await box.testProvider.complete(sessionId, 'declined')).searchParams);
      expect((await confirmPaymentReturn(box.deps, back)).ok).toBe(true);
    }
    const before = await counts();
    const again = await startCheckout(box.deps, holdId, buyer(), { ip });
    expect(again).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(!again.ok && again.message).toMatch(/payments from your internet connection have failed/);
    expect(await counts()).toEqual(before);
    expect((await checkout({ ip: '2003:e0:9999::1' })).result.ok).toBe(true);
  });

  it('records the IP address and network of a staff log-in', async () => {
    const aws = addressIn(AWS);
    const result = await logIn(box.deps, p.email, p.password, { ip: aws.ip });
    expect(result.ok).toBe(true);
    const [latest] = await box.deps.store.fraud.staffLogIns(p.producerId, 1);
    expect(latest).toMatchObject({ userId: p.userId, producerId: p.producerId, ip: aws.ip, asn: AWS, organisation: aws.organisation, at: box.clock.now() });
    // A failed log-in opens no session and records no log-in.
    expect((await logIn(box.deps, p.email, 'wrong password', { ip: aws.ip })).ok).toBe(false);
    expect(await box.deps.store.fraud.staffLogIns(p.producerId, 10)).toHaveLength(1);
  });
});
