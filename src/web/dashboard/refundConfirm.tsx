import type { RefundPlan } from '../../app/refunds.ts';
import { paymentMethodLabel } from '../../domain/counter.ts';
import { formatMoney } from '../../domain/money.ts';
import { Layout, type Viewer } from '../layout.tsx';

/**
 * The confirmation step of a refund from the order page: what goes back, how, and which tickets stop
 * working. Nothing has been written yet; the button posts the same choice again with confirm=yes.
 */
export function RefundConfirmPage(props: { plan: RefundPlan; scope: 'all' | 'selected'; viewer: Viewer }) {
  const { order, tickets, whole, amount, atCounter, payment } = props.plan;
  return (
    <Layout title={`Refund order ${order.code}?`} viewer={props.viewer}>
      <p><a href={`/dashboard/orders/${order.id}`}>Back to the order, refund nothing</a></p>
      <h1>{whole ? 'Cancel and refund' : 'Refund part of'} order {order.code}?</h1>
      <div class="notice warn" data-refund-amount={amount.amount}>
        <p><strong>{formatMoney(amount)}</strong> goes back to the buyer{atCounter ? '' : ' through the payment provider'}.</p>
        {atCounter && (
          <p>
            This order was paid at the counter ({paymentMethodLabel(payment.provider)}). Marquee calls no payment provider: hand the money back
            {payment.provider === 'counter_cash' ? ' in cash from the till' : ' on the counter terminal'}; it is recorded as refunded there.
          </p>
        )}
        <p>{tickets.length} {tickets.length === 1 ? 'ticket stops' : 'tickets stop'} working at the door{whole ? ', and the order is closed' : ''}. A credit note is issued{order.buyerEmail !== null ? ' and the buyer gets an email' : ''}.</p>
      </div>
      <ul>{tickets.map((t) => <li>{t.ticketTypeName} for {t.attendeeName || 'no name'}</li>)}</ul>
      <form method="post" action={`/dashboard/orders/${order.id}/refund`}>
        <input type="hidden" name="csrf" value={props.viewer.csrf} />
        <input type="hidden" name="scope" value={props.scope} />
        {props.scope === 'selected' && tickets.map((t) => <input type="hidden" name="ticketId" value={t.id} />)}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" autofocus>Yes, refund {formatMoney(amount)}</button>
      </form>
    </Layout>
  );
}
