import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  type EventDetail, type PerformanceDetail, addPerformances, addQuota, addTicketType, copyEvent, createEvent, createVenue, eventDetail, performanceDetail, previewPerformances, producerEvents,
  setEventPublished, updateEvent, updateQuota, updateTicketType, updateVenue, venue,
} from '../../app/events.ts';
import type { Failure } from '../../domain/errors.ts';
import { statusOf } from '../../http/errors.ts';
import { uuid } from '../forms.ts';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { allowed, csrfValid, type SignedIn, } from '../session.ts';
import {
  copyForm, eventForm, type FieldErrors, failureErrors, fieldErrors, type FormValues, performanceForm, publishForm, quotaForm, ticketTypeForm, valuesOf, venueForm,
} from './eventForms.ts';
import {
  EventPage, EventsPage, eventValues, NEW_TICKET_TYPE, NewEventPage, NewPerformancesPage, PerformancePage, TicketTypePage, ticketTypeValues, VenueFormPage, venueValues,
} from './eventsPages.tsx';
import { userGuard } from './guard.tsx';

const EXPIRED: FieldErrors = { '': 'This form has expired. Reload the page and try again.' };
const DONE: Record<string, string> = {
  created: 'The event is created. Add its performances and ticket types, then publish it.',
  saved: 'Saved.',
  published: 'The event is published: buyers can see it and buy tickets.',
  unpublished: 'The event is unpublished: buyers no longer see it.',
  copied: 'This is the copy. It is not published.',
  performances: 'The performances are added.',
  quota: 'The quota is saved.',
  ticketType: 'The ticket type is saved.',
  venue: 'The venue is saved.',
};
const noticeOf = (req: FastifyRequest) => DONE[(req.query as { done?: string } | undefined)?.done ?? ''] ?? null;
const bodyOf = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;

/**
 * The producer's event management (issue 6 §2): venues, events, performances, quotas and ticket
 * types. Reading takes `events.read`, changing `events.manage`; every form carries the CSRF token,
 * is validated by its zod schema in eventForms.ts, and shows its errors next to its fields.
 */
