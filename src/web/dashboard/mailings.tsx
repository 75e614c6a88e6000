import type { FastifyInstance, } from 'fastify';
import { z } from 'zod';
import {
  dispatchMailings, type MailingDraft, mailingProgress, mailingsOverview, previewMailing, sendTestMailing, startMailing, unsubscribe, unsubscribeTarget,
} from '../../app/mailings.ts';
import type { MailingRecord, OutgoingMail, ProducerEvent } from '../../app/ports.ts';
import { statusOf } from '../../http/errors.ts';
import { formatInZone } from '../../domain/time.ts';
import { uuid } from '../forms.ts';
import { ErrorPage, ErrorSummary, Layout, type Viewer } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, } from '../session.ts';
import { userGuard } from './guard.tsx';

const draftForm = z.object({
  subject: z.string({ message: 'Write a subject.' }).max(200, 'The subject is at most 200 characters.'),
  body: z.string({ message: 'Write a message.' }).max(20_000, 'The message is at most 20,000 characters.'),
  kind: z.enum(['update', 'marketing'], { message: 'Choose what kind of mail this is.' }),
  audience: z.string({ message: 'Choose who gets it.' }).refine((v) => v === 'all' || uuid.safeParse(v).success, 'Choose who gets it.'),
  action: z.enum(['preview', 'test', 'send']).default('preview'),
});

const toDraft = (f: z.infer<typeof draftForm>): MailingDraft => ({ subject: f.subject, body: f.body, kind: f.kind, eventId: f.audience === 'all' ? null : f.audience });

