import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from './money.ts';
import { type Discount, type FeePolicy, NO_FEES, type PricingLine, discountShares, priceOrder, roundDiv, taxOf } from './pricing.ts';

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

  const arbDiscount: fc.Arbitrary<Discount> = fc.oneof(
    fc.record({ kind: fc.constant('percent' as const), percentBp: fc.integer({ min: 0, max: 10_000 }), ticketTypeIds: fc.option(fc.subarray(['a', 'b', 'c']), { nil: null }) }),
    fc.record({ kind: fc.constant('fixed' as const), amount: fc.integer({ min: 0, max: 5_000_000 }).map((n) => money(n, 'EUR')), ticketTypeIds: fc.option(fc.subarray(['a', 'b', 'c']), { nil: null }) }),
  );

  describe('discounts', () => {
    it('takes a percentage off each line it applies to, before tax, and leaves the fee alone', () => {
      const fees: FeePolicy = { perTicketMinor: 100, perOrderMinor: 0, taxRateBp: 2000 };
      const p = priceOrder([
        line({ ticketTypeId: 'a', quantity: 2, unitPrice: money(2500, 'EUR'), taxRateBp: 2000, taxInclusive: true }),
        line({ ticketTypeId: 'b', quantity: 1, unitPrice: money(1000, 'EUR'), taxRateBp: 1000, taxInclusive: false }),
      ], fees, 'EUR', { kind: 'percent', percentBp: 1000, ticketTypeIds: null });
      // 5000 − 500 = 4500 inclusive: tax 750. 1000 − 100 = 900 net + 90 tax = 990, saving 1100 − 990 = 110.
      expect(p.lines.map((l) => [l.net.amount, l.tax.amount, l.gross.amount, l.discount.amount])).toEqual([[3750, 750, 4500, 500], [900, 90, 990, 110]]);
      expect(p.fee?.gross.amount).toBe(300);
      expect(p.discount.amount).toBe(610);
      expect(p.gross.amount).toBe(4500 + 990 + 300);
    });

    it('shares a fixed amount across the lines it applies to, exactly, and never takes more than they cost', () => {
      const lines = [
        line({ ticketTypeId: 'a', quantity: 1, unitPrice: money(1000, 'EUR') }),
        line({ ticketTypeId: 'b', quantity: 2, unitPrice: money(1000, 'EUR') }),
        line({ ticketTypeId: 'c', quantity: 1, unitPrice: money(700, 'EUR') }),
      ];
      expect(discountShares(lines, { kind: 'fixed', amount: money(100, 'EUR'), ticketTypeIds: ['a', 'b'] }, 'EUR')).toEqual([33, 67, 0]);
      expect(discountShares(lines, { kind: 'fixed', amount: money(10_000, 'EUR'), ticketTypeIds: ['c'] }, 'EUR')).toEqual([0, 0, 700]);
      const p = priceOrder(lines, NO_FEES, 'EUR', { kind: 'fixed', amount: money(10_000, 'EUR'), ticketTypeIds: null });
      expect(p.gross.amount).toBe(0);
      expect(p.discount.amount).toBe(3700);
      expect(() => priceOrder(lines, NO_FEES, 'EUR', { kind: 'fixed', amount: money(100, 'GBP'), ticketTypeIds: null })).toThrow(RangeError);
    });

    it('property: a discount is never negative and never more than its line; nothing ever costs less than nothing', () => {
      fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbFees, arbDiscount, (lines, fees, discount) => {
        const before = priceOrder(lines, fees, 'EUR');
        const after = priceOrder(lines, fees, 'EUR', discount);
        after.lines.forEach((l, i) => {
          expect(l.discount.amount).toBeGreaterThanOrEqual(0);
          expect(l.discount.amount).toBeLessThanOrEqual(before.lines[i]!.gross.amount);
          expect(l.gross.amount).toBeGreaterThanOrEqual(0);
          expect(l.gross.amount).toBe(before.lines[i]!.gross.amount - l.discount.amount);
          const applies = discount.ticketTypeIds === null || discount.ticketTypeIds.includes(l.ticketTypeId);
          if (!applies) expect(l.discount.amount).toBe(0);
        });
        expect(after.fee?.gross.amount ?? 0).toBe(before.fee?.gross.amount ?? 0);
        expect(after.gross.amount).toBe(before.gross.amount - after.discount.amount);
        expect(after.gross.amount).toBeLessThanOrEqual(before.gross.amount);
      }));
    });

    it('property: the tax is computed on the discounted price', () => {
      fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbDiscount, (lines, discount) => {
        const shares = discountShares(lines, discount, 'EUR');
        const p = priceOrder(lines, NO_FEES, 'EUR', discount);
        p.lines.forEach((l, i) => {
          const discounted = l.unitPrice.amount * l.quantity - shares[i]!;
          expect(l.tax.amount).toBe(taxOf(discounted, l.taxRateBp, l.taxInclusive));
          expect(l.taxInclusive ? l.gross.amount : l.net.amount).toBe(discounted);
        });
      }));
    });

    it('property: with a discount the totals still add up: lines, fee, per-rate summary, and a fixed amount taken exactly (up to what the lines cost)', () => {
      fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbFees, arbDiscount, (lines, fees, discount) => {
        const p = priceOrder(lines, fees, 'EUR', discount);
        for (const l of [...p.lines, ...(p.fee ? [p.fee] : [])]) expect(l.gross.amount).toBe(l.net.amount + l.tax.amount);
        expect(p.gross.amount).toBe(p.net.amount + p.tax.amount);
        expect(p.gross.amount).toBe(p.lines.reduce((n, l) => n + l.gross.amount, 0) + (p.fee?.gross.amount ?? 0));
        expect(p.taxByRate.reduce((n, r) => n + r.tax.amount, 0)).toBe(p.tax.amount);
        expect(p.taxByRate.reduce((n, r) => n + r.net.amount, 0)).toBe(p.net.amount);
        const shares = discountShares(lines, discount, 'EUR');
        if (discount.kind === 'fixed') {
          const eligible = lines.reduce((n, l) => n + (discount.ticketTypeIds === null || discount.ticketTypeIds.includes(l.ticketTypeId) ? l.unitPrice.amount * l.quantity : 0), 0);
          expect(shares.reduce((n, s) => n + s, 0)).toBe(Math.min(discount.amount.amount, eligible));
        }
      }));
    });

    it('property: no discount, a 0 % one or a zero amount prices exactly as before', () => {
      fc.assert(fc.property(fc.array(arbLine, { maxLength: 6 }), arbFees, (lines, fees) => {
        const plain = priceOrder(lines, fees, 'EUR');
        expect(priceOrder(lines, fees, 'EUR', { kind: 'percent', percentBp: 0, ticketTypeIds: null })).toEqual(plain);
        expect(priceOrder(lines, fees, 'EUR', { kind: 'fixed', amount: money(0, 'EUR'), ticketTypeIds: null })).toEqual(plain);
        expect(plain.discount.amount).toBe(0);
      }));
    });
  });
});
