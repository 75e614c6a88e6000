import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import type { AppDeps } from './deps.ts';
import type { IpInfo, OrderClient, OrderRecord, PaymentIssue, PaymentRecord, PerformanceContext, ProducerOrderRow, SessionUser, TicketRecord } from './ports.ts';

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
  payments: PaymentRecord[];
  canRefund: boolean;
  /** The client's IP address and network, with the fraud flags raised at checkout; null when none was recorded. */
  client: OrderClient | null;
  /** Shown beside the network, as the data's licence asks. */
  networkAttribution: IpInfo['attribution'];
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
  return ok({
    order,
    performance: (await deps.store.catalog.performanceContext(order.performanceId))!,
    tickets: await deps.store.tickets.byOrder(order.id),
    payments: await deps.store.payments.forOrder(order.id),
    canRefund: may(user.role, 'orders.refund') && (order.status === 'paid' || order.status === 'partially_refunded'),
    client: await deps.store.fraud.orderClient(order.id),
    networkAttribution: deps.ipInfo.attribution,
  });
}

export function paymentIssues(deps: AppDeps, user: SessionUser): Promise<PaymentIssue[]> {
  return deps.store.payments.openIssues(user.producerId);
}
