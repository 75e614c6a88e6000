import type { Page } from 'playwright-core';

/** The buyer on the test provider's card page: a card number typed in groups, a future expiry, a CVC. */
export async function payOnProviderPage(page: Page, cardNumber: string): Promise<void> {
  await page.waitForURL(/\/testpay\/pay\//);
  await page.getByLabel('Card number').fill(cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '));
  await page.getByLabel('Expiry (MM/YY)').fill('12/39');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: /^Pay / }).click();
}
