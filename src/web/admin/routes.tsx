import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decideDisclosure, disclosureRequest, disclosureRequests, exportDisclosure, recordDisclosure } from '../../app/disclosure.ts';
import { staffLogIn, staffLogOut } from '../../app/staff.ts';
import { closeSupportRequest, openSupportRequest, openSupportRequests, supportLookup } from '../../app/support.ts';
import type { DisclosureField } from '../../domain/disclosure.ts';
import { statusOf } from '../../http/errors.ts';
import { decisionForm, disclosureForm, firstMessages, loginForm, supportLookupForm, uuid } from '../forms.ts';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, signedIn } from '../session.ts';
import {
  type DisclosureFormValues, DisclosurePage, DisclosuresPage, EMPTY_DISCLOSURE_FORM, StaffForbiddenPage, StaffLoginPage, SupportCasePage,
  SupportConsolePage, SupportRequestPage,
} from './pages.tsx';
import { clearStaffCookie, type SignedInStaff, setStaffCookie, signedInStaff } from './session.ts';

const EXPIRED = 'This form has expired. Reload the page and try again.';

/** The platform staff's console: support look-ups and lawful disclosure. Only a staff session opens it. */
export function registerAdminRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;

  /**
   * The signed-in staff member (an administrator when `adminOnly`), with the form's CSRF token checked on POST;
   * otherwise the reply is sent and null returned. A producer's session is refused (403), never redirected.
   */
  const requireStaff = async (req: FastifyRequest, reply: FastifyReply, opts: { adminOnly?: boolean } = {}): Promise<SignedInStaff | null> => {
    const s = await signedInStaff(deps, w.session, req);
    if (!s) {
      if (req.method === 'GET' && !(await signedIn(deps, w.session, req))) await reply.redirect('/admin/login', 303);
      else await html(reply, <StaffForbiddenPage message="This part of Marquee is for the platform's own staff. A producer's log-in does not open it." />, 403);
      return null;
    }
    if (opts.adminOnly && s.staff.role !== 'admin') {
      await html(reply, <StaffForbiddenPage message="Only a platform administrator can open this page." />, 403);
      return null;
    }
    if (req.method === 'POST' && !csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      await html(reply, <StaffForbiddenPage message={EXPIRED} />, 403);
      return null;
    }
    return s;
  };

  app.get('/admin', async (_req, reply) => reply.redirect('/admin/support', 303));
  app.get('/admin/login', async (_req, reply) => html(reply, <StaffLoginPage email="" errors={[]} />));

  app.post('/admin/login', async (req, reply) => {
    const form = loginForm.safeParse(req.body ?? {});
    if (!form.success) return html(reply, <StaffLoginPage email="" errors={firstMessages(form.error)} />, 400);
    const result = await staffLogIn(deps, form.data.email, form.data.password);
    if (!result.ok) return html(reply, <StaffLoginPage email={form.data.email} errors={[result.message]} />, 401);
    setStaffCookie(reply, w.session, result.value.token, result.value.expiresAt);
    return reply.redirect('/admin/support', 303);
  });

  app.post('/admin/logout', async (req, reply) => {
    const s = await signedInStaff(deps, w.session, req);
    if (s && csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) await staffLogOut(deps, s.token);
    clearStaffCookie(reply, w.session);
    return reply.redirect('/admin/login', 303);
  });

  // ---------- support ----------

  app.get('/admin/support', async (req, reply) => {
    const s = await requireStaff(req, reply);
    if (!s) return reply;
    return html(reply, <SupportConsolePage viewer={s} requests={await openSupportRequests(deps, s.staff)} errors={[]} reference="" reason="" />);
  });

  app.post('/admin/support/lookup', async (req, reply) => {
    const s = await requireStaff(req, reply);
    if (!s) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const again = async (status: number, errors: string[]) =>
      html(reply, <SupportConsolePage viewer={s} requests={await openSupportRequests(deps, s.staff)} errors={errors}
        reference={String(body.reference ?? '').slice(0, 40)} reason={String(body.reason ?? '').slice(0, 500)} />, status);
    const form = supportLookupForm.safeParse(body);
    if (!form.success) return again(400, firstMessages(form.error));
    const view = await supportLookup(deps, s.staff, form.data);
    if (!view.ok) return again(statusOf(view), [view.message]);
    return html(reply, <SupportCasePage viewer={s} view={view.value} />);
  });

  app.get<{ Params: { id: string } }>('/admin/support/requests/:id', async (req, reply) => {
    const s = await requireStaff(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const request = await openSupportRequest(deps, s.staff, req.params.id);
    if (!request.ok) return failurePage(reply, request);
    return html(reply, <SupportRequestPage viewer={s} request={request.value} />);
  });

  app.post<{ Params: { id: string } }>('/admin/support/requests/:id/close', async (req, reply) => {
    const s = await requireStaff(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const closed = await closeSupportRequest(deps, s.staff, req.params.id);
    if (!closed.ok) return failurePage(reply, closed);
    return reply.redirect('/admin/support', 303);
  });

  // ---------- lawful disclosure (administrators) ----------

  const listPage = async (reply: FastifyReply, s: SignedInStaff, form: DisclosureFormValues, errors: string[], status = 200, notice: string | null = null) => {
    const requests = await disclosureRequests(deps, s.staff);
    if (!requests.ok) return failurePage(reply, requests);
    return html(reply, <DisclosuresPage viewer={s} requests={requests.value} form={form} errors={errors} notice={notice} />, status);
  };

  app.get('/admin/disclosures', async (req, reply) => {
    const s = await requireStaff(req, reply, { adminOnly: true });
    if (!s) return reply;
    return listPage(reply, s, EMPTY_DISCLOSURE_FORM, []);
  });

  app.post('/admin/disclosures', async (req, reply) => {
    const s = await requireStaff(req, reply, { adminOnly: true });
    if (!s) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (k: string, max: number) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, max) : '');
    const echo: DisclosureFormValues = {
      kind: text('kind', 20), authority: text('authority', 200), legalBasis: text('legalBasis', 500), reference: text('reference', 200),
      orderIds: text('orderIds', 5000), emails: text('emails', 30000), from: text('from', 10), to: text('to', 10), notifyAllowed: body.notifyAllowed === 'yes',
      fields: (Array.isArray(body.fields) ? body.fields : [body.fields]).filter((x): x is string => typeof x === 'string'),
    };
    const form = disclosureForm.safeParse(body);
    if (!form.success) return listPage(reply, s, echo, firstMessages(form.error), 400);
    const d = form.data;
    const recorded = await recordDisclosure(deps, s.staff, {
      ...d, fields: d.fields as DisclosureField[], to: new Date(d.to.getTime() + 86_400_000), // the last day is included
    });
    if (!recorded.ok) return listPage(reply, s, echo, [recorded.message], statusOf(recorded));
    return reply.redirect(`/admin/disclosures/${recorded.value.id}?done=recorded`, 303);
  });

  const detailPage = async (reply: FastifyReply, s: SignedInStaff, id: string, errors: string[], status = 200, notice: string | null = null) => {
    const request = await disclosureRequest(deps, s.staff, id);
    if (!request.ok) return failurePage(reply, request);
    return html(reply, <DisclosurePage viewer={s} request={request.value} errors={errors} notice={notice} />, status);
  };
  const NOTICES: Record<string, string> = { recorded: 'Recorded. A second administrator must now approve it.', decided: 'The decision is recorded.' };

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/admin/disclosures/:id', async (req, reply) => {
    const s = await requireStaff(req, reply, { adminOnly: true });
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    return detailPage(reply, s, req.params.id, [], 200, NOTICES[req.query.done ?? ''] ?? null);
  });

  app.post<{ Params: { id: string } }>('/admin/disclosures/:id/decide', async (req, reply) => {
    const s = await requireStaff(req, reply, { adminOnly: true });
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const form = decisionForm.safeParse(req.body ?? {});
    if (!form.success) return detailPage(reply, s, req.params.id, firstMessages(form.error), 400);
    const decided = await decideDisclosure(deps, s.staff, req.params.id, { approve: form.data.decision === 'approve', note: form.data.note });
    if (!decided.ok) return detailPage(reply, s, req.params.id, [decided.message], statusOf(decided));
    return reply.redirect(`/admin/disclosures/${req.params.id}?done=decided`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/disclosures/:id/export', async (req, reply) => {
    const s = await requireStaff(req, reply, { adminOnly: true });
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const pkg = await exportDisclosure(deps, s.staff, req.params.id);
    if (!pkg.ok) return detailPage(reply, s, req.params.id, [pkg.message], statusOf(pkg));
    return reply
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${pkg.value.filename}"`)
      .header('Cache-Control', 'no-store')
      .header('X-Package-SHA256', pkg.value.sha256)
      .send(pkg.value.body);
  });
}
