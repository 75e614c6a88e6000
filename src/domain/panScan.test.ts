import { describe, expect, it } from 'vitest';
import { cardNetwork, findCardNumbers, isCardNumber, maskCardNumber, PanFinder, type PanMatch } from './panScan.ts';

/** Appends the Luhn check digit, computed here independently of card.ts, so any prefix and length can be made. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The same number with its last digit changed: Luhn fails. */
const wrongCheckDigit = (pan: string) => pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10);

const spaced = (pan: string) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');

const found = (text: string) => findCardNumbers(text).map((m) => text.slice(m.start, m.end));

describe('cardNetwork', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['4222222222222', 'visa'],
    ['4000000000000000006', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['6011000990139424', 'discover'],
    ['3530111333300000', 'jcb'],
    ['3566002020360505', 'jcb'],
    ['30569309025904', 'diners'],
    ['38520000023237', 'diners'],
    ['36227206271667', 'diners'],
    ['6200000000000005', 'unionpay'],
    ['5018000000000009', 'maestro'],
    ['6759649826438453', 'maestro'],
  ])('knows %s as %s', (pan, network) => {
    expect(cardNetwork(pan)).toBe(network);
    expect(isCardNumber(pan)).toBe(true);
  });

  it.each([
    ['a Visa of 14, 15, 17 or 18 digits', ['4'.padEnd(13, '1'), '4'.padEnd(14, '1'), '4'.padEnd(16, '1'), '4'.padEnd(17, '1')]],
    ['an Amex of 16 digits', ['3'.padEnd(15, '4')]],
    ['a Mastercard of 15 or 17 digits', ['5'.padEnd(14, '1'), '5'.padEnd(16, '1')]],
    ['a 2-series Mastercard outside 2221-2720', ['2220'.padEnd(15, '0'), '2721'.padEnd(15, '0')]],
    ['a JCB outside 3528-3589', ['3527'.padEnd(15, '0'), '3590'.padEnd(15, '0')]],
    ['Diners 306-309', ['306'.padEnd(13, '0'), '309'.padEnd(13, '0')]],
    ['numbers starting 1, 7, 8, 9 or 0', ['1'.padEnd(15, '0'), '7'.padEnd(15, '0'), '8'.padEnd(15, '0'), '9'.padEnd(15, '0'), '0'.padEnd(15, '0')]],
  ])('knows no network for %s', (_what, bodies) => {
    for (const body of bodies) {
      const pan = withCheckDigit(body);
      expect(cardNetwork(pan), pan).toBeNull();
      expect(isCardNumber(pan), pan).toBe(false);
    }
  });

  it('leaves 13-digit millisecond timestamps alone, even those that pass Luhn', () => {
    const stamps = ['179613698795', '176000000000', '189999999999'].map(withCheckDigit);
    for (const stamp of stamps) {
      expect(stamp).toHaveLength(13);
      expect(cardNetwork(stamp), stamp).toBeNull();
      expect(found(`{"level":30,"time":${stamp},"pid":4242,"msg":"request completed"}`), stamp).toEqual([]);
    }
  });

  it('rejects anything that is not all digits', () => {
    expect(cardNetwork('4242 4242 4242 4242')).toBeNull();
    expect(cardNetwork('')).toBeNull();
  });
});

describe('maskCardNumber', () => {
  it('keeps the first six and the last four digits', () => {
    expect(maskCardNumber('4242424242424242')).toBe('424242******4242');
    expect(maskCardNumber('378282246310005')).toBe('378282*****0005');
    expect(maskCardNumber('4222222222222')).toBe('422222***2222');
    expect(maskCardNumber('4000000000000000006')).toBe('400000*********0006');
  });

  it('shows nothing of ten digits or fewer', () => {
    expect(maskCardNumber('1234567890')).toBe('**********');
  });
});

