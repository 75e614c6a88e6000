import type { ProducerOrderRow } from '../../app/ports.ts';
import { formatMoney } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';

export function LoginPage(props: { email: string; errors: string[]; next: string }) {
  return (
    <Layout title="Producer log-in">
      <h1>Producer log-in</h1>
      <ErrorSummary messages={props.errors} />
      <form method="post" action="/login">
        <input type="hidden" name="next" value={props.next} />
        <label for="email">Email</label>
        <input type="email" id="email" name="email" value={props.email} autocomplete="username" required />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}

export function OrdersPage(props: { orders: ProducerOrderRow[]; viewer: Viewer }) {
  return (
    <Layout title="Orders" viewer={props.viewer}>
      <h1>Orders for {props.viewer.producerName}</h1>
      {props.orders.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th><th scope="col">Event</th><th scope="col">Buyer</th><th scope="col">Status</th>
                <th scope="col" class="num">Tickets</th><th scope="col" class="num">Total</th><th scope="col">Marketing consent</th>
              </tr>
            </thead>
            <tbody>
              {props.orders.map((o) => (
                <tr data-order-code={o.code}>
                  <th scope="row">{o.code}</th>
                  <td>{o.eventTitle}<br /><span class="muted">{formatInZone(o.performanceStartsAt, o.timeZone)}</span></td>
                  <td>{o.buyerName}<br /><span class="muted">{o.buyerEmail}</span></td>
                  <td>{o.status}</td>
                  <td class="num">{o.ticketCount}</td>
                  <td class="num">{formatMoney(o.total)}</td>
                  <td>{o.marketingConsent ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
