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

/**
 * A decimal amount typed by a person ("12", "12.5", "12.50") as minor units of `currency`, read
 * from the text (never through a float); null when it is not a non-negative amount with at most
 * the currency's digits.
 */
export function parseMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^(\d{1,9})(?:[.,](\d*))?$/.exec(text.trim());
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || '0');
}

/** Minor units as the decimal a person would type ("12.50"), for a form's value. */
export function minorToDecimal(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  return `${Math.floor(amount / 10 ** digits)}.${String(amount % 10 ** digits).padStart(digits, '0')}`;
}
