import { randomUUID } from 'node:crypto';
import { seatName } from '../domain/seating.ts';
import { type Result, fail, ok } from '../domain/errors.ts';
import { ORDER_CODE_ALPHABET } from '../domain/order.ts';
import { may } from '../domain/policy.ts';
import type { QuestionAnswer } from './ports.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import type { IpInfo, OrderClient, OrderRecord, PaymentIssue, PaymentRecord, PerformanceContext, ProducerOrderRow, Repos, SessionUser, TicketRecord } from './ports.ts';
import { transact } from './transact.ts';

/** A producer's own orders, and only those: the query is scoped by the signed-in user's producer. */
export async function producerOrders(deps: AppDeps, user: SessionUser): Promise<ProducerOrderRow[]> {
  if (!may(user.role, 'orders.read')) return [];
  // The read and its audit entry go together, or neither does.
  return deps.store.transaction(async (tx) => {
    const orders = await tx.orders.listForProducer(user.producerId);
    await tx.audit.record({
    actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'orders.list',
      subject: `producer:${user.producerId}`, reason: 'order list in the producer workspace', detail: { rows: orders.length }, at: deps.clock.now(),
    });
    return orders;
  });
}

export interface ProducerOrderDetail {
  order: OrderRecord;
  performance: PerformanceContext;
  tickets: TicketRecord[];
  /** The reserved seat of each ticket that has one ("Stalls, row C, seat 12"), by ticket id. */
  seats: Record<string, string>;
  payments: PaymentRecord[];
  canRefund: boolean;
  canResend: boolean;
  canRename: boolean;
  /** The client's IP address and network, with the fraud flags raised at checkout; null when none was recorded. */
  client: OrderClient | null;
  /** Shown beside the network, as the data's licence asks. */
  networkAttribution: IpInfo['attribution'];
  /** Who sold it at the counter (the user's name); null for an order placed online. */
  seller: string | null;
  /** The buyer's answers to the event's checkout questions, with each question's purpose (part of the audited view). */
  answers: QuestionAnswer[];
}

/** One order of the producer's; another producer's order is "not found", never "forbidden". */
export async function producerOrder(deps: AppDeps, user: SessionUser, orderId: string): Promise<Result<ProducerOrderDetail>> {
  if (!may(user.role, 'orders.read')) return fail('forbidden', 'Your role cannot see orders.');
  const order = await deps.store.orders.byId(orderId);
  if (!order || order.producerId !== user.producerId) return fail('not_found', 'There is no such order.');
  await deps.store.audit.record({
    actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'order.view',
    subject: `order:${order.id}`, reason: 'order detail in the producer workspace', at: deps.clock.now(),
  });
  const tickets = await deps.store.tickets.byOrder(order.id);
  const seats = await deps.store.seats.ofTickets(tickets.map((t) => t.id));
  return ok({
    order,
    performance: (await deps.store.catalog.performanceContext(order.performanceId))!,
    tickets,
    seats: Object.fromEntries([...seats].map(([ticketId, seat]) => [ticketId, seatName(seat)])),
    payments: await deps.store.payments.forOrder(order.id),
    canRefund: may(user.role, 'orders.refund') && (order.status === 'paid' || order.status === 'partially_refunded'),
    canResend: may(user.role, 'orders.resend') && (order.status === 'paid' || order.status === 'partially_refunded'),
    canRename: may(user.role, 'tickets.rename'),
    client: await deps.store.fraud.orderClient(order.id),
    answers: await deps.store.questions.answersOf(order.id),
    networkAttribution: deps.ipInfo.attribution,
    seller: order.soldBy === null ? null : ((await deps.store.credentials.userById(order.soldBy))?.name ?? 'a former user'),
  });
}

export function paymentIssues(deps: AppDeps, user: SessionUser): Promise<PaymentIssue[]> {
  return deps.store.payments.openIssues(user.producerId);
}

// ---------- search, resend, attendee names (issue 6 §3) ----------

export const ORDER_SEARCH_PAGE_SIZE = 50;
export const ORDER_SEARCH_MAX_PAGE = 1000;
export const ATTENDEE_NAME_MAX = 200;
export const ORDER_SEARCH_MAX = 200;

export interface OrderSearchPage {
  query: string;
  page: number;
  rows: ProducerOrderRow[];
  hasNext: boolean;
}

/** What could be an order code typed by hand: its letters (any case), with or without the dash. */
function codePrefixOf(query: string): string | null {
  const bare = query.toUpperCase().replace(/-/g, '');
  if (bare.length === 0 || bare.length > 8 || ![...bare].every((c) => ORDER_CODE_ALPHABET.includes(c))) return null;
  return bare.length > 4 ? `${bare.slice(0, 4)}-${bare.slice(4)}` : bare;
}

