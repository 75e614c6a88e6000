import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer } from '../support/subjects.ts';
import { logInCookie, getWith } from '../support/http.ts';

/** The sales dashboard page through app.inject(): log-in, roles, scoping, and charts that carry their numbers. */
describe('sales dashboard page', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;

  const login = (email: string, password: string) => logInCookie(box.server, email, password);
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  const userWithRole = async (role: string): Promise<string> => {
    const email = `${role}-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: a.producerId, email, name: `The ${role}`, role, createdAt: box.clock.now(),
      passwordHash: await box.deps.passwords.hash('pw-role-user'),
    }).execute();
    return login(email, 'pw-role-user');
  };

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Chart Theatre', ticketTypes: [{ name: 'Adult <b>&', priceMinor: 2500, currency: 'GBP', capacity: 10 }] });
    b = await producerWithEvent(box, { name: 'Other Chart Theatre' });
    await buy(box, a, { buyerName: 'Ada Chart', buyerEmail: 'ada.chart@example.org', marketingConsent: false }, 3);
    await buy(box, b, { buyerName: 'Bob Elsewhere', buyerEmail: 'bob@elsewhere.example', marketingConsent: false }, 4);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('sends a visitor without a session to log in', async () => {
    const res = await get('/dashboard/sales');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=/dashboard/sales');
  });

  it('refuses door staff with 403 and no numbers; lets a viewer in', async () => {
    const door = await get('/dashboard/sales', await userWithRole('door'));
    expect(door.statusCode).toBe(403);
    expect(door.body).not.toContain('<svg');
    const viewer = await get('/dashboard/sales', await userWithRole('viewer'));
    expect(viewer.statusCode).toBe(200);
    expect(viewer.body).toContain('Tickets sold per day');
  });

  it('shows the producer\'s own numbers as SVG charts with titles and data tables, escaped, under the strict CSP', async () => {
    const res = await get('/dashboard/sales', await login(a.email, a.password));
    expect(res.statusCode).toBe(200);
    const body = res.body;
    // Three charts: per day, the performance's capacity, check-ins; each an image named by its title and description.
    expect(body.match(/<svg class="chart-svg"[^>]*role="img"/g)).toHaveLength(3);
    for (const id of ['sales-per-day', 'capacity-0', 'check-ins']) {
      expect(body).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
      expect(body).toMatch(new RegExp(`<figure class="chart" id="${id}">[\\s\\S]*?<details class="chart-data">[\\s\\S]*?<table>`));
    }
    expect(body).toContain('<desc id="sales-per-day-desc">3 tickets in 1 day, counted by day in the Europe/London time zone.</desc>');
    expect(body).toContain('<tr><th scope="row">1 Mar</th><td class="num">3</td></tr>');
    expect(body).toContain('3 sold, 0 held and 7 available of 10 places, by ticket type.');
    // The ticket type's name is text, never markup.
    expect(body).toContain('Adult &lt;b>&amp;: 3 sold, 0 held, 7 available');
    expect(body).not.toContain('<b>');
    expect(body).toContain('<tr><th scope="row">Adult &lt;b>&amp;</th><td class="num">3</td><td class="num">0</td><td class="num">7</td><td class="num">10</td></tr>');
    // No buyer data on the page, and nothing of the other producer's.
    expect(body).not.toContain('Ada Chart');
    expect(body).not.toContain('ada.chart@example.org');
    expect(body).not.toContain(b.performance.id);
    expect(body).not.toContain('4 sold');
    // The CSP forbids inline styles; the charts use none.
    expect(res.headers['content-security-policy']).toContain("style-src 'self'");
    expect(body).not.toMatch(/\sstyle=/);
  });

  it('is linked from the orders page', async () => {
    const res = await get('/dashboard', await login(a.email, a.password));
    expect(res.body).toContain('<a href="/dashboard/sales">');
  });
});
