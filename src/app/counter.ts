import { randomBytes, randomUUID } from 'node:crypto';
import { COUNTER_PROVIDER, type CounterMethod, refuseCardNumber, terminalReference } from '../domain/counter.ts';
import { type Result, fail, ok } from '../domain/errors.ts';
import { type RequestedLine, normaliseRequest } from '../domain/hold.ts';
import { type Money, formatMoney } from '../domain/money.ts';
import { type OrderPricing, priceOrder } from '../domain/pricing.ts';
import { orderCodeFromBytes } from '../domain/order.ts';
import { may } from '../domain/policy.ts';
import type { AppDeps } from './deps.ts';
import { placeHold, priceHold } from './holds.ts';
import { sendQueuedMail } from './mail.ts';
import { buyerOrder, ticketPdfFor } from './orders.ts';
import { confirmOrder } from './payments.ts';
import { receiptPdf } from './receipts.ts';
import type { DoorPerformance, PerformanceContext, SessionUser, TicketTypeView } from './ports.ts';
import { transact } from './transact.ts';

/**
 * Selling at the box-office counter (issue 6 §3, ADR 0015). The seller takes the money outside
 * Marquee (cash, or a card on the counter's own terminal) and records the method, the amount and, for
 * a card, the terminal's reference. The places are held through placeHold like any sale; then, in one
 * transaction, the order, its paid payment, the tickets, the receipt and the audit entry are written
 * through the same confirmation as an online payment.
 */

export const BUYER_NAME_MAX = 200;
export const BUYER_EMAIL_MAX = 254;

export interface CounterSaleInput {
  /** Chosen when the form is shown; a second submit of the same form finds the first sale instead of selling again. */
  saleId: string;
  performanceId: string;
  lines: readonly RequestedLine[];
  /** '' when the buyer gives none. */
  buyerName: string;
  /** '' when the buyer gives none. */
  buyerEmail: string;
  marketingConsent: boolean;
  method: CounterMethod;
  /** The terminal's reference for a card payment, '' for none. */
  terminalRef: string;
  /** The total the seller was shown and charged (minor units); the sale is refused if the price is now different. */
  expectedTotal: number;
}