describe('findCardNumbers', () => {
  it('finds a card number and its offsets', () => {
    const text = 'paid with 4242424242424242 today';
    const matches = findCardNumbers(text);
    expect(matches).toEqual([{ start: 10, end: 26, network: 'visa', masked: '424242******4242' }]);
  });

  it('never carries the number itself', () => {
    const [match] = findCardNumbers('x 4242 4242 4242 4242 y');
    expect(match).toBeDefined();
    expect(JSON.stringify(match)).not.toMatch(/4242424242424242|4242 4242 4242 4242/);
  });

  it.each([
    ['4242 4242 4242 4242', 'spaces'],
    ['4242-4242-4242-4242', 'dashes'],
    ['4242 4242-4242 4242', 'spaces and dashes'],
    ['3782 822463 10005', 'Amex 4-6-5'],
    ['3056 930902 5904', 'Diners 4-6-4'],
    ['4222 2222 2222 2', 'a 13-digit Visa, 4-4-4-1'],
    ['4000 0000 0000 0000 006', 'a 19-digit Visa, 4-4-4-4-3'],
    ['3782 8224 6310 005', 'Amex 4-4-4-3'],
  ])('finds %s (%s)', (written) => {
    expect(found(`card: ${written}.`)).toEqual([written]);
  });

  it.each([
    ['4242  4242 4242 4242', 'two spaces'],
    ['4242 - 4242 - 4242 - 4242', 'spaced dashes'],
    ['4242.4242.4242.4242', 'dots'],
    ['42424242-4242-4242-8242-424242424242', 'a UUID whose first three groups are a card number'],
    ['424 2424 2424 2424 2', 'groups that are not card-shaped'],
    ['42 42 42 42 42 42 42 42', 'pairs'],
  ])('does not read %s as a card number (%s)', (written) => {
    expect(found(`x ${written} y`)).toEqual([]);
  });

  it('finds every network at every length it issues, written together', () => {
    const bodies = ['4', '51', '55', '2221', '2720', '34', '37', '6011', '644', '649', '65', '3528', '3589', '300', '305', '36', '38', '39', '62', '50', '56', '69'];
    let count = 0;
    for (const prefix of bodies) {
      for (let length = 13; length <= 19; length++) {
        const pan = withCheckDigit(prefix.padEnd(length - 1, '7'));
        const expected = cardNetwork(pan) === null ? [] : [pan];
        expect(found(` ${pan} `), pan).toEqual(expected);
        count += expected.length;
      }
    }
    expect(count).toBeGreaterThan(80);
  });

  it('ignores numbers that fail Luhn', () => {
    for (const pan of ['4242424242424242', '378282246310005', '5555555555554444']) {
      expect(found(`a ${wrongCheckDigit(pan)} b`)).toEqual([]);
      expect(found(`a ${spaced(wrongCheckDigit(pan))} b`)).toEqual([]);
    }
  });

  it('ignores a card number inside a longer run of digits', () => {
    expect(found('123456789 4242424242424242'.replace(' ', ''))).toEqual([]); // 25 digits
    expect(found('42424242424242420000000')).toEqual([]);
    expect(found('04242424242424242')).toEqual([]);
  });

  it('ignores a run touching a letter: hex hashes and tokens', () => {
    expect(found('abc4242424242424242')).toEqual([]);
    expect(found('4242424242424242def')).toEqual([]);
    expect(found('x4242 4242 4242 4242')).toEqual([]);
    expect(found('9f86d0818884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toEqual([]);
  });

  it('finds a run between punctuation: JSON, URLs, CSV, quotes', () => {
    expect(found('{"number":"4242424242424242"}')).toEqual(['4242424242424242']);
    expect(found('/pay?number=4242424242424242&cvc=123')).toEqual(['4242424242424242']);
    expect(found('1,4242424242424242,2')).toEqual(['4242424242424242']);
    expect(found('(…,"4242 4242 4242 4242",t)')).toEqual(['4242 4242 4242 4242']);
  });

  it('ignores the digits of a decimal number, but not a card number ending a sentence', () => {
    expect(found('{"r":0.4242424242424242}')).toEqual([]);
    expect(found('4242424242424242.5')).toEqual([]);
    expect(found('It was 4242424242424242.')).toEqual(['4242424242424242']);
    expect(found('It was 4242424242424242. Then')).toEqual(['4242424242424242']);
  });

  it('finds a grouped card number in a longer grouped run, taking the longest card first', () => {
    expect(found('ref 12 4242 4242 4242 4242')).toEqual(['4242 4242 4242 4242']);
    expect(found('4242 4242 4242 4242 5555 5555 5555 4444')).toEqual(['4242 4242 4242 4242', '5555 5555 5555 4444']);
    const nineteen = withCheckDigit('424242424242424212');
    expect(found(`${spaced(nineteen)} 1`)).toEqual([spaced(nineteen)]);
  });

  it('finds a card number followed by its security code or expiry', () => {
    expect(found('4242424242424242 123')).toEqual(['4242424242424242']);
    expect(found('4242 4242 4242 4242 12/29')).toEqual(['4242 4242 4242 4242']);
  });

  it('leaves dates, times, phone numbers and amounts alone', () => {
    expect(found('2026-06-15 19:30:00+01 +44 7911 123456 total 1 234 567,00 EUR order MQ-4242-4242')).toEqual([]);
  });

  it('finds several in one text, in order', () => {
    const text = 'a 4242424242424242 b 378282246310005 c 6011-1111-1111-1117';
    expect(findCardNumbers(text).map((m) => m.network)).toEqual(['visa', 'amex', 'discover']);
  });
});

describe('PanFinder', () => {
  const text = [
    '{"level":30,"time":1796136987955,"pid":4242,"msg":"x"}',
    'card 4242 4242 4242 4242, amex 3782 822463 10005; 0.4242424242424242',
    'abc4242424242424242 then 5555555555554444.',
    '4000 0000 0000 0000 006 ',
  ].join('\n');
  const whole = findCardNumbers(text);

  it('gives the same matches, at the same offsets, however the text is cut', () => {
    expect(whole.map((m) => text.slice(m.start, m.end))).toEqual(['4242 4242 4242 4242', '3782 822463 10005', '5555555555554444', '4000 0000 0000 0000 006']);
    for (let cut = 0; cut <= text.length; cut++) {
      const finder = new PanFinder();
      const pieces: PanMatch[] = [...finder.feed(text.slice(0, cut)), ...finder.feed(text.slice(cut)), ...finder.end()];
      expect(pieces, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('works one character at a time', () => {
    const finder = new PanFinder();
    const pieces: PanMatch[] = [];
    for (const ch of text) pieces.push(...finder.feed(ch));
    pieces.push(...finder.end());
    expect(pieces).toEqual(whole);
  });

  it('reports a number at the very end only once the end is known', () => {
    const finder = new PanFinder();
    expect(finder.feed('x 4242424242424242')).toEqual([]);
    expect(finder.end()).toHaveLength(1);
  });
});
