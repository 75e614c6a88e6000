import type { ComponentChildren } from 'preact';
import type { EventDetail, PerformanceDetail } from '../../app/events.ts';
import type { EventListing, PerformanceRecord, QuotaRecord, TicketTypeRecord, VenueRecord } from '../../app/ports.ts';
import { formatMoney, minorToDecimal } from '../../domain/money.ts';
import { formatInZone, localTimeWithOffset } from '../../domain/time.ts';
import { ErrorSummary, Layout, ScrollableTable, type Viewer } from '../layout.tsx';
import type { FieldErrors, FormValues } from './eventForms.ts';

/** The producer's event management pages (issue 6 §2): plain forms that work without JavaScript. */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const TIME_ZONES = Intl.supportedValuesOf('timeZone');

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** Every message of the form, for the summary at the top (each is also next to its field). */
const summary = (errors: FieldErrors) => Object.values(errors);
const bp = (n: number) => minorToDecimal(n, 'EUR').replace(/\.00$/, '');

function Notice(props: { text: string | null }) {
  return props.text ? <div class="notice ok" role="status"><p>{props.text}</p></div> : null;
}

/** A labelled input with its hint and its error, tied together for screen readers. */
function Field(props: {
  name: string; label: string; values: FormValues; errors: FieldErrors; type?: 'text' | 'date' | 'time' | 'datetime-local'; hint?: string; required?: boolean;
  inputMode?: 'numeric' | 'decimal'; list?: string; autocomplete?: string; idPrefix?: string;
}) {
  const id = `${props.idPrefix ?? ''}${props.name}`;
  const error = props.errors[props.name];
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <>
      <label for={id}>{props.label}</label>
      {props.hint && <p id={`${id}-hint`} class="muted">{props.hint}</p>}
      <input
        type={props.type ?? 'text'} id={id} name={props.name} value={one(props.values[props.name])} required={props.required}
        inputMode={props.inputMode} list={props.list} autocomplete={props.autocomplete ?? 'off'}
        aria-invalid={error ? 'true' : undefined} aria-describedby={described || undefined}
      />
      {error && <p id={`${id}-error`} class="field-error">{error}</p>}
    </>
  );
}

function FieldError(props: { id: string; error: string | undefined }) {
  return props.error ? <p id={props.id} class="field-error">{props.error}</p> : null;
}

function Csrf(props: { viewer: Viewer }) {
  return <input type="hidden" name="csrf" value={props.viewer.csrf} />;
}

function Page(props: { title: string; errors: FieldErrors; viewer: Viewer; back: { href: string; label: string }; children: ComponentChildren }) {
  const failed = Object.keys(props.errors).length > 0;
  return (
    <Layout title={props.title} viewer={props.viewer} failed={failed}>
      <p><a href={props.back.href}>{props.back.label}</a></p>
      <h1>{props.title}</h1>
      <ErrorSummary messages={summary(props.errors)} />
      {props.children}
    </Layout>
  );
}

// ---------- events and venues ----------

