import { answerText } from '../../domain/question.ts';
import { ATTENDEE_NAME_MAX, type OrderSearchPage, type ProducerOrderDetail } from '../../app/producer.ts';
import { PasskeyLogIn } from './passkeyPages.tsx';
import type { DoorPerformance, PaymentIssue, ProducerOrderRow } from '../../app/ports.ts';
import { FLAG_EXPLANATIONS } from '../../domain/fraud.ts';
import { paymentMethodLabel } from '../../domain/counter.ts';
import { formatMoney } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';

const ORDER_STATUS: Record<string, string> = {
  pending: 'Awaiting payment', paid: 'Paid', expired: 'Expired', cancelled: 'Cancelled', refunded: 'Refunded', partially_refunded: 'Partly refunded',
};

export function LoginPage(props: { email: string; errors: string[]; next: string; notice?: string | null }) {
  return (
    <Layout title="Producer log-in" failed={props.errors.length > 0} islands={['passkeys']}>
      <h1>Producer log-in</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <form method="post" action="/login">
        <input type="hidden" name="next" value={props.next} />
        <label for="email">Email</label>
        <input type="email" id="email" name="email" value={props.email} autocomplete="username" required aria-invalid={props.errors.length > 0 ? 'true' : undefined} />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
        <button type="submit">Log in</button>
      </form>
      <p><a href="/login/forgot">Forgot your password?</a></p>
      <PasskeyLogIn next={props.next} />
      <p>New to Marquee? <a href="/signup">Sign up as a producer</a></p>
    </Layout>
  );
}

