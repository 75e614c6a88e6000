import type { FastifyInstance, FastifyReply } from 'fastify';
import { buyerOrder } from '../../app/orders.ts';
import {
  LINK_REQUESTED_MESSAGE, correctSubject, eraseSubject, requestSubjectLink, subjectData, subjectExport, withdrawOrderConsent, withdrawSubjectConsent,
} from '../../app/subjects.ts';
import type { Failure } from '../../domain/errors.ts';
import { firstMessages, subjectCorrectionForm, subjectEmailForm, subjectEraseForm, uuid } from '../forms.ts';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { ConsentPage, SubjectDataPage, SubjectDonePage, SubjectRequestPage } from './pages.tsx';

type TokenParams = { Params: { token: string } };

/** Data-subject rights: a link to one's data, the data as a page and as JSON, correction, consent, erasure. */
export function registerPrivacyRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  // A buyer's data must stay out of shared caches and the back-forward cache of a shared computer.
  const private_ = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

  app.get('/privacy/my-data', async (_req, reply) => html(reply, <SubjectRequestPage email="" errors={[]} sent={null} />));

  app.post('/privacy/my-data', async (req, reply) => {
    const form = subjectEmailForm.safeParse(req.body ?? {});
    if (!form.success) return html(reply, <SubjectRequestPage email="" errors={firstMessages(form.error)} sent={null} />, 400);
    await requestSubjectLink(deps, form.data.email);
    // The same page and status whether or not the address is known.
    return html(reply, <SubjectRequestPage email="" errors={[]} sent={LINK_REQUESTED_MESSAGE} />);
  });

  const dataPage = async (reply: FastifyReply, token: string, errors: string[], status: number, notice: string | null, form?: { buyerName: string; buyerEmail: string }) => {
    const view = await subjectData(deps, token, 'page');
    if (!view.ok) return failurePage(private_(reply), view);
    const latest = view.value.orders.at(-1)?.order;
    return html(private_(reply), <SubjectDataPage view={view.value} token={token} errors={errors} notice={notice}
      form={form ?? { buyerName: latest?.buyerName ?? '', buyerEmail: latest?.buyerEmail ?? view.value.email }} />, status);
  };
  const notices: Record<string, string> = { corrected: 'Your details are corrected.', consent: 'Done: you will get no more marketing emails.' };

  app.get<TokenParams & { Querystring: { done?: string } }>('/privacy/my-data/:token', async (req, reply) =>
    dataPage(reply, req.params.token, [], 200, notices[req.query.done ?? ''] ?? null));

  app.get<TokenParams>('/privacy/my-data/:token/data.json', async (req, reply) => {
    const view = await subjectData(deps, req.params.token, 'json');
    if (!view.ok) return failurePage(private_(reply), view);
    return private_(reply).type('application/json; charset=utf-8').header('Content-Disposition', 'attachment; filename="my-data.json"')
      .send(JSON.stringify(subjectExport(view.value, deps.clock.now()), null, 2));
  });

  app.post<TokenParams>('/privacy/my-data/:token/correct', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = subjectCorrectionForm.safeParse(body);
    const echo = { buyerName: String(body.buyerName ?? '').slice(0, 200), buyerEmail: String(body.buyerEmail ?? '').slice(0, 254) };
    if (!form.success) return dataPage(reply, req.params.token, firstMessages(form.error), 422, null, echo);
    const done = await correctSubject(deps, req.params.token, form.data);
    if (!done.ok) return failed(reply, done);
    if (done.value.emailChanged) {
      return html(private_(reply), <SubjectDonePage title="Details corrected"
        message="Your details are corrected. We have emailed a new link to the new address; this link no longer opens your data." />);
    }
    return reply.redirect(`/privacy/my-data/${req.params.token}?done=corrected`, 303);
  });

  app.post<TokenParams>('/privacy/my-data/:token/consent', async (req, reply) => {
    const done = await withdrawSubjectConsent(deps, req.params.token);
    if (!done.ok) return failed(reply, done);
    return reply.redirect(`/privacy/my-data/${req.params.token}?done=consent`, 303);
  });

  app.post<TokenParams>('/privacy/my-data/:token/erase', async (req, reply) => {
    const form = subjectEraseForm.safeParse(req.body ?? {});
    if (!form.success) return dataPage(reply, req.params.token, firstMessages(form.error), 422, null);
    const done = await eraseSubject(deps, req.params.token);
    if (!done.ok) return failed(reply, done);
    return html(private_(reply), <SubjectDonePage title="Your data is erased"
      message="Your name, email and attendee names are erased from every order, and the mail we sent you is deleted. We keep only anonymous amounts and dates for the accounts." />);
  });

  const failed = (reply: FastifyReply, failure: Failure) => failurePage(private_(reply), failure);

  // ---------- one click from the confirmation mail ----------

  type OrderParams = { Params: { orderId: string; token: string } };
  app.get<OrderParams>('/privacy/consent/:orderId/:token', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const view = await buyerOrder(deps, req.params.orderId, req.params.token);
    if (!view.ok) return failurePage(reply, view);
    const { order, performance } = view.value;
    return html(private_(reply), <ConsentPage action={`/privacy/consent/${order.id}/${req.params.token}`} producerName={performance.producerName}
      eventTitle={performance.eventTitle} consenting={order.marketingConsent} />);
  });

  app.post<OrderParams>('/privacy/consent/:orderId/:token', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const done = await withdrawOrderConsent(deps, req.params.orderId, req.params.token);
    if (!done.ok) return failurePage(reply, done);
    return html(private_(reply), <SubjectDonePage title="Marketing emails stopped" message={`You will get no more marketing emails from ${done.value.producerName}.`} />);
  });
}
