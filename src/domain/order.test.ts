import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ORDER_CODE_ALPHABET, type OrderStatus, orderCodeFromBytes, transitionOrder } from './order.ts';

const ALL: OrderStatus[] = ['pending', 'paid', 'expired', 'cancelled', 'refunded', 'partially_refunded'];

const ALLOWED: ReadonlyArray<[OrderStatus, OrderStatus]> = [
  ['pending', 'paid'],
  ['pending', 'expired'],
  ['pending', 'cancelled'],
  ['paid', 'refunded'],
  ['paid', 'partially_refunded'],
  ['paid', 'cancelled'],
  ['partially_refunded', 'refunded'],
  ['partially_refunded', 'partially_refunded'],
  ['partially_refunded', 'cancelled'],
];

describe('transitionOrder', () => {
  it.each(ALLOWED)('allows %s -> %s', (from, to) => {
    expect(transitionOrder(from, to)).toEqual({ ok: true, value: to });
  });

  it.each<[OrderStatus, OrderStatus]>([
    ['pending', 'refunded'],
    ['pending', 'partially_refunded'],
    ['pending', 'pending'],
    ['paid', 'pending'],
    ['paid', 'expired'],
    ['paid', 'paid'],
    ['partially_refunded', 'paid'],
    ['partially_refunded', 'pending'],
    ['expired', 'paid'],
    ['expired', 'pending'],
    ['cancelled', 'paid'],
    ['cancelled', 'pending'],
    ['refunded', 'paid'],
    ['refunded', 'partially_refunded'],
    ['refunded', 'cancelled'],
  ])('forbids %s -> %s with illegal_transition', (from, to) => {
    const result = transitionOrder(from, to);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('illegal_transition');
    expect(result.details).toEqual({ from, to });
    expect(result.message).toContain(from);
    expect(result.message).toContain(to);
  });

  it('forbids every transition not in the table, and nothing leaves a final state', () => {
    const allowed = new Set(ALLOWED.map(([f, t]) => `${f}->${t}`));
    for (const from of ALL) {
      for (const to of ALL) {
        const result = transitionOrder(from, to);
        expect(result.ok, `${from} -> ${to}`).toBe(allowed.has(`${from}->${to}`));
        if (!result.ok) expect(result.code).toBe('illegal_transition');
      }
    }
    for (const final of ['expired', 'cancelled', 'refunded'] as const) {
      expect(ALL.some((to) => transitionOrder(final, to).ok)).toBe(false);
    }
  });
});

describe('ORDER_CODE_ALPHABET', () => {
  it('has no ambiguous characters and no repeats', () => {
    expect(ORDER_CODE_ALPHABET).not.toMatch(/[0O1IL]/);
    expect(new Set(ORDER_CODE_ALPHABET).size).toBe(ORDER_CODE_ALPHABET.length);
    expect(ORDER_CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
    expect(ORDER_CODE_ALPHABET).toHaveLength(31);
  });
});

describe('orderCodeFromBytes', () => {
  const format = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/;

  it('maps each byte to the alphabet, with a dash after four characters', () => {
    expect(orderCodeFromBytes(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('2345-6789');
    expect(orderCodeFromBytes(new Uint8Array([8, 9, 10, 11, 30, 31, 32, 255]))).toBe('ABCD-Z239');
  });

  it('is deterministic and uses only the first 8 bytes', () => {
    const bytes = new Uint8Array([200, 17, 99, 3, 250, 0, 45, 128]);
    const longer = new Uint8Array([...bytes, 1, 2, 3]);
    expect(orderCodeFromBytes(bytes)).toBe(orderCodeFromBytes(bytes));
    expect(orderCodeFromBytes(longer)).toBe(orderCodeFromBytes(bytes));
  });

  it('always gives 8 alphabet characters with a dash after 4, never an ambiguous one', () => {
    for (let b = 0; b < 256; b++) {
      const code = orderCodeFromBytes(new Uint8Array(8).fill(b));
      expect(code).toMatch(format);
      expect(code).toHaveLength(9);
      expect(code.replace('-', '')).toHaveLength(8);
      expect(code).not.toMatch(/[0O1IL]/);
    }
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(8);
      expect(orderCodeFromBytes(bytes)).toMatch(format);
    }
  });

  it('reaches every character of the alphabet', () => {
    const seen = new Set<string>();
    for (let b = 0; b < 256; b++) seen.add(orderCodeFromBytes(new Uint8Array(8).fill(b))[0]!);
    expect([...seen].sort().join('')).toBe([...ORDER_CODE_ALPHABET].sort().join(''));
  });

  it('rejects fewer than 8 bytes', () => {
    expect(() => orderCodeFromBytes(new Uint8Array(7))).toThrow(RangeError);
    expect(() => orderCodeFromBytes(new Uint8Array(0))).toThrow(RangeError);
  });
});
