import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../support/subjects.ts';
import { configureWaitingRoom, pollQueue } from '../../src/app/waitingRoom.ts';
import { producerWithEvent, type TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';

/**
 * Issue 4 §4 in Chromium with JavaScript switched off: a buyer arrives before the sale, waits in the
 * room, and the page updates itself (the Refresh header, nothing else) as the sale opens and as the
 * buyer moves up, until it lets them in to hold tickets. The clock is the test's: live time plus what
 * the test advances, so nobody waits an hour; the page reloads every second.
 */
describe('waiting room in Chromium, without JavaScript', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let producer: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      producer = await producerWithEvent(b, { name: 'Queue Hall' });
      const owner = await staff(b, producer);
      const room = await configureWaitingRoom(b.deps, owner, producer.event.eventId, { enabled: true, opensAt: new Date(b.clock.now().getTime() + 3_600_000), perMinute: 1 });
      if (!room.ok) throw new Error(room.message);
    }, { settings: { WAITING_ROOM_REFRESH_SECONDS: '1' } });
    ({ box } = env);
  });
  afterAll(async () => env?.close());

  it('waits, sees its place as the page refreshes by itself, is let in, and holds tickets', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    let loads = 0;
    page.on('load', () => loads++);
    const status = page.getByRole('status');

    // The event page sends the buyer to the waiting room; the sale opens in an hour.
    await page.goto(`${env.base}/events/${producer.slug}`);
    await page.waitForURL(`${env.base}/events/${producer.slug}/queue?c=1`);
    await expect.poll(() => status.textContent()).toContain('The sale opens at');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Waiting room');
    // Someone else is here early too.
    await pollQueue(box.deps, producer.slug, randomBytes(16).toString('base64url'));
    const before = loads;
    await expect.poll(() => loads, { timeout: 10_000 }).toBeGreaterThan(before + 1);

    // The sale opens: the next reload shows the buyer's place, drawn by lot among the two early arrivals.
    box.clock.advance(3_600_000);
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/You are number [12] in the queue\./);
    const number = Number(await page.locator('[data-position]').textContent());
    await expect(page.title()).resolves.toBe(`Number ${number} in the queue: Show ${producer.slug.replace('show-', '')} · Marquee`);
    await expect.poll(() => status.textContent()).toMatch(/Estimated wait: about [12] minutes?\./);

    // One buyer a minute: two minutes on, the page lets the buyer in by itself.
    box.clock.advance(2 * 60_000);
    await page.waitForURL(`${env.base}/events/${producer.slug}`, { timeout: 10_000 });
    const cookies = (await context.cookies()).map((c) => c.name).sort();
    expect(cookies).toEqual(['mq_admission', 'mq_queue']);
    await page.getByLabel('Number of Adult tickets').fill('2');
    await page.getByRole('button', { name: 'Hold these tickets' }).click();
    await page.waitForURL(/\/checkout\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBeTruthy();

    // The admission does not work in another browser.
    const other = await env.browser.newContext({ javaScriptEnabled: false });
    await other.addCookies((await context.cookies()).filter((c) => c.name === 'mq_admission'));
    const bot = await other.newPage();
    await bot.goto(`${env.base}/events/${producer.slug}`);
    await bot.waitForURL(/\/events\/[^/]+\/queue\?c=1$/);
    await other.close();
    await context.close();
  });
});
