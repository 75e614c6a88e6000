import type { FastifyInstance, FastifyReply, } from 'fastify';
import { z } from 'zod';
import type { ProducerEvent } from '../../app/ports.ts';
import { createQuestion, disableQuestion, PURPOSE_MAX, PURPOSE_MIN, type QuestionsOverview, questionsOverview } from '../../app/questions.ts';
import { createVoucher, disableVoucher, type VoucherOverview, vouchersOverview } from '../../app/vouchers.ts';
import { minorDigits } from '../../domain/money.ts';
import { endOfLocalDay, formatInZone } from '../../domain/time.ts';
import { describeVoucher } from '../../domain/voucher.ts';
import { statusOf } from '../../http/errors.ts';
import { uuid } from '../forms.ts';
import { ErrorSummary, Layout, ScrollableTable, type Viewer } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, type SignedIn, } from '../session.ts';
import { userGuard } from './guard.tsx';

/** A form field that may come once (a string) or repeated (an array), as checkboxes do. */
const many = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const voucherForm = z.object({
  eventId: uuid,
  code: z.string({ message: 'Write a code.' }).trim().toUpperCase().regex(/^[A-Z0-9_-]{3,32}$/, 'A code is 3 to 32 letters, digits, dashes or underscores.'),
  kind: z.enum(['percent', 'fixed'], { message: 'Choose a percentage or a fixed amount.' }),
  percent: z.string().trim().optional().default(''),
  amount: z.string().trim().optional().default(''),
  ticketType: many.pipe(z.array(z.string().max(200)).max(100)),
  maxUses: z.coerce.number({ message: 'Say how many times the code may be used.' }).int('Uses are a whole number.').min(1, 'A code may be used at least once.').max(1_000_000, 'At most 1,000,000 uses.'),
  validUntil: z.string().trim().optional().default('').refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), 'Give the last day as a date.'),
}).superRefine((f, ctx) => {
  if (f.kind === 'percent') {
    const p = Number(f.percent);
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(f.percent) || p <= 0 || p > 100) ctx.addIssue({ code: 'custom', path: ['percent'], message: 'A percentage is more than 0 and at most 100, like 15 or 12.5.' });
  } else if (!/^\d{1,7}(\.\d{1,2})?$/.test(f.amount) || Number(f.amount) <= 0) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: 'An amount is more than 0, like 5 or 4.50.' });
  }
});

/** Every question must say why it is asked: zod refuses one without, as the use case and the database do. */
export const questionForm = z.object({
  eventId: uuid,
  kind: z.enum(['text', 'yes_no', 'choice'], { message: 'Choose the kind of answer.' }),
  label: z.string({ message: 'Write the question.' }).trim().min(1, 'Write the question.').max(200, 'A question is at most 200 characters.'),
  purpose: z.string({ message: 'Say why you ask this question.' }).trim()
    .min(PURPOSE_MIN, `Say why you ask this question (at least ${PURPOSE_MIN} characters): buyers read it beside the field.`)
    .max(PURPOSE_MAX, `The purpose is at most ${PURPOSE_MAX} characters.`),
  required: z.unknown().optional().transform((v) => v === 'yes'),
  choices: z.string().max(2100).optional().default(''),
});

type VoucherFields = Record<'eventId' | 'code' | 'kind' | 'percent' | 'amount' | 'maxUses' | 'validUntil', string> & { ticketType: string[] };
type QuestionFields = Record<'eventId' | 'kind' | 'label' | 'purpose' | 'choices', string> & { required: boolean };

