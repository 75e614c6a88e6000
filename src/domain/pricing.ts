import { type Money, money } from './money.ts';

/**
 * The one function that prices an order: ticket lines with their tax, service fees, and totals.
 * Rounding is defined here and nowhere else: tax is computed once per line (not per unit), on
 * integer minor units, rounding half away from zero.
 *
 * A tax-inclusive price already contains its tax (gross = price × quantity); a tax-exclusive price
 * has tax added on top (net = price × quantity). Service fees are inclusive of their own tax rate.
 *
 * A discount (a voucher code, ADR 0014) comes off the listed price of the lines it applies to, before
 * tax: a percentage per line (rounded like tax), or a fixed amount shared across those lines in
 * proportion to their price (largest remainder, so the shares add up exactly), never more than they
 * cost. The tax is then computed on the discounted price. Service fees are never discounted.
 */
export interface PricingLine {
  ticketTypeId: string;
  description: string;
  quantity: number;
  unitPrice: Money;
  taxRateBp: number; // basis points: 2000 = 20 %
  taxInclusive: boolean;
}

/** What a voucher code takes off: `ticketTypeIds` null means every line. */
export type Discount =
  | { kind: 'percent'; percentBp: number; ticketTypeIds: readonly string[] | null }
  | { kind: 'fixed'; amount: Money; ticketTypeIds: readonly string[] | null };

export interface FeePolicy {
  perTicketMinor: number;
  perOrderMinor: number;
  taxRateBp: number;
}

export const NO_FEES: FeePolicy = { perTicketMinor: 0, perOrderMinor: 0, taxRateBp: 0 };

export interface PricedLine {
  ticketTypeId: string;
  description: string;
  quantity: number;
  unitPrice: Money;
  /** What one unit costs the buyer, tax included. */
  unitGross: Money;
  taxRateBp: number;
  taxInclusive: boolean;
  net: Money;
  tax: Money;
  gross: Money;
  /** What the discount took off this line, tax included (0 without one): the line's gross before it, minus `gross`. */
  discount: Money;
}

export interface OrderPricing {
  lines: PricedLine[];
  /** The service fee as one line (null without fees), inclusive of its tax. */
  fee: (PricedLine & { perTicket: Money; perOrder: Money }) | null;
  taxByRate: { rateBp: number; net: Money; tax: Money }[];
  net: Money;
  tax: Money;
  /** What the buyer pays. */
  gross: Money;
  /** The sum of the lines' discounts, tax included. */
  discount: Money;
}

/** a / b rounded half away from zero, for a ≥ 0 and b > 0, exactly, on integers. */
export function roundDiv(a: number, b: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0 || b <= 0) throw new RangeError('roundDiv takes a whole a ≥ 0 and b > 0');
  return Math.floor((2 * a + b) / (2 * b));
}

/** The tax inside an inclusive gross amount, or on top of an exclusive net amount. */
export function taxOf(amount: number, rateBp: number, inclusive: boolean): number {
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10_000) throw new RangeError('tax rate must be 0 to 10000 basis points');
  return inclusive ? roundDiv(amount * rateBp, 10_000 + rateBp) : roundDiv(amount * rateBp, 10_000);
}

function checkLine(line: PricingLine, currency: string): number {
  if (line.unitPrice.currency !== currency) throw new RangeError(`line currency ${line.unitPrice.currency} differs from order currency ${currency}`);
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) throw new RangeError('quantity must be a whole number');
  if (!Number.isSafeInteger(line.unitPrice.amount) || line.unitPrice.amount < 0) throw new RangeError('a price is a whole, non-negative number of minor units');
  return line.unitPrice.amount * line.quantity;
}

/** Gross of a base amount (the listed price × quantity) after tax: the base itself when inclusive. */
function grossOf(base: number, rateBp: number, inclusive: boolean): number {
  return inclusive ? base : base + taxOf(base, rateBp, false);
}

/** `off`: what the discount takes off the line's listed base amount (0 ≤ off ≤ base). */
function priceLine(line: PricingLine, currency: string, off = 0): PricedLine {
  const listed = checkLine(line, currency);
  if (!Number.isSafeInteger(off) || off < 0 || off > listed) throw new RangeError('a discount is whole and at most the line');
  const base = listed - off;
  const tax = taxOf(base, line.taxRateBp, line.taxInclusive);
  const net = line.taxInclusive ? base - tax : base;
  const gross = net + tax;
  const discount = grossOf(listed, line.taxRateBp, line.taxInclusive) - gross;
  const unitGross = line.taxInclusive ? line.unitPrice.amount : line.unitPrice.amount + taxOf(line.unitPrice.amount, line.taxRateBp, false);
  return {
    ticketTypeId: line.ticketTypeId, description: line.description, quantity: line.quantity, unitPrice: line.unitPrice,
    unitGross: money(unitGross, currency), taxRateBp: line.taxRateBp, taxInclusive: line.taxInclusive,
    net: money(net, currency), tax: money(tax, currency), gross: money(gross, currency), discount: money(discount, currency),
  };
}

