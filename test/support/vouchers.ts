import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface VoucherThroughPages {
  eventTitle: string;
  code: string;
  /** A percentage off, or a fixed amount in the event's currency ("5" or "4.50"). */
  off: { percent: string } | { amount: string };
  maxUses: number;
  /** Ticket type names the code is for; none means every ticket of the event. */
  ticketTypes?: string[];
  /** The last day, YYYY-MM-DD (optional). */
  validUntil?: string;
}

/**
 * In a Playwright page whose context is logged in as the producer, creates a discount code for one of
 * its events through /dashboard/vouchers, the way a person would (labels and buttons, no JavaScript
 * needed), and waits until the list shows it. For browser tests of the whole producer story.
 */
export async function createVoucherThroughPages(page: Page, base: string, v: VoucherThroughPages): Promise<void> {
  await page.goto(`${base}/dashboard/vouchers`);
  await page.getByLabel('Event', { exact: true }).selectOption({ label: v.eventTitle });
  await page.getByLabel(/^Code/).fill(v.code);
  if ('percent' in v.off) {
    await page.getByRole('radio', { name: 'A percentage off' }).check();
    await page.getByLabel(/^Percentage/).fill(v.off.percent);
  } else {
    await page.getByRole('radio', { name: 'A fixed amount off the order' }).check();
    await page.getByLabel(/^Amount/).fill(v.off.amount);
  }
  for (const name of v.ticketTypes ?? []) await page.getByRole('checkbox', { name }).check();
  await page.getByLabel('How many orders may use it').fill(String(v.maxUses));
  if (v.validUntil) await page.getByLabel(/^Last day it works/).fill(v.validUntil);
  await page.getByRole('button', { name: 'Create code' }).click();
  const code = v.code.trim().toUpperCase();
  await expect.poll(() => page.locator(`[data-voucher="${code}"]`).count()).toBe(1);
}

/** In a buyer's Playwright page on the checkout, applies a discount code with the page's own "Apply code" button. */
export async function applyVoucherAtCheckout(page: Page, code: string): Promise<void> {
  await page.getByLabel(/^Discount code/).fill(code);
  await page.getByRole('button', { name: 'Apply code' }).click();
  await page.waitForLoadState('load');
}