/** Discount codes and checkout questions of the producer's events: owner and admin (`checkout.configure`). */
export function registerCheckoutSetupRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'checkout.configure');
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

  // ---------- discount codes ----------

  const vouchersPage = async (reply: FastifyReply, s: SignedIn, status: number, extra: { form?: VoucherFields; errors?: string[]; notice?: string }) => {
    const o = await vouchersOverview(deps, s.user);
    if (!o.ok) return failurePage(reply, o, s.viewer);
    return html(reply, <VouchersPage overview={o.value} form={extra.form ?? null} errors={extra.errors ?? []} notice={extra.notice ?? null} viewer={s.viewer} />, status);
  };

  app.get('/dashboard/vouchers', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    return vouchersPage(reply, s, 200, {});
  });

  app.post('/dashboard/vouchers', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form: VoucherFields = {
      eventId: text(body.eventId, 64), code: text(body.code, 64), kind: text(body.kind, 16) || 'percent', percent: text(body.percent, 16), amount: text(body.amount, 16),
      maxUses: text(body.maxUses, 16), validUntil: text(body.validUntil, 16), ticketType: many.safeParse(body.ticketType).data?.slice(0, 100).map((t) => t.slice(0, 200)) ?? [],
    };
    if (!csrfValid(w.session, s.token, body.csrf)) return vouchersPage(reply, s, 403, { form, errors: ['This form has expired. Reload the page and try again.'] });
    const parsed = voucherForm.safeParse(body);
    if (!parsed.success) return vouchersPage(reply, s, 400, { form, errors: parsed.error.issues.map((i) => i.message) });
    const f = parsed.data;
    const event = await deps.store.attendees.eventOf(s.user.producerId, f.eventId);
    if (!event) return vouchersPage(reply, s, 404, { form, errors: ['There is no such event.'] });
    const currency = (await deps.store.vouchers.eventTicketTypes(s.user.producerId, event.id))[0]?.currency ?? 'EUR';
    const created = await createVoucher(deps, s.user, {
      eventId: f.eventId, code: f.code, kind: f.kind, percent: f.kind === 'percent' ? Number(f.percent) : null,
      amountMinor: f.kind === 'fixed' ? Math.round(Number(f.amount) * 10 ** minorDigits(currency)) : null,
      ticketTypeNames: f.ticketType, maxUses: f.maxUses,
      validUntil: f.validUntil === '' ? null : endOfLocalDay(f.validUntil, event.timeZone ?? 'UTC'),
    });
    if (!created.ok) return vouchersPage(reply, s, statusOf(created), { form, errors: [created.message] });
    return vouchersPage(reply, s, 201, { notice: `The code ${created.value.code} is ready to use.` });
  });

  app.post<{ Params: { id: string } }>('/dashboard/vouchers/:id/disable', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(w.session, s.token, body.csrf)) return vouchersPage(reply, s, 403, { errors: ['This form has expired. Reload the page and try again.'] });
    const r = await disableVoucher(deps, s.user, req.params.id);
    if (!r.ok) return failurePage(reply, r, s.viewer);
    return reply.redirect('/dashboard/vouchers', 303);
  });

  // ---------- checkout questions ----------

  const questionsPage = async (reply: FastifyReply, s: SignedIn, status: number, extra: { form?: QuestionFields; errors?: string[]; notice?: string }) => {
    const o = await questionsOverview(deps, s.user);
    if (!o.ok) return failurePage(reply, o, s.viewer);
    return html(reply, <QuestionsPage overview={o.value} form={extra.form ?? null} errors={extra.errors ?? []} notice={extra.notice ?? null} viewer={s.viewer} />, status);
  };

  app.get('/dashboard/questions', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    return questionsPage(reply, s, 200, {});
  });

  app.post('/dashboard/questions', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form: QuestionFields = {
      eventId: text(body.eventId, 64), kind: text(body.kind, 16) || 'text', label: text(body.label, 200), purpose: text(body.purpose, PURPOSE_MAX),
      choices: text(body.choices, 2100), required: body.required === 'yes',
    };
    if (!csrfValid(w.session, s.token, body.csrf)) return questionsPage(reply, s, 403, { form, errors: ['This form has expired. Reload the page and try again.'] });
    const parsed = questionForm.safeParse(body);
    if (!parsed.success) return questionsPage(reply, s, 400, { form, errors: parsed.error.issues.map((i) => i.message) });
    const f = parsed.data;
    const created = await createQuestion(deps, s.user, { ...f, choices: f.choices.split(/\r?\n/) });
    if (!created.ok) return questionsPage(reply, s, statusOf(created), { form, errors: [created.message] });
    return questionsPage(reply, s, 201, { notice: 'The question is on the checkout of that event now.' });
  });

  app.post<{ Params: { id: string } }>('/dashboard/questions/:id/disable', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.id).success) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(w.session, s.token, body.csrf)) return questionsPage(reply, s, 403, { errors: ['This form has expired. Reload the page and try again.'] });
    const r = await disableQuestion(deps, s.user, req.params.id);
    if (!r.ok) return failurePage(reply, r, s.viewer);
    return reply.redirect('/dashboard/questions', 303);
  });
}

