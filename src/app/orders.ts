import { type Result, fail, ok } from '../domain/errors.ts';
import { sameSecret } from '../domain/secrets.ts';
import { seatName } from '../domain/seating.ts';
import { encodeTicketCode } from '../domain/ticketCode.ts';
import type { AppDeps } from './deps.ts';
import type { OrderLine, OrderRecord, PerformanceContext, ReceiptRecord, TicketRecord } from './ports.ts';
import { receiptPdf } from './receipts.ts';

export interface BuyerOrderView {
  order: OrderRecord;
  performance: PerformanceContext;
  lines: OrderLine[];
  /** `seat`: "Stalls, row C, seat 12" for a reserved seat (ADR 0011), else null. */
  tickets: (TicketRecord & { code: string; seat: string | null })[];
  documents: ReceiptRecord[];
  link: string;
}

export function orderLink(deps: AppDeps, orderId: string): string {
  return `${deps.settings.baseUrl}/orders/${orderId}/${deps.keys.orderLinkToken(orderId)}`;
}

function tokenMatches(deps: AppDeps, orderId: string, token: string): boolean {
  return sameSecret(token, deps.keys.orderLinkToken(orderId));
}

/** The buyer's view of an order, reachable only through the secret link. */
export async function buyerOrder(deps: AppDeps, orderId: string, token: string): Promise<Result<BuyerOrderView>> {
  const notFound = fail('not_found', 'This order link is not valid. Use the link from your confirmation email.');
  if (!tokenMatches(deps, orderId, token)) return notFound;
  const order = await deps.store.orders.byId(orderId);
  if (!order) return notFound;
  const performance = (await deps.store.catalog.performanceContext(order.performanceId))!;
  const { privateKey } = deps.keys.ticketSigningKey(order.producerId);
  const records = await deps.store.tickets.byOrder(order.id);
  const seats = await deps.store.seats.ofTickets(records.map((t) => t.id));
  const tickets = records.map((t) => ({
    ...t,
    code: encodeTicketCode({ ticketId: t.id, performanceNumber: performance.number }, privateKey),
    seat: seats.has(t.id) ? seatName(seats.get(t.id)!) : null,
  }));
  return ok({
    order, performance, lines: await deps.store.orders.lines(order.id), tickets, documents: await deps.store.receipts.forOrder(order.id), link: orderLink(deps, order.id),
  });
}

export async function ticketPdfFor(deps: AppDeps, view: BuyerOrderView): Promise<Buffer> {
  const p = view.performance;
  return deps.pdf.render({
    producerName: p.producerName, eventTitle: p.eventTitle, startsAt: p.startsAt, timeZone: p.venue.timeZone,
    venueName: p.venue.name, venueAddress: p.venue.address, orderCode: view.order.code,
    tickets: view.tickets.filter((t) => t.status === 'valid').map((t) => ({ id: t.id, ticketTypeName: t.ticketTypeName, attendeeName: t.attendeeName, code: t.code, seat: t.seat })),
  });
}

export async function ticketPdf(deps: AppDeps, orderId: string, token: string): Promise<Result<{ pdf: Buffer; filename: string }>> {
  const view = await buyerOrder(deps, orderId, token);
  if (!view.ok) return view;
  const valid = view.value.tickets.some((t) => t.status === 'valid');
  if ((view.value.order.status !== 'paid' && view.value.order.status !== 'partially_refunded') || !valid) return fail('not_found', 'This order has no tickets to download.');
  return ok({ pdf: await ticketPdfFor(deps, view.value), filename: `tickets-${view.value.order.code}.pdf` });
}

/** A receipt or credit note of the order, through the order's secret link. */
export async function orderDocument(deps: AppDeps, orderId: string, token: string, documentId: string): Promise<Result<{ pdf: Buffer; filename: string }>> {
  const view = await buyerOrder(deps, orderId, token);
  if (!view.ok) return view;
  const doc = view.value.documents.find((d) => d.id === documentId);
  if (!doc) return fail('not_found', 'This order has no such document.');
  const { filename, content } = await receiptPdf(deps, doc);
  return ok({ pdf: content, filename });
}
