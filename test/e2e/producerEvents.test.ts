import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerWithEvent, type TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { createPublishedEventThroughPages, logInAsProducer } from '../support/eventAdmin.ts';

/** Issue 6 §2 in Chromium: a producer makes an event through the pages, publishes it, and a buyer finds it and can hold a seat. */
describe('producer creates and publishes an event in Chromium', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;
  let producer: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      producer = await producerWithEvent(b, { name: 'Pages Playhouse' });
    });
    ({ box, browser, base } = env);
  });
  afterAll(async () => env?.close());

  it('creates a venue, an event, a performance, two ticket types sharing a quota, publishes it, and the storefront sells it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await logInAsProducer(page, base, producer.email, producer.password);
    const made = await createPublishedEventThroughPages(page, base, { title: 'Much Ado About Nothing', slug: 'much-ado-pages' });

    const links = await box.db.selectFrom('ticketTypeQuotas as l').innerJoin('ticketTypes as t', 't.id', 'l.ticketTypeId')
      .where('t.performanceId', '=', made.performanceId).select(['t.name', 'l.quotaId']).orderBy('t.name').execute();
    expect(links.map((l) => l.name)).toEqual(['Adult', 'Student']);
    expect(new Set(links.map((l) => l.quotaId)).size).toBe(1);

    const buyer = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const shop = await buyer.newPage();
    await shop.goto(`${base}/`);
    await shop.getByRole('link', { name: 'Much Ado About Nothing' }).click();
    await shop.waitForURL(`${base}/events/much-ado-pages`);
    await shop.getByLabel('Number of Student tickets').fill('2');
    await shop.getByRole('button', { name: 'Hold these tickets' }).click();
    await shop.waitForURL(/\/checkout\//);
    await expect.poll(() => shop.getByText('£25.00').count()).toBeGreaterThan(0);
    await buyer.close();
    await context.close();
  });
});