function EventSelect(props: { events: ProducerEvent[]; selected: string }) {
  return (
    <>
      <label for="eventId">Event</label>
      <select id="eventId" name="eventId" required>
        {props.events.map((e) => <option value={e.id} selected={props.selected === e.id}>{e.title}</option>)}
      </select>
    </>
  );
}

function VouchersPage(props: { overview: VoucherOverview; form: VoucherFields | null; errors: string[]; notice: string | null; viewer: Viewer }) {
  const { vouchers, events } = props.overview;
  const f: VoucherFields = props.form ?? { eventId: events[0]?.id ?? '', code: '', kind: 'percent', percent: '', amount: '', maxUses: '100', validUntil: '', ticketType: [] };
  const names = [...new Set(events.flatMap((e) => e.ticketTypeNames))];
  const zoneOf = (eventId: string) => events.find((e) => e.id === eventId)?.timeZone ?? 'UTC';
  return (
    <Layout title="Discount codes" viewer={props.viewer} failed={props.errors.length > 0}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Discount codes</h1>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <section aria-labelledby="codes-heading">
        <h2 id="codes-heading">Your codes</h2>
        {vouchers.length === 0 ? <p>No codes yet.</p> : (
          <ScrollableTable label="Your codes">
            <table data-vouchers>
              <caption class="sr-only">Discount codes with their uses</caption>
              <thead><tr><th scope="col">Code</th><th scope="col">Event</th><th scope="col">Discount</th><th scope="col">For</th><th scope="col" class="num">Used</th><th scope="col">Until</th><th scope="col">State</th></tr></thead>
              <tbody>
                {vouchers.map((v) => (
                  <tr data-voucher={v.code}>
                    <th scope="row"><code>{v.code}</code></th>
                    <td>{v.eventTitle}</td>
                    <td>{describeVoucher(v)}</td>
                    <td>{v.ticketTypeIds === null ? 'All tickets' : `${v.ticketTypeIds.length} ticket type${v.ticketTypeIds.length === 1 ? '' : 's'}`}</td>
                    <td class="num" data-uses={v.uses}>{v.uses} of {v.maxUses}</td>
                    <td>{v.validUntil ? <time dateTime={v.validUntil.toISOString()}>{formatInZone(v.validUntil, zoneOf(v.eventId))}</time> : 'No end'}</td>
                    <td>
                      {v.disabledAt ? 'Switched off' : (
                        <form method="post" action={`/dashboard/vouchers/${v.id}/disable`}>
                          <input type="hidden" name="csrf" value={props.viewer.csrf} />
                          <button type="submit" aria-label={`Switch off ${v.code}`}>Switch off</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        )}
        <p class="muted">A use counts from checkout while the buyer's tickets are held, and for good once paid; an unpaid order gives its use back when its hold expires.</p>
      </section>
      <section aria-labelledby="new-code-heading">
        <h2 id="new-code-heading">New code</h2>
        <ErrorSummary messages={props.errors} />
        {events.length === 0 ? <p>Create an event first.</p> : (
          <form method="post" action="/dashboard/vouchers">
            <input type="hidden" name="csrf" value={props.viewer.csrf} />
            <EventSelect events={events} selected={f.eventId} />
            <label for="code">Code (letters, digits, dashes; buyers may type it in any case)</label>
            <input id="code" name="code" required maxLength={32} value={f.code} autocapitalize="characters" spellcheck={false} />
            <fieldset>
              <legend>Discount</legend>
              <label class="check"><input type="radio" name="kind" value="percent" checked={f.kind === 'percent'} /> <span>A percentage off</span></label>
              <label for="percent">Percentage (1 to 100)</label>
              <input id="percent" name="percent" inputMode="decimal" value={f.percent} />
              <label class="check"><input type="radio" name="kind" value="fixed" checked={f.kind === 'fixed'} /> <span>A fixed amount off the order</span></label>
              <label for="amount">Amount, in the event's currency</label>
              <input id="amount" name="amount" inputMode="decimal" value={f.amount} />
            </fieldset>
            {names.length > 0 && (
              <fieldset>
                <legend>For which tickets (none ticked: all of the event's tickets)</legend>
                {names.map((n, i) => (
                  <label class="check" for={`tt-${i}`}><input type="checkbox" id={`tt-${i}`} name="ticketType" value={n} checked={f.ticketType.includes(n)} /> <span>{n}</span></label>
                ))}
              </fieldset>
            )}
            <label for="maxUses">How many orders may use it</label>
            <input id="maxUses" name="maxUses" type="number" min={1} max={1_000_000} required inputMode="numeric" value={f.maxUses} />
            <label for="validUntil">Last day it works (optional, the event's local time)</label>
            <input id="validUntil" name="validUntil" type="date" value={f.validUntil} />
            <button type="submit">Create code</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

const KIND_TEXT = { text: 'Text', yes_no: 'Yes or no', choice: 'One of several answers' } as const;

function QuestionsPage(props: { overview: QuestionsOverview; form: QuestionFields | null; errors: string[]; notice: string | null; viewer: Viewer }) {
  const { events } = props.overview;
  const f: QuestionFields = props.form ?? { eventId: events[0]?.id ?? '', kind: 'text', label: '', purpose: '', choices: '', required: false };
  return (
    <Layout title="Checkout questions" viewer={props.viewer} failed={props.errors.length > 0}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Checkout questions</h1>
      <p>
        Checkout asks only for a name and an email. Add a question only if you need the answer, and say why: buyers read your reason
        beside the question, and the <a href="/privacy">privacy page</a> lists it. Answers are kept with the order and erased with the buyer's data.
      </p>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      {events.map((e) => (
        <section aria-labelledby={`ev-${e.id}`}>
          <h2 id={`ev-${e.id}`}>{e.title}</h2>
          {e.questions.length === 0 ? <p>No questions: the checkout stays minimal.</p> : (
            <ul class="cards">
              {e.questions.map((q) => (
                <li class="card" data-question={q.id}>
                  <p><strong>{q.label}</strong> ({KIND_TEXT[q.kind]}, {q.required ? 'required' : 'optional'}){q.disabledAt && ' · switched off'}</p>
                  {q.choices && <p>Answers: {q.choices.join(', ')}</p>}
                  <p class="muted">Why: {q.purpose}</p>
                  {!q.disabledAt && (
                    <form method="post" action={`/dashboard/questions/${q.id}/disable`}>
                      <input type="hidden" name="csrf" value={props.viewer.csrf} />
                      <button type="submit" aria-label={`Remove from checkout: ${q.label}`}>Remove from checkout</button>
                    </form>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <section aria-labelledby="new-question-heading">
        <h2 id="new-question-heading">New question</h2>
        <ErrorSummary messages={props.errors} />
        {events.length === 0 ? <p>Create an event first.</p> : (
          <form method="post" action="/dashboard/questions">
            <input type="hidden" name="csrf" value={props.viewer.csrf} />
            <EventSelect events={events} selected={f.eventId} />
            <label for="label">Question</label>
            <input id="label" name="label" required maxLength={200} value={f.label} />
            <label for="purpose">Why you ask it (required; buyers see this beside the question)</label>
            <textarea id="purpose" name="purpose" required minLength={PURPOSE_MIN} maxLength={PURPOSE_MAX} rows={3}>{f.purpose}</textarea>
            <fieldset>
              <legend>Kind of answer</legend>
              {(['text', 'yes_no', 'choice'] as const).map((k) => (
                <label class="check"><input type="radio" name="kind" value={k} checked={f.kind === k} /> <span>{KIND_TEXT[k]}</span></label>
              ))}
            </fieldset>
            <label for="choices">The answers to choose from, one a line (only for "one of several answers")</label>
            <textarea id="choices" name="choices" rows={4}>{f.choices}</textarea>
            <label class="check"><input type="checkbox" name="required" value="yes" checked={f.required} /> <span>Buyers must answer</span></label>
            <button type="submit">Add question</button>
          </form>
        )}
      </section>
    </Layout>
  );
}
