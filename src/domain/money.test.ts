import { describe, expect, it } from 'vitest';
import { formatMoney, minorDigits, money } from './money.ts';

describe('money', () => {
  it('returns the amount and currency it was given', () => {
    expect(money(1999, 'GBP')).toEqual({ amount: 1999, currency: 'GBP' });
    expect(money(0, 'EUR')).toEqual({ amount: 0, currency: 'EUR' });
    expect(money(-500, 'GBP')).toEqual({ amount: -500, currency: 'GBP' });
    expect(money(Number.MAX_SAFE_INTEGER, 'JPY').amount).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'rejects a non-integer or unsafe amount %s',
    (amount) => {
      expect(() => money(amount, 'GBP')).toThrow(RangeError);
      expect(() => money(amount, 'GBP')).toThrow(/integer of minor units/);
    },
  );

  it.each(['gbp', 'GB', 'GBPX', '', 'G1P', ' GBP', 'GBP '])('rejects currency code %j', (currency) => {
    expect(() => money(100, currency)).toThrow(RangeError);
    expect(() => money(100, currency)).toThrow(/three-letter ISO code/);
  });
});

describe('minorDigits', () => {
  it.each([
    ['GBP', 2],
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
  ])('%s has %i minor digits', (currency, digits) => {
    expect(minorDigits(currency)).toBe(digits);
  });

  it('throws on a currency code Intl cannot use', () => {
    expect(() => minorDigits('not a currency')).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  // Intl uses non-breaking spaces in some locales; compare with plain spaces.
  const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

  it('formats GBP pence as pounds in en-GB by default', () => {
    expect(formatMoney(money(1999, 'GBP'))).toBe('£19.99');
    expect(formatMoney(money(5, 'GBP'))).toBe('£0.05');
    expect(formatMoney(money(0, 'GBP'))).toBe('£0.00');
    expect(formatMoney(money(123456789, 'GBP'))).toBe('£1,234,567.89');
  });

  it('formats negative amounts', () => {
    expect(formatMoney(money(-550, 'GBP'))).toBe('-£5.50');
  });

  it('formats EUR cents as euros, in the given locale', () => {
    expect(formatMoney(money(1999, 'EUR'))).toBe('€19.99');
    expect(plain(formatMoney(money(1999, 'EUR'), 'de-DE'))).toBe('19,99 €');
    expect(plain(formatMoney(money(123450, 'EUR'), 'fr-FR'))).toBe('1 234,50 €');
  });

  it('formats JPY without dividing, since yen have no minor unit', () => {
    expect(formatMoney(money(1234, 'JPY'))).toBe('JP¥1,234');
    expect(formatMoney(money(1234, 'JPY'), 'ja-JP')).toMatch(/^[¥￥]1,234$/);
    expect(formatMoney(money(1234, 'JPY'))).not.toMatch(/12\.34/);
  });

  it('formats three-digit currencies with three decimals', () => {
    expect(formatMoney(money(1234, 'BHD'))).toMatch(/1\.234$/);
  });
});
