import { describe, expect, it } from 'vitest';
import { PAN_REFUSED, paymentMethodLabel, terminalReference } from './counter.ts';

describe('the counter terminal reference', () => {
  it('is optional, and keeps a short reference as typed (trimmed)', () => {
    expect(terminalReference('  ')).toEqual({ ok: true, value: null });
    expect(terminalReference(' TRX-000123/7 ')).toEqual({ ok: true, value: 'TRX-000123/7' });
    // A 12-digit retrieval reference number is the most digits a reference may have.
    expect(terminalReference('123456789012')).toEqual({ ok: true, value: '123456789012' });
  });

  it.each(['4242424242424242', '4242 4242 4242 4242', '4242-4242-4242-4242', '378282246310005'])('refuses the card number %s with the message that says why', (pan) => {
    expect(terminalReference(pan)).toMatchObject({ ok: false, code: 'invalid_input', message: PAN_REFUSED });
  });

  it.each([
    ['13 digits, whatever they are', '1234567890123'],
    ['digits spread among letters', 'A1234B5678C9012D3'],
    ['a space', 'T 1'],
    ['other characters', 'T#1'],
    ['more than 40 characters', 'T'.repeat(41)],
  ])('refuses %s', (_what, ref) => {
    expect(terminalReference(ref)).toMatchObject({ ok: false, code: 'invalid_input' });
  });
});

describe('payment method labels', () => {
  it('names the counter methods and an online provider', () => {
    expect(paymentMethodLabel('counter_cash')).toBe('Cash at the counter');
    expect(paymentMethodLabel('counter_card')).toBe('Card on the counter terminal');
    expect(paymentMethodLabel('stripe')).toBe('Online (stripe)');
    expect(paymentMethodLabel(null)).toBe('Not paid');
  });
});
