/** Money is an integer number of minor units (cents, pence) with an ISO 4217 currency. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer of minor units, got ${amount}`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`currency must be a three-letter ISO code, got ${currency}`);
  return { amount, currency };
}

/** Digits after the decimal point for a currency, as the browser's Intl knows it (JPY 0, EUR 2, BHD 3). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(m: Money, locale = 'en-GB'): string {
  const digits = minorDigits(m.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount / 10 ** digits);
}
