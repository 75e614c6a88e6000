import { createHash, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { type Money, money } from '../domain/money.ts';
import { transitionOrder } from '../domain/order.ts';
import { isCounterProvider } from '../domain/counter.ts';
import { may } from '../domain/policy.ts';
import { ticketRefundAmount } from '../domain/pricing.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import { refundThroughProvider } from './payments.ts';
import type { OrderRecord, PaymentRecord, SessionUser, TicketRecord } from './ports.ts';
import { issueCreditNote, unitPaid } from './receipts.ts';
import { transact } from './transact.ts';

const notFound = fail('not_found', 'There is no such order.');

function paidPayment(payments: PaymentRecord[]): PaymentRecord | undefined {
  return payments.find((p) => p.status === 'paid' || p.status === 'partially_refunded');
}

/** What a refund would do, for the confirmation step: nothing is written to work it out. */
export interface RefundPlan {
  order: OrderRecord;
  payment: PaymentRecord;
  /** The valid tickets it voids. */
  tickets: TicketRecord[];
  /** Every valid ticket of the order: the order ends refunded. */
  whole: boolean;
  amount: Money;
  /** A counter payment (cash or the counter terminal): the money is handed back at the counter, no provider is called. */
  atCounter: boolean;
  key: string;
}

/** Works out a refund (role, producer, order state, chosen tickets, amount) without writing anything. */
export async function planRefund(
  deps: AppDeps, user: SessionUser, orderId: string, input: { ticketIds: string[] | null },
): Promise<Result<RefundPlan>> {
  if (!may(user.role, 'orders.refund')) return fail('forbidden', 'Your role cannot refund orders.');
  const order = await deps.store.orders.byId(orderId);
  if (!order || order.producerId !== user.producerId) return notFound;
  if (order.status !== 'paid' && order.status !== 'partially_refunded') return fail('illegal_transition', 'Only a paid order can be refunded.');
  const tickets = (await deps.store.tickets.byOrder(order.id)).filter((t) => t.status === 'valid');
  // A ticket named twice is refunded once.
  const chosen = [...new Set(input.ticketIds ?? tickets.map((t) => t.id))];
  if (chosen.length === 0) return fail('invalid_input', 'Choose at least one ticket to refund.');
  if (chosen.some((id) => !tickets.some((t) => t.id === id))) return fail('invalid_input', 'Some chosen tickets are not valid tickets of this order.');
  const payment = paidPayment(await deps.store.payments.forOrder(order.id));
  if (!payment) return fail('conflict', 'This order has no payment left to refund.');

  const lines = await deps.store.orders.lines(order.id);
  const all = chosen.length === tickets.length;
  const unitGross = (ticketTypeId: string) => unitPaid(lines.find((l) => l.ticketTypeId === ticketTypeId)!).amount;
  // A ticket gives back its price and its share of the per-ticket fee; the last tickets take whatever
  // is left (the per-order fee, rounding), so a whole refund always returns the whole amount.
  const amount = all
    ? payment.amount.amount - payment.refunded.amount
    : Math.min(
        payment.amount.amount - payment.refunded.amount,
        ticketRefundAmount(chosen.map((id) => unitGross(tickets.find((t) => t.id === id)!.ticketTypeId)), { perTicketMinor: order.feePerTicket.amount, perOrderMinor: 0, taxRateBp: 0 }),
      );
  const key = `refund:${order.id}:${createHash('sha256').update([...chosen].sort().join(',')).digest('base64url').slice(0, 16)}`;
  return ok({
    order, payment, tickets: tickets.filter((t) => chosen.includes(t.id)), whole: all, amount: money(amount, payment.amount.currency),
    atCounter: isCounterProvider(payment.provider), key,
  });
}

/**
 * A producer refunds an order, whole or some of its tickets. The money goes back through the
 * provider first (idempotent by key; a counter payment is recorded as handed back at the counter);
 * then, in one transaction, the tickets are voided, the order moves on, the credit note is issued and
 * the buyer's mail is queued. A repeat of the same request refunds nothing twice.
 */
export async function refundOrder(
  deps: AppDeps, user: SessionUser, orderId: string, input: { ticketIds: string[] | null },
): Promise<Result<{ refunded: Money; ticketsVoided: number }>> {
  const plan = await planRefund(deps, user, orderId, input);
  if (!plan.ok) return plan;
  const { order, payment, amount, key } = plan.value;
  const refunded = await refundThroughProvider(deps, payment, amount, key);
  if (!refunded.ok) return refunded;

  const voided = await voidAndMail(deps, order, plan.value.tickets.map((t) => t.id), 'order_refunded', 'refunded', amount);
  deps.log.info({ orderId: order.id, userId: user.userId, tickets: voided, atCounter: plan.value.atCounter }, 'order refunded by producer');
  return ok({ refunded: amount, ticketsVoided: voided });
}

/** Voids the tickets, moves the order on, issues the credit note and queues the buyer's mail carrying it, in one transaction. */
async function voidAndMail(
  deps: AppDeps, order: OrderRecord, ticketIds: string[] | null, template: 'order_refunded' | 'performance_cancelled',
  whenNoneLeft: 'refunded' | 'cancelled', refunded: Money,
): Promise<number> {
  const now = deps.clock.now();
  const result = await transact(deps.store, async (tx) => {
    const current = (await tx.orders.byId(order.id, { forUpdate: true }))!;
    const voided = await tx.tickets.voidTickets(order.id, ticketIds);
    if (voided.length > 0) {
      const left = (await tx.tickets.byOrder(order.id)).filter((t) => t.status === 'valid').length;
      const next = transitionOrder(current.status, left === 0 ? whenNoneLeft : 'partially_refunded');
      if (next.ok) await tx.orders.setStatus(order.id, next.value);
      const creditNote = await issueCreditNote(tx, current, voided, left === 0, refunded, now);
      // A counter buyer who gave no address is told at the counter.
      if (current.buyerEmail !== null) await tx.mails.enqueue({ id: randomUUID(), producerId: order.producerId, orderId: order.id, kind: `${template}:${creditNote ?? randomUUID()}`, createdAt: now });
    }
    return ok(voided.length);
  });
  sendQueuedMail(deps);
  return result.ok ? result.value : 0;
}

/**
 * Cancels a performance: sales stop and holds are released at once; every pending order is
 * cancelled; every paid order is refunded in full, its tickets voided, its buyer told.
 * Safe to run again: what was done is not done twice, and what failed is retried.
 */
export async function cancelPerformance(
  deps: AppDeps, user: SessionUser, performanceId: string,
): Promise<Result<{ refundedOrders: number; failed: number }>> {
  if (!may(user.role, 'performances.cancel')) return fail('forbidden', 'Your role cannot cancel performances.');
  const performance = await deps.store.catalog.performanceContext(performanceId);
  if (!performance || performance.producerId !== user.producerId) return fail('not_found', 'There is no such performance.');
  await deps.store.catalog.cancelPerformance(performanceId, deps.clock.now());
  let refundedOrders = 0;
  let failed = 0;
  for (const order of await deps.store.catalog.ordersOfPerformance(performanceId)) {
    if (order.status === 'pending') {
      await transact(deps.store, async (tx) => {
        const current = (await tx.orders.byId(order.id, { forUpdate: true }))!;
        const next = transitionOrder(current.status, 'cancelled');
        if (next.ok) await tx.orders.setStatus(order.id, next.value);
        return ok(null);
      });
      continue;
    }
    if (order.status !== 'paid' && order.status !== 'partially_refunded') continue;
    const payment = paidPayment(await deps.store.payments.forOrder(order.id));
    const left = payment ? money(payment.amount.amount - payment.refunded.amount, payment.amount.currency) : money(0, order.total.currency);
    if (payment) {
      const refunded = await refundThroughProvider(deps, payment, left, `cancel:${performanceId}:${order.id}`);
      if (!refunded.ok) {
        failed++;
        continue;
      }
    }
    await voidAndMail(deps, order, null, 'performance_cancelled', 'cancelled', left);
    refundedOrders++;
  }
  deps.log.info({ performanceId, userId: user.userId, refundedOrders, failed }, 'performance cancelled');
  return ok({ refundedOrders, failed });
}

/** How many paid orders a cancellation would refund: a count, not a view of anyone's details. */
export async function paidOrdersOfPerformance(deps: AppDeps, user: SessionUser, performanceId: string): Promise<number> {
  const performance = await deps.store.catalog.performanceContext(performanceId);
  if (!performance || performance.producerId !== user.producerId) return 0;
  return (await deps.store.catalog.ordersOfPerformance(performanceId)).filter((o) => o.status === 'paid' || o.status === 'partially_refunded').length;
}
