import { describe, expect, it } from 'vitest';
import { MAX_TICKETS_PER_HOLD, type SaleRules, available, checkSaleRules, holdExpiry, isHoldLive, normaliseRequest, quotaTakes, saleState, typeAvailability } from './hold.ts';

describe('normaliseRequest', () => {
  it('passes a simple request through', () => {
    expect(normaliseRequest([{ ticketTypeId: 'a', quantity: 2 }])).toEqual({
      ok: true,
      value: [{ ticketTypeId: 'a', quantity: 2 }],
    });
  });

  it('merges duplicate lines for the same ticket type', () => {
    const result = normaliseRequest([
      { ticketTypeId: 'a', quantity: 2 },
      { ticketTypeId: 'b', quantity: 1 },
      { ticketTypeId: 'a', quantity: 3 },
    ]);
    expect(result).toEqual({
      ok: true,
      value: [
        { ticketTypeId: 'a', quantity: 5 },
        { ticketTypeId: 'b', quantity: 1 },
      ],
    });
  });

  it('drops zero lines', () => {
    const result = normaliseRequest([
      { ticketTypeId: 'a', quantity: 0 },
      { ticketTypeId: 'b', quantity: 2 },
      { ticketTypeId: 'c', quantity: 0 },
    ]);
    expect(result).toEqual({ ok: true, value: [{ ticketTypeId: 'b', quantity: 2 }] });
  });

  it('sorts lines by ticket type id, whatever the input order', () => {
    const result = normaliseRequest([
      { ticketTypeId: 'zeta', quantity: 1 },
      { ticketTypeId: 'alpha', quantity: 1 },
      { ticketTypeId: 'Mid', quantity: 1 },
      { ticketTypeId: 'beta', quantity: 1 },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // Code-unit order: upper case sorts before lower case, as in a byte-wise database collation.
    expect(result.value.map((l) => l.ticketTypeId)).toEqual(['Mid', 'alpha', 'beta', 'zeta']);
  });

  it('gives the same result for the same request in any order', () => {
    const a = normaliseRequest([
      { ticketTypeId: 'b', quantity: 1 },
      { ticketTypeId: 'a', quantity: 2 },
      { ticketTypeId: 'b', quantity: 1 },
    ]);
    const b = normaliseRequest([
      { ticketTypeId: 'a', quantity: 2 },
      { ticketTypeId: 'b', quantity: 2 },
    ]);
    expect(a).toEqual(b);
  });

  it('does not modify its input', () => {
    const input = [
      { ticketTypeId: 'b', quantity: 1 },
      { ticketTypeId: 'a', quantity: 0 },
    ];
    const copy = structuredClone(input);
    normaliseRequest(input);
    expect(input).toEqual(copy);
  });

  it.each([-1, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects quantity %s as invalid_input',
    (quantity) => {
      const result = normaliseRequest([
        { ticketTypeId: 'a', quantity: 1 },
        { ticketTypeId: 'b', quantity },
      ]);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe('invalid_input');
      expect(result.message).toMatch(/whole numbers/);
    },
  );

  it('rejects a negative line even when another line would make the total positive', () => {
    const result = normaliseRequest([
      { ticketTypeId: 'a', quantity: 3 },
      { ticketTypeId: 'a', quantity: -2 },
    ]);
    expect(result.ok).toBe(false);
  });

  it.each([[[]], [[{ ticketTypeId: 'a', quantity: 0 }]], [[{ ticketTypeId: 'a', quantity: 0 }, { ticketTypeId: 'b', quantity: 0 }]]])(
    'rejects a request with no tickets (%j)',
    (lines) => {
      const result = normaliseRequest(lines);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe('invalid_input');
      expect(result.message).toMatch(/at least one/);
    },
  );

  it('accepts exactly MAX_TICKETS_PER_HOLD tickets', () => {
    expect(MAX_TICKETS_PER_HOLD).toBe(10);
    const result = normaliseRequest([
      { ticketTypeId: 'a', quantity: MAX_TICKETS_PER_HOLD - 3 },
      { ticketTypeId: 'b', quantity: 3 },
    ]);
    expect(result.ok).toBe(true);
  });

  it('rejects more than MAX_TICKETS_PER_HOLD in one line', () => {
    const result = normaliseRequest([{ ticketTypeId: 'a', quantity: MAX_TICKETS_PER_HOLD + 1 }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('invalid_input');
    expect(result.details).toEqual({ max: MAX_TICKETS_PER_HOLD });
  });

  it('rejects more than MAX_TICKETS_PER_HOLD across lines and across merged duplicates', () => {
    const across = normaliseRequest([
      { ticketTypeId: 'a', quantity: 6 },
      { ticketTypeId: 'b', quantity: 5 },
    ]);
    expect(across.ok).toBe(false);
    const merged = normaliseRequest([
      { ticketTypeId: 'a', quantity: 6 },
      { ticketTypeId: 'a', quantity: 5 },
    ]);
    expect(merged.ok).toBe(false);
    if (merged.ok) return;
    expect(merged.code).toBe('invalid_input');
    expect(merged.details).toEqual({ max: MAX_TICKETS_PER_HOLD });
  });
});

describe('holdExpiry', () => {
  const now = new Date('2025-03-30T00:55:00.000Z');

  it('adds the given minutes', () => {
    expect(holdExpiry(now, 10)).toEqual(new Date('2025-03-30T01:05:00.000Z'));
    expect(holdExpiry(now, 120)).toEqual(new Date('2025-03-30T02:55:00.000Z'));
  });

  it('keeps milliseconds and crosses days', () => {
    expect(holdExpiry(new Date('2025-12-31T23:55:30.250Z'), 10)).toEqual(new Date('2026-01-01T00:05:30.250Z'));
  });

  it('returns a new Date and leaves now unchanged', () => {
    const before = now.getTime();
    const expiry = holdExpiry(now, 10);
    expect(expiry).not.toBe(now);
    expect(now.getTime()).toBe(before);
  });

  it('gives now for zero minutes', () => {
    expect(holdExpiry(now, 0).getTime()).toBe(now.getTime());
  });
});

describe('isHoldLive', () => {
  const expiresAt = new Date('2025-06-01T12:10:00.000Z');

  it('is live while active and before expiry', () => {
    expect(isHoldLive({ status: 'active', expiresAt }, new Date('2025-06-01T12:00:00.000Z'))).toBe(true);
    expect(isHoldLive({ status: 'active', expiresAt }, new Date(expiresAt.getTime() - 1))).toBe(true);
  });

  it('is not live at the exact expiry instant or after', () => {
    expect(isHoldLive({ status: 'active', expiresAt }, new Date(expiresAt.getTime()))).toBe(false);
    expect(isHoldLive({ status: 'active', expiresAt }, new Date(expiresAt.getTime() + 1))).toBe(false);
  });

  it.each(['used', 'released', 'expired', 'ACTIVE', ''])('is not live with status %j, even before expiry', (status) => {
    expect(isHoldLive({ status, expiresAt }, new Date('2025-06-01T12:00:00.000Z'))).toBe(false);
  });
});

describe('available', () => {
  it('is capacity less sold and held', () => {
    expect(available(100, 30, 20)).toBe(50);
    expect(available(100, 0, 0)).toBe(100);
    expect(available(10, 7, 3)).toBe(0);
  });

  it('is never negative when oversold or overheld', () => {
    expect(available(10, 8, 5)).toBe(0);
    expect(available(10, 12, 0)).toBe(0);
    expect(available(0, 0, 1)).toBe(0);
    expect(Object.is(available(10, 10, 0), 0)).toBe(true);
    expect(Object.is(available(10, 11, 0), 0)).toBe(true);
  });
});

describe('sales rules', () => {
  const now = new Date('2027-03-01T12:00:00Z');
  const type = (over: Partial<SaleRules> = {}): SaleRules => ({ id: 't', name: 'Adult', salesOpensAt: null, salesClosesAt: null, minPerOrder: 1, maxPerOrder: 10, ...over });

  it('a window opens at its opening instant and closes at its closing instant', () => {
    expect(saleState(type(), now)).toBe('on_sale');
    expect(saleState(type({ salesOpensAt: new Date(now.getTime() + 1) }), now)).toBe('not_yet');
    expect(saleState(type({ salesOpensAt: now }), now)).toBe('on_sale');
    expect(saleState(type({ salesClosesAt: now }), now)).toBe('ended');
    expect(saleState(type({ salesClosesAt: new Date(now.getTime() + 1) }), now)).toBe('on_sale');
  });

  it('refuses with a typed failure outside the window or the per-order limits', () => {
    expect(checkSaleRules([{ ticketTypeId: 't', quantity: 1 }], [type({ salesOpensAt: new Date(now.getTime() + 1) })], now)).toMatchObject({ ok: false, code: 'not_on_sale' });
    expect(checkSaleRules([{ ticketTypeId: 't', quantity: 1 }], [type({ salesClosesAt: now })], now)).toMatchObject({ ok: false, code: 'sales_ended' });
    expect(checkSaleRules([{ ticketTypeId: 't', quantity: 1 }], [type({ minPerOrder: 2 })], now)).toMatchObject({ ok: false, code: 'invalid_input', details: { min: 2 } });
    expect(checkSaleRules([{ ticketTypeId: 't', quantity: 3 }], [type({ maxPerOrder: 2 })], now)).toMatchObject({ ok: false, code: 'invalid_input', details: { max: 2 } });
    expect(checkSaleRules([{ ticketTypeId: 'x', quantity: 1 }], [type()], now)).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(checkSaleRules([{ ticketTypeId: 't', quantity: 2 }], [type({ minPerOrder: 2, maxPerOrder: 2 })], now)).toEqual({ ok: true, value: null });
  });
});

describe('quotas', () => {
  it('a hold takes each line from every quota of its type, summed per quota, in quota id order', () => {
    const quotasOf = new Map([['adult', ['hall']], ['student', ['students', 'hall']], ['companion', ['hall']]]);
    expect(quotaTakes([{ ticketTypeId: 'adult', quantity: 2 }, { ticketTypeId: 'student', quantity: 3 }], quotasOf)).toEqual([
      { quotaId: 'hall', quantity: 5 }, { quotaId: 'students', quantity: 3 },
    ]);
  });

  it('a type is available to the least room left in any of its quotas, and a type without a quota not at all', () => {
    const free = new Map([['hall', 7], ['students', 2], ['gone', -1]]);
    expect(typeAvailability(['hall'], free)).toBe(7);
    expect(typeAvailability(['hall', 'students'], free)).toBe(2);
    expect(typeAvailability(['hall', 'gone'], free)).toBe(0);
    expect(typeAvailability([], free)).toBe(0);
  });
});
