import { randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { isHoldLive } from '../domain/hold.ts';
import { orderCodeFromBytes } from '../domain/order.ts';
import type { AppDeps } from './deps.ts';
import { priceHold } from './holds.ts';
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
    if (performance.cancelledAt) return fail('sales_closed', 'This performance has been cancelled.');
    const pricing = priceHold(hold, performance);
    const total = pricing.gross;

    let order = await tx.orders.byHold(holdId);
    if (order && order.status !== 'pending') return fail('hold_used', 'This basket has already been checked out.');
    if (order) {
      await tx.orders.updateBuyer(order.id, buyer);
    } else {
      const id = randomUUID();
      await tx.orders.create({
        id, code: orderCodeFromBytes(randomBytes(8)), producerId: performance.producerId, performanceId: performance.id, holdId,
        ...buyer, createdAt: now, pricing, fees: performance.fees,
      });
      order = (await tx.orders.byId(id))!;
    }
    const paymentId = randomUUID();
    await tx.payments.create({ id: paymentId, orderId: order.id, provider: deps.payments.name, amount: total, createdAt: now });
    return ok({ order, paymentId, amount: total, description: `${performance.eventTitle}, order ${order.code}`, expiresAt: hold.expiresAt });
  });
  if (!started.ok) return started;

  const { order, paymentId, amount, description, expiresAt } = started.value;
  try {
    const session = await deps.payments.createSession({
      paymentId, orderCode: order.code, amount, description, idempotencyKey: `payment:${paymentId}`, expiresAt,
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

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
