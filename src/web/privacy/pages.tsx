import type { SubjectDataView } from '../../app/subjects.ts';
import { formatMoney } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';
import { ErrorSummary, Layout } from '../layout.tsx';

/** Asking for a link to one's data: an email address, and the same answer whatever it is. */
export function SubjectRequestPage(props: { email: string; errors: string[]; sent: string | null }) {
  return (
    <Layout title="Your data" failed={props.errors.length > 0}>
      <h1>Your data</h1>
      <ErrorSummary messages={props.errors} />
      {props.sent && (
        <div class="notice ok" role="status">
          <p>{props.sent}</p>
        </div>
      )}
      <p>
        See everything we hold about you as a buyer (orders, tickets, names, consent, payments), download it, correct it, withdraw
        marketing consent or have it erased. Enter the email address you ordered with, and we will email it a link.
      </p>
      <form method="post" action="/privacy/my-data" novalidate>
        <label for="email">Email address</label>
        <input type="email" id="email" name="email" autocomplete="email" required value={props.email}
          aria-invalid={props.errors.length > 0 ? 'true' : undefined} aria-describedby={props.errors.length > 0 ? 'errors' : undefined} />
        <button type="submit">Email me a link</button>
      </form>
    </Layout>
  );
}

const STATUS: Record<string, string> = {
  paid: 'Paid', pending: 'Not paid', expired: 'Expired', cancelled: 'Cancelled', refunded: 'Refunded', partially_refunded: 'Partly refunded',
};

/** Everything held about the link's address, with the forms to act on it. */
export function SubjectDataPage(props: { view: SubjectDataView; token: string; errors: string[]; notice: string | null; form: { buyerName: string; buyerEmail: string } }) {
  const { view, token } = props;
  const base = `/privacy/my-data/${token}`;
  const consenting = view.orders.filter((o) => o.order.marketingConsent);
  return (
    <Layout title="Your data" failed={props.errors.length > 0}>
      <h1>Your data</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      )}
      <p>
        What we hold for <strong>{view.email}</strong>. This page works until{' '}
        <time dateTime={view.expiresAt.toISOString()}>{formatInZone(view.expiresAt, 'UTC')} UTC</time>.
      </p>
      <p><a class="button" href={`${base}/data.json`} download="my-data.json">Download it all (JSON)</a></p>

      <h2>Orders ({view.orders.length})</h2>
      {view.orders.length === 0 && <p>We hold no orders for this address.</p>}
      <ul class="cards">
        {view.orders.map((o) => (
          <li class="card">
            <h3>{o.eventTitle}, order {o.order.code}</h3>
            <dl class="facts">
              <dt>Sold by</dt><dd>{o.producerName}</dd>
              <dt>Performance</dt><dd><time dateTime={o.performanceStartsAt.toISOString()}>{formatInZone(o.performanceStartsAt, o.timeZone)}</time>, {o.venueName}</dd>
              <dt>Ordered</dt><dd><time dateTime={o.order.createdAt.toISOString()}>{formatInZone(o.order.createdAt, o.timeZone)}</time></dd>
              <dt>Status</dt><dd>{STATUS[o.order.status] ?? o.order.status}</dd>
              <dt>Name</dt><dd>{o.order.buyerName}</dd>
              <dt>Email</dt><dd>{o.order.buyerEmail}</dd>
              <dt>Marketing</dt><dd>{o.order.marketingConsent ? `Yes, you agreed to hear from ${o.producerName}` : 'No'}</dd>
              <dt>Total</dt><dd>{formatMoney(o.order.total)}</dd>
              <dt>Payments</dt><dd>{o.payments.length === 0 ? 'None' : o.payments.map((p) => `${p.status} (${formatMoney(p.amount)}${p.refunded.amount > 0 ? `, ${formatMoney(p.refunded)} refunded` : ''})`).join('; ')}</dd>
              {Object.entries(o.network).map(([k, v]) => (<><dt>{k}</dt><dd>{v ?? '(erased)'}</dd></>))}
            </dl>
            {o.tickets.length > 0 && (
              <>
                <h4>Tickets</h4>
                <ul>{o.tickets.map((t) => <li>{t.ticketTypeName}, for {t.attendeeName}{t.status !== 'valid' && ' (not valid)'}</li>)}</ul>
              </>
            )}
          </li>
        ))}
      </ul>

      {view.orders.length > 0 && (
        <>
          <h2>Correct your details</h2>
          <form method="post" action={`${base}/correct`} novalidate>
            <label for="buyerName">Name</label>
            <input type="text" id="buyerName" name="buyerName" autocomplete="name" required value={props.form.buyerName} />
            <label for="buyerEmail">Email address</label>
            <input type="email" id="buyerEmail" name="buyerEmail" autocomplete="email" required value={props.form.buyerEmail} />
            <p class="muted">A new address gets a new link; this one then stops working.</p>
            <button type="submit">Save corrections</button>
          </form>

          <h2>Marketing</h2>
          {consenting.length === 0 ? (
            <p>You have not agreed to marketing from anyone.</p>
          ) : (
            <form method="post" action={`${base}/consent`}>
              <p>You agreed to hear from {[...new Set(consenting.map((o) => o.producerName))].join(', ')}.</p>
              <button type="submit">Stop all marketing emails</button>
            </form>
          )}

          <h2>Erase your data</h2>
          <form method="post" action={`${base}/erase`} novalidate>
            <p>
              We replace your name, email and attendee names everywhere with "Erased", delete the mail we sent you, and keep only what the
              accounts need (amounts, dates, payment statuses). Your tickets stay valid but no longer carry your name. This cannot be undone.
            </p>
            <label class="check"><input type="checkbox" name="confirm" value="yes" required /> I understand, erase my data</label>
            <button type="submit">Erase my data</button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function SubjectDonePage(props: { title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <div class="notice ok" role="status"><p>{props.message}</p></div>
      <p><a href="/">Back to what's on</a></p>
    </Layout>
  );
}

/** One button to stop a producer's marketing, reached from the confirmation mail. */
export function ConsentPage(props: { action: string; producerName: string; eventTitle: string; consenting: boolean }) {
  return (
    <Layout title="Marketing emails">
      <h1>Marketing emails</h1>
      {props.consenting ? (
        <form method="post" action={props.action}>
          <p>You agreed to hear from {props.producerName} about other events when you booked {props.eventTitle}.</p>
          <button type="submit">Stop emails from {props.producerName}</button>
        </form>
      ) : (
        <p>You do not receive marketing emails from {props.producerName} for this order.</p>
      )}
    </Layout>
  );
}