export interface CounterSale {
  orderId: string;
  orderCode: string;
  total: Money;
  method: CounterMethod;
  /** The receipt's number, e.g. R-000012. */
  receipt: string;
  /** The tickets were queued to the buyer's address. */
  emailed: boolean;
  /** This submit repeated an earlier one: nothing new was sold. */
  repeated: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The counter's choice of performances: the producer's coming ones that are not cancelled. */
export async function counterPerformances(deps: AppDeps, user: SessionUser): Promise<Result<DoorPerformance[]>> {
  if (!may(user.role, 'counter.sell')) return fail('forbidden', 'Your role cannot sell at the counter.');
  const now = deps.clock.now();
  const all = await deps.store.accounts.doorPerformances(user.producerId, now);
  return ok(all.filter((p) => p.cancelledAt === null && p.startsAt > now));
}

export interface CounterView {
  performance: PerformanceContext;
  ticketTypes: (TicketTypeView & { taxRateBp: number; taxInclusive: boolean })[];
  /** Sales have closed (started or cancelled): the form is not shown. */
  closed: string | null;
}

/** One of the producer's performances with what is left of each ticket type; another producer's is "not found". */
export async function counterView(deps: AppDeps, user: SessionUser, performanceId: string): Promise<Result<CounterView>> {
  if (!may(user.role, 'counter.sell')) return fail('forbidden', 'Your role cannot sell at the counter.');
  const performance = UUID.test(performanceId) ? await deps.store.catalog.performanceContext(performanceId) : null;
  if (!performance || performance.producerId !== user.producerId) return fail('not_found', 'There is no such performance.');
  const now = deps.clock.now();
  const closed = performance.cancelledAt ? 'This performance has been cancelled.' : performance.startsAt <= now ? 'This performance has started; sales have closed.' : null;
  return ok({ performance, ticketTypes: await deps.store.catalog.ticketTypesOf(performance.id, now), closed });
}

/**
 * What the chosen tickets cost, with the event's fees, by the one pricing function: shown to the seller
 * before the money is taken. Nothing is held or written; the sale checks the total again.
 */
export function quoteCounterSale(view: CounterView, lines: readonly RequestedLine[]): Result<OrderPricing> {
  const request = normaliseRequest(lines);
  if (!request.ok) return request;
  const priced = [];
  for (const line of request.value) {
    const type = view.ticketTypes.find((t) => t.id === line.ticketTypeId);
    if (!type) return fail('invalid_input', 'One of the chosen ticket types is not sold for this performance.');
    priced.push({ ticketTypeId: type.id, description: type.name, quantity: line.quantity, unitPrice: type.price, taxRateBp: type.taxRateBp, taxInclusive: type.taxInclusive });
  }
  return ok(priceOrder(priced, view.performance.fees, view.ticketTypes[0]?.price.currency ?? 'EUR'));
}

/** The buyer's details and the payment reference as given at the counter: each optional, each checked for card numbers. Shown before the total, too. */
export function counterBuyer(input: Pick<CounterSaleInput, 'buyerName' | 'buyerEmail' | 'marketingConsent' | 'method' | 'terminalRef'>): Result<{ name: string; email: string | null; consent: boolean; terminalRef: string | null }> {
  const name = input.buyerName.trim();
  const email = input.buyerEmail.trim().toLowerCase();
  for (const text of [name, email]) {
    const pan = refuseCardNumber(text);
    if (!pan.ok) return pan;
  }
  if (name.length > BUYER_NAME_MAX) return fail('invalid_input', `The name is too long (${BUYER_NAME_MAX} characters at most).`);
  if (email.length > BUYER_EMAIL_MAX) return fail('invalid_input', 'The email address is too long.');
  if (email !== '' && !EMAIL.test(email)) return fail('invalid_input', 'Enter a valid email address, like name@example.com, or leave it empty.');
  if (input.marketingConsent && email === '') return fail('invalid_input', 'Marketing consent needs an email address to write to.');
  let terminalRef: string | null = null;
  if (input.method === 'card') {
    const ref = terminalReference(input.terminalRef);
    if (!ref.ok) return ref;
    terminalRef = ref.value;
  } else {
    const pan = refuseCardNumber(input.terminalRef);
    if (!pan.ok) return pan;
    if (input.terminalRef.trim() !== '') return fail('invalid_input', 'A cash sale has no terminal reference. Choose "Card on the counter terminal", or clear the reference.');
  }
  return ok({ name, email: email === '' ? null : email, consent: input.marketingConsent, terminalRef });
}

/**
 * Sells tickets at the counter. Everything is checked before anything is written; a refusal leaves
 * nothing behind (the hold, if one was placed, is released). The same `saleId` twice sells once.
 */
export async function sellAtCounter(deps: AppDeps, user: SessionUser, input: CounterSaleInput): Promise<Result<CounterSale>> {
  if (!may(user.role, 'counter.sell')) return fail('forbidden', 'Your role cannot sell at the counter.');
  if (!UUID.test(input.saleId)) return fail('invalid_input', 'This sale form is not valid. Reload the page and try again.');
  const performance = UUID.test(input.performanceId) ? await deps.store.catalog.performanceContext(input.performanceId) : null;
  if (!performance || performance.producerId !== user.producerId) return fail('not_found', 'There is no such performance.');
  const buyer = counterBuyer(input);
  if (!buyer.ok) return buyer;

  const earlier = await earlierSale(deps, user, input.saleId);
  if (earlier) return earlier;

  const hold = await placeHold(deps, { performanceId: performance.id, lines: input.lines });
  if (!hold.ok) return hold;
  const now = deps.clock.now();
  const provider = COUNTER_PROVIDER[input.method];
  let sold: Result<CounterSale>;
  try {
    sold = await transact<CounterSale>(deps.store, async (tx) => {
      const held = (await tx.holds.get(hold.value.holdId))!;
      const pricing = priceHold(held, performance);
      if (pricing.gross.amount !== input.expectedTotal) {
        return fail('conflict', `The total is now ${formatMoney(pricing.gross)}, not what was shown. Nothing was sold; check the total and record the payment again.`);
      }
      const orderId = input.saleId;
      await tx.orders.create({
        id: orderId, code: orderCodeFromBytes(randomBytes(8)), producerId: performance.producerId, performanceId: performance.id, holdId: held.id,
        buyerName: buyer.value.name, buyerEmail: buyer.value.email, marketingConsent: buyer.value.consent, createdAt: now,
        pricing, fees: performance.fees, soldBy: user.userId,
      });
      const paymentId = randomUUID();
      await tx.payments.create({ id: paymentId, orderId, provider, amount: pricing.gross, createdAt: now, terminalRef: buyer.value.terminalRef });
      await tx.payments.setStatus(paymentId, 'paid', now);
      const order = (await tx.orders.byId(orderId, { forUpdate: true }))!;
      const payment = (await tx.payments.byId(paymentId, { forUpdate: true }))!;
      if (!(await confirmOrder(deps, tx, order, payment, now))) {
        return fail('sold_out', 'The places could not be kept for this sale. Nothing was sold; choose again.');
      }
      const receipt = (await tx.receipts.forOrder(orderId)).find((r) => r.kind === 'receipt')!;
      await tx.audit.record({
        actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'counter.sale', subject: `order:${orderId}`,
        reason: 'tickets sold at the box-office counter',
        detail: {
          method: input.method, amountMinor: pricing.gross.amount, currency: pricing.gross.currency, tickets: input.lines.reduce((n, l) => n + l.quantity, 0),
          terminalRef: buyer.value.terminalRef !== null, email: buyer.value.email !== null,
        },
        at: now,
      });
      return ok({
        orderId, orderCode: order.code, total: pricing.gross, method: input.method, receipt: receipt.formatted, emailed: buyer.value.email !== null, repeated: false,
      });
    });
  } catch (e) {
    // Two submits of one form at the same moment: the second finds the order id taken.
    const again = await earlierSale(deps, user, input.saleId);
    await deps.store.inventory.endHold(hold.value.holdId, 'released');
    if (again) return again;
    throw e;
  }
  if (!sold.ok) {
    await deps.store.inventory.endHold(hold.value.holdId, 'released');
    return sold;
  }
  deps.log.info({ orderId: sold.value.orderId, userId: user.userId, method: input.method }, 'sold at the counter');
  if (sold.value.emailed) sendQueuedMail(deps);
  return sold;
}

/** The sale an earlier submit of the same form made, if it is this producer's counter sale. */
async function earlierSale(deps: AppDeps, user: SessionUser, saleId: string): Promise<Result<CounterSale> | null> {
  const order = await deps.store.orders.byId(saleId);
  if (!order) return null;
  if (order.producerId !== user.producerId || order.soldBy === null) return fail('conflict', 'This sale form is not valid. Reload the page and try again.');
  const payment = (await deps.store.payments.forOrder(order.id)).find((p) => p.provider === COUNTER_PROVIDER.cash || p.provider === COUNTER_PROVIDER.card);
  const receipt = (await deps.store.receipts.forOrder(order.id)).find((r) => r.kind === 'receipt');
  return ok({
    orderId: order.id, orderCode: order.code, total: order.total, method: payment?.provider === COUNTER_PROVIDER.card ? 'card' : 'cash',
    receipt: receipt?.formatted ?? '', emailed: order.buyerEmail !== null, repeated: true,
  });
}

/**
 * A receipt or credit note of the producer's order as a PDF, for the seller to print (a counter buyer
 * without an address gets the receipt on paper). Audited like a view of the order.
 */
export async function printDocument(deps: AppDeps, user: SessionUser, orderId: string, documentId: string): Promise<Result<{ pdf: Buffer; filename: string }>> {
  if (!may(user.role, 'orders.resend')) return fail('forbidden', 'Your role cannot print receipts.');
  const order = UUID.test(orderId) ? await deps.store.orders.byId(orderId) : null;
  if (!order || order.producerId !== user.producerId) return fail('not_found', 'There is no such order.');
  const doc = (await deps.store.receipts.forOrder(order.id)).find((d) => d.id === documentId);
  if (!doc) return fail('not_found', 'This order has no such document.');
  await deps.store.audit.record({
    actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'order.document.print',
    subject: `order:${order.id}`, reason: 'receipt printed in the producer workspace', detail: { document: doc.formatted }, at: deps.clock.now(),
  });
  const { filename, content } = await receiptPdf(deps, doc);
  return ok({ pdf: content, filename });
}

/**
 * The order's valid tickets as a PDF, for the seller to print (a counter sale, or a buyer at the
 * counter with an online order). The producer's own orders only; audited like a view of the order.
 */
export async function printTickets(deps: AppDeps, user: SessionUser, orderId: string): Promise<Result<{ pdf: Buffer; filename: string }>> {
  if (!may(user.role, 'orders.resend')) return fail('forbidden', 'Your role cannot print tickets.');
  const order = UUID.test(orderId) ? await deps.store.orders.byId(orderId) : null;
  if (!order || order.producerId !== user.producerId) return fail('not_found', 'There is no such order.');
  const view = await buyerOrder(deps, order.id, deps.keys.orderLinkToken(order.id));
  if (!view.ok) return view;
  if ((order.status !== 'paid' && order.status !== 'partially_refunded') || !view.value.tickets.some((t) => t.status === 'valid')) {
    return fail('conflict', 'This order has no valid tickets to print.');
  }
  await deps.store.audit.record({
    actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'order.tickets.print',
    subject: `order:${order.id}`, reason: 'tickets printed in the producer workspace', at: deps.clock.now(),
  });
  return ok({ pdf: await ticketPdfFor(deps, view.value), filename: `tickets-${order.code}.pdf` });
}
