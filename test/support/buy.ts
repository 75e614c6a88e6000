import { type BuyerDetails, startCheckout } from '../../src/app/checkout.ts';
import type { TestBoxOffice } from './boxOffice.ts';

export const BUYER: BuyerDetails = { buyerName: 'Ada Lovelace', buyerEmail: 'ada@example.org', marketingConsent: false };

/** Checks out a hold and has the test provider settle it; returns the signed callback parameters. */
export async function checkoutAndSettle(
  box: TestBoxOffice, holdId: string, outcome: 'paid' | 'declined' | 'cancelled', buyer: BuyerDetails = BUYER,
): Promise<Record<string, string>> {
  const started = await startCheckout(box.deps, holdId, buyer);
  if (!started.ok) throw new Error(`checkout failed: ${started.code} ${started.message}`);
  const sessionId = new URL(started.value.redirectUrl).pathname.split('/').pop()!;
  const back = await box.testProvider.complete(sessionId, outcome);
  return Object.fromEntries(new URL(back).searchParams);
}
