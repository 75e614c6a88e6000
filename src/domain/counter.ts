import { type Result, fail, ok } from './errors.ts';
import { findCardNumbers } from './panScan.ts';

/**
 * Sales at the box-office counter (ADR 0015). The money is taken outside Marquee: cash in the till,
 * or a card on the counter's own payment terminal. Marquee records the method, the amount and, for
 * a card, the terminal's reference: never card data.
 */
export const COUNTER_METHODS = ['cash', 'card'] as const;
export type CounterMethod = (typeof COUNTER_METHODS)[number];

/** The payments.provider value of each counter method; no payment provider is ever called for these. */
export const COUNTER_PROVIDER: Readonly<Record<CounterMethod, string>> = { cash: 'counter_cash', card: 'counter_card' };

export function isCounterProvider(provider: string): boolean {
  return provider === COUNTER_PROVIDER.cash || provider === COUNTER_PROVIDER.card;
}

/** How the dashboard, exports and receipts name a payment's method. */
export function paymentMethodLabel(provider: string | null): string {
  if (provider === null) return 'Not paid';
  if (provider === COUNTER_PROVIDER.cash) return 'Cash at the counter';
  if (provider === COUNTER_PROVIDER.card) return 'Card on the counter terminal';
  return `Online (${provider})`;
}

export const TERMINAL_REF_MAX = 40;
/** Fewer digits than the shortest card number the scanner knows (13), so a reference can never hold one. */
export const TERMINAL_REF_MAX_DIGITS = 12;

export const PAN_REFUSED = 'This looks like a card number. Never type card details into Marquee: the card is paid on the terminal, and only its reference is kept.';

/** Refuses a free-text value in which the card-number scanner finds a number (any field of the counter form). */
export function refuseCardNumber(value: string): Result<string> {
  return findCardNumbers(value).length > 0 ? fail('invalid_input', PAN_REFUSED) : ok(value);
}

/**
 * The terminal's reference for a card payment: optional, short, letters, digits and . _ / - only, and
 * at most 12 digits in all. Those rules alone keep any card number out; the scanner runs first, so a
 * pasted card number gets the message that says why. The database has the same check (migration 019).
 */
export function terminalReference(input: string): Result<string | null> {
  const text = input.trim();
  if (text === '') return ok(null);
  const pan = refuseCardNumber(text);
  if (!pan.ok) return pan;
  if (text.length > TERMINAL_REF_MAX) return fail('invalid_input', `The terminal reference is too long (${TERMINAL_REF_MAX} characters at most).`);
  if (!/^[A-Za-z0-9._/-]+$/.test(text)) return fail('invalid_input', 'The terminal reference may hold only letters, digits and . _ / - (no spaces).');
  if (text.replace(/\D/g, '').length > TERMINAL_REF_MAX_DIGITS) {
    return fail('invalid_input', `The terminal reference has too many digits (${TERMINAL_REF_MAX_DIGITS} at most), so it could be mistaken for a card number. Use the short transaction or receipt number the terminal prints.`);
  }
  return ok(text);
}
