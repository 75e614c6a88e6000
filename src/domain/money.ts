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

export interface PricedLine {
  readonly unitPrice: Money;
  readonly quantity: number;
}

/**
 * The one function that totals an order. Every line must share one currency;
 * there is no rounding yet because unit prices are already minor units.
 */
export function orderTotal(lines: readonly PricedLine[], currency: string): Money {
  let amount = 0;
  for (const line of lines) {
    if (line.unitPrice.currency !== currency) {
      throw new RangeError(`line currency ${line.unitPrice.currency} differs from order currency ${currency}`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) throw new RangeError('quantity must be a whole number');
    amount += line.unitPrice.amount * line.quantity;
  }
  return money(amount, currency);
}

/** Digits after the decimal point for a currency, as the browser's Intl knows it (JPY 0, EUR 2, BHD 3). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(m: Money, locale = 'en-GB'): string {
  const digits = minorDigits(m.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount / 10 ** digits);
}
