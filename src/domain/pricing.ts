import { type Money, money } from './money.ts';

/**
 * The one function that prices an order: ticket lines with their tax, service fees, and totals.
 * Rounding is defined here and nowhere else: tax is computed once per line (not per unit), on
 * integer minor units, rounding half away from zero.
 *
 * A tax-inclusive price already contains its tax (gross = price × quantity); a tax-exclusive price
 * has tax added on top (net = price × quantity). Service fees are inclusive of their own tax rate.
 */
export interface PricingLine {
  ticketTypeId: string;
  description: string;
  quantity: number;
  unitPrice: Money;
  taxRateBp: number; // basis points: 2000 = 20 %
  taxInclusive: boolean;
}

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

function priceLine(line: PricingLine, currency: string): PricedLine {
  if (line.unitPrice.currency !== currency) throw new RangeError(`line currency ${line.unitPrice.currency} differs from order currency ${currency}`);
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) throw new RangeError('quantity must be a whole number');
  if (!Number.isSafeInteger(line.unitPrice.amount) || line.unitPrice.amount < 0) throw new RangeError('a price is a whole, non-negative number of minor units');
  const base = line.unitPrice.amount * line.quantity;
  const tax = taxOf(base, line.taxRateBp, line.taxInclusive);
  const net = line.taxInclusive ? base - tax : base;
  const gross = net + tax;
  const unitGross = line.taxInclusive ? line.unitPrice.amount : line.unitPrice.amount + taxOf(line.unitPrice.amount, line.taxRateBp, false);
  return {
    ticketTypeId: line.ticketTypeId, description: line.description, quantity: line.quantity, unitPrice: line.unitPrice,
    unitGross: money(unitGross, currency), taxRateBp: line.taxRateBp, taxInclusive: line.taxInclusive,
    net: money(net, currency), tax: money(tax, currency), gross: money(gross, currency),
  };
}

export function priceOrder(lines: readonly PricingLine[], fees: FeePolicy, currency: string): OrderPricing {
  const priced = lines.map((l) => priceLine(l, currency));
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