export function OrdersPage(props: {
  orders: ProducerOrderRow[]; issues: PaymentIssue[]; performances: DoorPerformance[]; notice: string | null; viewer: Viewer; canExport?: boolean; canSell?: boolean; canConfigureSales?: boolean;
  search?: OrderSearchPage; errors?: string[];
}) {
  const errors = props.errors ?? [];
  const search = props.search;
  return (
    <Layout title={search ? `Orders matching “${search.query}”` : 'Orders'} viewer={props.viewer} failed={errors.length > 0}>
      <h1>Orders for {props.viewer.producerName}</h1>
      <p><a href="/dashboard/sales">Sales and check-in dashboard</a></p>
      {props.canSell && <p><a href="/dashboard/counter">Sell at the box-office counter</a></p>}
      {props.canExport && <p><a href="/dashboard/exports">Export attendees (CSV or XLSX)</a></p>}
      {props.canConfigureSales && <p><a href="/dashboard/waiting-rooms">Waiting rooms for busy on-sales</a></p>}
      <p><a href="/dashboard/mailings">Email your buyers</a></p>
      <p><a href="/dashboard/vouchers">Discount codes</a> · <a href="/dashboard/questions">Checkout questions</a></p>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <ErrorSummary messages={errors} />
      <search>
      <form method="get" action="/dashboard">
        <label for="q">Search by buyer name, email or order code</label>
        <input type="search" id="q" name="q" value={search?.query ?? ''} maxlength={200} autocomplete="off" aria-invalid={errors.length > 0 ? 'true' : undefined} />
        <button type="submit">Search</button>
        {search && <> {' '}<a href="/dashboard">Show all orders</a></>}
      </form>
      </search>
      {search && errors.length === 0 && (
        <p role="status" data-search-rows={search.rows.length}>
          {search.rows.length === 0 ? 'No orders match.' : `Page ${search.page}: ${search.rows.length} ${search.rows.length === 1 ? 'order matches' : 'orders match'}${search.hasNext ? ', and more on the next page' : ''}.`}
        </p>
      )}
      {props.issues.length > 0 && (
        <section class="notice warn" aria-labelledby="issues-heading">
          <h2 id="issues-heading">Payments that need a look</h2>
          <ul>
            {props.issues.map((i) => <li data-issue={i.kind}><strong>{i.orderCode}</strong>: {i.detail}</li>)}
          </ul>
        </section>
      )}
      {props.orders.length === 0 ? (
        !search && <p>No orders yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th><th scope="col">Event</th><th scope="col">Buyer</th><th scope="col">Status</th>
                <th scope="col" class="num">Tickets</th><th scope="col" class="num">Total</th><th scope="col">Paid by</th><th scope="col">Marketing consent</th>
              </tr>
            </thead>
            <tbody>
              {props.orders.map((o) => (
                <tr data-order-code={o.code}>
                  <th scope="row"><a href={`/dashboard/orders/${o.id}`}>{o.code}</a></th>
                  <td>{o.eventTitle}<br /><span class="muted">{formatInZone(o.performanceStartsAt, o.timeZone)}</span></td>
                  <td>{o.buyerName || <span class="muted">No name given</span>}<br /><span class="muted">{o.buyerEmail ?? 'No email given'}</span></td>
                  <td>{ORDER_STATUS[o.status] ?? o.status}</td>
                  <td class="num">{o.ticketCount}</td>
                  <td class="num">{formatMoney(o.total)}</td>
                  <td data-payment-method={o.paymentProvider ?? ''}>{paymentMethodLabel(o.paymentProvider)}</td>
                  <td>{o.marketingConsent ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {search && <SearchPages search={search} />}
      <PerformancesSection performances={props.performances} />
    </Layout>
  );
}

/** Previous and next pages of search results, as plain links that keep the query. */
function SearchPages(props: { search: OrderSearchPage }) {
  const { query, page, hasNext } = props.search;
  if (page === 1 && !hasNext) return null;
  const href = (n: number) => `/dashboard?${new URLSearchParams({ q: query, page: String(n) }).toString()}`;
  return (
    <nav aria-label="Search result pages">
      <ul class="pager">
        {page > 1 && <li><a href={href(page - 1)} rel="prev">Previous page<span class="sr-only"> of results</span></a></li>}
        <li aria-current="page">Page {page}</li>
        {hasNext && <li><a href={href(page + 1)} rel="next">Next page<span class="sr-only"> of results</span></a></li>}
      </ul>
    </nav>
  );
}

export function PerformancesSection(props: { performances: DoorPerformance[] }) {
  if (props.performances.length === 0) return null;
  return (
    <section aria-labelledby="perf-heading">
      <h2 id="perf-heading">Performances</h2>
      <ul>
        {props.performances.map((p) => (
          <li>
            {p.eventTitle}, {formatInZone(p.startsAt, p.timeZone)}{' '}
            {p.cancelledAt ? <span class="badge">Cancelled</span> : <a href={`/dashboard/performances/${p.id}/cancel`}>Cancel this performance…</a>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OrderDetailPage(props: { detail: ProducerOrderDetail; errors: string[]; notice: string | null; viewer: Viewer }) {
  const { order, performance: p, tickets, payments, canRefund } = props.detail;
  const valid = tickets.filter((t) => t.status === 'valid');
  return (
    <Layout title={`Order ${order.code}`} failed={props.errors.length > 0} viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Order {order.code}</h1>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <ErrorSummary messages={props.errors} />
      <dl class="facts">
        <dt>Status</dt><dd data-order-status={order.status}>{ORDER_STATUS[order.status] ?? order.status}</dd>
        <dt>Event</dt><dd>{p.eventTitle}, {formatInZone(p.startsAt, p.venue.timeZone)}{p.cancelledAt ? ' (cancelled)' : ''}</dd>
        <dt>Buyer</dt><dd>{order.buyerName || 'No name given'}, {order.buyerEmail ?? 'no email given'}</dd>
        {props.detail.seller !== null && <><dt>Sold</dt><dd data-sold-by>At the box-office counter by {props.detail.seller}</dd></>}
        <dt>Marketing consent</dt><dd>{order.marketingConsent ? 'Yes' : 'No'}</dd>
        <dt>Total</dt><dd>{formatMoney(order.total)}</dd>
        {order.voucherCode && <><dt>Discount code</dt><dd data-order-voucher={order.voucherCode}><code>{order.voucherCode}</code>, {formatMoney(order.discount)} off</dd></>}
      </dl>
      {props.detail.answers.length > 0 && (
        <section aria-labelledby="answers-heading">
          <h2 id="answers-heading">Answers at checkout</h2>
          <dl class="facts" data-order-answers>
            {props.detail.answers.map((a) => (
              <><dt>{a.label}</dt><dd>{answerText(a.kind, a.answer)} <span class="muted">(why asked: {a.purpose})</span></dd></>
            ))}
          </dl>
        </section>
      )}
      <OrderClientSection detail={props.detail} />
      <h2>Payments</h2>
      <ul>
        {payments.map((pay) => (
          <li data-payment-status={pay.status}>
            {paymentMethodLabel(pay.provider)}{pay.terminalRef ? ` (terminal reference ${pay.terminalRef})` : ''}: {pay.status}, {formatMoney(pay.amount)}{pay.refunded.amount > 0 ? `, refunded ${formatMoney(pay.refunded)}` : ''}
          </li>
        ))}
      </ul>
      <h2>Tickets</h2>
      {tickets.length === 0 ? <p>No tickets.</p> : (
        <form method="post" action={`/dashboard/orders/${order.id}/refund`}>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <fieldset>
            <legend>{canRefund ? 'Choose tickets to refund' : 'Tickets'}</legend>
            {tickets.map((t) => (
              <label class="check">
                <input type="checkbox" name="ticketId" value={t.id} disabled={!canRefund || t.status !== 'valid'} />
                <span>{t.ticketTypeName}{props.detail.seats[t.id] ? `, ${props.detail.seats[t.id]}` : ''} for {t.attendeeName} {t.status !== 'valid' && <span class="badge">Void</span>}</span>
              </label>
            ))}
          </fieldset>
          {canRefund && valid.length > 0 && (
            <p>
              <button type="submit" name="scope" value="selected">Refund selected tickets…</button>{' '}
              <button type="submit" name="scope" value="all">Cancel and refund the whole order…</button>
            </p>
          )}
        </form>
      )}
      {props.detail.canResend && valid.length > 0 && <p><a href={`/dashboard/orders/${order.id}/tickets.pdf`}>Print the tickets (PDF)</a></p>}
      {props.detail.canResend && valid.length > 0 && order.buyerEmail !== null && (
        <form method="post" action={`/dashboard/orders/${order.id}/resend`}>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <p>The buyer gets the confirmation mail again, with the tickets and the receipt.</p>
          <button type="submit">Resend the tickets</button>
        </form>
      )}
      {props.detail.canRename && valid.length > 0 && (
        <section aria-labelledby="names-heading">
          <h2 id="names-heading">Names on tickets</h2>
          <p>A changed name does not change the ticket's QR code.</p>
          <ul class="plain">
            {valid.map((t, i) => (
              <li>
                <form method="post" action={`/dashboard/orders/${order.id}/tickets/${t.id}/name`} data-rename-ticket={t.id}>
                  <input type="hidden" name="csrf" value={props.viewer.csrf} />
                  <label for={`name-${t.id}`}>Name on ticket {i + 1} ({t.ticketTypeName})</label>
                  <input type="text" id={`name-${t.id}`} name="attendeeName" value={t.attendeeName} maxlength={ATTENDEE_NAME_MAX} required autocomplete="off" />
                  <button type="submit">Change the name<span class="sr-only"> on ticket {i + 1}</span></button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}

/** Where the order came from, and why it was flagged: what staff need to review it. */
function OrderClientSection(props: { detail: ProducerOrderDetail }) {
  const { client, networkAttribution } = props.detail;
  if (!client) return null;
  return (
    <section aria-labelledby="client-heading">
      {client.flags.length > 0 && (
        <div class="notice warn" role="status" data-order-flags={client.flags.join(' ')}>
          <h2>Flagged for review</h2>
          <ul>{client.flags.map((f) => <li>{FLAG_EXPLANATIONS[f] ?? f}</li>)}</ul>
        </div>
      )}
      <h2 id="client-heading">Where the order came from</h2>
      <p>Kept to check for fraud, and erased after the retention period.</p>
      <dl class="facts">
        <dt>IP address</dt><dd data-client-ip>{client.ip}</dd>
        <dt>Network</dt>
        <dd data-client-asn={client.asn ?? ''}>{client.asn === null ? 'Unknown (a private or unlisted address)' : `AS${client.asn}, ${client.organisation ?? ''}`}</dd>
      </dl>
      <p><a href={networkAttribution.href}>{networkAttribution.text}</a></p>
    </section>
  );
}

export function CancelPerformancePage(props: { performance: DoorPerformance; paidOrders: number; errors: string[]; viewer: Viewer }) {
  const p = props.performance;
  return (
    <Layout title="Cancel performance" failed={props.errors.length > 0} viewer={props.viewer}>
      <p><a href="/dashboard">Back</a></p>
      <h1>Cancel {p.eventTitle}, {formatInZone(p.startsAt, p.timeZone)}?</h1>
      <ErrorSummary messages={props.errors} />
      <p>Sales stop at once. {props.paidOrders} paid {props.paidOrders === 1 ? 'order is' : 'orders are'} refunded in full, their tickets stop working at the door, and each buyer gets an email.</p>
      <form method="post" action={`/dashboard/performances/${p.id}/cancel`}>
        <input type="hidden" name="csrf" value={props.viewer.csrf} />
        <label class="check"><input type="checkbox" name="confirm" value="yes" required /> <span>Yes, cancel this performance and refund every buyer</span></label>
        <button type="submit">Cancel the performance</button>
      </form>
    </Layout>
  );
}
