import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchMails } from '../../src/app/mail.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { checkoutAndSettle } from '../support/buy.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';
import { producerWithSeatedEvent } from '../support/seating.ts';

/** Reserved seating through app.inject(): the map and its no-JS form, clear refusals, the producer's seat map pages. */
describe('reserved seating pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Awaited<ReturnType<typeof producerWithSeatedEvent>>;
  let b: Awaited<ReturnType<typeof producerWithSeatedEvent>>;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithSeatedEvent(box, { name: 'Seated Theatre' });
    b = await producerWithSeatedEvent(box, { name: 'Other Seated Theatre' });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const post = (url: string, fields: [string, string][], cookie?: string) =>
    box.server.inject({
      method: 'POST', url, payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    });
  const holdSeats = (names: string[], extra: [string, string][] = []) =>
    post(`/events/${a.slug}/hold`, [['performanceId', a.performance.id], ...names.map((n): [string, string] => ['seat', a.seat(n).id]), ...extra]);
  const checkoutOf = async (res: { statusCode: number; headers: Record<string, unknown> }) => {
    expect(res.statusCode).toBe(303);
    return (await get(String(res.headers.location))).body;
  };

  it('shows the seat map as SVG with a list of seat checkboxes in the hold form, and the island under the nonce', async () => {
    const res = await get(`/events/${a.slug}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toMatch(/<svg class="seat-map" data-seat-map="true" viewBox="[-\d ]+" role="img" aria-labelledby="[^"]+"/);
    const c5 = a.seat('Stalls C5').id;
    expect(body).toContain(`data-seat="${c5}" data-label="Row C, seat 5, Stalls, £25.00, available"`);
    expect(body).toContain(`<input type="checkbox" name="seat" value="${c5}"/><span>Row C, seat 5, Stalls, £25.00, available</span>`);
    // Not for sale: on the map and in the list, and its checkbox cannot be ticked.
    expect(body).toContain('Row A, seat 1, Stalls, £25.00, not for sale');
    expect(body).toContain(`<input type="checkbox" name="seat" value="${a.seat('Stalls A1').id}" disabled/>`);
    // Seated ticket types are chosen on the map; only Standing keeps a quantity box.
    expect(body).toContain('Number of Standing tickets');
    expect(body).not.toContain('Number of Stalls tickets');
    expect(body).toContain('Hold the best seats together');
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1];
    expect(body).toContain(`<script type="module" src="/assets/seatMap.js" nonce="${nonce}"`);
    expect((await get('/assets/seatMap.js')).statusCode).toBe(200);
  });

  it('holds ticked seats through the plain form, shows them at checkout, and shows them taken to the next buyer', async () => {
    const checkout = await checkoutOf(await holdSeats(['Stalls C5', 'Stalls C6'], [[`q_${a.types.standing}`, '1']]));
    expect(checkout).toContain('<h2>Your seats</h2>');
    expect(checkout).toContain('<li>Stalls, row C, seat 5</li><li>Stalls, row C, seat 6</li>');
    expect(checkout).toMatch(/<th scope="row">Stalls<\/th><td class="num">2<\/td>/);
    expect(checkout).toMatch(/<th scope="row">Standing<\/th><td class="num">1<\/td>/);

    const page = (await get(`/events/${a.slug}`)).body;
    expect(page).toContain('Row C, seat 5, Stalls, £25.00, taken');
    expect(page).toContain(`<input type="checkbox" name="seat" value="${a.seat('Stalls C5').id}" disabled/>`);
  });

  it('refuses a seat that was just taken with 409 and says which, keeping the other choices ticked', async () => {
    const res = await holdSeats(['Stalls C7', 'Stalls C6']);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('Seat C6 (Stalls) was just taken. Choose other seats.');
    expect(res.body).toContain(`<input type="checkbox" name="seat" value="${a.seat('Stalls C7').id}" checked/>`);
    expect(res.body).toContain('Row C, seat 7, Stalls, £25.00, available');
  });

  it('refuses seats not for sale, seated tickets without seats, and bad input with 400 and a clear message', async () => {
    const cases: [[string, string][], string][] = [
      [[['seat', a.seat('Stalls A12').id]], 'Seat A12 (Stalls) is not for sale.'],
      [[[`q_${a.types.stalls}`, '2']], 'Stalls tickets are sold with seats: choose your seats on the seat map.'],
      [[['seat', 'not-a-seat']], 'One of the chosen seats does not exist.'],
      [[['seat', b.seat('Stalls B3').id]], 'One of the chosen seats is not in this venue.'],
      [[['best', '99']], 'Ask for 1 to 10 seats together.'],
      [[['best', '2'], ['seat', a.seat('Stalls D1').id]], 'Choose seats on the map, or ask for the best seats together, not both.'],
    ];
    for (const [fields, message] of cases) {
      const res = await post(`/events/${a.slug}/hold`, [['performanceId', a.performance.id], ...fields]);
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain(message);
    }
  });

  it('holds the best seats together on request, in a zone', async () => {
    const stalls = await checkoutOf(await post(`/events/${a.slug}/hold`, [['performanceId', a.performance.id], ['best', '4']]));
    expect(stalls).toContain('<li>Stalls, row A, seat 5</li><li>Stalls, row A, seat 6</li><li>Stalls, row A, seat 7</li><li>Stalls, row A, seat 8</li>');
    const balcony = await checkoutOf(await post(`/events/${a.slug}/hold`, [['performanceId', a.performance.id], ['best', '2'], ['bestZone', 'Balcony']]));
    expect(balcony).toContain('<li>Balcony, row A, seat 5</li><li>Balcony, row A, seat 6</li>');
  });

  it('prints the seat on the order page and in the tickets PDF', async () => {
    const holdRes = await holdSeats(['Balcony C2']);
    const holdId = String(holdRes.headers.location).split('/').pop()!;
    const paid = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, holdId, 'paid'));
    if (!paid.ok) throw new Error(paid.message);
    const url = `/orders/${paid.value.order.id}/${box.deps.keys.orderLinkToken(paid.value.order.id)}`;
    expect((await get(url)).body).toContain('Seat: <strong>Balcony, row C, seat 2</strong>');
    const pdf = await get(`${url}/tickets.pdf`);
    expect(pdf.statusCode).toBe(200);
    const file = join(await mkdtemp(join(tmpdir(), 'seat-pdf-')), 'tickets.pdf');
    await writeFile(file, pdf.rawPayload);
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(stdout).toContain('Seat: Balcony, row C, seat 2');
    // The confirmation mail and the producer's view of the order name it too.
    await dispatchMails(box.deps);
    const mail = await box.db.selectFrom('devOutbox').where('textBody', 'like', `%${paid.value.order.code}%`).select('textBody').executeTakeFirstOrThrow();
    expect(mail.textBody).toContain('Seat: Balcony, row C, seat 2');
    const detail = await get(`/dashboard/orders/${paid.value.order.id}`, await logInCookie(box.server, a.email, a.password));
    expect(detail.body).toContain('Balcony, Balcony, row C, seat 2 for');
  });

  describe('the producer\'s seat map pages', () => {
    let cookie: string;
    let csrf: string;
    const page = () => `/dashboard/venues/${a.venueId}/seats`;

    beforeAll(async () => {
      cookie = await logInCookie(box.server, a.email, a.password);
      csrf = /name="csrf" value="([^"]+)"/.exec((await get(page(), cookie)).body)![1]!;
    });

    it('lists only the producer\'s venues, and sends a visitor to log in', async () => {
      expect((await get('/dashboard/venues')).headers.location).toBe('/login?next=/dashboard/venues');
      const list = await get('/dashboard/venues', cookie);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`href="/dashboard/venues/${a.venueId}/seats"`);
      expect(list.body).toContain('102 seats');
      expect(list.body).not.toContain(b.venueId);
      expect((await get(`/dashboard/venues/${b.venueId}/seats`, cookie)).statusCode).toBe(404);
    });

    it('refuses door staff and box office with 403', async () => {
      for (const role of ['door', 'box_office']) {
        const email = `${role}-${randomUUID()}@producer.test`;
        await box.db.insertInto('users').values({
          id: randomUUID(), producerId: a.producerId, email, name: role, role, createdAt: box.clock.now(), passwordHash: await box.deps.passwords.hash('pw-role-user'),
        }).execute();
        const res = await get(page(), await logInCookie(box.server, email, 'pw-role-user'));
        expect(res.statusCode).toBe(403);
        expect(res.body).not.toContain('Seat map:');
      }
    });

    it('shows the map with its sections and the JSON to edit', async () => {
      const res = await get(page(), cookie);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>Seat map: Test Hall</h1>');
      expect(res.body).toMatch(/<th scope="row">Stalls<\/th><td>A–F<\/td><td class="num">72<\/td><td class="num">A1, A12<\/td>/);
      expect(res.body).toContain('{&quot;section&quot;:&quot;Stalls&quot;,&quot;row&quot;:&quot;A&quot;,&quot;number&quot;:&quot;1&quot;');
    });

    it('adds a generated section behind the CSRF check', async () => {
      const fields: [string, string][] = [['section', 'Circle'], ['firstRow', 'A'], ['lastRow', 'B'], ['firstSeat', '1'], ['lastSeat', '5'], ['zone', 'Balcony'], ['notForSale', 'B5']];
      expect((await post(`${page()}/section`, fields, cookie)).statusCode).toBe(403);
      const done = await post(`${page()}/section`, [...fields, ['csrf', csrf]], cookie);
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(`${page()}?done=section`);
      expect((await get(page(), cookie)).body).toMatch(/<th scope="row">Circle<\/th><td>A–B<\/td><td class="num">10<\/td><td class="num">B5<\/td>/);
      const bad = await post(`${page()}/section`, [['csrf', csrf], ['section', 'Gods'], ['firstRow', 'C'], ['lastRow', 'A'], ['firstSeat', '1'], ['lastSeat', '5'], ['zone', 'Gods']], cookie);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Rows go from a letter to a later letter, like A to J.');
    });

    it('saves a pasted JSON map, names what is wrong in a bad one, and keeps seats that were held', async () => {
      const post_ = (document: string) => post(page(), [['csrf', csrf], ['document', document]], cookie);
      const notJson = await post_('{"seats": [');
      expect(notJson.statusCode).toBe(400);
      expect(notJson.body).toContain('That is not valid JSON.');
      const badSeat = await post_(JSON.stringify({ seats: [{ section: 'S', row: 'A', number: '1', x: 1.5, y: 0, zone: 'Z' }] }));
      expect(badSeat.statusCode).toBe(400);
      expect(badSeat.body).toContain('seats[0].x: x must be a whole number.');
      // The bad document comes back in the box to correct, escaped.
      expect(badSeat.body).toContain('&quot;x&quot;:1.5');

      // Row C of the Stalls has held seats: a map without it is refused, and nothing changes.
      const current = (await box.deps.store.seats.seatsOfVenue(a.venueId)).map(({ id: _id, ...s }) => s);
      const withoutC = await post_(JSON.stringify({ seats: current.filter((s) => !(s.section === 'Stalls' && s.row === 'C')) }));
      expect(withoutC.statusCode).toBe(409);
      expect(withoutC.body).toContain('These seats have been held or sold');
      expect((await box.deps.store.seats.seatsOfVenue(a.venueId)).length).toBe(current.length);

      // Marking seats not for sale is fine.
      const marked = current.map((s) => (s.section === 'Stalls' && s.row === 'F' ? { ...s, forSale: false } : s));
      const saved = await post_(JSON.stringify({ seats: marked }));
      expect(saved.statusCode).toBe(303);
      expect((await get(`/events/${a.slug}`)).body).toContain('Row F, seat 6, Stalls, £25.00, not for sale');
    });
  });
});
