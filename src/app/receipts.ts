import { randomUUID } from 'node:crypto';
import { formatMoney, type Money, money } from '../domain/money.ts';
import { type OrderPricing, type PricedLine, priceOrder, taxByRate } from '../domain/pricing.ts';
import type { AppDeps } from './deps.ts';
import type { OrderLine, OrderRecord, ReceiptContent, ReceiptDocument, ReceiptRecord, Repos } from './ports.ts';

/**
 * Receipts and credit notes. Each is issued in the transaction that makes it due (the order is paid;
 * money goes back), with the producer's next gap-free number, and its content fixed then.
 */

type DocLine = ReceiptContent['lines'][number];

/**
 * What one ticket of the line cost the buyer: its listed unit price, or with a discount code the
 * line's discounted gross shared per ticket, rounded down (a partial refund never gives back more
 * than was paid; the last tickets' refund takes the rest).
 */
export function unitPaid(l: OrderLine): Money {
  return l.discount.amount > 0 && l.quantity > 0 ? money(Math.floor(l.gross.amount / l.quantity), l.gross.currency) : l.unitGross;
}

function lineDescription(l: OrderLine, code: string | null): string {
  return l.discount.amount > 0 ? `${l.ticketTypeName} (code ${code ?? ''}: ${formatMoney(l.discount)} off)` : l.ticketTypeName;
}

function docLine(l: PricedLine): DocLine {
  return { description: l.description, quantity: l.quantity, unitGross: l.unitGross, net: l.net, taxRateBp: l.taxRateBp, tax: l.tax, gross: l.gross };
}

function fromPricing(p: OrderPricing, seller: ReceiptContent['seller']): ReceiptContent {
  return { seller, lines: [...p.lines, ...(p.fee ? [p.fee] : [])].map(docLine), taxByRate: p.taxByRate, net: p.net, tax: p.tax, gross: p.gross };
}

/** The receipt of a paid order: exactly its priced lines and fee, as charged. */
export function receiptContent(order: OrderRecord, lines: readonly OrderLine[], seller: ReceiptContent['seller']): ReceiptContent {
  const docLines: DocLine[] = lines.map((l) => ({ description: lineDescription(l, order.voucherCode), quantity: l.quantity, unitGross: l.unitGross, net: l.net, taxRateBp: l.taxRateBp, tax: l.tax, gross: l.gross }));
  if (order.fee.amount > 0) {
    docLines.push({ description: 'Service fee', quantity: 1, unitGross: order.fee, net: money(order.fee.amount - order.feeTax.amount, order.fee.currency), taxRateBp: order.feeTaxRateBp, tax: order.feeTax, gross: order.fee });
  }
  return { seller, lines: docLines, taxByRate: taxByRate(docLines, order.total.currency), net: order.net, tax: order.tax, gross: order.total };
}

/**
 * A credit note for tickets given back: their price and per-ticket fee (and, when the last tickets go,
 * the rest of the order's fee), split into tax the way they were charged. Whatever rounding leaves
 * between that and the amount actually refunded is a line of its own, so the note adds up to the refund.
 */
