import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ProducerEventPlan {
  title: string;
  slug: string;
  venueName?: string;
  timeZone?: string;
  /** The performance's date on the venue's calendar (YYYY-MM-DD); by default 30 days from today. */
  date?: string;
  time?: string;
}

export interface PublishedEvent { eventId: string; performanceId: string; venueId: string; slug: string }

/** Called after each page of the story has loaded (e.g. to run axe-core on it). */
export type OnPage = (page: Page, name: string) => Promise<void>;

const ID = '([0-9a-f-]{36})';

/** Logs a producer user in through the log-in page. */
export async function logInAsProducer(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/dashboard`);
}

/**
 * The producer's story through the pages, in a page logged in as an owner or admin: a venue, an
 * event, one performance, a quota "Hall" of 500 shared by two ticket types (Adult 25.00 and Student
 * 12.50, GBP), then publish. Returns the new ids; the event is then on the storefront.
 */
export async function createPublishedEventThroughPages(page: Page, base: string, plan: ProducerEventPlan, onPage: OnPage = async () => {}): Promise<PublishedEvent> {
  const venueName = plan.venueName ?? `${plan.title} Hall`;
  const timeZone = plan.timeZone ?? 'Europe/London';
  const date = plan.date ?? new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

  await page.goto(`${base}/dashboard/events`);
  await onPage(page, 'events list');
  await page.getByRole('link', { name: 'New venue' }).click();
  await page.waitForURL(`${base}/dashboard/venues/new`);
  await onPage(page, 'new venue');
  await page.getByLabel('Name').fill(venueName);
  await page.getByLabel('Address').fill('1 Example Street');
  await page.getByLabel('Time zone').fill(timeZone);
  await page.getByRole('button', { name: 'Create the venue' }).click();
  await page.waitForURL(new RegExp(`/dashboard/venues/${ID}\\?done=venue$`));
  const venueId = new RegExp(ID).exec(page.url())![1]!;

  await page.goto(`${base}/dashboard/events/new`);
  await onPage(page, 'new event');
  await page.getByLabel('Title').fill(plan.title);
  await page.getByLabel('Web address').fill(plan.slug);
  await page.getByLabel('Description').fill(`${plan.title}, made through the producer's pages.`);
  await page.getByRole('button', { name: 'Create the event' }).click();
  await page.waitForURL(new RegExp(`/dashboard/events/${ID}\\?done=created$`));
  const eventId = new RegExp(ID).exec(page.url())![1]!;
  await onPage(page, 'event page');

  await page.getByRole('link', { name: 'Add performances' }).click();
  await page.waitForURL(`${base}/dashboard/events/${eventId}/performances/new`);
  await page.getByLabel('Venue').selectOption({ label: `${venueName} (${timeZone})` });
  await page.getByLabel('One performance, on the date below').check();
  await page.getByLabel('Date (one performance)').fill(date);
  await page.getByLabel('Start time').fill(plan.time ?? '19:30');
  await page.getByRole('button', { name: 'Show the dates' }).click();
  await expect.poll(() => page.locator('[data-preview] li').count()).toBe(1);
  await onPage(page, 'add performances with the preview');
  await page.getByRole('button', { name: 'Create 1 performance' }).click();
  await page.waitForURL(new RegExp(`/dashboard/performances/${ID}\\?done=performances$`));
  const performanceId = new RegExp(ID).exec(page.url())![1]!;

  const newQuota = page.getByRole('group', { name: 'New quota' });
  await newQuota.getByLabel('Name').fill('Hall');
  await newQuota.getByLabel('Places').fill('500');
  await newQuota.getByRole('button', { name: 'Add the quota' }).click();
  await page.waitForURL(`${base}/dashboard/performances/${performanceId}?done=quota`);

  for (const [name, price] of [['Adult', '25.00'], ['Student', '12.50']] as const) {
    await page.getByRole('link', { name: 'Add a ticket type' }).click();
    await page.waitForURL(`${base}/dashboard/performances/${performanceId}/ticket-types/new`);
    if (name === 'Adult') await onPage(page, 'new ticket type');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Price', { exact: true }).fill(price);
    await page.getByLabel('Currency').fill('GBP');
    await page.getByLabel('Tax rate (%)').fill('20');
    await page.getByLabel('Hall (500 places)').check();
    await page.getByRole('button', { name: 'Add the ticket type' }).click();
    await page.waitForURL(`${base}/dashboard/performances/${performanceId}?done=ticketType`);
  }
  await onPage(page, 'performance page');

  await page.getByRole('link', { name: `Back to ${plan.title}` }).click();
  await page.waitForURL(`${base}/dashboard/events/${eventId}`);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.waitForURL(`${base}/dashboard/events/${eventId}?done=published`);
  await expect.poll(() => page.locator('[data-published]').getAttribute('data-published')).toBe('yes');
  return { eventId, performanceId, venueId, slug: plan.slug };
}
