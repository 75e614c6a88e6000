import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchMails } from '../../src/app/mail.ts';
import { TEST_CARDS } from '../../src/adapters/payments/testProvider.ts';
import { producerWithEvent, type TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { decodeQrFromPdf } from '../support/qr.ts';
import { cardNumberVariants, databaseText } from '../support/scan.ts';
import { formatFinding, scanDatabase } from '../../src/adapters/scan/panScan.ts';
import { findCardNumbers } from '../../src/domain/panScan.ts';
import { payOnProviderPage } from '../support/buyerPages.ts';

/**
 * The buyer's journey in Debian's Chromium: list, choose, hold, check out, be declined, pay,
 * see the confirmation and the order page, download the PDF; then door staff check the ticket in
 * from the QR code decoded off the rendered PDF. Afterwards no card number is anywhere.
 */
describe('buyer journey in Chromium', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;
  let producer: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      producer = await producerWithEvent(b, { name: 'Journey Theatre' });
    });
    ({ box, browser, base } = env);
  });
  afterAll(async () => env?.close());

  it('buys two tickets, decodes the QR from the PDF, and checks it in once', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const offOrigin: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) offOrigin.push(r.url());
    });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });

    // The buyer lists the events and picks one.
    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toContain("What's on");
    await page.getByRole('link', { name: `Show ${producer.slug.replace('show-', '')}` }).click();
    await page.waitForURL(`${base}/events/${producer.slug}`);

    // Holds 2 adult tickets.
    await page.getByLabel('Number of Adult tickets').fill('2');
    await page.getByRole('button', { name: 'Hold these tickets' }).click();
    await page.waitForURL(/\/checkout\//);
    const timer = page.getByRole('timer');
    await expect.poll(() => timer.textContent()).toMatch(/^\d+:\d{2} left$/);

    // Checks out with only a name and an email; the consent box starts unticked.
    await expect(page.getByLabel(/Let Journey Theatre email me/).isChecked()).resolves.toBe(false);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email for your tickets').fill('ada.journey@example.org');
    await page.getByRole('button', { name: /^Pay / }).click();

    // The test provider's card page: a declined card first.
    await payOnProviderPage(page, TEST_CARDS.declined);
    await page.waitForURL(/\/checkout\/.*payment=declined/);
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('Your card was declined');
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/left$/);

    // Then the approved card.
    await page.getByRole('button', { name: /^Pay / }).click();
    await payOnProviderPage(page, TEST_CARDS.approved);

    // Confirmation, on the order page.
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\/[A-Za-z0-9_-]+\?paid=1$/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Your order is confirmed');
    const orderUrl = page.url().replace('?paid=1', '');
    const pageCodes = await page.locator('.qr').allTextContents();
    expect(pageCodes).toHaveLength(2);

    // The secret link from the mail opens the same order page.
    await dispatchMails(box.deps);
    await page.goto(`${base}/dev/mailbox`);
    await page.getByRole('link', { name: /Your tickets for Show/ }).click();
    await page.getByRole('link', { name: orderUrl }).click();
    await page.waitForURL(orderUrl);
    await expect(page.locator('[data-order-status]').getAttribute('data-order-status')).resolves.toBe('paid');

    // Download the PDF, render it, decode the QR.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download tickets (PDF)' }).click()]);
    const pdfPath = join(mkdtempSync(join(tmpdir(), 'marquee-pdf-')), 'tickets.pdf');
    await download.saveAs(pdfPath);
    const code = decodeQrFromPdf(pdfPath, 1);
    expect(code).toBe(pageCodes[0]);
    expect(code.length).toBeLessThanOrEqual(110);
    expect(decodeQrFromPdf(pdfPath, 2)).toBe(pageCodes[1]);

    // Door staff log in and check the ticket in, twice.
    const staff = await browser.newContext();
    const door = await staff.newPage();
    await door.goto(`${base}/door`);
    await door.waitForURL(/\/login/);
    await door.getByLabel('Email').fill(producer.email);
    await door.getByLabel('Password').fill(producer.password);
    await door.getByRole('button', { name: 'Log in' }).click();
    await door.waitForURL(`${base}/door`);
    await door.getByLabel('Ticket code').fill(code);
    await door.getByLabel('Ticket code').press('Enter');
    await expect(door.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('valid');
    await expect(door.locator('[data-verdict]').textContent()).resolves.toContain('Valid');
    await door.getByLabel('Ticket code').fill(code);
    await door.getByRole('button', { name: 'Check' }).click();
    await expect(door.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('already_checked_in');
    await expect(door.locator('[data-verdict]').textContent()).resolves.toMatch(/Already checked in.*Checked in at/);

    // The producer's orders page shows the order.
    await door.goto(`${base}/dashboard`);
    await expect(door.locator('tbody tr').count()).resolves.toBe(1);
    await expect(door.locator('tbody').textContent()).resolves.toContain('ada.journey@example.org');

    expect(offOrigin).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await staff.close();
    await context.close();
  });

  it('leaves no card number in the database or the logs after the journey', async () => {
    const rows = await databaseText(box.db);
    expect(rows.some((r) => r.table === 'dev_outbox')).toBe(true);
    expect(rows.some((r) => r.table === 'testpay_sessions')).toBe(true);
    const logs = box.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const pan of [TEST_CARDS.approved, TEST_CARDS.declined]) {
      for (const variant of cardNumberVariants(pan)) {
        const hits = rows.filter((r) => r.text.includes(variant)).map((r) => r.table);
        expect(hits, `${variant} in the database`).toEqual([]);
        expect(logs.includes(variant), `${variant} in the logs`).toBe(false);
      }
    }
    // The scanner that `npm run scan:pan` runs finds no card number in any table, nor in the logs.
    const scan = await scanDatabase(box.db);
    expect(scan.rows).toBeGreaterThan(0);
    expect(scan.findings.map(formatFinding)).toEqual([]);
    expect(findCardNumbers(logs).map((m) => m.masked)).toEqual([]);
    // And no buyer PII in the logs either.
    expect(logs).not.toContain('ada.journey@example.org');
    expect(logs).not.toContain('Ada Lovelace');
  });
});