export function registerEventRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'events.read');
  /** Ids in the path are uuids; anything else is "not found" before any query. */
  const ids = (req: FastifyRequest) => Object.values(req.params as Record<string, string>).every((v) => uuid.safeParse(v).success);

  /**
   * A form post: signed in with `events.manage`, the ids well formed, the resource shown again on
   * failure (`again`), CSRF, the schema, then the use case. Refusals re-render with status and errors.
   */
  async function post<S extends z.ZodType, Ctx>(
    req: FastifyRequest, reply: FastifyReply,
    load: (s: SignedIn) => Promise<{ ok: true; value: Ctx } | Failure>,
    schema: S,
    again: (s: SignedIn, ctx: Ctx, values: FormValues, errors: FieldErrors, status: number) => FastifyReply,
    /** The address to go to, a refusal, or null when the use case's page is already sent (a preview). */
    run: (s: SignedIn, ctx: Ctx, input: z.output<S>) => Promise<{ ok: true; value: string } | Failure | null>,
    mapField: (e: FieldErrors) => FieldErrors = (e) => e,
  ) {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const ctx = await load(s);
    if (!ctx.ok) return failurePage(reply, ctx, s.viewer);
    const body = bodyOf(req);
    const values = valuesOf(body);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(s, ctx.value, values, EXPIRED, 403);
    const parsed = schema.safeParse(body);
    if (!parsed.success) return again(s, ctx.value, values, mapField(fieldErrors(parsed.error)), 400);
    const r = await run(s, ctx.value, parsed.data);
    if (r === null) return reply;
    if (!r.ok) return again(s, ctx.value, values, mapField(failureErrors(r)), statusOf(r));
    return reply.redirect(r.value, 303);
  }
  const none = async () => ({ ok: true as const, value: null });

  // ---------- events ----------

  app.get('/dashboard/events', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.read');
    if (!s) return reply;
    const r = await producerEvents(deps, s.user);
    if (!r.ok) return failurePage(reply, r, s.viewer);
    return html(reply, <EventsPage events={r.value.events} venues={r.value.venues} canManage={allowed(s, 'events.manage')} notice={noticeOf(req)} viewer={s.viewer} />);
  });

  const newEventDefaults: FormValues = { feePerTicket: '0.00', feePerOrder: '0.00', feeTaxRate: '0' };
  app.get('/dashboard/events/new', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    return html(reply, <NewEventPage values={newEventDefaults} errors={{}} viewer={s.viewer} />);
  });
  app.post('/dashboard/events', (req, reply) => post(
    req, reply, none, eventForm,
    (s, _ctx, values, errors, status) => html(reply, <NewEventPage values={values} errors={errors} viewer={s.viewer} />, status),
    async (s, _ctx, input) => {
      const r = await createEvent(deps, s.user, input);
      return r.ok ? { ok: true, value: `/dashboard/events/${r.value.id}?done=created` } : r;
    },
  ));

  const eventPage = (reply: FastifyReply, s: SignedIn, detail: { value: EventDetail }, values: FormValues | null, errors: FieldErrors, status: number, notice: string | null) =>
    html(reply, (
      <EventPage
        detail={detail.value} values={values ?? eventValues(detail.value.event)} errors={errors} copySlug={typeof values?.newSlug === 'string' ? values.newSlug : `${detail.value.event.slug}-copy`.slice(0, 80)}
        canManage={allowed(s, 'events.manage')} notice={notice} viewer={s.viewer}
      />
    ), status);

  app.get<{ Params: { eventId: string } }>('/dashboard/events/:eventId', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.read');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const d = await eventDetail(deps, s.user, req.params.eventId);
    if (!d.ok) return failurePage(reply, d, s.viewer);
    return eventPage(reply, s, d, null, {}, 200, noticeOf(req));
  });

  const loadEvent = (req: FastifyRequest<{ Params: { eventId: string } }>) => (s: SignedIn) => eventDetail(deps, s.user, req.params.eventId);
  /** The edit form keeps what was typed; the publish and copy forms show the event as it is. */
  const againEvent = (reply: FastifyReply, keepValues: boolean) => (s: SignedIn, ctx: EventDetail, values: FormValues, errors: FieldErrors, status: number) =>
    eventPage(reply, s, { value: ctx }, keepValues ? values : ('newSlug' in values ? { ...eventValues(ctx.event), newSlug: values.newSlug! } : null), errors, status, null);

  app.post<{ Params: { eventId: string } }>('/dashboard/events/:eventId', (req, reply) => post(
    req, reply, loadEvent(req), eventForm, againEvent(reply, true),
    async (s, _ctx, input) => {
      const r = await updateEvent(deps, s.user, req.params.eventId, input);
      return r.ok ? { ok: true, value: `/dashboard/events/${r.value.id}?done=saved` } : r;
    },
  ));

  app.post<{ Params: { eventId: string } }>('/dashboard/events/:eventId/publish', (req, reply) => post(
    req, reply, loadEvent(req), publishForm, againEvent(reply, false),
    async (s, _ctx, input) => {
      const r = await setEventPublished(deps, s.user, req.params.eventId, input.published === 'yes');
      return r.ok ? { ok: true, value: `/dashboard/events/${r.value.id}?done=${r.value.published ? 'published' : 'unpublished'}` } : r;
    },
  ));

  app.post<{ Params: { eventId: string } }>('/dashboard/events/:eventId/copy', (req, reply) => post(
    req, reply, loadEvent(req), copyForm, againEvent(reply, false),
    async (s, _ctx, input) => {
      const r = await copyEvent(deps, s.user, req.params.eventId, input.newSlug);
      return r.ok ? { ok: true, value: `/dashboard/events/${r.value.id}?done=copied` } : r;
    },
    (e) => ('slug' in e ? { newSlug: e.slug! } : e),
  ));

  // ---------- performances ----------

  app.get<{ Params: { eventId: string } }>('/dashboard/events/:eventId/performances/new', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const d = await eventDetail(deps, s.user, req.params.eventId);
    if (!d.ok) return failurePage(reply, d, s.viewer);
    return html(reply, <NewPerformancesPage detail={d.value} values={{ kind: 'once', time: '19:30' }} errors={{}} preview={null} viewer={s.viewer} />);
  });

  app.post<{ Params: { eventId: string } }>('/dashboard/events/:eventId/performances', (req, reply) => post(
    req, reply, loadEvent(req), performanceForm,
    (s, ctx, values, errors, status) => html(reply, <NewPerformancesPage detail={ctx} values={values} errors={errors} preview={null} viewer={s.viewer} />, status),
    async (s, ctx, input) => {
      if (input.action === 'preview') {
        const p = await previewPerformances(deps, s.user, req.params.eventId, input);
        if (!p.ok) return p;
        // The preview is a page, not a redirect: it shows the dates and the button that creates them.
        html(reply, <NewPerformancesPage detail={ctx} values={valuesOf(bodyOf(req))} errors={{}} preview={p.value} viewer={s.viewer} />);
        return null;
      }
      const r = await addPerformances(deps, s.user, req.params.eventId, input);
      return r.ok ? { ok: true, value: r.value.ids.length === 1 ? `/dashboard/performances/${r.value.ids[0]}?done=performances` : `/dashboard/events/${req.params.eventId}?done=performances` } : r;
    },
  ));

  const performancePage = (reply: FastifyReply, s: SignedIn, d: { value: PerformanceDetail }, values: FormValues, errors: FieldErrors, status: number, notice: string | null) =>
    html(reply, (
      <PerformancePage
        detail={d.value} values={values} errors={errors} canManage={allowed(s, 'events.manage')} canCancel={allowed(s, 'performances.cancel')} notice={notice} viewer={s.viewer}
      />
    ), status);

  app.get<{ Params: { id: string } }>('/dashboard/performances/:id', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.read');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const d = await performanceDetail(deps, s.user, req.params.id);
    if (!d.ok) return failurePage(reply, d, s.viewer);
    return performancePage(reply, s, d, {}, {}, 200, noticeOf(req));
  });

  const loadPerformance = (req: FastifyRequest<{ Params: { id: string } }>) => (s: SignedIn) => performanceDetail(deps, s.user, req.params.id);

  app.post<{ Params: { id: string } }>('/dashboard/performances/:id/quotas', (req, reply) => post(
    req, reply, loadPerformance(req), quotaForm,
    (s, ctx, values, errors, status) => performancePage(reply, s, { value: ctx }, values, errors, status, null),
    async (s, _ctx, input) => {
      const r = await addQuota(deps, s.user, req.params.id, input);
      return r.ok ? { ok: true, value: `/dashboard/performances/${req.params.id}?done=quota` } : r;
    },
  ));

  app.post<{ Params: { id: string; quotaId: string } }>('/dashboard/performances/:id/quotas/:quotaId', (req, reply) => post(
    req, reply, loadPerformance(req), quotaForm,
    // The errors go to the summary: the new-quota form below keeps its own fields empty.
    (s, ctx, _values, errors, status) => performancePage(reply, s, { value: ctx }, {}, Object.fromEntries(Object.values(errors).map((m, i) => [`quota-${i}`, m])), status, null),
    async (s, _ctx, input) => {
      const r = await updateQuota(deps, s.user, req.params.id, req.params.quotaId, input);
      return r.ok ? { ok: true, value: `/dashboard/performances/${req.params.id}?done=quota` } : r;
    },
  ));

  app.get<{ Params: { id: string } }>('/dashboard/performances/:id/ticket-types/new', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const d = await performanceDetail(deps, s.user, req.params.id);
    if (!d.ok) return failurePage(reply, d, s.viewer);
    return html(reply, <TicketTypePage detail={d.value} ticketTypeId={null} values={NEW_TICKET_TYPE} errors={{}} viewer={s.viewer} />);
  });

  app.post<{ Params: { id: string } }>('/dashboard/performances/:id/ticket-types', (req, reply) => post(
    req, reply, loadPerformance(req), ticketTypeForm,
    (s, ctx, values, errors, status) => html(reply, <TicketTypePage detail={ctx} ticketTypeId={null} values={values} errors={errors} viewer={s.viewer} />, status),
    async (s, _ctx, input) => {
      const r = await addTicketType(deps, s.user, req.params.id, input);
      return r.ok ? { ok: true, value: `/dashboard/performances/${req.params.id}?done=ticketType` } : r;
    },
  ));

  app.get<{ Params: { id: string; ticketTypeId: string } }>('/dashboard/performances/:id/ticket-types/:ticketTypeId', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const d = await performanceDetail(deps, s.user, req.params.id);
    if (!d.ok) return failurePage(reply, d, s.viewer);
    const t = d.value.ticketTypes.find((x) => x.id === req.params.ticketTypeId);
    if (!t) return reply.callNotFound();
    return html(reply, <TicketTypePage detail={d.value} ticketTypeId={t.id} values={ticketTypeValues(t, d.value.performance.timeZone)} errors={{}} viewer={s.viewer} />);
  });

  app.post<{ Params: { id: string; ticketTypeId: string } }>('/dashboard/performances/:id/ticket-types/:ticketTypeId', (req, reply) => post(
    req, reply, loadPerformance(req), ticketTypeForm,
    (s, ctx, values, errors, status) => html(reply, <TicketTypePage detail={ctx} ticketTypeId={req.params.ticketTypeId} values={values} errors={errors} viewer={s.viewer} />, status),
    async (s, _ctx, input) => {
      const r = await updateTicketType(deps, s.user, req.params.id, req.params.ticketTypeId, input);
      return r.ok ? { ok: true, value: `/dashboard/performances/${req.params.id}?done=ticketType` } : r;
    },
  ));

  // ---------- venues ----------

  app.get('/dashboard/venues/new', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.manage');
    if (!s) return reply;
    return html(reply, <VenueFormPage venueId={null} values={{}} errors={{}} canManage notice={null} viewer={s.viewer} />);
  });
  app.post('/dashboard/venues', (req, reply) => post(
    req, reply, none, venueForm,
    (s, _ctx, values, errors, status) => html(reply, <VenueFormPage venueId={null} values={values} errors={errors} canManage notice={null} viewer={s.viewer} />, status),
    async (s, _ctx, input) => {
      const r = await createVenue(deps, s.user, input);
      return r.ok ? { ok: true, value: `/dashboard/venues/${r.value.id}?done=venue` } : r;
    },
  ));
  app.get<{ Params: { venueId: string } }>('/dashboard/venues/:venueId', async (req, reply) => {
    const s = await requireUser(req, reply, 'events.read');
    if (!s) return reply;
    if (!ids(req)) return reply.callNotFound();
    const v = await venue(deps, s.user, req.params.venueId);
    if (!v.ok) return failurePage(reply, v, s.viewer);
    return html(reply, <VenueFormPage venueId={v.value.id} values={venueValues(v.value)} errors={{}} canManage={allowed(s, 'events.manage')} notice={noticeOf(req)} viewer={s.viewer} />);
  });
  app.post<{ Params: { venueId: string } }>('/dashboard/venues/:venueId', (req, reply) => post(
    req, reply, (s) => venue(deps, s.user, req.params.venueId), venueForm,
    (s, ctx, values, errors, status) => html(reply, <VenueFormPage venueId={ctx.id} values={values} errors={errors} canManage notice={null} viewer={s.viewer} />, status),
    async (s, _ctx, input) => {
      const r = await updateVenue(deps, s.user, req.params.venueId, input);
      return r.ok ? { ok: true, value: `/dashboard/venues/${r.value.id}?done=venue` } : r;
    },
  ));
}
