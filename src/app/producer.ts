import type { AppDeps } from './deps.ts';
import type { ProducerOrderRow, SessionUser } from './ports.ts';

/** A producer's own orders, and only those: the query is scoped by the signed-in user's producer. */
export function producerOrders(deps: AppDeps, user: SessionUser): Promise<ProducerOrderRow[]> {
  return deps.store.orders.listForProducer(user.producerId);
}
