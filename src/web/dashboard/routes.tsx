import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { doorPerformances } from '../../app/door.ts';
import { type ExportFormat, exportAttendees, exportsOverview } from '../../app/exports.ts';
import { paymentIssues, producerOrder, producerOrders, renameAttendee, resendTickets, searchProducerOrders } from '../../app/producer.ts';
import { cancelPerformance, paidOrdersOfPerformance, planRefund, refundOrder } from '../../app/refunds.ts';
import { salesOverview } from '../../app/sales.ts';
import { formatMoney } from '../../domain/money.ts';
import { statusOf } from '../../http/errors.ts';
import { attendeeNameForm, firstMessages, orderSearchQuery, ticketId, uuid } from '../forms.ts';
import { type Result, fail } from '../../domain/errors.ts';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { allowed, csrfValid, type SignedIn, } from '../session.ts';
import type { Action } from '../../domain/policy.ts';
import { ExportsPage } from './exportsPage.tsx';
import { CancelPerformancePage, OrderDetailPage, OrdersPage } from './pages.tsx';
import { RefundConfirmPage } from './refundConfirm.tsx';
import { SalesPage } from './salesPage.tsx';
import { userGuard } from './guard.tsx';

const refundForm = z.object({
  csrf: z.string().optional(),
  scope: z.enum(['selected', 'all'], { message: 'Choose what to refund.' }),
  ticketId: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});

