import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from './money.ts';
import { type FeePolicy, NO_FEES, type PricingLine, priceOrder, roundDiv, taxOf } from './pricing.ts';

const line = (over: Partial<PricingLine> = {}): PricingLine => ({
  ticketTypeId: 't', description: 'Adult', quantity: 1, unitPrice: money(1000, 'EUR'), taxRateBp: 0, taxInclusive: true, ...over,
});

describe('roundDiv and taxOf', () => {
  it('rounds half away from zero, exactly', () => {
    expect(roundDiv(5, 2)).toBe(3);
    expect(roundDiv(4, 2)).toBe(2);
    expect(roundDiv(7, 3)).toBe(2);
    expect(roundDiv(0, 9)).toBe(0);
    expect(() => roundDiv(-1, 2)).toThrow(RangeError);
  });
  it('takes 20 % VAT out of an inclusive price and adds it to an exclusive one', () => {
    expect(taxOf(1200, 2000, true)).toBe(200);
    expect(taxOf(1000, 2000, false)).toBe(200);
    expect(taxOf(999, 700, true)).toBe(65); // 999 × 7/107 = 65.35
    expect(taxOf(1, 2000, false)).toBe(0); // 0.2 rounds down
    expect(taxOf(3, 2000, false)).toBe(1); // 0.6 rounds up
    expect(taxOf(5, 1000, false)).toBe(1); // 0.5 rounds away from zero
    expect(() => taxOf(100, 10_001, true)).toThrow(RangeError);
  });
});

describe('priceOrder', () => {
  it('prices inclusive and exclusive lines with fees, and sums per rate', () => {
    const fees: FeePolicy = { perTicketMinor: 150, perOrderMinor: 100, taxRateBp: 2000 };
    const p = priceOrder([
      line({ quantity: 2, unitPrice: money(2500, 'GBP'), taxRateBp: 2000, taxInclusive: true }),
      line({ ticketTypeId: 's', description: 'Student', quantity: 1, unitPrice: money(1000, 'GBP'), taxRateBp: 500, taxInclusive: false }),
    ], fees, 'GBP');
    expect(p.lines.map((l) => [l.net.amount, l.tax.amount, l.gross.amount])).toEqual([[4167, 833, 5000], [1000, 50, 1050]]);
    expect(p.lines[1]!.unitGross.amount).toBe(1050);
    expect(p.fee).toMatchObject({ gross: { amount: 550 }, tax: { amount: 92 }, net: { amount: 458 } });
    expect(p.gross.amount).toBe(6600);
    expect(p.tax.amount).toBe(833 + 50 + 92);
    expect(p.taxByRate).toEqual([
      { rateBp: 500, net: money(1000, 'GBP'), tax: money(50, 'GBP') },
      { rateBp: 2000, net: money(4167 + 458, 'GBP'), tax: money(833 + 92, 'GBP') },
    ]);
  });

  it('charges no fee on an empty order and refuses mixed currencies', () => {
    expect(priceOrder([], { perTicketMinor: 100, perOrderMinor: 100, taxRateBp: 0 }, 'EUR').gross.amount).toBe(0);
    expect(() => priceOrder([line({ unitPrice: money(100, 'GBP') })], NO_FEES, 'EUR')).toThrow(RangeError);
  });

  const arbLine = fc.record({
    ticketTypeId: fc.constantFrom('a', 'b', 'c'),
    description: fc.constant('x'),
    quantity: fc.integer({ min: 0, max: 20 }),
    unitPrice: fc.integer({ min: 0, max: 1_000_000 }).map((n) => money(n, 'EUR')),
    taxRateBp: fc.constantFrom(0, 500, 700, 1000, 1900, 2000, 2100, 2500, 333),
    taxInclusive: fc.boolean(),
  });
  const arbFees = fc.record({ perTicketMinor: fc.integer({ min: 0, max: 1000 }), perOrderMinor: fc.integer({ min: 0, max: 1000 }), taxRateBp: fc.constantFrom(0, 2000, 1900) });

  it('property: every line and the whole order satisfy gross = net + tax, with 0 ≤ tax ≤ gross', () => {
    fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbFees, (lines, fees) => {
      const p = priceOrder(lines, fees, 'EUR');
      for (const l of [...p.lines, ...(p.fee ? [p.fee] : [])]) {
        expect(l.gross.amount).toBe(l.net.amount + l.tax.amount);
        expect(l.tax.amount).toBeGreaterThanOrEqual(0);
        expect(l.tax.amount).toBeLessThanOrEqual(l.gross.amount);
      }
      expect(p.gross.amount).toBe(p.net.amount + p.tax.amount);
    }));
  });

  it('property: the total is the sum of the lines and the fee, and the per-rate summary adds up to it', () => {
    fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbFees, (lines, fees) => {
      const p = priceOrder(lines, fees, 'EUR');
      const sum = p.lines.reduce((n, l) => n + l.gross.amount, 0) + (p.fee?.gross.amount ?? 0);
      expect(p.gross.amount).toBe(sum);
      expect(p.taxByRate.reduce((n, r) => n + r.tax.amount, 0)).toBe(p.tax.amount);
      expect(p.taxByRate.reduce((n, r) => n + r.net.amount, 0)).toBe(p.net.amount);
    }));
  });

  it('property: an inclusive price is what the buyer pays; an exclusive one is the net', () => {
    fc.assert(fc.property(arbLine, (l) => {
      const p = priceOrder([l], NO_FEES, 'EUR');
      const base = l.unitPrice.amount * l.quantity;
      if (l.taxInclusive) expect(p.gross.amount).toBe(base);
      else expect(p.net.amount).toBe(base);
    }));
  });

  it('property: the tax is the exact tax rounded, never off by more than half a minor unit', () => {
    fc.assert(fc.property(arbLine, (l) => {
      const [p] = priceOrder([l], NO_FEES, 'EUR').lines;
      const base = l.unitPrice.amount * l.quantity;
      const exact = l.taxInclusive ? (base * l.taxRateBp) / (10_000 + l.taxRateBp) : (base * l.taxRateBp) / 10_000;
      expect(Math.abs(p!.tax.amount - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
    }));
  });

  it('property: more tickets never cost less, and the order of lines does not change the total', () => {
    fc.assert(fc.property(fc.array(arbLine, { minLength: 1, maxLength: 5 }), arbFees, (lines, fees) => {
      const p = priceOrder(lines, fees, 'EUR');
      const more = priceOrder(lines.map((l, i) => (i === 0 ? { ...l, quantity: l.quantity + 1 } : l)), fees, 'EUR');
      expect(more.gross.amount).toBeGreaterThanOrEqual(p.gross.amount);
      expect(priceOrder([...lines].reverse(), fees, 'EUR').gross.amount).toBe(p.gross.amount);
    }));
  });
});
