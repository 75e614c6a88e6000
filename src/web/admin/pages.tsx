import type { ComponentChildren } from 'preact';
import type { DisclosureRequestRecord, StaffMember, SupportRequestRecord, SupportRequestRow } from '../../app/ports.ts';
import type { SupportCaseView } from '../../app/support.ts';
import { DISCLOSURE_FIELDS, FIELD_LABELS, FRAUD_AGENCY_FIELDS } from '../../domain/disclosure.ts';
import { formatMoney } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';
import { ErrorSummary, Layout } from '../layout.tsx';

export interface StaffViewer { staff: StaffMember; csrf: string }

/** The platform staff's pages: their own navigation, never the producer's. */
function AdminLayout(props: { title: string; failed?: boolean; viewer: StaffViewer; children: ComponentChildren }) {
  return (
    <Layout title={props.title} failed={props.failed ?? false}>
      <nav aria-label="Platform staff" class="staff">
        <p>
          Platform staff: {props.viewer.staff.name} ({props.viewer.staff.role}) · <a href="/admin/support">Support</a>
          {props.viewer.staff.role === 'admin' && <> · <a href="/admin/disclosures">Disclosures</a></>}
        </p>
        <form method="post" action="/admin/logout" class="inline">
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <button type="submit" class="link">Log out</button>
        </form>
      </nav>
      {props.children}
    </Layout>
  );
}

