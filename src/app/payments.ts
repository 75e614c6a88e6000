import { randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { isHoldLive, quotaTakes } from '../domain/hold.ts';
import { type Money, money } from '../domain/money.ts';
import { transitionOrder } from '../domain/order.ts';
import { canTransitionPayment, refundStatus } from '../domain/payment.ts';
import { TICKET_ID_BYTES } from '../domain/ticketCode.ts';
import { isCounterProvider } from '../domain/counter.ts';
import { errorText } from './checkout.ts';
import { issueCreditNote, issueReceipt } from './receipts.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import type { OrderRecord, PaymentOutcome, PaymentRecord, Repos } from './ports.ts';
import { transact } from './transact.ts';
import { lateVoucherUseFree } from './vouchers.ts';

export interface PaymentResult {
  order: OrderRecord;
  outcome: 'paid' | 'declined' | 'cancelled' | 'expired' | 'refunded';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The buyer's browser came back from the provider. */
export async function confirmPaymentReturn(deps: AppDeps, params: Record<string, string | undefined>): Promise<Result<PaymentResult>> {
  let outcome: PaymentOutcome | null;
  try {
    outcome = await deps.payments.confirmReturn(params);
  } catch (e) {
    deps.log.error({ err: errorText(e) }, 'payment provider could not confirm a return');
    return fail('unavailable', 'We could not reach the payment provider to confirm your payment. Reload this page in a moment; you will not be charged twice.');
  }
  if (!outcome) return fail('bad_signature', 'This payment confirmation is not signed by the payment provider.');
  return applyPaymentOutcome(deps, outcome);
}

/** A provider's server-to-server notification. Unknown payments are acknowledged, so the provider stops retrying. */
export async function receivePaymentWebhook(
  deps: AppDeps, rawBody: Buffer, headers: Record<string, string | string[] | undefined>,
): Promise<Result<{ applied: number }>> {
  const outcomes = await deps.payments.parseWebhook(rawBody, headers);
  if (!outcomes) return fail('bad_signature', 'The webhook signature does not match.');
  let applied = 0;
  for (const outcome of outcomes) {
    const r = await applyPaymentOutcome(deps, outcome);
    if (r.ok) applied++;
    else if (r.code === 'not_found') deps.log.warn({ eventId: outcome.eventId }, 'webhook for an unknown payment');
    else return r;
  }
  return ok({ applied });
}

/**
 * Applies one authenticated provider fact exactly once (keyed on the provider's event id), and is
 * idempotent on the payment too: a return and a webhook both saying "paid" issue tickets once.
 */
export async function applyPaymentOutcome(deps: AppDeps, outcome: PaymentOutcome): Promise<Result<PaymentResult>> {
  const unknown = fail('not_found', 'There is no such payment.');
  if (!UUID.test(outcome.paymentId)) return unknown;
  const known = await deps.store.payments.byId(outcome.paymentId);
  if (!known || known.provider !== deps.payments.name || (known.providerRef !== null && known.providerRef !== outcome.providerRef)) return unknown;
  if (outcome.amount.amount !== known.amount.amount || outcome.amount.currency !== known.amount.currency) {
    deps.log.error({ paymentId: known.id }, 'provider reported an amount that differs from the payment');
    if (outcome.outcome === 'paid' && (await deps.store.payments.recordEvent(deps.payments.name, outcome.eventId, deps.clock.now()))) {
      // Money we cannot match to the order is not kept: it goes back, and the producer is told.
      await refundThroughProvider(deps, { ...known, status: 'paid', amount: outcome.amount, refunded: money(0, outcome.amount.currency) }, outcome.amount, `mismatch:${known.id}`);
      const order = await deps.store.orders.byId(known.orderId);
      if (order) {
        await deps.store.payments.recordIssue({
          id: randomUUID(), producerId: order.producerId, paymentId: known.id, kind: 'amount_mismatch', createdAt: deps.clock.now(),
          detail: `The provider took ${outcome.amount.amount} ${outcome.amount.currency} for order ${order.code}, which costs ${known.amount.amount} ${known.amount.currency}; it was refunded.`,
        });
      }
    }
    return fail('conflict', 'The amount paid does not match the order, so it was refunded. Please try again or contact the box office.');
  }

  const now = deps.clock.now();
  // `reread`: the order changed in the transaction and is read again after the commit, not under its hot locks.
  type Applied = { order: OrderRecord; refund: PaymentRecord | null; outcome: PaymentResult['outcome']; reread?: boolean };
  const applied = await transact<Applied>(deps.store, async (tx) => {
    const firstTime = await tx.payments.recordEvent(deps.payments.name, outcome.eventId, now);
    const order = (await tx.orders.byId(known.orderId, { forUpdate: true }))!;
    const payment = (await tx.payments.byId(known.id, { forUpdate: true }))!;
    if (!firstTime) return ok({ order, refund: null, outcome: describe(order, payment, outcome) });
    if (payment.providerRef === null) await tx.payments.attachProviderRef(payment.id, outcome.providerRef, now);

    switch (outcome.outcome) {
      case 'failed':
      case 'expired': {
        if (canTransitionPayment(payment.status, outcome.outcome)) await tx.payments.setStatus(payment.id, outcome.outcome, now);
        return ok({ order, refund: null, outcome: outcome.outcome === 'expired' ? ('expired' as const) : (outcome.reason ?? 'declined') });
      }
      case 'refunded': {
        await recordProviderRefund(deps, tx, order, payment, outcome.refundedTotal ?? outcome.amount, now);
        return ok({ order: (await tx.orders.byId(order.id))!, refund: null, outcome: 'refunded' as const });
      }
      case 'paid': {
        if (!canTransitionPayment(payment.status, 'paid')) return ok({ order, refund: null, outcome: describe(order, payment, outcome) });
        await tx.payments.setStatus(payment.id, 'paid', now);
        const paid = await confirmOrder(deps, tx, order, payment, now);
        return paid ? ok({ order: paid, refund: null, outcome: 'paid' as const }) : ok({ order, reread: true, refund: payment, outcome: 'refunded' as const });
      }
    }
  });
  if (!applied.ok) return applied;

  const { refund } = applied.value;
  if (refund) await refundThroughProvider(deps, refund, money(refund.amount.amount - refund.refunded.amount, refund.amount.currency), `unfulfillable:${refund.id}`);
  sendQueuedMail(deps);
  const order = applied.value.reread ? (await deps.store.orders.byId(applied.value.order.id))! : applied.value.order;
  return ok({ order, outcome: applied.value.outcome });
}

function describe(order: OrderRecord, payment: PaymentRecord, outcome: PaymentOutcome): PaymentResult['outcome'] {
  if (outcome.outcome === 'failed') return outcome.reason ?? 'declined';
  if (outcome.outcome === 'expired') return 'expired';
  if (payment.status === 'refunded' || outcome.outcome === 'refunded') return 'refunded';
  return order.status === 'paid' || order.status === 'partially_refunded' ? 'paid' : 'refunded';
}

/**
 * Issues the tickets. The order must still be pending; its hold must be live, or the places must
 * still be free (a payment that arrives after expiry takes them only if nobody else has).
 * Returns the order as paid, or null when the money cannot buy tickets: the caller refunds it.
 * Call it in the transaction that records the payment as paid: a provider's outcome here, a counter
 * sale in counter.ts. It confirms the order, turns the hold into tickets, issues the receipt and
 * queues the confirmation mail (when the buyer gave an address).
 */
export async function confirmOrder(deps: AppDeps, tx: Repos, order: OrderRecord, payment: PaymentRecord, now: Date): Promise<OrderRecord | null> {
  if (order.status !== 'pending') {
    deps.log.warn({ orderId: order.id, paymentId: payment.id, status: order.status }, 'payment for an order that is no longer pending');
    return null;
  }
  const hold = (await tx.holds.get(order.holdId))!;
  const lines = await tx.orders.lines(order.id);
  const performance = await tx.catalog.performanceContext(order.performanceId);
  const refuse = async () => {
    const next = transitionOrder(order.status, 'expired');
    if (next.ok) await tx.orders.setStatus(order.id, next.value);
    await tx.inventory.endHold(hold.id, 'released');
    if (order.buyerEmail !== null) await tx.mails.enqueue({ id: randomUUID(), producerId: order.producerId, orderId: order.id, kind: 'payment_refunded', createdAt: now });
    deps.log.warn({ orderId: order.id, paymentId: payment.id }, 'late payment: places gone, refunding');
    return null;
  };
  if (performance?.cancelledAt != null) return refuse();
  // Its seats (ADR 0011), locked: none may have gone to another buyer since the hold expired.
  const seats = await tx.seats.keepHoldSeats(hold.id);
  if (!seats) return refuse();
  // A discount code's use lapses with its hold (ADR 0014): after the expiry it must still have a use free.
  if (!isHoldLive(hold, deps.clock.now()) && !(await lateVoucherUseFree(tx, order.id, order.producerId, deps.clock.now()))) return refuse();
  // An active hold still has its places on the quota counters (even past its expiry, until the sweeper
  // ends it), so they become tickets. A hold already ended gave them back: they must still be free.
  // Only the hold row changes here; its places move from held to sold at the end (settleSale), so the
  // quota row, hot in an on-sale, is locked only from there to the commit (ADR 0010, "Group commit").
  const converted = await tx.inventory.convertHold(hold.id);
  if (!converted) {
    const { quotas, quotasOf } = await tx.inventory.lockQuotasOf(lines.map((l) => l.ticketTypeId));
    const free = new Map(quotas.map((q) => [q.quotaId, q.capacity - q.sold - q.held]));
    if (!quotaTakes(lines, quotasOf).every((t) => t.quantity <= (free.get(t.quotaId) ?? 0))) return refuse();
    await tx.holds.markConverted(hold.id);
  }
  const next = transitionOrder(order.status, 'paid');
  if (!next.ok) return null;
  await tx.orders.setStatus(order.id, next.value, now);
  const tickets = lines.flatMap((l) =>
    Array.from({ length: l.quantity }, () => ({
      id: randomBytes(TICKET_ID_BYTES).toString('base64url'),
      orderId: order.id, performanceId: order.performanceId, ticketTypeId: l.ticketTypeId, attendeeName: order.buyerName, createdAt: now,
    })),
  );
  await tx.tickets.createMany(tickets, { countLater: true });
  if (seats.length > 0) await tx.seats.sellHoldSeats(seats, tickets);
  if (order.buyerEmail !== null) await tx.mails.enqueue({ id: randomUUID(), producerId: order.producerId, orderId: order.id, kind: 'order_confirmation', createdAt: now });
  // The producer's receipt counter and then the quota counters are the hot rows: they are locked last.
  await issueReceipt(tx, order, now, lines);
  // Last write of the transaction: held → sold (and the new tickets) on the quota counters, in one update.
  await tx.inventory.settleSale(converted ? hold.id : null, tickets.map((t) => t.ticketTypeId));
  deps.log.info({ orderId: order.id, paymentId: payment.id }, 'order paid, tickets issued');
  return { ...order, status: next.value, paidAt: now };
}

/** A refund made at the provider (say, from its dashboard): record it; a full one also refunds the order. */
async function recordProviderRefund(deps: AppDeps, tx: Repos, order: OrderRecord, payment: PaymentRecord, total: Money, now: Date): Promise<void> {
  if (total.amount <= payment.refunded.amount) return;
  const status = refundStatus(payment.amount.amount, total.amount);
  if (!canTransitionPayment(payment.status, status)) return;
  await tx.payments.setStatus(payment.id, status, now, total);
  if (status === 'refunded' && (order.status === 'paid' || order.status === 'partially_refunded')) {
    const voided = await tx.tickets.voidTickets(order.id, null);
    await tx.orders.setStatus(order.id, 'refunded');
    await issueCreditNote(tx, order, voided, true, money(total.amount - payment.refunded.amount, total.currency), now);
  } else if (status === 'partially_refunded') {
    await tx.payments.recordIssue({
      id: randomUUID(), producerId: order.producerId, paymentId: payment.id, kind: 'partial_refund_at_provider', createdAt: now,
      detail: `A partial refund was made at the provider for order ${order.code}; its tickets are still valid. Void the refunded tickets if that was meant.`,
    });
  }
  deps.log.info({ paymentId: payment.id, orderId: order.id }, 'refund made at the provider recorded');
}

/**
 * Refunds money through the provider first (idempotent by key), then records it. If recording fails
 * after the provider refunded, reconciliation finds the provider's refund and records it.
 */
export async function refundThroughProvider(deps: AppDeps, payment: PaymentRecord, amount: Money, key: string): Promise<Result<{ refundRef: string }>> {
  if (amount.amount <= 0) return ok({ refundRef: '' });
  try {
    // A counter payment went through no provider: its refund is handed back at the counter (cash from
    // the till, or on the terminal) and only recorded here (ADR 0015).
    const { refundRef } = isCounterProvider(payment.provider)
      ? { refundRef: `${payment.provider}:${key}` }
      : await deps.payments.refund(payment.providerRef!, amount, key);
    await transact(deps.store, async (tx) => {
      const current = (await tx.payments.byId(payment.id, { forUpdate: true }))!;
      const now = deps.clock.now();
      const total = await tx.payments.recordRefund({ id: randomUUID(), paymentId: current.id, idempotencyKey: key, providerRefundRef: refundRef, amount, createdAt: now });
      const status = refundStatus(current.amount.amount, total.amount);
      if (status !== current.status && canTransitionPayment(current.status, status)) await tx.payments.setStatus(current.id, status, now, total);
      else await tx.payments.setStatus(current.id, current.status, now, total);
      return ok(null);
    });
    deps.log.info({ paymentId: payment.id }, 'refund made');
    return ok({ refundRef });
  } catch (e) {
    deps.log.error({ paymentId: payment.id, err: errorText(e) }, 'refund failed');
    const order = await deps.store.orders.byId(payment.orderId);
    if (order) {
      await deps.store.payments.recordIssue({
        id: randomUUID(), producerId: order.producerId, paymentId: payment.id, kind: 'refund_failed', createdAt: deps.clock.now(),
        detail: `Refunding ${amount.amount} ${amount.currency} for order ${order.code} failed at the provider; it will be retried.`,
      });
    }
    return fail('unavailable', 'The payment provider did not accept the refund. Nothing was recorded; try again shortly.');
  }
}
