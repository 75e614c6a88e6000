import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';
import type { Producer } from '../support/subjects.ts';

/** Issue 6 §2 through the pages: forms, their per-field errors, 4xx on bad input with nothing written, roles. */
describe('event management pages', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let a: Producer;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db);
    a = await producerWithEvent(box, { name: 'Forms Theatre' });
    cookie = await logInCookie(box.server, a.email, a.password);
    const page = await getWith(box.server, '/dashboard/events', cookie);
    expect(page.statusCode).toBe(200);
    csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const postForm = (url: string, fields: Record<string, string | string[]>, withCsrf = true, as = cookie, token = csrf) => {
    const body = new URLSearchParams();
    if (withCsrf) body.append('csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return box.server.inject({ method: 'POST', url, headers: { cookie: as, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };
  const rows = async () => ({
    venues: (await box.db.selectFrom('venues').select('id').execute()).length,
    events: (await box.db.selectFrom('events').select('id').execute()).length,
    performances: (await box.db.selectFrom('performances').select('id').execute()).length,
    quotas: (await box.db.selectFrom('quotas').select('id').execute()).length,
    ticketTypes: (await box.db.selectFrom('ticketTypes').select('id').execute()).length,
  });
  /** The id of the field marked invalid and its message, from the page. */
  const fieldError = (html: string, field: string) => {
    expect(html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${field}"`));
    return new RegExp(`<p id="${field}-error" class="field-error">([^<]+)</p>`).exec(html)?.[1];
  };
  const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location);

  let venueId: string;
  let eventId: string;
  let performanceId: string;

  it('creates a venue, and refuses an unknown time zone next to its field with nothing written', async () => {
    const before = await rows();
    const bad = await postForm('/dashboard/venues', { name: 'Rose', address: '', timeZone: 'Europe/Atlantis' });
    expect(bad.statusCode).toBe(400);
    expect(fieldError(bad.body, 'timeZone')).toBe('Choose a time zone like Europe/London (an IANA name).');
    expect(bad.body).toContain('value="Rose"');
    expect(await rows()).toEqual(before);
    const noCsrf = await postForm('/dashboard/venues', { name: 'Rose', address: '', timeZone: 'Europe/London' }, false);
    expect(noCsrf.statusCode).toBe(403);
    expect(await rows()).toEqual(before);
    const ok = await postForm('/dashboard/venues', { name: 'Rose', address: '1 Bankside', timeZone: 'Europe/London' });
    expect(ok.statusCode).toBe(303);
    venueId = /\/dashboard\/venues\/([0-9a-f-]{36})/.exec(location(ok))![1]!;
    const page = await getWith(box.server, location(ok), cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The venue is saved.');
  });

  it('shows every wrong field of the event form at once, with a 400 and nothing written', async () => {
    const before = await rows();
    const bad = await postForm('/dashboard/events', { title: '', slug: 'Not a slug!', description: '', feePerTicket: '1.555', feePerOrder: '0', feeTaxRate: '120' });
    expect(bad.statusCode).toBe(400);
    expect(fieldError(bad.body, 'title')).toBe('Enter the title.');
    expect(fieldError(bad.body, 'slug')).toMatch(/letters, digits and single hyphens/);
    expect(fieldError(bad.body, 'feePerTicket')).toBe('The fee per ticket is an amount like 12.50.');
    expect(fieldError(bad.body, 'feeTaxRate')).toMatch(/percentage from 0 to 100/);
    expect(bad.body).toContain('<title>Error: New event');
    const taken = await postForm('/dashboard/events', { title: 'Taken', slug: a.slug, description: '', feePerTicket: '0', feePerOrder: '0', feeTaxRate: '0' });
    expect(taken.statusCode).toBe(400);
    expect(fieldError(taken.body, 'slug')).toBe(`The address ${a.slug} is taken; choose another.`);
    expect(await rows()).toEqual(before);
  });

  it('creates an event, refuses to publish it with nothing to sell, and saves edits', async () => {
    const res = await postForm('/dashboard/events', { title: 'Twelfth Night', slug: 'twelfth-night', description: 'Shipwreck.', feePerTicket: '1.50', feePerOrder: '0', feeTaxRate: '20' });
    expect(res.statusCode).toBe(303);
    eventId = /\/dashboard\/events\/([0-9a-f-]{36})/.exec(location(res))![1]!;
    expect(await box.db.selectFrom('events').where('id', '=', eventId).select(['feePerTicketMinor', 'feeTaxRateBp', 'published', 'producerId']).executeTakeFirst())
      .toEqual({ feePerTicketMinor: 150, feeTaxRateBp: 2000, published: false, producerId: a.producerId });
    const publish = await postForm(`/dashboard/events/${eventId}/publish`, { published: 'yes' });
    expect(publish.statusCode).toBe(409);
    expect(publish.body).toContain('To publish, add a performance in the future with at least one ticket type.');
    const edit = await postForm(`/dashboard/events/${eventId}`, { title: 'Twelfth Night, or What You Will', slug: 'twelfth-night', description: 'Shipwreck.', feePerTicket: '1.50', feePerOrder: '0.99', feeTaxRate: '20' });
    expect(edit.statusCode).toBe(303);
    const page = await getWith(box.server, location(edit), cookie);
    expect(page.body).toContain('Twelfth Night, or What You Will');
    expect(page.body).toContain('value="0.99"');
  });

  it('previews a weekly series in the venue’s zone before creating it, and creates exactly those dates', async () => {
    const series = { venueId, kind: 'series', time: '19:30', weekdays: ['2', '4'], from: '2027-03-21', until: '2027-04-01', template: 'none' };
    const before = await rows();
    const preview = await postForm(`/dashboard/events/${eventId}/performances`, { ...series, action: 'preview' });
    expect(preview.statusCode).toBe(200);
    expect([...preview.body.matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '2027-03-23T19:30:00.000Z', '2027-03-25T19:30:00.000Z', '2027-03-30T18:30:00.000Z', '2027-04-01T18:30:00.000Z',
    ]);
    expect(preview.body).toContain('Create 4 performances');
    expect(await rows()).toEqual(before);
    const noDays = await postForm(`/dashboard/events/${eventId}/performances`, { ...series, weekdays: [], action: 'create' });
    expect(noDays.statusCode).toBe(400);
    expect(noDays.body).toContain('Choose at least one day of the week.');
    const tooMany = await postForm(`/dashboard/events/${eventId}/performances`, { ...series, weekdays: ['0', '1', '2', '3', '4', '5', '6'], until: '2027-12-31', action: 'create' });
    expect(tooMany.statusCode).toBe(400);
    expect(fieldError(tooMany.body, 'until')).toBe('That is more than 200 performances; shorten the series.');
    expect(await rows()).toEqual(before);
    const created = await postForm(`/dashboard/events/${eventId}/performances`, { ...series, action: 'create' });
    expect(created.statusCode).toBe(303);
    expect(await rows()).toMatchObject({ performances: before.performances + 4 });
    const first = await box.db.selectFrom('performances').where('eventId', '=', eventId).select('id').orderBy('startsAt').executeTakeFirstOrThrow();
    performanceId = first.id;
  });

  it('adds a shared quota and two ticket types drawing on it, one with its own limit too; bad input is refused per field', async () => {
    const quota = await postForm(`/dashboard/performances/${performanceId}/quotas`, { name: 'Hall', capacity: '500' });
    expect(quota.statusCode).toBe(303);
    const hall = await box.db.selectFrom('quotas').where('performanceId', '=', performanceId).select('id').executeTakeFirstOrThrow();
    const type = { currency: 'GBP', taxRate: '20', taxInclusive: 'yes', minPerOrder: '1', maxPerOrder: '10', salesOpens: '', salesCloses: '' };
    const before = await rows();
    const bad = await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Adult', price: 'twelve', currency: 'XXQ', minPerOrder: '0', quotaIds: [hall.id] });
    expect(bad.statusCode).toBe(400);
    expect(fieldError(bad.body, 'currency')).toBe('Enter a currency code like GBP or EUR.');
    expect(fieldError(bad.body, 'minPerOrder')).toBe('The fewest per order is at least 1.');
    const window = await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Adult', price: '25', salesOpens: '2027-03-20T10:00', salesCloses: '2027-03-10T10:00', quotaIds: [hall.id], ownCapacity: '5' });
    expect(window.statusCode).toBe(400);
    expect(fieldError(window.body, 'salesCloses')).toBe('Sales must close after they open.');
    const noQuota = await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Adult', price: '25' });
    expect(noQuota.statusCode).toBe(400);
    expect(noQuota.body).toContain('Choose at least one quota, or give the ticket type a limit of its own.');
    const foreign = await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Adult', price: '25', quotaIds: [a.performance.ticketTypeIds[0]!] });
    expect(foreign.statusCode).toBe(400);
    expect(await rows()).toEqual(before);

    expect((await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Adult', price: '25.00', salesOpens: '2027-03-02T10:00', quotaIds: [hall.id] })).statusCode).toBe(303);
    expect((await postForm(`/dashboard/performances/${performanceId}/ticket-types`, { ...type, name: 'Student', price: '12.5', quotaIds: [hall.id], ownCapacity: '100' })).statusCode).toBe(303);
    const types = await box.db.selectFrom('ticketTypes').where('performanceId', '=', performanceId).select(['name', 'priceMinor', 'salesOpensAt']).orderBy('sort').execute();
    expect(types).toEqual([
      { name: 'Adult', priceMinor: 2500, salesOpensAt: new Date('2027-03-02T10:00:00Z') },
      { name: 'Student', priceMinor: 1250, salesOpensAt: null },
    ]);
    const holdable = async () => Object.fromEntries((await box.deps.store.catalog.ticketTypesOf(performanceId, box.clock.now())).map((t) => [t.name, t.available]));
    expect(await holdable()).toEqual({ Adult: 500, Student: 100 });
    const page = await getWith(box.server, `/dashboard/performances/${performanceId}`, cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Hall, Student');
    // The edit form shows the sales window on the venue's clock.
    const adult = await box.db.selectFrom('ticketTypes').where('performanceId', '=', performanceId).where('name', '=', 'Adult').select('id').executeTakeFirstOrThrow();
    const edit = await getWith(box.server, `/dashboard/performances/${performanceId}/ticket-types/${adult.id}`, cookie);
    expect(edit.body).toContain('value="2027-03-02T10:00"');
  });

  it('edits a quota and a ticket type through their forms, refusing bad input with nothing changed', async () => {
    const hall = await box.db.selectFrom('quotas').where('performanceId', '=', performanceId).where('name', '=', 'Hall').select(['id', 'capacity']).executeTakeFirstOrThrow();
    const badQuota = await postForm(`/dashboard/performances/${performanceId}/quotas/${hall.id}`, { name: 'Hall', capacity: 'lots' });
    expect(badQuota.statusCode).toBe(400);
    expect(badQuota.body).toContain('The capacity is a whole number.');
    expect((await box.db.selectFrom('quotas').where('id', '=', hall.id).select('capacity').executeTakeFirstOrThrow()).capacity).toBe(500);
    expect((await postForm(`/dashboard/performances/${performanceId}/quotas/${hall.id}`, { name: 'Hall', capacity: '60' })).statusCode).toBe(303);
    // What a buyer can hold of each type follows the smallest quota it draws on.
    const capacities = async () => Object.fromEntries((await box.deps.store.catalog.ticketTypesOf(performanceId, box.clock.now())).map((t) => [t.name, t.available]));
    expect(await capacities()).toEqual({ Adult: 60, Student: 60 });

    const student = await box.db.selectFrom('ticketTypes').where('performanceId', '=', performanceId).where('name', '=', 'Student').select('id').executeTakeFirstOrThrow();
    const own = await box.db.selectFrom('quotas').where('performanceId', '=', performanceId).where('name', '=', 'Student').select('id').executeTakeFirstOrThrow();
    const url = `/dashboard/performances/${performanceId}/ticket-types/${student.id}`;
    const form = { name: 'Student', price: '10', currency: 'GBP', taxRate: '20', taxInclusive: 'yes', minPerOrder: '1', maxPerOrder: '4', salesOpens: '', salesCloses: '' };
    const bad = await postForm(url, { ...form, minPerOrder: '5', quotaIds: [own.id] });
    expect(bad.statusCode).toBe(400);
    expect(fieldError(bad.body, 'maxPerOrder')).toBe('The most per order cannot be fewer than the fewest per order.');
    expect((await box.db.selectFrom('ticketTypes').where('id', '=', student.id).select('priceMinor').executeTakeFirstOrThrow()).priceMinor).toBe(1250);
    // Drawing on its own quota only now.
    expect((await postForm(url, { ...form, quotaIds: [own.id] })).statusCode).toBe(303);
    expect(await box.db.selectFrom('ticketTypes').where('id', '=', student.id).select(['priceMinor', 'maxPerOrder']).executeTakeFirstOrThrow()).toEqual({ priceMinor: 1000, maxPerOrder: 4 });
    expect((await capacities()).Student).toBe(100);
    expect(await box.db.selectFrom('ticketTypeQuotas').where('ticketTypeId', '=', student.id).select('quotaId').execute()).toEqual([{ quotaId: own.id }]);
  });

  it('publishes the event, which the storefront then shows, and copies it as a new unpublished event', async () => {
    const publish = await postForm(`/dashboard/events/${eventId}/publish`, { published: 'yes' });
    expect(publish.statusCode).toBe(303);
    const shop = await box.server.inject({ method: 'GET', url: '/events/twelfth-night' });
    expect(shop.statusCode).toBe(200);
    expect(shop.body).toContain('Twelfth Night, or What You Will');
    const taken = await postForm(`/dashboard/events/${eventId}/copy`, { newSlug: 'twelfth-night' });
    expect(taken.statusCode).toBe(400);
    expect(fieldError(taken.body, 'newSlug')).toBe('The address twelfth-night is taken; choose another.');
    const copy = await postForm(`/dashboard/events/${eventId}/copy`, { newSlug: 'twelfth-night-2028' });
    expect(copy.statusCode).toBe(303);
    const page = await getWith(box.server, location(copy), cookie);
    expect(page.body).toContain('Twelfth Night, or What You Will (copy)');
    expect(page.body).toContain('data-published="no"');
    expect((await box.server.inject({ method: 'GET', url: '/events/twelfth-night-2028' })).statusCode).toBe(404);
  });

  it('answers 404 for ids that are not ids or not there', async () => {
    expect((await getWith(box.server, '/dashboard/events/not-an-id', cookie)).statusCode).toBe(404);
    expect((await getWith(box.server, `/dashboard/events/${randomUUID()}`, cookie)).statusCode).toBe(404);
    expect((await postForm(`/dashboard/performances/${randomUUID()}/quotas`, { name: 'X', capacity: '1' })).statusCode).toBe(404);
  });

  it('lets a viewer read the events but not change them', async () => {
    const email = `viewer-${randomUUID()}@producer.test`;
    await box.db.insertInto('users').values({
      id: randomUUID(), producerId: a.producerId, email, name: 'Viewer', passwordHash: await box.deps.passwords.hash('viewer-password-1'), role: 'viewer', createdAt: box.clock.now(),
    }).execute();
    const viewer = await logInCookie(box.server, email, 'viewer-password-1');
    const list = await getWith(box.server, '/dashboard/events', viewer);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Twelfth Night');
    expect(list.body).not.toContain('New event');
    const token = /name="csrf" value="([^"]+)"/.exec(list.body)![1]!;
    const before = await rows();
    expect((await postForm('/dashboard/events', { title: 'X', slug: 'viewer-event', feePerTicket: '0', feePerOrder: '0', feeTaxRate: '0' }, true, viewer, token)).statusCode).toBe(403);
    expect((await postForm(`/dashboard/events/${eventId}/publish`, { published: 'no' }, true, viewer, token)).statusCode).toBe(403);
    expect((await getWith(box.server, '/dashboard/events/new', viewer)).statusCode).toBe(403);
    expect(await rows()).toEqual(before);
  });
});
