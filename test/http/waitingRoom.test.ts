import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitorId } from '../../src/app/waitingRoom.ts';
import { COOKIES } from '../../src/web/cookies.ts';
import { producerWithEvent, TestClock, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { getWith, logInCookie } from '../support/http.ts';
import type { Producer } from '../support/subjects.ts';

const MINUTE = 60_000;
/** A form POST through inject(), with cookies or without. */
const postForm = (server: TestBoxOffice['server'], url: string, cookie: string | null, body: Record<string, string>) =>
  server.inject({
    method: 'POST', url, payload: new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
const cookieOf = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name)?.value ?? null;
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

/** The waiting room through app.inject(): the settings form, the queue page, the gate on the event page and the hold. */
describe('waiting room routes', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let p: Producer;
  let owner: string;
  const get = (url: string, cookie?: string) => getWith(box.server, url, cookie);
  /** A new visitor's cookie value, as the join route issues it. */
  const join = async () => cookieOf(await get(`/events/${p.slug}/queue/join`), COOKIES.queueVisitor.name)!;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    box = await testBoxOffice(tdb.db, { settings: { WAITING_ROOM_REFRESH_SECONDS: '7' } });
    p = await producerWithEvent(box, { name: 'Queue Theatre' });
    owner = await logInCookie(box.server, p.email, p.password);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  const holdBody = () => ({ performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '2' });
  const holdCount = async () => (await tdb.db.selectFrom('holds').select((eb) => eb.fn.countAll<number>().as('n')).where('performanceId', '=', p.performance.id).executeTakeFirstOrThrow()).n;

  async function save(body: Record<string, string>, cookie = owner) {
    const page = await get(`/dashboard/events/${p.event.eventId}/waiting-room`, cookie);
    expect(page.statusCode).toBe(200);
    return postForm(box.server, `/dashboard/events/${p.event.eventId}/waiting-room`, cookie, { csrf: csrfOf(page.body), ...body });
  }

  it('lets a visitor buy directly while the event has no waiting room, without any cookie', async () => {
    const res = await get(`/events/${p.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toEqual([]);
    for (const url of [`/events/${p.slug}/queue`, `/events/${p.slug}/queue/join`]) {
      const queue = await get(url);
      expect(queue.statusCode).toBe(303);
      expect(queue.cookies).toEqual([]);
    }
    expect((await get(`/events/${p.slug}/queue/join`)).headers.location).toBe(`/events/${p.slug}`);
  });

  it('saves the settings from the dashboard form with its CSRF token, in the venue\'s time zone, and refuses bad input', async () => {
    const list = await get('/dashboard/waiting-rooms', owner);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/dashboard/events/${p.event.eventId}/waiting-room`);
    const forged = await postForm(box.server, `/dashboard/events/${p.event.eventId}/waiting-room`, owner, { csrf: 'forged', enabled: 'yes', opensAt: '2027-03-01T13:00', perMinute: '2' });
    expect(forged.statusCode).toBe(403);
    expect(await tdb.db.selectFrom('waitingRooms').selectAll().execute()).toEqual([]);
    const bad = await save({ enabled: 'yes', opensAt: '2027-03-01T13:00', perMinute: '0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Let in at least 1 buyer per minute.');
    const badTime = await save({ enabled: 'yes', opensAt: 'tomorrow', perMinute: '2' });
    expect(badTime.statusCode).toBe(400);
    // The clock stands at 12:00 UTC on 1 March 2027, which is 12:00 in London (GMT): the sale opens in an hour.
    const ok = await save({ enabled: 'yes', opensAt: '2027-03-01T13:00', perMinute: '2' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('The waiting room is on');
    const row = await tdb.db.selectFrom('waitingRooms').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ eventId: p.event.eventId, perMinute: 2, enabled: true });
    expect(row.opensAt.toISOString()).toBe('2027-03-01T13:00:00.000Z');
  });

  it('turns a bot that skips the queue away from the event page and the hold: a redirect to the queue, and no hold', async () => {
    const before = await holdCount();
    const page = await get(`/events/${p.slug}`);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/events/${p.slug}/queue`);
    const hold = await postForm(box.server, `/events/${p.slug}/hold`, null, holdBody());
    expect(hold.statusCode).toBe(303);
    expect(hold.headers.location).toBe(`/events/${p.slug}/queue`);
    // A made-up admission cookie does not help.
    const fake = await postForm(box.server, `/events/${p.slug}/hold`, `mq_queue=${randomBytes(16).toString('base64url')}; mq_admission=9999999999.${'A'.repeat(43)}`, holdBody());
    expect(fake.statusCode).toBe(303);
    expect(fake.headers.location).toBe(`/events/${p.slug}/queue`);
    // A refused hold shows no event page either: a bad form, or another event's performance, go to the queue too.
    for (const body of [{ performanceId: 'nope' }, { ...holdBody(), [`q_${p.performance.ticketTypeIds[0]}`]: '999' }, { ...holdBody(), performanceId: randomUUID() }]) {
      const refused = await postForm(box.server, `/events/${p.slug}/hold`, null, body);
      expect(refused.statusCode).toBe(303);
      expect(refused.headers.location).toBe(`/events/${p.slug}/queue`);
    }
    expect(await holdCount()).toBe(before);
  });

  it('queues a visitor: a cookie first, then the place, refreshing itself without JavaScript; admits at the rate; then the hold goes through', async () => {
    const first = await get(`/events/${p.slug}/queue`);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/events/${p.slug}/queue/join`);
    expect(first.cookies).toEqual([]);
    const joined = await get(`/events/${p.slug}/queue/join`);
    expect(joined.statusCode).toBe(303);
    expect(joined.headers.location).toBe(`/events/${p.slug}/queue?c=1`);
    const visitorId = cookieOf(joined, COOKIES.queueVisitor.name)!;
    expect(visitorId).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    // A visitor id the box office did not issue is not a place in the queue: back to join.
    const madeUp = await get(`/events/${p.slug}/queue`, `${COOKIES.queueVisitor.name}=${visitorId.slice(0, 23)}${'A'.repeat(22)}`);
    expect(madeUp.headers.location).toBe(`/events/${p.slug}/queue/join`);
    // A client that drops the cookie is told so, and queues nowhere.
    const dropped = await get(`/events/${p.slug}/queue?c=1`);
    expect(dropped.statusCode).toBe(400);
    expect(dropped.body).toContain('Allow cookies');

    const me = `${COOKIES.queueVisitor.name}=${visitorId}`;
    const early = await get(`/events/${p.slug}/queue?c=1`, me);
    expect(early.statusCode).toBe(200);
    expect(early.headers['cache-control']).toBe('no-store');
    // It reloads itself with the Refresh header (no JavaScript), and offers to stop that (WCAG 2.2.1).
    expect(early.headers.refresh).toBe('7');
    expect(early.body).toContain('Stop updating this page by itself');
    const manual = await get(`/events/${p.slug}/queue?manual=1`, me);
    expect(manual.statusCode).toBe(200);
    expect(manual.headers.refresh).toBeUndefined();
    expect(manual.body).toContain('Check my place now');
    expect(early.body).toMatch(/role="status" aria-live="polite"/);
    expect(early.body).toContain('The sale opens at');
    expect(early.body).toContain('data-queue="early"');

    // Someone else arrives early too; the sale opens; a third arrives late.
    const other = await join();
    expect((await get(`/events/${p.slug}/queue`, `mq_queue=${other}`)).statusCode).toBe(200);
    box.clock.advance(60 * MINUTE);
    const late = await join();
    const waiting = await get(`/events/${p.slug}/queue`, me);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).toContain('data-queue="waiting"');
    expect(waiting.body).toMatch(/<title>Number [12] in the queue: /);
    const myNumber = Number(/data-position="?[^>]*>(\d+)</.exec(waiting.body)![1]);
    expect([1, 2]).toContain(myNumber);
    expect(waiting.body).toContain('Estimated wait: <span data-wait="true">about 1 minute</span>');
    const lateNumber = await get(`/events/${p.slug}/queue`, `mq_queue=${late}`);
    expect(lateNumber.body).toMatch(/data-position="?[^>]*>3</);

    // Two a minute: after one minute both early arrivals are in.
    box.clock.advance(MINUTE);
    const admitted = await get(`/events/${p.slug}/queue`, me);
    expect(admitted.statusCode).toBe(303);
    expect(admitted.headers.location).toBe(`/events/${p.slug}`);
    const token = cookieOf(admitted, COOKIES.queueAdmission.name)!;
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    const both = `${me}; ${COOKIES.queueAdmission.name}=${token}`;
    const event = await get(`/events/${p.slug}`, both);
    expect(event.statusCode).toBe(200);
    expect(event.body).toContain('Hold these tickets');

    // The admission copied into another browser (another visitor cookie) is refused.
    const copied = await postForm(box.server, `/events/${p.slug}/hold`, `mq_queue=${late}; ${COOKIES.queueAdmission.name}=${token}`, holdBody());
    expect(copied.statusCode).toBe(303);
    expect(copied.headers.location).toBe(`/events/${p.slug}/queue`);

    const hold = await postForm(box.server, `/events/${p.slug}/hold`, both, holdBody());
    expect(hold.statusCode).toBe(303);
    expect(hold.headers.location).toMatch(/^\/checkout\/[0-9a-f-]{36}$/);
    expect(await holdCount()).toBe(1);

    // The admission expires after 15 minutes; the hold then sends the buyer back through the queue, which lets them straight in.
    box.clock.advance(15 * MINUTE);
    const expired = await postForm(box.server, `/events/${p.slug}/hold`, both, holdBody());
    expect(expired.headers.location).toBe(`/events/${p.slug}/queue`);
    expect((await get(`/events/${p.slug}/queue`, me)).headers.location).toBe(`/events/${p.slug}`);
    // Neither the visitor id nor the admission token reaches the logs.
    expect(box.logs.lines.length).toBeGreaterThan(0);
    expect(box.logs.text()).not.toContain(visitorId.split('.')[0]);
    expect(box.logs.text()).not.toContain(token.split('.')[1]);
  });

  it('opens the gate at once when the producer turns the room off', async () => {
    const off = await save({ opensAt: '2027-03-01T13:00', perMinute: '2' });
    expect(off.statusCode).toBe(200);
    expect(off.body).toContain('The waiting room is off');
    expect((await get(`/events/${p.slug}`)).statusCode).toBe(200);
    expect((await get(`/events/${p.slug}/queue`)).headers.location).toBe(`/events/${p.slug}/queue/join`);
    expect((await get(`/events/${p.slug}/queue/join`)).headers.location).toBe(`/events/${p.slug}`);
  });

  it('limits how many visitor ids one address may take per minute', async () => {
    expect((await save({ enabled: 'yes', opensAt: '2027-03-01T16:00', perMinute: '2' })).statusCode).toBe(200);
    // Another instance (in memory) takes the rooms that are on from the database at start.
    const limited = await testBoxOffice(tdb.db, { clock: box.clock, settings: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await limited.server.inject({ method: 'GET', url: `/events/${p.slug}/queue/join` }));
      expect(replies.map((r) => r.statusCode)).toEqual([303, 303, 429]);
      expect(replies[0]!.headers.location).toBe(`/events/${p.slug}/queue?c=1`);
      expect(replies[2]!.cookies).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

/** With REDIS_URL, two instances share the queue and the room settings: what one saves, the other polls, with no database read. */
describe('waiting room in Redis across two instances', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const nameSpace = `marquee-test-wr-http-${randomBytes(6).toString('hex')}:`;
  let tdb: TestDatabase;
  let one: TestBoxOffice;
  let two: TestBoxOffice;
  let p: Producer;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    const clock = new TestClock();
    const settings = { REDIS_URL: 'redis://127.0.0.1:6379', SECRET_KEY: randomBytes(32).toString('base64url') };
    one = await testBoxOffice(tdb.db, { clock, settings, overrides: { waitingRoomNameSpace: nameSpace } });
    two = await testBoxOffice(tdb.db, { clock, settings, overrides: { waitingRoomNameSpace: nameSpace } });
    p = await producerWithEvent(one);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await tdb?.drop();
    const keys = await redis.keys(`${nameSpace}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('queues a visitor on either instance in one queue, and admits on the other', async () => {
    const owner = await logInCookie(one.server, p.email, p.password);
    const page = await getWith(one.server, `/dashboard/events/${p.event.eventId}/waiting-room`, owner);
    const saved = await postForm(one.server, `/dashboard/events/${p.event.eventId}/waiting-room`, owner, { csrf: csrfOf(page.body), enabled: 'yes', opensAt: '2027-03-01T12:00', perMinute: '1' });
    expect(saved.statusCode).toBe(200);
    expect(await redis.get(`${nameSpace}room:${p.slug}`)).not.toBeNull();

    const a = (await getWith(two.server, `/events/${p.slug}/queue/join`)).cookies[0]!.value;
    const b = (await getWith(one.server, `/events/${p.slug}/queue/join`)).cookies[0]!.value;
    expect((await getWith(two.server, `/events/${p.slug}/queue`, `mq_queue=${a}`)).body).toMatch(/data-position="?[^>]*>1</);
    expect((await getWith(one.server, `/events/${p.slug}/queue`, `mq_queue=${b}`)).body).toMatch(/data-position="?[^>]*>2</);
    one.clock.advance(MINUTE);
    const admitted = await getWith(one.server, `/events/${p.slug}/queue`, `mq_queue=${a}`);
    expect(admitted.statusCode).toBe(303);
    const token = cookieOf(admitted, 'mq_admission')!;
    const hold = await postForm(two.server, `/events/${p.slug}/hold`, `mq_queue=${a}; mq_admission=${token}`, { performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' });
    expect(hold.headers.location).toMatch(/^\/checkout\//);
  });
});

/** Redis unreachable: polls answer 503 and retry by themselves; the gate still decides from the database. */
describe('waiting room with Redis down', () => {
  let tdb: TestDatabase;
  let up: TestBoxOffice;
  let down: TestBoxOffice;
  let p: Producer;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    up = await testBoxOffice(tdb.db);
    p = await producerWithEvent(up);
    const owner = await logInCookie(up.server, p.email, p.password);
    const page = await getWith(up.server, `/dashboard/events/${p.event.eventId}/waiting-room`, owner);
    expect((await postForm(up.server, `/dashboard/events/${p.event.eventId}/waiting-room`, owner, { csrf: csrfOf(page.body), enabled: 'yes', opensAt: '2027-03-01T13:00', perMinute: '5' })).statusCode).toBe(200);
    // Nothing listens on port 1.
    down = await testBoxOffice(tdb.db, { clock: up.clock, settings: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await down?.close();
    await up?.close();
    await tdb?.drop();
  });

  it('answers a poll with 503 and a retry, and still refuses a hold without admission', async () => {
    const visitor = newVisitorId(down.deps);
    const poll = await getWith(down.server, `/events/${p.slug}/queue`, `mq_queue=${visitor}`);
    expect(poll.statusCode).toBe(503);
    expect(poll.headers.refresh).toBe('20');
    expect(poll.body).toContain('you keep your place');
    const hold = await postForm(down.server, `/events/${p.slug}/hold`, null, { performanceId: p.performance.id, [`q_${p.performance.ticketTypeIds[0]}`]: '1' });
    expect(hold.statusCode).toBe(303);
    expect(hold.headers.location).toBe(`/events/${p.slug}/queue`);
  });
});
