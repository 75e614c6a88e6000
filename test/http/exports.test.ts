import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer } from '../support/subjects.ts';
import { logInCookie, getWith } from '../support/http.ts';

/** The export routes through app.inject(): log-in, scoping, roles, headers, and the exports page. */
describe('attendee export routes', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let b: Producer;
  let cookieA: string;

  const login = (email: string, password: string) => logInCookie(box.server, email, password);
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Route Theatre' });
    b = await producerWithEvent(box, { name: 'Other Route Theatre' });
    await buy(box, a, { buyerName: 'Ada Route', buyerEmail: 'ada.route@example.org', marketingConsent: true }, 2);
    await buy(box, b, { buyerName: 'Bob Elsewhere', buyerEmail: 'bob@elsewhere.example', marketingConsent: true }, 1);
    cookieA = await login(a.email, a.password);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it.each(['/dashboard/exports', '/dashboard/attendees.csv', '/dashboard/attendees.xlsx', `/dashboard/events/${randomUUID()}/attendees.csv`])(
    'sends a visitor without a session to log in: %s', async (url) => {
      const res = await get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${url}`);
    },
  );

  it('downloads one event as CSV: an attachment with a sensible name, never cached, only this producer\'s buyers', async () => {
    const res = await get(`/dashboard/events/${a.event.eventId}/attendees.csv`, cookieA);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="attendees-${a.slug}-2027-03-01.csv"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const rows = parse(res.rawPayload.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[4]])).toEqual([['Ada Route', 'ada.route@example.org', 'yes'], ['Ada Route', 'ada.route@example.org', 'yes']]);
    expect(res.body).not.toContain('Bob Elsewhere');
  });

  it('downloads all events as XLSX that reads back', async () => {
    const res = await get('/dashboard/attendees.xlsx', cookieA);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="attendees-all-events-2027-03-01.xlsx"');
    expect(res.headers['cache-control']).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Attendees')!;
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(2).getCell(4).value).toBe('ada.route@example.org');
  });

  it('answers 404 for another producer\'s event, an unknown one and a malformed id, with none of the other\'s data', async () => {
    const before = (await box.deps.store.audit.entries(0, 10_000)).length;
    for (const url of [`/dashboard/events/${b.event.eventId}/attendees.csv`, `/dashboard/events/${b.event.eventId}/attendees.xlsx`,
      `/dashboard/events/${randomUUID()}/attendees.csv`, '/dashboard/events/not-a-uuid/attendees.csv']) {
      const res = await get(url, cookieA);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.body).not.toContain('Bob Elsewhere');
      expect(res.body).not.toContain('bob@elsewhere.example');
    }
    expect((await box.deps.store.audit.entries(0, 10_000)).length).toBe(before);
  });

  it.each(['door', 'viewer'])('refuses the %s role with 403, on the page and the downloads', async (role) => {
    const email = `${role}-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: a.producerId, email, name: role, role, createdAt: box.clock.now(), passwordHash: await box.deps.passwords.hash('pw-role-user'),
    }).execute();
    const cookie = await login(email, 'pw-role-user');
    for (const url of ['/dashboard/exports', '/dashboard/attendees.csv', `/dashboard/events/${a.event.eventId}/attendees.xlsx`]) {
      const res = await get(url, cookie);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain('ada.route@example.org');
    }
  });

  it('shows the exports page with download links and the last exports from the audit trail, linked from the dashboard', async () => {
    const dashboard = await get('/dashboard', cookieA);
    expect(dashboard.body).toContain('href="/dashboard/exports"');
    const res = await get('/dashboard/exports', cookieA);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain(`href="/dashboard/events/${a.event.eventId}/attendees.csv"`);
    expect(res.body).toContain(`href="/dashboard/events/${a.event.eventId}/attendees.xlsx"`);
    expect(res.body).toContain('href="/dashboard/attendees.csv"');
    expect(res.body).not.toContain(b.event.eventId);
    // The two downloads above, newest first, by the owner.
    const logRows = [...res.body.matchAll(/<tr data-export-log="?[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '|'));
    expect(logRows).toHaveLength(2);
    expect(logRows[0]).toMatch(/Owner\|.*All events, XLSX\|.*\|2\|/);
    expect(logRows[1]).toMatch(/Owner\|.*Show .*, CSV\|.*\|2\|/);
    expect(res.body).not.toContain('ada.route@example.org');
  });
});