export function EventsPage(props: { events: EventListing[]; venues: VenueRecord[]; canManage: boolean; notice: string | null; viewer: Viewer }) {
  return (
    <Layout title="Events" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Events</h1>
      <Notice text={props.notice} />
      {props.canManage && <p><a class="button" href="/dashboard/events/new">New event</a></p>}
      {props.events.length === 0 ? <p>No events yet.</p> : (
        <ScrollableTable label="Your events">
          <table>
            <caption class="sr-only">Your events</caption>
            <thead><tr><th scope="col">Event</th><th scope="col">Web address</th><th scope="col">State</th><th scope="col" class="num">Performances</th></tr></thead>
            <tbody>
              {props.events.map((e) => (
                <tr>
                  <td><a href={`/dashboard/events/${e.id}`}>{e.title}</a></td>
                  <td>/events/{e.slug}</td>
                  <td>{e.published ? 'Published' : 'Not published'}</td>
                  <td class="num">{e.performances}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
      <h2>Venues</h2>
      {props.venues.length === 0 ? <p>No venues yet.</p> : (
        <ul>
          {props.venues.map((v) => <li><a href={`/dashboard/venues/${v.id}`}>{v.name}</a> ({v.timeZone})</li>)}
        </ul>
      )}
      {props.canManage && <p><a href="/dashboard/venues/new">New venue</a></p>}
    </Layout>
  );
}

export function venueValues(v: VenueRecord): FormValues {
  return { name: v.name, address: v.address, timeZone: v.timeZone };
}

export function VenueFormPage(props: { venueId: string | null; values: FormValues; errors: FieldErrors; canManage: boolean; notice: string | null; viewer: Viewer }) {
  const action = props.venueId ? `/dashboard/venues/${props.venueId}` : '/dashboard/venues';
  return (
    <Page title={props.venueId ? `Venue: ${one(props.values.name)}` : 'New venue'} errors={props.errors} viewer={props.viewer} back={{ href: '/dashboard/events', label: 'All events' }}>
      <Notice text={props.notice} />
      <form method="post" action={action} novalidate>
        <Csrf viewer={props.viewer} />
        <Field name="name" label="Name" values={props.values} errors={props.errors} required />
        <Field name="address" label="Address" values={props.values} errors={props.errors} autocomplete="street-address" />
        <Field name="timeZone" label="Time zone" hint="An IANA name such as Europe/London. Performance times are entered and shown in it." values={props.values} errors={props.errors} list="time-zones" required />
        <datalist id="time-zones">{TIME_ZONES.map((z) => <option value={z} />)}</datalist>
        {props.canManage && <button type="submit">{props.venueId ? 'Save the venue' : 'Create the venue'}</button>}
      </form>
    </Page>
  );
}

export function eventValues(e: EventDetail['event']): FormValues {
  return {
    title: e.title, slug: e.slug, description: e.description,
    feePerTicket: minorToDecimal(e.feePerTicketMinor, 'EUR'), feePerOrder: minorToDecimal(e.feePerOrderMinor, 'EUR'), feeTaxRate: bp(e.feeTaxRateBp),
  };
}

function EventFields(props: { values: FormValues; errors: FieldErrors }) {
  const v = props.values;
  const e = props.errors;
  return (
    <>
      <Field name="title" label="Title" values={v} errors={e} required />
      <Field name="slug" label="Web address" hint="The event's page is /events/ followed by this, e.g. hamlet-2027: letters, digits and hyphens." values={v} errors={e} required />
      <label for="description">Description</label>
      <textarea id="description" name="description" rows={5} aria-invalid={e.description ? 'true' : undefined} aria-describedby={e.description ? 'description-error' : undefined}>{one(v.description)}</textarea>
      <FieldError id="description-error" error={e.description} />
      <fieldset>
        <legend>Service fees (in the currency of the tickets)</legend>
        <Field name="feePerTicket" label="Fee per ticket" hint="For example 1.50; 0 for none." values={v} errors={e} inputMode="decimal" />
        <Field name="feePerOrder" label="Fee per order" values={v} errors={e} inputMode="decimal" />
        <Field name="feeTaxRate" label="Tax rate on fees (%)" values={v} errors={e} inputMode="decimal" />
      </fieldset>
    </>
  );
}

export function NewEventPage(props: { values: FormValues; errors: FieldErrors; viewer: Viewer }) {
  return (
    <Page title="New event" errors={props.errors} viewer={props.viewer} back={{ href: '/dashboard/events', label: 'All events' }}>
      <p>A new event is not published: add its performances and ticket types, then publish it.</p>
      <form method="post" action="/dashboard/events" novalidate>
        <Csrf viewer={props.viewer} />
        <EventFields values={props.values} errors={props.errors} />
        <button type="submit">Create the event</button>
      </form>
    </Page>
  );
}

function startsText(p: { startsAt: Date; timeZone: string }) {
  return formatInZone(p.startsAt, p.timeZone);
}

export function EventPage(props: {
  detail: EventDetail; values: FormValues; errors: FieldErrors; copySlug: string; canManage: boolean; notice: string | null; viewer: Viewer;
}) {
  const { event, performances } = props.detail;
  return (
    <Page title={event.title} errors={props.errors} viewer={props.viewer} back={{ href: '/dashboard/events', label: 'All events' }}>
      <Notice text={props.notice} />
      <p data-published={event.published ? 'yes' : 'no'}>
        {event.published ? <>Published at <a href={`/events/${event.slug}`}>/events/{event.slug}</a>.</> : 'Not published: buyers cannot see it.'}
      </p>
      {props.canManage && (
        <form method="post" action={`/dashboard/events/${event.id}/publish`}>
          <Csrf viewer={props.viewer} />
          <input type="hidden" name="published" value={event.published ? 'no' : 'yes'} />
          <button type="submit">{event.published ? 'Unpublish' : 'Publish'}</button>
        </form>
      )}

      <h2>Performances</h2>
      {performances.length === 0 ? <p>No performances yet.</p> : (
        <ul>
          {performances.map((p) => (
            <li>
              <a href={`/dashboard/performances/${p.id}`}>{startsText(p)}</a> at {p.venueName}: {p.ticketTypes} ticket {p.ticketTypes === 1 ? 'type' : 'types'}
              {p.cancelledAt ? ' (cancelled)' : ''}
            </li>
          ))}
        </ul>
      )}
      {props.canManage && <p><a href={`/dashboard/events/${event.id}/performances/new`}>Add performances</a></p>}

      {props.canManage && (
        <>
          <h2>Details</h2>
          <form method="post" action={`/dashboard/events/${event.id}`} novalidate>
            <Csrf viewer={props.viewer} />
            <EventFields values={props.values} errors={props.errors} />
            <button type="submit">Save the event</button>
          </form>

          <h2>Copy this event</h2>
          <p>A new, unpublished event with a copy of every performance that is not cancelled, with its ticket types and quotas.</p>
          <form method="post" action={`/dashboard/events/${event.id}/copy`} novalidate>
            <Csrf viewer={props.viewer} />
            <Field name="newSlug" label="Web address of the copy" values={{ newSlug: props.copySlug }} errors={props.errors} required />
            <button type="submit">Copy the event</button>
          </form>
        </>
      )}
    </Page>
  );
}

// ---------- performances ----------

export function NewPerformancesPage(props: {
  detail: EventDetail; values: FormValues; errors: FieldErrors; preview: { starts: Date[]; venue: VenueRecord } | null; viewer: Viewer;
}) {
  const { event, performances, venues } = props.detail;
  const v = props.values;
  const e = props.errors;
  const kind = one(v.kind) || 'once';
  const weekdays = many(v.weekdays);
  const template = one(v.template) || 'first';
  const live = performances.filter((p) => !p.cancelledAt);
  return (
    <Page title={`Add performances: ${event.title}`} errors={e} viewer={props.viewer} back={{ href: `/dashboard/events/${event.id}`, label: `Back to ${event.title}` }}>
      {venues.length === 0 ? <p>First <a href="/dashboard/venues/new">add a venue</a>.</p> : (
        <form method="post" action={`/dashboard/events/${event.id}/performances`} novalidate>
          <Csrf viewer={props.viewer} />
          <label for="venueId">Venue</label>
          <select id="venueId" name="venueId" aria-invalid={e.venueId ? 'true' : undefined} aria-describedby={e.venueId ? 'venueId-error' : undefined}>
            {venues.map((x) => <option value={x.id} selected={one(v.venueId) === x.id}>{x.name} ({x.timeZone})</option>)}
          </select>
          <FieldError id="venueId-error" error={e.venueId} />
          <p class="muted">Dates and times are on the venue's clock.</p>
          <fieldset>
            <legend>How many</legend>
            <label class="check"><input type="radio" name="kind" value="once" checked={kind === 'once'} /> <span>One performance, on the date below</span></label>
            <label class="check"><input type="radio" name="kind" value="series" checked={kind === 'series'} /> <span>A weekly series, between the first and last dates below</span></label>
          </fieldset>
          <Field type="date" name="date" label="Date (one performance)" values={v} errors={e} />
          <Field type="time" name="time" label="Start time" hint="For example 19:30." values={v} errors={e} required />
          <fieldset aria-describedby={e.weekdays ? 'weekdays-error' : undefined}>
            <legend>Days of the week (series)</legend>
            {WEEKDAYS.map((name, i) => (
              <label class="check"><input type="checkbox" name="weekdays" value={String(i)} checked={weekdays.includes(String(i))} /> <span>{name}</span></label>
            ))}
            <FieldError id="weekdays-error" error={e.weekdays} />
          </fieldset>
          <Field type="date" name="from" label="First date (series)" values={v} errors={e} />
          <Field type="date" name="until" label="Last date (series)" hint="At most 200 performances." values={v} errors={e} />
          <label for="template">Ticket types and quotas</label>
          <select id="template" name="template" aria-invalid={e.template ? 'true' : undefined} aria-describedby={e.template ? 'template-error' : undefined}>
            {live.length > 0 && <option value="first" selected={template === 'first'}>Copy those of the first performance</option>}
            {live.map((p) => <option value={p.id} selected={template === p.id}>Copy those of {startsText(p)}</option>)}
            <option value="none" selected={template === 'none' || live.length === 0}>None yet (add them to each performance)</option>
          </select>
          <FieldError id="template-error" error={e.template} />
          <button type="submit" name="action" value="preview">Show the dates</button>{' '}
          {props.preview && <button type="submit" name="action" value="create">Create {props.preview.starts.length} {props.preview.starts.length === 1 ? 'performance' : 'performances'}</button>}
        </form>
      )}
      {props.preview && (
        <section aria-labelledby="preview-heading" data-preview>
          <h2 id="preview-heading">{props.preview.starts.length} {props.preview.starts.length === 1 ? 'performance' : 'performances'} at {props.preview.venue.name}</h2>
          <ol>{props.preview.starts.map((d) => <li><time datetime={d.toISOString()}>{formatInZone(d, props.preview!.venue.timeZone)}</time></li>)}</ol>
        </section>
      )}
    </Page>
  );
}

function quotaNames(t: TicketTypeRecord, quotas: QuotaRecord[]): string {
  return quotas.filter((q) => t.quotaIds.includes(q.id)).map((q) => q.name).join(', ');
}

function windowText(t: TicketTypeRecord, p: PerformanceRecord): string {
  const at = (d: Date) => localTimeWithOffset(d, p.timeZone);
  if (!t.salesOpensAt && !t.salesClosesAt) return 'From publication until the start';
  return `${t.salesOpensAt ? at(t.salesOpensAt) : 'publication'} to ${t.salesClosesAt ? at(t.salesClosesAt) : 'the start'}`;
}

export function PerformancePage(props: {
  detail: PerformanceDetail; values: FormValues; errors: FieldErrors; canManage: boolean; canCancel: boolean; notice: string | null; viewer: Viewer;
}) {
  const { performance: p, event, quotas, ticketTypes } = props.detail;
  return (
    <Page title={`${event.title}, ${startsText(p)}`} errors={props.errors} viewer={props.viewer} back={{ href: `/dashboard/events/${event.id}`, label: `Back to ${event.title}` }}>
      <Notice text={props.notice} />
      <p>At {p.venueName}. {p.cancelledAt ? 'Cancelled.' : ''}</p>
      {props.canCancel && !p.cancelledAt && <p><a href={`/dashboard/performances/${p.id}/cancel`}>Cancel this performance</a></p>}

      <h2>Quotas</h2>
      <p>A quota is a number of places; every ticket type draws on one or more, and a sale takes a place from each.</p>
      {quotas.length === 0 ? <p>No quotas yet.</p> : (
        <ul class="plain">
          {quotas.map((q) => (
            <li>
              {props.canManage ? (
                <form method="post" action={`/dashboard/performances/${p.id}/quotas/${q.id}`} novalidate>
                  <Csrf viewer={props.viewer} />
                  <fieldset>
                    <legend>Quota {q.name}</legend>
                    <Field idPrefix={`q-${q.id}-`} name="name" label="Name" values={{ name: q.name }} errors={{}} required />
                    <Field idPrefix={`q-${q.id}-`} name="capacity" label="Places" values={{ capacity: String(q.capacity) }} errors={{}} inputMode="numeric" required />
                    <button type="submit">Save quota {q.name}</button>
                  </fieldset>
                </form>
              ) : <span>{q.name}: {q.capacity} places</span>}
            </li>
          ))}
        </ul>
      )}
      {props.canManage && (
        <form method="post" action={`/dashboard/performances/${p.id}/quotas`} novalidate>
          <Csrf viewer={props.viewer} />
          <fieldset>
            <legend>New quota</legend>
            <Field name="name" label="Name" hint="For example Hall." values={props.values} errors={props.errors} required />
            <Field name="capacity" label="Places" values={props.values} errors={props.errors} inputMode="numeric" required />
            <button type="submit">Add the quota</button>
          </fieldset>
        </form>
      )}

      <h2>Ticket types</h2>
      {ticketTypes.length === 0 ? <p>No ticket types yet.</p> : (
        <ScrollableTable label="Ticket types">
          <table>
            <caption class="sr-only">Ticket types</caption>
            <thead><tr><th scope="col">Name</th><th scope="col" class="num">Price</th><th scope="col">Tax</th><th scope="col">Quotas</th><th scope="col">On sale</th><th scope="col">Per order</th></tr></thead>
            <tbody>
              {ticketTypes.map((t) => (
                <tr>
                  <td>{props.canManage ? <a href={`/dashboard/performances/${p.id}/ticket-types/${t.id}`}>{t.name}</a> : t.name}</td>
                  <td class="num">{formatMoney({ amount: t.priceMinor, currency: t.currency })}</td>
                  <td>{bp(t.taxRateBp)}% {t.taxInclusive ? 'included' : 'on top'}</td>
                  <td>{quotaNames(t, quotas)}</td>
                  <td>{windowText(t, p)}</td>
                  <td>{t.minPerOrder}–{t.maxPerOrder}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
      {props.canManage && <p><a href={`/dashboard/performances/${p.id}/ticket-types/new`}>Add a ticket type</a></p>}
    </Page>
  );
}

export function ticketTypeValues(t: TicketTypeRecord, timeZone: string): FormValues {
  const local = (d: Date | null) => (d ? localTimeWithOffset(d, timeZone).slice(0, 16).replace(' ', 'T') : '');
  return {
    name: t.name, price: minorToDecimal(t.priceMinor, t.currency), currency: t.currency, taxRate: bp(t.taxRateBp), taxInclusive: t.taxInclusive ? 'yes' : '',
    salesOpens: local(t.salesOpensAt), salesCloses: local(t.salesClosesAt), minPerOrder: String(t.minPerOrder), maxPerOrder: String(t.maxPerOrder), quotaIds: t.quotaIds,
  };
}

export const NEW_TICKET_TYPE: FormValues = { currency: 'GBP', taxRate: '0', taxInclusive: 'yes', minPerOrder: '1', maxPerOrder: '10' };

export function TicketTypePage(props: { detail: PerformanceDetail; ticketTypeId: string | null; values: FormValues; errors: FieldErrors; viewer: Viewer }) {
  const { performance: p, event, quotas } = props.detail;
  const v = props.values;
  const e = props.errors;
  const chosen = many(v.quotaIds);
  const action = props.ticketTypeId ? `/dashboard/performances/${p.id}/ticket-types/${props.ticketTypeId}` : `/dashboard/performances/${p.id}/ticket-types`;
  return (
    <Page
      title={props.ticketTypeId ? `Ticket type ${one(v.name)}` : 'New ticket type'} errors={e} viewer={props.viewer}
      back={{ href: `/dashboard/performances/${p.id}`, label: `Back to ${event.title}, ${startsText(p)}` }}
    >
      <form method="post" action={action} novalidate>
        <Csrf viewer={props.viewer} />
        <Field name="name" label="Name" hint="For example Adult or Student." values={v} errors={e} required />
        <Field name="price" label="Price" hint="What the buyer pays per ticket, e.g. 25.00." values={v} errors={e} inputMode="decimal" required />
        <Field name="currency" label="Currency" hint="A three-letter code such as GBP or EUR." values={v} errors={e} required />
        <Field name="taxRate" label="Tax rate (%)" values={v} errors={e} inputMode="decimal" />
        <label class="check"><input type="checkbox" name="taxInclusive" value="yes" checked={one(v.taxInclusive) === 'yes'} /> <span>The price includes the tax</span></label>
        <fieldset>
          <legend>On sale (on the clock of {p.timeZone}; empty for from publication until the start)</legend>
          <Field type="datetime-local" name="salesOpens" label="Sales open" values={v} errors={e} />
          <Field type="datetime-local" name="salesCloses" label="Sales close" values={v} errors={e} />
        </fieldset>
        <Field name="minPerOrder" label="Fewest per order" values={v} errors={e} inputMode="numeric" required />
        <Field name="maxPerOrder" label="Most per order" values={v} errors={e} inputMode="numeric" required />
        <fieldset aria-describedby={e.quotaIds ? 'quotaIds-error' : undefined}>
          <legend>Quotas it draws on</legend>
          {quotas.map((q) => (
            <label class="check"><input type="checkbox" name="quotaIds" value={q.id} checked={chosen.includes(q.id)} /> <span>{q.name} ({q.capacity} places)</span></label>
          ))}
          <FieldError id="quotaIds-error" error={e.quotaIds} />
          <Field name="ownCapacity" label="And a limit of its own (places; optional)" hint="Adds a quota named after the ticket type that only it draws on." values={v} errors={e} inputMode="numeric" />
        </fieldset>
        <button type="submit">{props.ticketTypeId ? 'Save the ticket type' : 'Add the ticket type'}</button>
      </form>
    </Page>
  );
}
