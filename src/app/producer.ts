import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import type { AppDeps } from './deps.ts';
import type { OrderRecord, PaymentIssue, PaymentRecord, PerformanceContext, ProducerOrderRow, SessionUser, TicketRecord } from './ports.ts';

/** A producer's own orders, and only those: the query is scoped by the signed-in user's producer. */
export function producerOrders(deps: AppDeps, user: SessionUser): Promise<ProducerOrderRow[]> {
  return deps.store.orders.listForProducer(user.producerId);
}

export interface ProducerOrderDetail {
  order: OrderRecord;
  performance: PerformanceContext;
  tickets: TicketRecord[];
  payments: PaymentRecord[];
  canRefund: boolean;
}

/** One order of the producer's; another producer's order is "not found", never "forbidden". */
export async function producerOrder(deps: AppDeps, user: SessionUser, orderId: string): Promise<Result<ProducerOrderDetail>> {
  if (!may(user.role, 'orders.read')) return fail('forbidden', 'Your role cannot see orders.');
  const order = await deps.store.orders.byId(orderId);
  if (!order || order.producerId !== user.producerId) return fail('not_found', 'There is no such order.');
  return ok({
    order,
    performance: (await deps.store.catalog.performanceContext(order.performanceId))!,
    tickets: await deps.store.tickets.byOrder(order.id),
    payments: await deps.store.payments.forOrder(order.id),
    canRefund: may(user.role, 'orders.refund') && (order.status === 'paid' || order.status === 'partially_refunded'),
  });
}

export function paymentIssues(deps: AppDeps, user: SessionUser): Promise<PaymentIssue[]> {
  return deps.store.payments.openIssues(user.producerId);
}
