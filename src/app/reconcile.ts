import { randomUUID } from 'node:crypto';
import { money } from '../domain/money.ts';
import { errorText } from './checkout.ts';
import type { AppDeps } from './deps.ts';
import { applyPaymentOutcome, refundThroughProvider } from './payments.ts';
import type { PaymentOutcome, PaymentRecord } from './ports.ts';

const STALE_MINUTES = 15;
const BATCH = 100;

export interface ReconcileReport {
  checked: number;
  fixed: number;
  reported: number;
}

/**
 * Compares the provider's view with ours and mends what is safe to mend:
 * - a payment still open here but settled there (paid, failed, expired) gets that outcome, so a
 *   buyer who closed the browser after paying still gets tickets (or, if too late, a refund);
 * - a refund made at the provider is recorded;
 * - money kept for an order without tickets is refunded.
 * What it cannot mend becomes a payment issue on the producer's dashboard.
 */
export async function reconcilePayments(deps: AppDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, fixed: 0, reported: 0 };
  const now = deps.clock.now();
  const stale = await deps.store.payments.unsettled(new Date(now.getTime() - STALE_MINUTES * 60_000), BATCH);
  for (const payment of stale) {
    report.checked++;
    if (payment.provider !== deps.payments.name) continue;
    try {
      if (await settleFromProvider(deps, payment)) report.fixed++;
    } catch (e) {
      report.reported++;
      await reportIssue(deps, payment, 'provider_unreachable', `The payment provider could not be asked about this payment: ${errorText(e)}`);
    }
  }
  for (const payment of await deps.store.payments.paidWithoutTickets(BATCH)) {
    report.checked++;
    const left = money(payment.amount.amount - payment.refunded.amount, payment.amount.currency);
    const refunded = await refundThroughProvider(deps, payment, left, `unfulfillable:${payment.id}`);
    if (refunded.ok) report.fixed++;
    else report.reported++;
  }
  if (report.fixed || report.reported) deps.log.info({ ...report }, 'payments reconciled');
  return report;
}

async function settleFromProvider(deps: AppDeps, payment: PaymentRecord): Promise<boolean> {
  if (!payment.providerRef) {
    // The session was never shown to a buyer (we stopped before redirecting), so nobody can pay it.
    await deps.store.payments.setStatus(payment.id, 'expired', deps.clock.now());
    return true;
  }
  const state = await deps.payments.retrieve(payment.providerRef);
  if (state.status === 'open') return false;
  const outcome: PaymentOutcome = {
    eventId: `reconcile:${payment.id}:${state.status}`,
    paymentId: payment.id,
    providerRef: payment.providerRef,
    amount: state.amount,
    outcome: state.status === 'paid' ? 'paid' : state.status === 'failed' ? 'failed' : 'expired',
  };
  const applied = await applyPaymentOutcome(deps, outcome);
  if (!applied.ok) {
    await reportIssue(deps, payment, 'reconcile_failed', applied.message);
    return false;
  }
  if (state.status === 'paid' && state.refunded.amount > payment.refunded.amount) {
    await applyPaymentOutcome(deps, { ...outcome, eventId: `reconcile:${payment.id}:refunded:${state.refunded.amount}`, outcome: 'refunded', refundedTotal: state.refunded });
  }
  return true;
}

async function reportIssue(deps: AppDeps, payment: PaymentRecord, kind: string, detail: string): Promise<void> {
  const order = await deps.store.orders.byId(payment.orderId);
  if (!order) return;
  await deps.store.payments.recordIssue({ id: randomUUID(), producerId: order.producerId, paymentId: payment.id, kind, detail, createdAt: deps.clock.now() });
}