export function StaffLoginPage(props: { email: string; errors: string[]; status?: number }) {
  return (
    <Layout title="Platform staff log-in" failed={props.errors.length > 0}>
      <h1>Platform staff log-in</h1>
      <p class="muted">For the people who run this Marquee instance. <a href="/login">Producers have their own log-in</a>.</p>
      <ErrorSummary messages={props.errors} />
      <form method="post" action="/admin/login">
        <label for="email">Email</label>
        <input type="email" id="email" name="email" value={props.email} autocomplete="username" required />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}

export function StaffForbiddenPage(props: { message: string }) {
  return (
    <Layout title="Platform staff only" failed>
      <h1>Platform staff only</h1>
      <p>{props.message}</p>
      <p><a href="/admin/login">Log in as platform staff</a></p>
    </Layout>
  );
}

const ORDER_STATUS: Record<string, string> = {
  pending: 'Awaiting payment', paid: 'Paid', expired: 'Expired', cancelled: 'Cancelled', refunded: 'Refunded', partially_refunded: 'Partly refunded',
};

function LookupForm(props: { viewer: StaffViewer; reference: string; reason: string }) {
  return (
    <form method="post" action="/admin/support/lookup">
      <input type="hidden" name="csrf" value={props.viewer.csrf} />
      <label for="reference">Buyer's request reference</label>
      <input type="text" id="reference" name="reference" value={props.reference} required maxLength={40} autocomplete="off" aria-describedby="reference-hint" />
      <p id="reference-hint" class="muted">The S-… reference the buyer was given when they asked for help.</p>
      <label for="reason">Reason for the look-up (recorded in the audit trail)</label>
      <textarea id="reason" name="reason" required minLength={10} maxLength={500} rows={3}>{props.reason}</textarea>
      <label class="check"><input type="checkbox" name="fullEmail" value="yes" /> <span>The case needs the buyer's full email address (otherwise only its domain is shown)</span></label>
      <button type="submit">Look up the order</button>
    </form>
  );
}

export function SupportConsolePage(props: { viewer: StaffViewer; requests: SupportRequestRow[]; errors: string[]; reference: string; reason: string }) {
  return (
    <AdminLayout title="Support" viewer={props.viewer} failed={props.errors.length > 0}>
      <h1>Support</h1>
      <ErrorSummary messages={props.errors} />
      <h2>Find an order</h2>
      <LookupForm viewer={props.viewer} reference={props.reference} reason={props.reason} />
      <h2>Open requests</h2>
      {props.requests.length === 0 ? <p>No open requests.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Open support requests, oldest first</caption>
            <thead><tr><th scope="col">Reference</th><th scope="col">Producer</th><th scope="col">Event</th><th scope="col">Received</th></tr></thead>
            <tbody>
              {props.requests.map((r) => (
                <tr data-support-reference={r.reference}>
                  <th scope="row"><a href={`/admin/support/requests/${r.id}`}>{r.reference}</a></th>
                  <td>{r.producerName}</td><td>{r.eventTitle}</td><td>{formatInZone(r.createdAt, 'UTC')} UTC</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}

export function SupportRequestPage(props: { viewer: StaffViewer; request: SupportRequestRecord }) {
  const r = props.request;
  return (
    <AdminLayout title={`Support request ${r.reference}`} viewer={props.viewer}>
      <h1>Support request {r.reference}</h1>
      <p class="muted">Received {formatInZone(r.createdAt, 'UTC')} UTC · {r.status === 'open' ? 'Open' : 'Closed'}. Opening it was recorded in the audit trail.</p>
      <h2>The buyer's message</h2>
      <pre class="mail">{r.message}</pre>
      <h2>Look up the order</h2>
      <LookupForm viewer={props.viewer} reference={r.reference} reason="" />
      {r.status === 'open' && (
        <form method="post" action={`/admin/support/requests/${r.id}/close`}>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <button type="submit">Close this request</button>
        </form>
      )}
    </AdminLayout>
  );
}

export function SupportCasePage(props: { viewer: StaffViewer; view: SupportCaseView }) {
  const v = props.view;
  return (
    <AdminLayout title={`Order ${v.orderCode}`} viewer={props.viewer}>
      <h1>Order {v.orderCode}</h1>
      <p class="muted">For support request {v.reference}. This look-up was recorded in the audit trail.</p>
      <dl class="facts">
        <dt>Status</dt><dd data-order-status={v.orderStatus}>{ORDER_STATUS[v.orderStatus] ?? v.orderStatus}</dd>
        <dt>Event</dt><dd>{v.eventTitle} ({v.producerName})</dd>
        <dt>Performance</dt><dd>{formatInZone(v.performanceStartsAt, v.timeZone)}</dd>
        <dt>Buyer's email</dt><dd data-email-shown={v.emailShown}>{v.buyerEmail}</dd>
      </dl>
      <h2>Tickets</h2>
      {v.tickets.length === 0 ? <p>No tickets.</p> : <ul>{v.tickets.map((t) => <li>{t.ticketTypeName}: {t.status === 'valid' ? 'valid' : 'not valid'}</li>)}</ul>}
      <h2>Payments</h2>
      {v.payments.length === 0 ? <p>No payments.</p> : (
        <ul>{v.payments.map((p) => <li>{p.status}: {formatMoney(p.amount)}{p.refunded.amount > 0 && `, ${formatMoney(p.refunded)} refunded`}</li>)}</ul>
      )}
    </AdminLayout>
  );
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const lastDay = (to: Date) => iso(new Date(to.getTime() - 86_400_000));

export interface DisclosureFormValues {
  kind: string; authority: string; legalBasis: string; reference: string; orderIds: string; emails: string; fields: string[]; from: string; to: string; notifyAllowed: boolean;
}
export const EMPTY_DISCLOSURE_FORM: DisclosureFormValues = { kind: 'authority', authority: '', legalBasis: '', reference: '', orderIds: '', emails: '', fields: [], from: '', to: '', notifyAllowed: false };

export function DisclosuresPage(props: { viewer: StaffViewer; requests: DisclosureRequestRecord[]; form: DisclosureFormValues; errors: string[]; notice: string | null }) {
  const f = props.form;
  return (
    <AdminLayout title="Lawful disclosure" viewer={props.viewer} failed={props.errors.length > 0}>
      <h1>Lawful disclosure</h1>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <h2>Requests</h2>
      {props.requests.length === 0 ? <p>No requests recorded.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Disclosure requests, newest first</caption>
            <thead><tr><th scope="col">Authority</th><th scope="col">Reference</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Recorded</th></tr></thead>
            <tbody>
              {props.requests.map((r) => (
                <tr data-disclosure={r.id}>
                  <th scope="row"><a href={`/admin/disclosures/${r.id}`}>{r.authority}</a></th>
                  <td>{r.reference}</td><td>{r.kind === 'fraud_agency' ? 'Fraud agency' : 'Authority'}</td><td>{r.status}</td>
                  <td>{iso(r.recordedAt)} by {r.recordedByName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="record">Record a request</h2>
      <ErrorSummary messages={props.errors} />
      <p class="muted">A second administrator must approve it before anything can be exported.</p>
      <form method="post" action="/admin/disclosures">
        <input type="hidden" name="csrf" value={props.viewer.csrf} />
        <fieldset>
          <legend>Kind</legend>
          <label class="check"><input type="radio" name="kind" value="authority" checked={f.kind !== 'fraud_agency'} /> <span>Authority (law enforcement, court, regulator)</span></label>
          <label class="check"><input type="radio" name="kind" value="fraud_agency" checked={f.kind === 'fraud_agency'} /> <span>Fraud-prevention agency: only {FRAUD_AGENCY_FIELDS.map((x) => FIELD_LABELS[x].toLowerCase()).join(', ')}</span></label>
        </fieldset>
        <label for="authority">Authority</label>
        <input type="text" id="authority" name="authority" value={f.authority} required maxLength={200} />
        <label for="legalBasis">Legal basis</label>
        <input type="text" id="legalBasis" name="legalBasis" value={f.legalBasis} required maxLength={500} />
        <label for="reference">The authority's reference</label>
        <input type="text" id="reference" name="reference" value={f.reference} required maxLength={200} />
        <label for="orderIds">Subjects: order ids (one a line)</label>
        <textarea id="orderIds" name="orderIds" rows={3}>{f.orderIds}</textarea>
        <label for="emails">Subjects: buyer email addresses (one a line; only their hashes are kept)</label>
        <textarea id="emails" name="emails" rows={3}>{f.emails}</textarea>
        <fieldset>
          <legend>Fields to disclose (an authority request)</legend>
          {DISCLOSURE_FIELDS.map((x) => (
            <label class="check"><input type="checkbox" name="fields" value={x} checked={f.fields.includes(x)} /> <span>{FIELD_LABELS[x]}</span></label>
          ))}
        </fieldset>
        <label for="from">Orders placed from (date, UTC)</label>
        <input type="text" id="from" name="from" value={f.from} required inputMode="numeric" placeholder="YYYY-MM-DD" />
        <label for="to">Orders placed up to and including (date, UTC)</label>
        <input type="text" id="to" name="to" value={f.to} required inputMode="numeric" placeholder="YYYY-MM-DD" />
        <label class="check"><input type="checkbox" name="notifyAllowed" value="yes" checked={f.notifyAllowed} /> <span>The request allows the buyers to be told</span></label>
        <button type="submit">Record the request</button>
      </form>
    </AdminLayout>
  );
}

export function DisclosurePage(props: { viewer: StaffViewer; request: DisclosureRequestRecord; errors: string[]; notice: string | null }) {
  const r = props.request;
  const mine = r.recordedBy === props.viewer.staff.staffId;
  return (
    <AdminLayout title={`Disclosure to ${r.authority}`} viewer={props.viewer} failed={props.errors.length > 0}>
      <h1>Disclosure to {r.authority}</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <dl class="facts">
        <dt>Status</dt><dd data-disclosure-status={r.status}>{r.status}</dd>
        <dt>Kind</dt><dd>{r.kind === 'fraud_agency' ? 'Fraud-prevention agency' : 'Authority'}</dd>
        <dt>Legal basis</dt><dd>{r.legalBasis}</dd>
        <dt>Reference</dt><dd>{r.reference}</dd>
        <dt>Order ids</dt><dd>{r.scope.orderIds.length === 0 ? 'none' : r.scope.orderIds.join(', ')}</dd>
        <dt>Buyer emails</dt><dd>{r.scope.emailHashes.length} (kept as hashes)</dd>
        <dt>Fields</dt><dd>{r.scope.fields.map((x) => FIELD_LABELS[x]).join(', ')}</dd>
        <dt>Orders placed</dt><dd>{iso(r.scope.from)} to {lastDay(r.scope.to)} (UTC)</dd>
        <dt>Buyers told</dt><dd>{r.notifyAllowed ? 'Yes, when exported' : 'No: the request does not allow it'}</dd>
        <dt>Recorded</dt><dd>{r.recordedAt.toISOString()} by {r.recordedByName}</dd>
        {r.decidedAt && <><dt>Decided</dt><dd>{r.decidedAt.toISOString()} by {r.decidedByName}{r.decisionNote ? `: ${r.decisionNote}` : ''}</dd></>}
        {r.lastExportHash && <><dt>Last export</dt><dd>{r.lastExportedAt?.toISOString()}, SHA-256 <code data-export-hash>{r.lastExportHash}</code></dd></>}
      </dl>
      {r.status === 'pending' && (mine ? <p>You recorded this request; a second administrator must approve or reject it.</p> : (
        <form method="post" action={`/admin/disclosures/${r.id}/decide`}>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <label for="note">Note (recorded in the audit trail)</label>
          <textarea id="note" name="note" rows={2} maxLength={1000} />
          <button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="reject">Reject</button>
        </form>
      ))}
      {r.status === 'approved' && (
        <form method="post" action={`/admin/disclosures/${r.id}/export`}>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <button type="submit">Download the export package (JSON)</button>
        </form>
      )}
    </AdminLayout>
  );
}