/**
 * Finds the producer's orders by buyer name or email (part of it, any case) or by order code (its
 * start); 50 a page. The search is audited like the list, with the page and the number of rows, never
 * the query: it may be a name or an address.
 */
export async function searchProducerOrders(deps: AppDeps, user: SessionUser, query: string, page = 1): Promise<Result<OrderSearchPage>> {
  if (!may(user.role, 'orders.read')) return fail('forbidden', 'Your role cannot see orders.');
  const text = query.trim();
  if (text.length === 0) return fail('invalid_input', 'Type a name, an email address or an order code to search for.');
  if (text.length > ORDER_SEARCH_MAX) return fail('invalid_input', `The search is too long (${ORDER_SEARCH_MAX} characters at most).`);
  if (!Number.isInteger(page) || page < 1 || page > ORDER_SEARCH_MAX_PAGE) return fail('invalid_input', 'There is no such page of results.');
  return deps.store.transaction(async (tx) => {
    const found = await tx.orders.searchForProducer(user.producerId, {
      text, codePrefix: codePrefixOf(text), limit: ORDER_SEARCH_PAGE_SIZE + 1, offset: (page - 1) * ORDER_SEARCH_PAGE_SIZE,
    });
    const rows = found.slice(0, ORDER_SEARCH_PAGE_SIZE);
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'orders.search',
      subject: `producer:${user.producerId}`, reason: 'order search in the producer workspace', detail: { rows: rows.length, page }, at: deps.clock.now(),
    });
    return ok({ query: text, page, rows, hasNext: found.length > ORDER_SEARCH_PAGE_SIZE });
  });
}

/** The order, locked, if it is this producer's; another producer's order is "not found". */
async function ownOrder(tx: Repos, user: SessionUser, orderId: string): Promise<Result<OrderRecord>> {
  const order = await tx.orders.byId(orderId, { forUpdate: true });
  if (!order || order.producerId !== user.producerId) return fail('not_found', 'There is no such order.');
  return ok(order);
}

/**
 * Queues the confirmation mail, with the tickets, once more. Each resend is its own mail (the kind
 * carries a fresh id after the template name, which the mail composer ignores).
 */
export async function resendTickets(deps: AppDeps, user: SessionUser, orderId: string): Promise<Result<{ mailId: string }>> {
  if (!may(user.role, 'orders.resend')) return fail('forbidden', 'Your role cannot resend tickets.');
  const now = deps.clock.now();
  const queued = await transact(deps.store, async (tx) => {
    const order = await ownOrder(tx, user, orderId);
    if (!order.ok) return order;
    if (order.value.status !== 'paid' && order.value.status !== 'partially_refunded') {
      return fail('conflict', 'This order has no valid tickets to send.');
    }
    if (order.value.buyerEmail === null) return fail('conflict', 'The buyer gave no email address at the counter; print the tickets instead.');
    const mailId = randomUUID();
    await tx.mails.enqueue({ id: mailId, producerId: order.value.producerId, orderId, kind: `order_confirmation:resend:${mailId}`, createdAt: now });
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'order.resend',
      subject: `order:${orderId}`, reason: 'tickets resent from the producer workspace', at: now,
    });
    return ok({ mailId });
  });
  if (queued.ok) {
    deps.log.info({ orderId, mailId: queued.value.mailId }, 'tickets queued to be resent');
    sendQueuedMail(deps);
  }
  return queued;
}

/**
 * Changes the name on one valid ticket of the producer's order. The ticket keeps its id, so its
 * signed code (and QR) stay the same. Audited with the ticket id, never the names.
 */
export async function renameAttendee(deps: AppDeps, user: SessionUser, orderId: string, ticketId: string, attendeeName: string): Promise<Result<{ ticketId: string }>> {
  if (!may(user.role, 'tickets.rename')) return fail('forbidden', 'Your role cannot change names on tickets.');
  const name = attendeeName.trim();
  if (name.length === 0) return fail('invalid_input', 'Enter the name for the ticket.');
  if (name.length > ATTENDEE_NAME_MAX) return fail('invalid_input', `The name is too long (${ATTENDEE_NAME_MAX} characters at most).`);
  const now = deps.clock.now();
  return transact(deps.store, async (tx) => {
    const order = await ownOrder(tx, user, orderId);
    if (!order.ok) return order;
    if (!(await tx.tickets.renameAttendee(orderId, ticketId, name))) return fail('not_found', 'This order has no such valid ticket.');
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'ticket.rename',
      subject: `order:${orderId}`, reason: 'attendee name changed in the producer workspace', detail: { ticketId }, at: now,
    });
    deps.log.info({ orderId, ticketId }, 'attendee name changed');
    return ok({ ticketId });
  });
}