/** What the discount takes off each line's listed base amount, in line order. */
export function discountShares(lines: readonly PricingLine[], discount: Discount | null, currency: string): number[] {
  const bases = lines.map((l) => checkLine(l, currency));
  if (!discount) return bases.map(() => 0);
  const applies = (l: PricingLine) => discount.ticketTypeIds === null || discount.ticketTypeIds.includes(l.ticketTypeId);
  if (discount.kind === 'percent') {
    if (!Number.isInteger(discount.percentBp) || discount.percentBp < 0 || discount.percentBp > 10_000) throw new RangeError('a percentage is 0 to 10000 basis points');
    return lines.map((l, i) => (applies(l) ? roundDiv(bases[i]! * discount.percentBp, 10_000) : 0));
  }
  if (discount.amount.currency !== currency) throw new RangeError(`discount currency ${discount.amount.currency} differs from order currency ${currency}`);
  if (!Number.isSafeInteger(discount.amount.amount) || discount.amount.amount < 0) throw new RangeError('a discount is a whole, non-negative number of minor units');
  const eligible = lines.map((l, i) => (applies(l) ? bases[i]! : 0));
  const sum = eligible.reduce((n, b) => n + b, 0);
  const total = Math.min(discount.amount.amount, sum);
  if (total === 0) return eligible.map(() => 0);
  // Exact shares on BigInt (no overflow), floored; the remainder goes one unit each to the largest fractions.
  const shares = eligible.map((b) => (BigInt(total) * BigInt(b)) / BigInt(sum));
  const fractions = eligible.map((b, i) => ({ i, rest: (BigInt(total) * BigInt(b)) % BigInt(sum) }));
  let left = total - shares.reduce((n, s) => n + Number(s), 0);
  fractions.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  const out = shares.map(Number);
  for (const f of fractions) {
    if (left === 0) break;
    if (eligible[f.i]! > out[f.i]!) {
      out[f.i]! += 1;
      left--;
    }
  }
  return out;
}

export function priceOrder(lines: readonly PricingLine[], fees: FeePolicy, currency: string, discount: Discount | null = null): OrderPricing {
  const shares = discountShares(lines, discount, currency);
  const priced = lines.map((l, i) => priceLine(l, currency, shares[i]));
  const tickets = lines.reduce((n, l) => n + l.quantity, 0);
  const feeGross = tickets > 0 ? fees.perTicketMinor * tickets + fees.perOrderMinor : 0;
  if (!Number.isSafeInteger(fees.perTicketMinor) || fees.perTicketMinor < 0 || !Number.isSafeInteger(fees.perOrderMinor) || fees.perOrderMinor < 0) {
    throw new RangeError('fees are whole, non-negative numbers of minor units');
  }
  const fee = feeGross > 0
    ? {
        ...priceLine({ ticketTypeId: 'fee', description: 'Service fee', quantity: 1, unitPrice: money(feeGross, currency), taxRateBp: fees.taxRateBp, taxInclusive: true }, currency),
        perTicket: money(fees.perTicketMinor, currency),
        perOrder: money(fees.perOrderMinor, currency),
      }
    : null;
  const all = fee ? [...priced, fee] : priced;
  const sum = (pick: (l: PricedLine) => Money) => money(all.reduce((n, l) => n + pick(l).amount, 0), currency);
  return {
    lines: priced,
    fee,
    taxByRate: taxByRate(all, currency),
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
    gross: sum((l) => l.gross),
    discount: sum((l) => l.discount),
  };
}

/** Net and tax summed per tax rate, lowest rate first: the tax summary of an order, receipt or credit note. */
export function taxByRate(lines: readonly { taxRateBp: number; net: Money; tax: Money }[], currency: string): { rateBp: number; net: Money; tax: Money }[] {
  const rates = new Map<number, { net: number; tax: number }>();
  for (const l of lines) {
    const r = rates.get(l.taxRateBp) ?? { net: 0, tax: 0 };
    r.net += l.net.amount;
    r.tax += l.tax.amount;
    rates.set(l.taxRateBp, r);
  }
  return [...rates].sort(([a], [b]) => a - b).map(([rateBp, r]) => ({ rateBp, net: money(r.net, currency), tax: money(r.tax, currency) }));
}

/** What refunding some tickets gives back: their gross price and their share of the per-ticket fee. */
export function ticketRefundAmount(unitGrossMinors: readonly number[], fees: FeePolicy): number {
  return unitGrossMinors.reduce((n, g) => n + g + fees.perTicketMinor, 0);
}

export function formatRate(rateBp: number): string {
  return `${(rateBp / 100).toFixed(rateBp % 100 === 0 ? 0 : 2)} %`;
}
