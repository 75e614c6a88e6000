import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/adapters/mail/smtp.ts';
import { TEST_CARDS } from '../../src/adapters/payments/testProvider.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { dispatchMailings } from '../../src/app/mailings.ts';
import { base32Decode, hotp, totpStep } from '../../src/domain/totp.ts';
import type { TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { payOnProviderPage } from '../support/buyerPages.ts';
import { createPublishedEventThroughPages } from '../support/eventAdmin.ts';
import { newProducerAccount, signUpAndVerify } from '../support/signup.ts';
import { type SmtpInbox, startSmtpInbox } from '../support/smtpInbox.ts';
import { applyVoucherAtCheckout, createVoucherThroughPages } from '../support/vouchers.ts';

/**
 * Issue 6's story in Chromium, every step through the pages: a producer signs up and verifies, turns on
 * two-factor log-in, makes an event with two ticket types on one shared quota, adds a discount code and
 * publishes; a buyer buys with the code; the producer sees the order, downloads the attendees as XLSX and
 * sends an update, which a real local SMTP server receives with working one-click unsubscribe headers.
 */
describe('the producer story in Chromium', () => {
  let smtp: SmtpInbox;
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    smtp = await startSmtpInbox();
    env = await startBrowserBoxOffice(async () => {}, { overrides: { mailer: smtpMailer(smtp.url, 'Marquee <box@marquee.test>') } });
    ({ box, browser, base } = env);
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  /** The newest mail to `to` whose subject matches, once the outbox has been sent to the SMTP server. */
  async function mailTo(to: string, subject: RegExp) {
    await expect.poll(async () => {
      await dispatchMails(box.deps);
      await dispatchMailings(box.deps);
      return smtp.mails.some((m) => m.to === to && subject.test(m.subject));
    }).toBe(true);
    return smtp.mails.filter((m) => m.to === to && subject.test(m.subject)).at(-1)!;
  }

  async function enableTotp(page: Page): Promise<void> {
    await page.goto(`${base}/dashboard/security`);
    await page.getByRole('button', { name: 'Set up two-factor log-in' }).click();
    const secret = (await page.locator('[data-secret]').textContent())!.replace(/\s/g, '');
    await page.getByLabel('The code the app shows').fill(hotp(base32Decode(secret)!, totpStep(new Date())));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await expect.poll(() => page.getByText('Two-factor log-in is on.').count()).toBeGreaterThan(0);
  }

  it('signs up, secures, sets up and publishes; a buyer buys with the code; the producer exports and mails', async () => {
    const producer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await producer.newPage();
    const account = newProducerAccount('Story');
    await signUpAndVerify(page, base, account, async (p, a) => {
      const mail = await mailTo(a.email, /Verify your email address/);
      const link = /https?:\/\/\S+\/signup\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
      await p.goto(link);
    });
    await enableTotp(page);
    // Log-in now asks for the code as well.
    const again = await browser.newContext();
    const login = await again.newPage();
    await login.goto(`${base}/login`);
    await login.getByLabel('Email').fill(account.email);
    await login.getByLabel('Password').fill(account.password);
    await login.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => login.getByLabel('Code').count()).toBe(1);
    await again.close();

    const event = await createPublishedEventThroughPages(page, base, { title: 'The Story Play', slug: `story-play-${account.slug}` });
    const quotas = await box.db.selectFrom('ticketTypeQuotas as l').innerJoin('ticketTypes as t', 't.id', 'l.ticketTypeId')
      .where('t.performanceId', '=', event.performanceId).select(['t.name', 'l.quotaId']).orderBy('t.name').execute();
    expect(quotas.map((q) => q.name)).toEqual(['Adult', 'Student']);
    expect(new Set(quotas.map((q) => q.quotaId)).size).toBe(1);
    await createVoucherThroughPages(page, base, { eventTitle: 'The Story Play', code: 'friends20', off: { percent: '20' }, maxUses: 10, ticketTypes: ['Adult'] });

    // The buyer, on a phone, with the code: two Adult tickets at £25.00 less 20%.
    const buyer = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const shop = await buyer.newPage();
    await shop.goto(`${base}/`);
    await shop.getByRole('link', { name: 'The Story Play' }).click();
    await shop.getByLabel('Number of Adult tickets').fill('2');
    await shop.getByRole('button', { name: 'Hold these tickets' }).click();
    await shop.waitForURL(/\/checkout\//);
    await applyVoucherAtCheckout(shop, 'friends20');
    await expect.poll(() => shop.getByText('£40.00').count()).toBeGreaterThan(0);
    await shop.getByLabel('Your name').fill('Story Buyer');
    await shop.getByLabel('Email for your tickets').fill('story.buyer@example.org');
    await shop.getByRole('button', { name: /^Pay / }).click();
    await payOnProviderPage(shop, TEST_CARDS.approved);
    await expect.poll(() => shop.getByText('Your order is confirmed').count()).toBe(1);
    const order = await box.db.selectFrom('orders').where('buyerEmail', '=', 'story.buyer@example.org').select(['code', 'totalMinor', 'voucherCode', 'status']).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ totalMinor: 4000, voucherCode: 'FRIENDS20', status: 'paid' });
    await buyer.close();

    // The producer sees the order on the dashboard.
    await page.goto(`${base}/dashboard`);
    await expect.poll(() => page.getByText(order.code).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Story Buyer').count()).toBeGreaterThan(0);

    // The attendees as XLSX, one row per ticket.
    await page.goto(`${base}/dashboard/exports`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'XLSX of The Story Play' }).click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const rows: string[][] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]!.slice(0, 4)).toEqual(['Order code', 'Order status', 'Buyer name', 'Buyer email']);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[7]])).toEqual([
      [order.code, 'Story Buyer', 'story.buyer@example.org', 'Adult'], [order.code, 'Story Buyer', 'story.buyer@example.org', 'Adult'],
    ]);
    expect((await box.db.selectFrom('auditEntries').where('action', '=', 'attendees.export').select('detail').execute()).length).toBe(1);

    // An update to the event's buyers, sent in the background to the real SMTP server.
    await page.goto(`${base}/dashboard/mailings`);
    await page.getByLabel('Who gets it').selectOption({ label: 'Buyers of The Story Play' });
    await page.getByRole('radio', { name: 'Update to ticket holders' }).check();
    await page.getByLabel('Subject').fill('Doors open at 19:00');
    await page.getByLabel('Message (plain text)').fill('Doors now open half an hour earlier.');
    await page.getByRole('button', { name: 'Send to buyers' }).click();
    const update = await mailTo('story.buyer@example.org', /Doors open at 19:00/);
    expect(update.text).toContain('Doors now open half an hour earlier.');
    expect(update.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const unsubscribe = /^List-Unsubscribe: <(https?:\/\/[^>]+)>\r?$/m.exec(update.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    expect(new URL(unsubscribe).origin).toBe(base);
    // The one-click POST (RFC 8058), as a mail client sends it, is honoured at once.
    const posted = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(posted.status).toBe(200);
    expect(await box.db.selectFrom('mailUnsubscribes').select('subjectRef').execute()).toHaveLength(1);
    await page.reload();
    await expect.poll(() => page.getByText('1 of 1').count()).toBeGreaterThan(0);
    await producer.close();
  });
});