export function creditNoteContent(
  order: OrderRecord, lines: readonly OrderLine[], refundedTypeCounts: ReadonlyMap<string, number>, lastTickets: boolean, refunded: Money,
  seller: ReceiptContent['seller'],
): ReceiptContent {
  const tickets = [...refundedTypeCounts.values()].reduce((n, q) => n + q, 0);
  const allTickets = lines.reduce((n, l) => n + l.quantity, 0);
  const perOrderPart = Math.max(0, order.fee.amount - order.feePerTicket.amount * allTickets);
  const pricing = priceOrder(
    [...refundedTypeCounts].map(([ticketTypeId, quantity]) => {
      const l = lines.find((x) => x.ticketTypeId === ticketTypeId)!;
      return { ticketTypeId, description: `Refund: ${l.ticketTypeName}`, quantity, unitPrice: unitPaid(l), taxRateBp: l.taxRateBp, taxInclusive: true };
    }),
    { perTicketMinor: order.feePerTicket.amount, perOrderMinor: lastTickets && tickets > 0 ? perOrderPart : 0, taxRateBp: order.feeTaxRateBp },
    refunded.currency,
  );
  const content = fromPricing(pricing, seller);
  const gap = refunded.amount - content.gross.amount;
  if (gap === 0) return content;
  const adjust: DocLine = { description: 'Rounding adjustment', quantity: 1, unitGross: money(gap, refunded.currency), net: money(gap, refunded.currency), taxRateBp: 0, tax: money(0, refunded.currency), gross: money(gap, refunded.currency) };
  const zero = content.taxByRate.find((r) => r.rateBp === 0);
  return {
    ...content,
    lines: [...content.lines, adjust],
    taxByRate: zero
      ? content.taxByRate.map((r) => (r.rateBp === 0 ? { ...r, net: money(r.net.amount + gap, r.net.currency) } : r))
      : [{ rateBp: 0, net: adjust.net, tax: adjust.tax }, ...content.taxByRate],
    net: money(content.net.amount + gap, refunded.currency),
    gross: refunded,
  };
}

async function seller(tx: Repos, producerId: string): Promise<ReceiptContent['seller']> {
  return (await tx.receipts.legalDetails(producerId)) ?? { legalName: '', address: '', vatId: null };
}

export async function issueReceipt(tx: Repos, order: OrderRecord, now: Date, lines?: readonly OrderLine[]): Promise<string> {
  const id = randomUUID();
  const content = receiptContent(order, lines ?? (await tx.orders.lines(order.id)), await seller(tx, order.producerId));
  await tx.receipts.issue({ id, producerId: order.producerId, orderId: order.id, kind: 'receipt', gross: order.total, issuedAt: now, content });
  return id;
}

/** Issues the credit note for voided tickets (by id) and returns its id; null when nothing was refunded. */
export async function issueCreditNote(
  tx: Repos, order: OrderRecord, voidedTicketIds: readonly string[], lastTickets: boolean, refunded: Money, now: Date,
): Promise<string | null> {
  if (refunded.amount <= 0) return null;
  const receipt = (await tx.receipts.forOrder(order.id)).find((r) => r.kind === 'receipt');
  const tickets = await tx.tickets.byOrder(order.id);
  const counts = new Map<string, number>();
  for (const id of voidedTicketIds) {
    const t = tickets.find((x) => x.id === id);
    if (t) counts.set(t.ticketTypeId, (counts.get(t.ticketTypeId) ?? 0) + 1);
  }
  const id = randomUUID();
  const content = creditNoteContent(order, await tx.orders.lines(order.id), counts, lastTickets, refunded, await seller(tx, order.producerId));
  await tx.receipts.issue({
    id, producerId: order.producerId, orderId: order.id, kind: 'credit_note', gross: refunded, issuedAt: now, content,
    ...(receipt ? { refersTo: receipt.id } : {}),
  });
  return id;
}

/** The document as its PDF shows it: the fixed content, the buyer from the order (anonymised if erased). */
export async function receiptDocument(deps: AppDeps, r: ReceiptRecord): Promise<ReceiptDocument> {
  const order = (await deps.store.orders.byId(r.orderId))!;
  const performance = (await deps.store.catalog.performanceContext(order.performanceId))!;
  const refersTo = r.refersTo ? (await deps.store.receipts.forOrder(order.id)).find((x) => x.id === r.refersTo)?.formatted : undefined;
  return {
    kind: r.kind, number: r.formatted, issuedAt: r.issuedAt, timeZone: performance.venue.timeZone,
    ...r.content,
    buyer: { name: order.buyerName, email: order.buyerEmail },
    orderCode: order.code, eventTitle: performance.eventTitle, performanceStartsAt: performance.startsAt,
    ...(refersTo ? { refersTo } : {}),
  };
}

export async function receiptPdf(deps: AppDeps, r: ReceiptRecord): Promise<{ filename: string; content: Buffer }> {
  return { filename: `${r.kind === 'receipt' ? 'receipt' : 'credit-note'}-${r.formatted}.pdf`, content: await deps.receiptPdf.render(await receiptDocument(deps, r)) };
}
