import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestBoxOffice } from './boxOffice.ts';
import { drainMail } from './subjects.ts';

/** Every token in a link to `path` (e.g. '/signup/verify/') mailed to `email`, oldest first. */
export async function mailedTokens(box: TestBoxOffice, email: string, path: string): Promise<string[]> {
  await drainMail(box);
  const rows = await box.db.selectFrom('devOutbox').where('toAddress', '=', email.toLowerCase()).select(['textBody', 'createdAt']).orderBy('createdAt').execute();
  const pattern = new RegExp(`${path.replace(/[/]/g, '\\/')}([A-Za-z0-9_-]{43})`);
  return rows.flatMap((r) => {
    const m = pattern.exec(r.textBody);
    return m ? [m[1]!] : [];
  });
}

export interface NewProducerAccount { producerName: string; slug: string; name: string; email: string; password: string }

/** Fresh, unique sign-up details. */
export function newProducerAccount(label = 'Signup'): NewProducerAccount {
  const suffix = randomBytes(4).toString('hex');
  return {
    producerName: `${label} Theatre ${suffix}`, slug: `${label.toLowerCase()}-${suffix}`, name: `${label} Owner`,
    email: `${label.toLowerCase()}-${suffix}@producer.test`, password: `a long passphrase ${suffix}`,
  };
}

/**
 * A producer signs up in the browser, verifies the address through the link in the mail (found in the
 * dev mailbox, /dev/mailbox, as a person would; or by `openVerificationLink` when mail goes elsewhere, such
 * as a local SMTP server), and logs in: the page ends on the dashboard, signed in and verified. For
 * browser tests of the whole producer story ("signs up, enables TOTP, creates an event …").
 */
export async function signUpAndVerify(
  page: Page, base: string, account: NewProducerAccount = newProducerAccount(),
  openVerificationLink: (page: Page, account: NewProducerAccount) => Promise<void> = openVerificationInDevMailbox,
): Promise<NewProducerAccount> {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Name', { exact: true }).fill(account.producerName);
  await page.getByLabel('Short name').fill(account.slug);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByLabel('The same password again').fill(account.password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect.poll(() => page.title()).toContain('Check your email');

  await openVerificationLink(page, account);
  await page.getByRole('button', { name: 'Verify my email address' }).click();
  await expect.poll(() => page.title()).toContain('Email address verified');

  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/dashboard`);
  return account;
}

/** The verification mail, found in the dev mailbox by its subject and address, and its link followed. */
async function openVerificationInDevMailbox(page: Page, account: NewProducerAccount): Promise<void> {
  const base = new URL(page.url()).origin;
  await page.goto(`${base}/dev/mailbox`);
  const item = page.locator('li.card', { hasText: `to ${account.email}` }).filter({ hasText: 'Verify your email address' });
  await expect.poll(async () => {
    if ((await item.count()) > 0) return true;
    await page.reload();
    return false;
  }).toBe(true);
  await item.first().getByRole('link').click();
  await page.getByRole('link', { name: /\/signup\/verify\// }).click();
}
