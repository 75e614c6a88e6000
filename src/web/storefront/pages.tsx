import type { CheckoutView } from '../../app/holds.ts';
import type { BuyerOrderView } from '../../app/orders.ts';
import type { EventDetail, EventSummary } from '../../app/ports.ts';
import { MAX_TICKETS_PER_HOLD } from '../../domain/hold.ts';
import { formatMoney, type Money } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';

export function EventsPage(props: { events: EventSummary[]; viewer: Viewer | null }) {
  return (
    <Layout title="What's on" viewer={props.viewer}>
      <h1>What's on</h1>
      {props.events.length === 0 ? (
        <p>No events are on sale right now.</p>
      ) : (
        <ul class="cards">
          {props.events.map((e) => (
            <li class="card">
              <h2>
                <a href={`/events/${e.slug}`}>{e.title}</a> {e.isDemo && <span class="badge">Demo</span>}
              </h2>
              <p class="muted">{e.producerName}</p>
              {e.nextPerformance && (
                <p>
                  {e.performanceCount > 1 ? 'Next: ' : ''}
                  <time dateTime={e.nextPerformance.startsAt.toISOString()}>{formatInZone(e.nextPerformance.startsAt, e.nextPerformance.timeZone)}</time>
                  {' · '}
                  {e.nextPerformance.venueName}
                  {e.performanceCount > 1 && ` · ${e.performanceCount} performances`}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function EventPage(props: { event: EventDetail; errors: string[]; viewer: Viewer | null }) {
  const { event } = props;
  return (
    <Layout title={event.title} failed={props.errors.length > 0} viewer={props.viewer}>
      <h1>
        {event.title} {event.isDemo && <span class="badge">Demo</span>}
      </h1>
      <p class="muted">Presented by {event.producerName}</p>
      {event.description && <p>{event.description}</p>}
      <ErrorSummary messages={props.errors} />
      {event.performances.length === 0 && <p>There are no upcoming performances.</p>}
      {event.performances.map((p) => {
        const headingId = `perf-${p.id}`;
        const soldOut = p.ticketTypes.every((t) => t.available === 0 || t.saleState !== 'on_sale');
        return (
          <section class="card" aria-labelledby={headingId}>
            <h2 id={headingId}>
              <time dateTime={p.startsAt.toISOString()}>{formatInZone(p.startsAt, p.venue.timeZone)}</time>
            </h2>
            <p class="muted">
              {p.venue.name}
              {p.venue.address && `, ${p.venue.address}`}
            </p>
            <form method="post" action={`/events/${event.slug}/hold`}>
              <input type="hidden" name="performanceId" value={p.id} />
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Tickets for {formatInZone(p.startsAt, p.venue.timeZone)}</caption>
                  <thead>
                    <tr><th scope="col">Ticket</th><th scope="col" class="num">Price</th><th scope="col" class="num">Left</th><th scope="col" class="num">How many</th></tr>
                  </thead>
                  <tbody>
                    {p.ticketTypes.map((t) => (
                      <tr>
                        <th scope="row">{t.name}</th>
                        <td class="num">{formatMoney(t.price)}</td>
                        <td class="num" data-available={t.available} data-sale={t.saleState}>
                          {t.saleState === 'not_yet' && t.salesOpensAt
                            ? <>On sale from <time dateTime={t.salesOpensAt.toISOString()}>{formatInZone(t.salesOpensAt, p.venue.timeZone)}</time></>
                            : t.saleState === 'ended' ? 'No longer on sale' : t.available === 0 ? 'Sold out' : t.available}
                        </td>
                        <td class="num">
                          <label class="sr-only" for={`q-${t.id}`}>Number of {t.name} tickets{t.minPerOrder > 1 ? ` (at least ${t.minPerOrder})` : ''}</label>
                          <input type="number" id={`q-${t.id}`} name={`q_${t.id}`} min={0} max={Math.min(MAX_TICKETS_PER_HOLD, t.maxPerOrder, t.available)} value={0} inputMode="numeric"
                            disabled={t.available === 0 || t.saleState !== 'on_sale'} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <button type="submit" disabled={soldOut}>{soldOut ? 'Sold out' : 'Hold these tickets'}</button>
            </form>
          </section>
        );
      })}
    </Layout>
  );
}

export interface CheckoutForm { buyerName: string; buyerEmail: string; marketingConsent: boolean }

export function CheckoutPage(props: {
  view: CheckoutView; form: CheckoutForm; errors: string[]; fieldErrors: Partial<Record<keyof CheckoutForm, string>>; declined: boolean; now: Date; viewer: Viewer | null;
}) {
  const { view, form, fieldErrors } = props;
  const p = view.performance;
  const tz = p.venue.timeZone;
  return (
    <Layout title="Checkout" failed={props.errors.length > 0 || props.declined} viewer={props.viewer} islands={view.live ? ['holdTimer'] : []}>
      <h1>Checkout</h1>
      <p>
        <strong>{p.eventTitle}</strong>, <time dateTime={p.startsAt.toISOString()}>{formatInZone(p.startsAt, tz)}</time>, {p.venue.name}
      </p>
      <PriceTable caption="Your tickets"
        rows={view.pricing.lines.map((l) => ({ name: l.description, quantity: l.quantity, unit: l.unitGross, total: l.gross }))}
        fee={view.pricing.fee?.gross ?? null} total={view.pricing.gross} tax={view.pricing.tax} />
      {props.declined && (
        <div class="notice error" role="alert">
          <p>Your card was declined, and nothing was charged. Your tickets are still held: you can try again with another card.</p>
        </div>
      )}
      <ErrorSummary messages={props.errors} />
      {view.live ? (
        <form method="post" action={`/checkout/${view.hold.id}`} novalidate>
          <p class="notice warn" data-hold-expires={view.hold.expiresAt.toISOString()}>
            Your tickets are held until <time dateTime={view.hold.expiresAt.toISOString()}>{formatInZone(view.hold.expiresAt, tz)}</time>
            {' '}(<span role="timer" data-left>{Math.max(0, Math.round((view.hold.expiresAt.getTime() - props.now.getTime()) / 60000))} minutes</span>).
          </p>
          <p class="muted">We ask only for what your order needs: a name for the tickets and an email to send them to.</p>
          <label for="buyerName">Your name</label>
          <input type="text" id="buyerName" name="buyerName" value={form.buyerName} autocomplete="name" required maxLength={200}
            aria-invalid={fieldErrors.buyerName ? 'true' : undefined} aria-describedby={fieldErrors.buyerName ? 'buyerName-error' : undefined} />
          {fieldErrors.buyerName && <p id="buyerName-error" class="field-error">{fieldErrors.buyerName}</p>}
          <label for="buyerEmail">Email for your tickets</label>
          <input type="email" id="buyerEmail" name="buyerEmail" value={form.buyerEmail} autocomplete="email" required maxLength={254}
            aria-invalid={fieldErrors.buyerEmail ? 'true' : undefined} aria-describedby={fieldErrors.buyerEmail ? 'buyerEmail-error' : undefined} />
          {fieldErrors.buyerEmail && <p id="buyerEmail-error" class="field-error">{fieldErrors.buyerEmail}</p>}
          <label class="check">
            <input type="checkbox" name="marketingConsent" value="yes" checked={form.marketingConsent} />
            <span>Let {p.producerName} email me about their events</span>
          </label>
          <button type="submit">Pay {formatMoney(view.pricing.gross)}</button>
        </form>
      ) : view.hold.status === 'converted' ? (
        <p class="notice ok">This basket has been paid for. Your tickets are in your confirmation email.</p>
      ) : (
        <div class="notice error" role="alert">
          <p>Your hold has expired and the tickets went back on sale.</p>
          <p><a href={`/events/${p.eventSlug}`}>Choose tickets again</a></p>
        </div>
      )}
    </Layout>
  );
}

export function OrderPage(props: {
  view: BuyerOrderView; token: string; justPaid: boolean; qrSvgs: Record<string, string>; viewer: Viewer | null;
  help?: { reference: string | null; errors: string[]; message: string };
}) {
  const { order, performance: p, lines, tickets } = props.view;
  const tz = p.venue.timeZone;
  const statusText: Record<string, string> = {
    paid: 'Paid', pending: 'Awaiting payment', expired: 'Expired: the payment came too late and was refunded', cancelled: 'Cancelled',
    refunded: 'Refunded', partially_refunded: 'Partly refunded',
  };
  return (
    <Layout title={`Order ${order.code}`} viewer={props.viewer}>
      {props.justPaid && order.status === 'paid' && (
        <div class="notice ok" role="status">
          <p><strong>Thank you! Your order is confirmed.</strong> We have emailed your tickets to you.</p>
        </div>
      )}
      <h1>Order {order.code}</h1>
      <p>
        <strong>{p.eventTitle}</strong>
        <br />
        <time dateTime={p.startsAt.toISOString()}>{formatInZone(p.startsAt, tz)}</time>
        <br />
        {p.venue.name}
        {p.venue.address && `, ${p.venue.address}`}
      </p>
      <p>Status: <strong data-order-status={order.status}>{statusText[order.status] ?? order.status}</strong></p>
      <PriceTable caption="Order lines"
        rows={lines.map((l) => ({ name: l.ticketTypeName, quantity: l.quantity, unit: l.unitGross, total: l.gross }))}
        fee={order.fee.amount > 0 ? order.fee : null} total={order.total} tax={order.tax} />
      {tickets.length > 0 && (
        <>
          <h2>Your tickets</h2>
          <p>
            <a class="button" href={`/orders/${order.id}/${props.token}/tickets.pdf`} download>Download tickets (PDF)</a>
          </p>
          <ul class="cards">
            {tickets.map((t, i) => (
              <li class="card">
                <p><strong>Ticket {i + 1}: {t.ticketTypeName}</strong>, for {t.attendeeName} {t.status !== 'valid' && <span class="badge">Not valid</span>}</p>
                {props.qrSvgs[t.id] && (
                  // Markup from the qrcode library, made on the server from the signed code alone.
                  <div class="qr-image" role="img" aria-label={`QR code for ticket ${i + 1}`} dangerouslySetInnerHTML={{ __html: props.qrSvgs[t.id]! }} />
                )}
                <p><span class="sr-only">Ticket code: </span><code class="qr">{t.code}</code></p>
              </li>
            ))}
          </ul>
        </>
      )}
      {props.view.documents.length > 0 && (
        <>
          <h2>Receipts</h2>
          <ul>
            {props.view.documents.map((d) => (
              <li>
                <a href={`/orders/${order.id}/${props.token}/documents/${d.id}.pdf`} download>
                  {d.kind === 'receipt' ? 'Receipt' : 'Credit note'} {d.formatted}
                </a>{' '}
                ({formatMoney(d.gross)})
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="muted">Keep this page's address private: it opens your tickets. Sold by {p.producerName}.</p>
      <HelpForm orderId={order.id} token={props.token} help={props.help ?? { reference: null, errors: [], message: '' }} />
    </Layout>
  );
}

/** The buyer's way to support, tied to this order; the reference is what support asks for. */
function HelpForm(props: { orderId: string; token: string; help: { reference: string | null; errors: string[]; message: string } }) {
  return (
    <section aria-labelledby="help-heading">
      <h2 id="help-heading">Need help?</h2>
      {props.help.reference ? (
        <div class="notice ok" role="status">
          <p>We have your message. Your support reference is <strong data-support-reference={props.help.reference}>{props.help.reference}</strong>; quote it if you contact us again.</p>
        </div>
      ) : (
        <form method="post" action={`/orders/${props.orderId}/${props.token}/help`}>
          <ErrorSummary messages={props.help.errors} />
          <label for="help-message">Tell us what you need (2000 characters at most)</label>
          <textarea id="help-message" name="message" rows={4} maxLength={2000} required>{props.help.message}</textarea>
          <p class="muted">Platform support sees your order's status, tickets and payments to help you; each look-up is recorded.</p>
          <button type="submit">Send to support</button>
        </form>
      )}
    </section>
  );
}

/** The price breakdown, the same on the checkout and the order page: lines, service fee, total, tax. */
function PriceTable(props: { caption: string; rows: { name: string; quantity: number; unit: Money; total: Money }[]; fee: Money | null; total: Money; tax: Money }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{props.caption}</caption>
        <thead><tr><th scope="col">Ticket</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Price</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>
          {props.rows.map((r) => (
            <tr><th scope="row">{r.name}</th><td class="num">{r.quantity}</td><td class="num">{formatMoney(r.unit)}</td><td class="num">{formatMoney(r.total)}</td></tr>
          ))}
          {props.fee && <tr><th scope="row">Service fee</th><td /><td /><td class="num">{formatMoney(props.fee)}</td></tr>}
        </tbody>
        <tfoot>
          <tr><th scope="row">Total</th><td /><td /><td class="num"><strong data-total={props.total.amount}>{formatMoney(props.total)}</strong></td></tr>
          {props.tax.amount > 0 && <tr><td colSpan={4} class="num muted">Includes {formatMoney(props.tax)} tax</td></tr>}
        </tfoot>
      </table>
    </div>
  );
}