/** The producer's mailings: compose, preview, test send, send, and the progress of each. Owner and admin only. */
export function registerMailingRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'buyers.email');

  app.get('/dashboard/mailings', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const o = await mailingsOverview(deps, s.user);
    if (!o.ok) return failurePage(reply, o, s.viewer);
    return html(reply, <MailingsPage events={o.value.events} recent={o.value.recent} form={null} preview={null} errors={[]} notice={null} viewer={s.viewer} />);
  });

  app.post('/dashboard/mailings', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const o = await mailingsOverview(deps, s.user);
    if (!o.ok) return failurePage(reply, o, s.viewer);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = { subject: String(body.subject ?? ''), body: String(body.body ?? ''), kind: String(body.kind ?? 'update'), audience: String(body.audience ?? 'all') };
    const again = (status: number, errors: string[], preview: OutgoingMail | null = null, notice: string | null = null) =>
      html(reply, <MailingsPage events={o.value.events} recent={o.value.recent} form={form} preview={preview} errors={errors} notice={notice} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    const parsed = draftForm.safeParse(body);
    if (!parsed.success) return again(400, parsed.error.issues.map((i) => i.message));
    const draft = toDraft(parsed.data);
    if (parsed.data.action === 'preview') {
      const r = await previewMailing(deps, s.user, draft);
      return r.ok ? again(200, [], r.value) : again(statusOf(r), [r.message]);
    }
    if (parsed.data.action === 'test') {
      const r = await sendTestMailing(deps, s.user, draft);
      return r.ok ? again(200, [], null, `A test mail went to ${r.value.to}.`) : again(statusOf(r), [r.message]);
    }
    const r = await startMailing(deps, s.user, draft);
    if (!r.ok) return again(statusOf(r), [r.message]);
    void dispatchMailings(deps).catch((err) => req.log.error({ err }, 'mailing dispatch failed'));
    return reply.redirect(`/dashboard/mailings/${r.value.id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/dashboard/mailings/:id', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const m = await mailingProgress(deps, s.user, req.params.id);
    if (!m.ok) return failurePage(reply, m, s.viewer);
    return html(reply, <MailingProgressPage mailing={m.value} viewer={s.viewer} />);
  });
}

/** RFC 8058: a POST to the link unsubscribes at once; a GET only shows the button, so a mail scanner changes nothing. */
export function registerUnsubscribeRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const target = await unsubscribeTarget(deps, req.params.token);
    if (!target) return html(reply, <ErrorPage status={404} message="This unsubscribe link is not valid." />, 404);
    return html(reply, (
      <Layout title="Unsubscribe">
        <h1>Unsubscribe from {target.producerName}</h1>
        <p>You will get no more mail from {target.producerName} sent to its buyers{target.kind === 'marketing' ? ', and your consent to hear about other events is withdrawn' : ''}.</p>
        <form method="post" action={`/unsubscribe/${req.params.token}`}>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit">Unsubscribe</button>
        </form>
      </Layout>
    ));
  });
  app.post<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const r = await unsubscribe(deps, req.params.token);
    if (!r.ok) return failurePage(reply, r);
    return html(reply, (
      <Layout title="Unsubscribed">
        <h1>You are unsubscribed</h1>
        <p role="status">{r.value.producerName} will send no more mail to this address through Marquee.</p>
      </Layout>
    ));
  });
}

const KIND_LABEL = { update: 'Update to ticket holders', marketing: 'Marketing (consenting buyers only)' } as const;

function MailingsPage(props: {
  events: ProducerEvent[]; recent: MailingRecord[]; form: { subject: string; body: string; kind: string; audience: string } | null;
  preview: OutgoingMail | null; errors: string[]; notice: string | null; viewer: Viewer;
}) {
  const f = props.form ?? { subject: '', body: '', kind: 'update', audience: 'all' };
  const title = (id: string | null) => (id === null ? 'All events' : (props.events.find((e) => e.id === id)?.title ?? 'An event'));
  return (
    <Layout title="Email buyers" viewer={props.viewer} failed={props.errors.length > 0}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Email buyers</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <p>
        An update (a time change, a cancellation) goes to every buyer with a paid order. Marketing goes only to buyers who agreed to
        hear from you. Each address gets one mail, with a one-click unsubscribe; addresses that unsubscribed are left out.
      </p>
      <form method="post" action="/dashboard/mailings">
        <input type="hidden" name="csrf" value={props.viewer.csrf} />
        <label for="audience">Who gets it</label>
        <select id="audience" name="audience">
          <option value="all" selected={f.audience === 'all'}>Buyers of all your events</option>
          {props.events.map((e) => <option value={e.id} selected={f.audience === e.id}>Buyers of {e.title}</option>)}
        </select>
        <fieldset>
          <legend>Kind of mail</legend>
          {(['update', 'marketing'] as const).map((k) => (
            <label><input type="radio" name="kind" value={k} checked={f.kind === k} /> {KIND_LABEL[k]}</label>
          ))}
        </fieldset>
        <label for="subject">Subject</label>
        <input id="subject" name="subject" maxLength={200} required value={f.subject} />
        <label for="body">Message (plain text)</label>
        <textarea id="body" name="body" rows={10} required>{f.body}</textarea>
        <button type="submit" name="action" value="preview">Preview</button>{' '}
        <button type="submit" name="action" value="test">Send a test to me</button>{' '}
        <button type="submit" name="action" value="send">Send to buyers</button>
      </form>
      {props.preview && (
        <section aria-labelledby="preview-heading" data-preview>
          <h2 id="preview-heading">Preview</h2>
          <p><strong>Subject:</strong> {props.preview.subject}</p>
          <pre class="mail-preview">{props.preview.text}</pre>
        </section>
      )}
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent mailings</h2>
        {props.recent.length === 0 ? <p>None yet.</p> : (
          <ul>
            {props.recent.map((m) => (
              <li><a href={`/dashboard/mailings/${m.id}`}>{m.subject}</a>: {title(m.eventId)}, {m.kind}, {m.sent} of {m.total} sent, {formatInZone(m.createdAt, 'UTC')} UTC</li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}

function MailingProgressPage(props: { mailing: MailingRecord; viewer: Viewer }) {
  const m = props.mailing;
  const sending = m.status === 'sending';
  return (
    <Layout title={`Mailing: ${m.subject}`} viewer={props.viewer} {...(sending ? { refreshSeconds: 3 } : {})}>
      <p><a href="/dashboard/mailings">All mailings</a></p>
      <h1>{m.subject}</h1>
      <p role="status" data-mailing-status={m.status}>
        {sending ? 'Sending; this page refreshes by itself.' : 'Finished.'} {m.sent} of {m.total} sent
        {m.failed > 0 ? `, ${m.failed} could not be delivered` : ''}
        {m.failedAttempts > m.failed ? `, ${m.failedAttempts - m.failed} failed attempts being retried` : ''}.
      </p>
      <progress max={Math.max(m.total, 1)} value={m.sent + m.failed} aria-label="Mails sent">{m.sent} of {m.total}</progress>
    </Layout>
  );
}
