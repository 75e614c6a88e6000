import { randomBytes, randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { assessCheckout, type FlagReason } from '../domain/fraud.ts';
import { isHoldLive } from '../domain/hold.ts';
import { orderCodeFromBytes } from '../domain/order.ts';
import type { AppDeps } from './deps.ts';
import { priceHold } from './holds.ts';
import type { Client } from './ports.ts';
import { transact } from './transact.ts';
import { checkAnswers } from '../domain/question.ts';
import { normaliseCode } from '../domain/voucher.ts';
import { type AppliedVoucher, orderVoucher, voucherForHold } from './vouchers.ts';

/** What a checkout may carry besides the buyer: a discount code, and answers to the producer's questions by question id. */
export interface CheckoutExtras {
  voucherCode?: string;
  answers?: Readonly<Record<string, string>>;
}

export interface BuyerDetails {
  buyerName: string;
  buyerEmail: string;
  marketingConsent: boolean;
}

/**
 * Turns a live hold into a pending order (or updates the one it already has) and opens a
 * payment session with the provider. The provider call happens after the transaction commits,
 * so no lock is held across the network.
 *
 * The client's IP address and its network are recorded on the order, and the fraud rules run
 * first (ADR 0008): a velocity breach refuses the checkout before anything is written, and an
 * order from a hosting network is refused or flagged, as the policy says. Without a client (a
 * script or a test that does not say), only the per-email rule can apply.
 *
 * A discount code takes one use in the same transaction as the new order, under the code's row lock
 * (ADR 0014); a code that is unknown, expired, used up or not for these tickets refuses the checkout
 * with nothing written. The answers to the event's questions are checked and kept with the order.
 */
export async function startCheckout(
  deps: AppDeps, holdId: string, buyer: BuyerDetails, client?: Client, extras: CheckoutExtras = {},
): Promise<Result<{ redirectUrl: string }>> {
  const now = deps.clock.now();
  const network = client ? await deps.ipInfo.lookup(client.ip) : null;
  const started = await transact(deps.store, async (tx) => {
    const hold = await tx.holds.get(holdId);
    if (!hold) return fail('not_found', 'This basket does not exist. Choose your tickets again.');
    if (hold.status === 'converted') return fail('hold_used', 'This basket has already been paid for.');
    if (!isHoldLive(hold, now)) return fail('hold_expired', 'Your hold has expired and the tickets went back on sale. Please choose again.');
    const performance = await tx.catalog.performanceContext(hold.performanceId);
    if (!performance) return fail('not_found', 'There is no such performance.');
    if (performance.cancelledAt) return fail('sales_closed', 'This performance has been cancelled.');
    let order = await tx.orders.byHold(holdId);
    if (order && order.status !== 'pending') return fail('hold_used', 'This basket has already been checked out.');
    const answers = checkAnswers(await tx.questions.forEvent(performance.producerId, performance.eventId), extras.answers ?? {});
    if (!answers.ok) return answers;
    const typed = extras.voucherCode?.trim() ?? '';
    let voucher: AppliedVoucher | null = null;
    if (order) {
      // The order was priced with its code (or none) at the first attempt; the code stays with it.
      voucher = await orderVoucher(tx, order.id, order.producerId);
      if (typed !== '' && normaliseCode(typed) !== voucher?.code) {
        return fail('conflict', voucher
          ? `This order already has the code ${voucher.code}, and a code cannot be changed after an attempt to pay.`
          : 'A code can be added only before the first attempt to pay. Choose your tickets again to use it.', { voucher: 'fixed' });
      }
    } else if (typed !== '') {
      const tried = await voucherForHold(tx, hold, performance, typed, now, { lock: true });
      if (!tried.ok) return tried;
      voucher = tried.value;
    }
    const pricing = priceHold(hold, performance, voucher?.discount ?? null);
    const total = pricing.gross;
    const activity = await tx.fraud.recentActivity({
      ip: client?.ip ?? null, email: buyer.buyerEmail, asn: network?.asn ?? null, since: new Date(now.getTime() - 3600_000),
    });
    const verdict = assessCheckout(deps.settings.fraud, { network, newOrder: !order, activity });
    if (!verdict.ok) {
      deps.log.warn({ holdId, rule: verdict.details?.rule ?? null, asn: network?.asn ?? null }, 'checkout refused by a fraud rule');
      return verdict;
    }
    // A flag, once raised, stays for the producer to see, even if the buyer retries from elsewhere.
    const earlier: FlagReason[] = order ? ((await tx.fraud.orderClient(order.id))?.flags ?? []) : [];
    const flags = [...new Set([...earlier, ...verdict.value.flags])];
    if (order) {
      await tx.orders.updateBuyer(order.id, buyer);
      await tx.questions.saveAnswers(order.id, answers.value);
      if (client) await tx.fraud.recordOrderClient(order.id, { ip: client.ip, network, flags });
    } else {
      // A new order is written with its lines and where it came from in one statement.
      order = await tx.orders.create({
        id: randomUUID(), code: orderCodeFromBytes(randomBytes(8)), producerId: performance.producerId, performanceId: performance.id, holdId,
        ...buyer, createdAt: now, pricing, fees: performance.fees, voucherCode: voucher?.code ?? null,
        ...(client ? { client: { ip: client.ip, network, flags } } : {}),
      });
      if (voucher) await tx.vouchers.redeem({ orderId: order.id, voucherId: voucher.voucherId, createdAt: now });
      if (answers.value.length > 0) await tx.questions.saveAnswers(order.id, answers.value);
    }
    if (client && flags.length > 0) deps.log.warn({ orderId: order.id, flags, asn: network?.asn ?? null }, 'order flagged for review');
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