/** The producer's workspace: orders, one order with refunds, cancelling a performance. */
export function registerDashboardRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'orders.read');

  app.get('/dashboard', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const query = orderSearchQuery.safeParse(req.query ?? {});
    const common = { issues: await paymentIssues(deps, s.user), performances: await doorPerformances(deps, s.user), viewer: s.viewer, canExport: allowed(s, 'attendees.export'), canSell: allowed(s, 'counter.sell'), canConfigureSales: allowed(s, 'events.manage') };
    if (!query.success) return html(reply, <OrdersPage orders={[]} {...common} notice={null} errors={firstMessages(query.error)} />, 400);
    const q = query.data.q ?? '';
    if (q !== '') {
      const found = await searchProducerOrders(deps, s.user, q, query.data.page);
      if (!found.ok) return html(reply, <OrdersPage orders={[]} {...common} notice={null} search={{ query: q, page: 1, rows: [], hasNext: false }} errors={[found.message]} />, statusOf(found));
      return html(reply, <OrdersPage orders={found.value.rows} {...common} notice={null} search={found.value} />);
    }
    const notice = query.data.done === 'cancelled' ? 'The performance is cancelled; its buyers are being refunded and told.' : null;
    return html(reply, <OrdersPage orders={await producerOrders(deps, s.user)} {...common} notice={notice} />);
  });

  const DONE: Record<string, string> = { resent: 'The tickets are on their way to the buyer again.', renamed: 'The name on the ticket is changed. Its QR code stays the same.' };
  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/dashboard/orders/:id', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const detail = await producerOrder(deps, s.user, req.params.id);
    if (!detail.ok) return failurePage(reply, detail, s.viewer);
    const done = req.query.done;
    const notice = !done ? null : (DONE[done] ?? `Refunded ${done}.`);
    return html(reply, <OrderDetailPage detail={detail.value} errors={[]} notice={notice} viewer={s.viewer} />);
  });

  /** A form on the order page: role, order of this producer, CSRF, then the use case; errors show on the order page. */
  const orderAction = async (
    req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: Action,
    run: (s: SignedIn, body: Record<string, unknown>) => Promise<Result<unknown>>, done: string,
  ) => {
    const s = await requireUser(req, reply, action);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const detail = await producerOrder(deps, s.user, req.params.id);
    if (!detail.ok) return failurePage(reply, detail, s.viewer);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A refused action changed nothing (one transaction), so the order as read above is still current.
    const again = (status: number, errors: string[]) => html(reply, <OrderDetailPage detail={detail.value} errors={errors} notice={null} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    const result = await run(s, body);
    if (!result.ok) return again(statusOf(result), [result.message]);
    return reply.redirect(`/dashboard/orders/${req.params.id}?done=${done}`, 303);
  };

  app.post<{ Params: { id: string } }>('/dashboard/orders/:id/resend', (req, reply) =>
    orderAction(req, reply, 'orders.resend', (s) => resendTickets(deps, s.user, req.params.id), 'resent'));

  app.post<{ Params: { id: string; ticketId: string } }>('/dashboard/orders/:id/tickets/:ticketId/name', (req, reply) =>
    orderAction(req, reply, 'tickets.rename', async (s, body) => {
      if (!ticketId.safeParse(req.params.ticketId).success) return fail('not_found', 'This order has no such valid ticket.');
      const form = attendeeNameForm.safeParse(body);
      if (!form.success) return fail('invalid_input', firstMessages(form.error).join(' '));
      return renameAttendee(deps, s.user, req.params.id, req.params.ticketId, form.data.attendeeName);
    }, 'renamed'));

  app.post<{ Params: { id: string } }>('/dashboard/orders/:id/refund', async (req, reply) => {
    const s = await requireUser(req, reply, 'orders.refund');
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const detail = await producerOrder(deps, s.user, req.params.id);
    if (!detail.ok) return failurePage(reply, detail, s.viewer);
    const again = (status: number, errors: string[]) => html(reply, <OrderDetailPage detail={detail.value} errors={errors} notice={null} viewer={s.viewer} />, status);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    const form = refundForm.safeParse(body);
    if (!form.success) return again(400, form.error.issues.map((i) => i.message));
    const ticketIds = form.data.scope === 'all' ? null : form.data.ticketId;
    // The first post shows what would happen; only the confirmation's post (confirm=yes) refunds.
    if (body.confirm !== 'yes') {
      const plan = await planRefund(deps, s.user, req.params.id, { ticketIds });
      if (!plan.ok) return again(statusOf(plan), [plan.message]);
      return html(reply, <RefundConfirmPage plan={plan.value} scope={form.data.scope} viewer={s.viewer} />);
    }
    const result = await refundOrder(deps, s.user, req.params.id, { ticketIds });
    if (!result.ok) return again(statusOf(result), [result.message]);
    return reply.redirect(`/dashboard/orders/${req.params.id}?done=${encodeURIComponent(formatMoney(result.value.refunded))}`, 303);
  });

  const performanceOf = async (s: SignedIn, id: string) => (await doorPerformances(deps, s.user)).find((p) => p.id === id);

  app.get<{ Params: { id: string } }>('/dashboard/performances/:id/cancel', async (req, reply) => {
    const s = await requireUser(req, reply, 'performances.cancel');
    if (!s) return reply;
    const performance = uuid.safeParse(req.params.id).success ? await performanceOf(s, req.params.id) : undefined;
    if (!performance) return reply.callNotFound();
    const paid = await paidOrdersOfPerformance(deps, s.user, performance.id);
    return html(reply, <CancelPerformancePage performance={performance} paidOrders={paid} errors={[]} viewer={s.viewer} />);
  });

  app.post<{ Params: { id: string } }>('/dashboard/performances/:id/cancel', async (req, reply) => {
    const s = await requireUser(req, reply, 'performances.cancel');
    if (!s) return reply;
    const performance = uuid.safeParse(req.params.id).success ? await performanceOf(s, req.params.id) : undefined;
    if (!performance) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const again = (status: number, message: string) => html(reply, <CancelPerformancePage performance={performance} paidOrders={0} errors={[message]} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, 'This form has expired. Reload the page and try again.');
    if (body.confirm !== 'yes') return again(400, 'Tick the box to confirm the cancellation.');
    const result = await cancelPerformance(deps, s.user, performance.id);
    if (!result.ok) return again(statusOf(result), result.message);
    return reply.redirect('/dashboard?done=cancelled', 303);
  });

  // ---------- attendee export ----------

  app.get('/dashboard/exports', async (req, reply) => {
    const s = await requireUser(req, reply, 'attendees.export');
    if (!s) return reply;
    const overview = await exportsOverview(deps, s.user);
    if (!overview.ok) return failurePage(reply, overview, s.viewer);
    return html(reply, <ExportsPage overview={overview.value} viewer={s.viewer} />);
  });

  const download = async (req: FastifyRequest, reply: FastifyReply, eventId: string | null, format: ExportFormat) => {
    const s = await requireUser(req, reply, 'attendees.export');
    if (!s) return reply;
    if (eventId !== null && !uuid.safeParse(eventId).success) return reply.callNotFound();
    const result = await exportAttendees(deps, s.user, eventId === null ? 'all' : { eventId }, format);
    if (!result.ok) return failurePage(reply, result, s.viewer);
    return reply
      .header('Content-Disposition', `attachment; filename="${result.value.filename}"`)
      .header('Cache-Control', 'no-store')
      .type(result.value.contentType)
      .send(result.value.body);
  };
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/dashboard/attendees.${format}`, (req, reply) => download(req, reply, null, format));
    app.get<{ Params: { eventId: string } }>(`/dashboard/events/:eventId/attendees.${format}`, (req, reply) => download(req, reply, req.params.eventId, format));
  }

  // ---------- sales dashboard ----------

  app.get('/dashboard/sales', async (req, reply) => {
    const s = await requireUser(req, reply, 'sales.read');
    if (!s) return reply;
    const overview = await salesOverview(deps, s.user);
    if (!overview.ok) return failurePage(reply, overview, s.viewer);
    return html(reply, <SalesPage overview={overview.value} viewer={s.viewer} />);
  });
}
