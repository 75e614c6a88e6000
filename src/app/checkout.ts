import { randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { available, isHoldLive } from '../domain/hold.ts';
import { orderTotal } from '../domain/money.ts';
import { orderCodeFromBytes, transitionOrder } from '../domain/order.ts';
import { TICKET_ID_BYTES } from '../domain/ticketCode.ts';
import type { AppDeps } from './deps.ts';
import { dispatchMails } from './mail.ts';
import type { OrderRecord, PaymentOutcome, PaymentRecord, Repos } from './ports.ts';
import { transact } from './transact.ts';

export interface BuyerDetails {
  buyerName: string;
  buyerEmail: string;
  marketingConsent: boolean;
}

/**
 * Turns a live hold into a pending order (or updates the one it already has) and opens a
 * payment session with the provider. The provider call happens after the transaction commits,
 * so no lock is held across the network.
 */
export async function startCheckout(deps: AppDeps, holdId: string, buyer: BuyerDetails): Promise<Result<{ redirectUrl: string }>> {
  const now = deps.clock.now();
  const started = await transact(deps.store, async (tx) => {
    const hold = await tx.holds.get(holdId);
    if (!hold) return fail('not_found', 'This basket does not exist. Choose your tickets again.');
    if (hold.status === 'converted') return fail('hold_used', 'This basket has already been paid for.');
    if (!isHoldLive(hold, now)) return fail('hold_expired', 'Your hold has expired and the tickets went back on sale. Please choose again.');
    const performance = await tx.catalog.performanceContext(hold.performanceId);
    if (!performance) return fail('not_found', 'There is no such performance.');
    const currency = hold.lines[0]!.unitPrice.currency;
    const total = orderTotal(hold.lines, currency);

    let order = await tx.orders.byHold(holdId);
    if (order && order.status !== 'pending') return fail('hold_used', 'This basket has already been checked out.');
    if (order) {
      await tx.orders.updateBuyer(order.id, buyer);
    } else {
      const id = randomUUID();
      await tx.orders.create({
        id, code: orderCodeFromBytes(randomBytes(8)), producerId: performance.producerId, performanceId: performance.id, holdId,
        ...buyer, total, createdAt: now,
        lines: hold.lines.map((l) => ({ ticketTypeId: l.ticketTypeId, quantity: l.quantity, unitPrice: l.unitPrice })),
      });
      order = (await tx.orders.byId(id))!;
    }
    const paymentId = randomUUID();
    await tx.payments.create({ id: paymentId, orderId: order.id, provider: deps.payments.name, amount: total, createdAt: now });
    return ok({ order, paymentId, description: `${performance.eventTitle}, order ${order.code}` });
  });
  if (!started.ok) return started;

  const { order, paymentId, description } = started.value;
  try {
    const session = await deps.payments.createSession({
      paymentId, orderCode: order.code, amount: order.total, description,
      returnUrl: `${deps.settings.baseUrl}/payments/return/${deps.payments.name}`,
    });
    await deps.store.payments.attachProviderRef(paymentId, session.providerRef, deps.clock.now());
    deps.log.info({ orderId: order.id, paymentId }, 'payment session opened');
    return ok({ redirectUrl: session.redirectUrl });
  } catch (e) {
    await deps.store.payments.setStatus(paymentId, 'failed', deps.clock.now());
    deps.log.error({ orderId: order.id, paymentId, err: errorText(e) }, 'payment provider refused to open a session');
    return fail('unavailable', 'The payment provider could not be reached. Your tickets are still held; please try again.');
  }
}

export interface PaymentResult {
  order: OrderRecord;
  outcome: 'paid' | 'declined' | 'cancelled' | 'refunded';
}

/**
 * Applies a provider's signed outcome exactly once. A paid outcome confirms the order and
 * turns its hold into tickets in one transaction. A repeat of the same event changes nothing.
 */
export async function applyPaymentOutcome(deps: AppDeps, params: Record<string, string | undefined>): Promise<Result<PaymentResult>> {
  const outcome = deps.payments.verifyCallback(params);
  if (!outcome) return fail('bad_signature', 'This payment confirmation is not signed by the payment provider.');
  const payment = await deps.store.payments.byProviderRef(deps.payments.name, outcome.providerRef);
  if (!payment || payment.id !== outcome.paymentId) return fail('not_found', 'There is no such payment.');
  if (outcome.amount.amount !== payment.amount.amount || outcome.amount.currency !== payment.amount.currency) {
    deps.log.error({ paymentId: payment.id }, 'provider reported an amount that differs from the payment');
    return fail('conflict', 'The amount paid does not match the order. Please contact the box office.');
  }

  const now = deps.clock.now();
  const applied = await transact(deps.store, async (tx) => {
    const firstTime = await tx.payments.recordEvent(deps.payments.name, outcome.eventId, now);
    const order = (await tx.orders.byId(payment.orderId, { forUpdate: true }))!;
    if (!firstTime) return ok({ order, refund: false, outcome: repeatOutcome(order, outcome) });
    if (outcome.outcome === 'failed') {
      if (payment.status === 'created' || payment.status === 'pending') await tx.payments.setStatus(payment.id, 'failed', now);
      return ok({ order, refund: false, outcome: outcome.reason ?? ('declined' as const) });
    }
    await tx.payments.setStatus(payment.id, 'paid', now);
    const confirmed = await confirmOrder(deps, tx, order, payment, now);
    return ok({ order: (await tx.orders.byId(order.id))!, refund: !confirmed, outcome: confirmed ? ('paid' as const) : ('refunded' as const) });
  });
  if (!applied.ok) return applied;

  if (applied.value.refund) await refundUnfulfillable(deps, payment);
  else if (applied.value.outcome === 'paid') void dispatchMails(deps);
  return ok({ order: applied.value.order, outcome: applied.value.outcome });
}

function repeatOutcome(order: OrderRecord, outcome: PaymentOutcome): PaymentResult['outcome'] {
  if (outcome.outcome === 'failed') return outcome.reason ?? 'declined';
  return order.status === 'paid' ? 'paid' : 'refunded';
}

/**
 * Issues the tickets. The order must still be pending; its hold must be live, or the places
 * must still be free (a payment that arrives after expiry takes them only if nobody else has).
 */
async function confirmOrder(deps: AppDeps, tx: Repos, order: OrderRecord, payment: PaymentRecord, now: Date): Promise<boolean> {
  if (order.status !== 'pending') {
    deps.log.warn({ orderId: order.id, paymentId: payment.id, status: order.status }, 'payment for an order that is no longer pending');
    return false;
  }
  const hold = (await tx.holds.get(order.holdId))!;
  const lines = await tx.orders.lines(order.id);
  if (!isHoldLive(hold, now)) {
    const ids = lines.map((l) => l.ticketTypeId).sort();
    const types = await tx.inventory.lockTicketTypes(order.performanceId, ids);
    const usage = await tx.inventory.usage(ids, now);
    const fits = lines.every((l) => {
      const t = types.find((x) => x.id === l.ticketTypeId)!;
      const u = usage.get(l.ticketTypeId)!;
      return l.quantity <= available(t.capacity, u.sold, u.held);
    });
    if (!fits) {
      const next = transitionOrder(order.status, 'expired');
      if (next.ok) await tx.orders.setStatus(order.id, next.value);
      deps.log.warn({ orderId: order.id, paymentId: payment.id }, 'late payment: places gone, refunding');
      return false;
    }
  }
  const next = transitionOrder(order.status, 'paid');
  if (!next.ok) return false;
  await tx.orders.setStatus(order.id, next.value, now);
  await tx.holds.setStatus(hold.id, 'converted');
  await tx.tickets.createMany(
    lines.flatMap((l) =>
      Array.from({ length: l.quantity }, () => ({
        id: randomBytes(TICKET_ID_BYTES).toString('base64url'),
        orderId: order.id, performanceId: order.performanceId, ticketTypeId: l.ticketTypeId, attendeeName: order.buyerName, createdAt: now,
      })),
    ),
  );
  await tx.mails.enqueue({ id: randomUUID(), producerId: order.producerId, orderId: order.id, kind: 'order_confirmation', createdAt: now });
  deps.log.info({ orderId: order.id, paymentId: payment.id }, 'order paid, tickets issued');
  return true;
}

async function refundUnfulfillable(deps: AppDeps, payment: PaymentRecord): Promise<void> {
  try {
    await deps.payments.refund(payment.providerRef!, payment.amount);
    await deps.store.payments.setStatus(payment.id, 'refunded', deps.clock.now());
    deps.log.info({ paymentId: payment.id }, 'unfulfillable payment refunded');
  } catch (e) {
    // Left as 'paid' on an order without tickets: the reconciliation job (issue 5) picks it up.
    deps.log.error({ paymentId: payment.id, err: errorText(e) }, 'refund of an unfulfillable payment failed');
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
