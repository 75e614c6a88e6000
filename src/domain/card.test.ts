import { describe, expect, it, vi } from 'vitest';
import { cardExpiryValid, luhnValid, normaliseCardNumber } from './card.ts';

describe('luhnValid', () => {
  it.each([
    '4242424242424242', // Visa test card
    '4000000000000002', // declined test card, still Luhn-valid
    '5555555555554444', // Mastercard
    '378282246310005', // Amex, 15 digits
    '6011111111111117', // Discover
    '4000056655665556',
    '4222222222222', // 13-digit Visa
    '000000000000', // 12 digits, the shortest length
  ])('accepts %s', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });

  it('handles 16- and 19-digit numbers', () => {
    expect(luhnValid('6759649826438453')).toBe(true);
    expect(luhnValid('6759649826438453003')).toBe(true);
    expect(luhnValid('6759649826438453004')).toBe(false);
    expect(luhnValid('4000000000000000006')).toBe(true);
  });

  it.each(['4242424242424241', '4242424242424243', '4000000000000001', '5555555555554443', '378282246310006'])(
    'rejects %s (wrong check digit)',
    (digits) => {
      expect(luhnValid(digits)).toBe(false);
    },
  );

  it('rejects every one-digit change of 4242424242424242', () => {
    const valid = '4242424242424242';
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        const changed = valid.slice(0, i) + d + valid.slice(i + 1);
        expect(luhnValid(changed), changed).toBe(false);
      }
    }
  });

  it.each(['4242 4242 4242 4242', '4242-4242-4242-4242', '424242424242424a', 'abcdefghijklmnop', '', ' 4242424242424242', '٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢', '+4242424242424242'])(
    'rejects non-digits in %j',
    (input) => {
      expect(luhnValid(input)).toBe(false);
    },
  );

  it('rejects fewer than 12 or more than 19 digits, even when the checksum holds', () => {
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid('00000000000')).toBe(false); // 11 digits
    expect(luhnValid('00000000000000000000')).toBe(false); // 20 digits
  });
});

describe('normaliseCardNumber', () => {
  it('removes spaces and dashes', () => {
    expect(normaliseCardNumber('4242 4242 4242 4242')).toBe('4242424242424242');
    expect(normaliseCardNumber('4242-4242-4242-4242')).toBe('4242424242424242');
    expect(normaliseCardNumber(' 4242\t4242 - 4242\n4242 ')).toBe('4242424242424242');
  });

  it('leaves other characters for luhnValid to reject', () => {
    expect(normaliseCardNumber('4242.4242')).toBe('4242.4242');
    expect(normaliseCardNumber('42a2')).toBe('42a2');
  });

  it('gives a number luhnValid accepts', () => {
    expect(luhnValid(normaliseCardNumber('4000 0000 0000 0002'))).toBe(true);
  });
});

describe('cardExpiryValid', () => {
  // 15 June 2026, mid-month in UTC.
  const now = new Date('2026-06-15T12:00:00Z');

  it('accepts this month', () => {
    expect(cardExpiryValid('06/26', now)).toBe(true);
    expect(cardExpiryValid('6/26', now)).toBe(true);
  });

  it('rejects last month', () => {
    expect(cardExpiryValid('05/26', now)).toBe(false);
  });

  it('accepts future months and years', () => {
    expect(cardExpiryValid('07/26', now)).toBe(true);
    expect(cardExpiryValid('01/27', now)).toBe(true);
    expect(cardExpiryValid('12/99', now)).toBe(true);
  });

  it('rejects earlier years even in a later month', () => {
    expect(cardExpiryValid('12/25', now)).toBe(false);
    expect(cardExpiryValid('06/25', now)).toBe(false);
  });

  it('accepts a four-digit year', () => {
    expect(cardExpiryValid('06/2026', now)).toBe(true);
    expect(cardExpiryValid('01/2030', now)).toBe(true);
    expect(cardExpiryValid('05/2026', now)).toBe(false);
  });

  it('tolerates spaces around the parts', () => {
    expect(cardExpiryValid(' 06 / 26 ', now)).toBe(true);
  });

  it.each(['13/26', '00/26', '0/27', '99/30'])('rejects bad month %j', (mmyy) => {
    expect(cardExpiryValid(mmyy, now)).toBe(false);
  });

  it.each(['', '0626', '06-26', '06/2', '06/226', '06/20260', '123/26', 'ab/cd', '06/26/01'])('rejects malformed %j', (mmyy) => {
    expect(cardExpiryValid(mmyy, now)).toBe(false);
  });

  it('uses the UTC month of now, whatever the local time zone', () => {
    const endOfMay = new Date('2026-05-31T23:59:59.999Z');
    const startOfJune = new Date('2026-06-01T00:00:00.000Z');
    try {
      // Node applies a change of TZ at once. Auckland is already in June; Los Angeles still in May.
      for (const tz of ['UTC', 'Pacific/Auckland', 'America/Los_Angeles']) {
        vi.stubEnv('TZ', tz);
        expect(cardExpiryValid('05/26', endOfMay), tz).toBe(true);
        expect(cardExpiryValid('05/26', startOfJune), tz).toBe(false);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('handles the turn of the year', () => {
    const january = new Date('2027-01-10T00:00:00Z');
    expect(cardExpiryValid('12/26', january)).toBe(false);
    expect(cardExpiryValid('01/27', january)).toBe(true);
  });
});
