import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { UNVERIFIED_MESSAGE, may, mayAs } from '../domain/policy.ts';
import type { AppDeps } from './deps.ts';
import type { MailingKind, MailingRecord, OutgoingMail, ProducerEvent, SessionUser } from './ports.ts';
import { transact } from './transact.ts';

const MAX_ATTEMPTS = 5;
const UNSUBSCRIBE = 'mail-unsubscribe:v1';

export interface MailingDraft { subject: string; body: string; kind: MailingKind; eventId: string | null }

/** The unsubscribe link: sealed over producer, kind and address, so it is never stored and cannot be altered. */
export function unsubscribeUrl(deps: AppDeps, producerId: string, kind: MailingKind, email: string): string {
  const token = deps.keys.sealToken(UNSUBSCRIBE, JSON.stringify({ p: producerId, k: kind, e: email.trim().toLowerCase() }));
  return `${deps.settings.baseUrl.replace(/\/$/, '')}/unsubscribe/${token}`;
}

/** The mail as the buyer sees it: the producer's text, why they get it, and the unsubscribe link and headers (RFC 8058). */
export function renderMailing(m: { producerName: string; kind: MailingKind; subject: string; body: string }, to: string, unsubscribe: string): OutgoingMail {
  const why = m.kind === 'update'
    ? `You get this because you have tickets from ${m.producerName}.`
    : `You get this because you agreed to hear from ${m.producerName} about other events.`;
  const text = [m.body.trim(), '', '--', why, `To stop mail from ${m.producerName}, one click here: ${unsubscribe}`, '', `Sent by ${m.producerName} through Marquee.`].join('\n');
  const html = `<!doctype html><html><body>
${m.body.trim().split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n')}
<hr>
<p>${escapeHtml(why)} <a href="${escapeHtml(unsubscribe)}">Unsubscribe</a>.</p>
<p>Sent by ${escapeHtml(m.producerName)} through Marquee.</p>
</body></html>`;
  return {
    to, subject: m.subject, text, html, attachments: [],
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function checkDraft(d: MailingDraft): Result<MailingDraft> {
  const subject = d.subject.trim();
  const body = d.body.trim();
  if (subject.length === 0 || subject.length > 200) return fail('invalid_input', 'Write a subject of at most 200 characters.');
  if (/[\r\n]/.test(subject)) return fail('invalid_input', 'The subject must be one line.');
  if (body.length === 0 || body.length > 20_000) return fail('invalid_input', 'Write a message of at most 20,000 characters.');
  return ok({ ...d, subject, body });
}

async function eventOf(deps: AppDeps, user: SessionUser, eventId: string | null): Promise<Result<ProducerEvent | null>> {
  if (eventId === null) return ok(null);
  const event = await deps.store.attendees.eventOf(user.producerId, eventId);
  return event ? ok(event) : fail('not_found', 'There is no such event.');
}

/** The mail as a buyer will see it, with an unsubscribe link that works for nobody (it names no real buyer). */
export async function previewMailing(deps: AppDeps, user: SessionUser, draft: MailingDraft): Promise<Result<OutgoingMail>> {
  if (!may(user.role, 'buyers.email')) return fail('forbidden', 'Your role cannot email buyers.');
  const d = checkDraft(draft);
  if (!d.ok) return d;
  const event = await eventOf(deps, user, d.value.eventId);
  if (!event.ok) return event;
  const to = 'buyer@example.invalid';
  return ok(renderMailing({ ...d.value, producerName: user.producerName }, to, unsubscribeUrl(deps, user.producerId, d.value.kind, to)));
}

/** Sends the draft once to the producer user's own address, at once. */
export async function sendTestMailing(deps: AppDeps, user: SessionUser, draft: MailingDraft): Promise<Result<{ to: string }>> {
  if (!may(user.role, 'buyers.email')) return fail('forbidden', 'Your role cannot email buyers.');
  if (!mayAs(user, 'buyers.email')) return fail('forbidden', UNVERIFIED_MESSAGE);
  const d = checkDraft(draft);
  if (!d.ok) return d;
  const event = await eventOf(deps, user, d.value.eventId);
  if (!event.ok) return event;
  const to = await deps.store.mailings.userEmail(user.producerId, user.userId);
  if (!to) return fail('not_found', 'Your account has no address.');
  try {
    await deps.mailer.send(renderMailing({ ...d.value, subject: `[Test] ${d.value.subject}`, producerName: user.producerName }, to, unsubscribeUrl(deps, user.producerId, d.value.kind, to)));
  } catch (e) {
    deps.log.error({ userId: user.userId, err: e instanceof Error ? e.message : String(e) }, 'test mailing not sent');
    return fail('unavailable', 'The mail server did not take the test mail. Try again later.');
  }
  return ok({ to });
}

/**
 * Queues a mailing: updates to every buyer with a paid order (of one event or all), marketing only to
 * those who said yes, always of this producer only; one mail per lower-cased address; none to an
 * address that unsubscribed from the producer. The mailing, its recipients and its audit entry
 * (counts, kind, audience; never an address) commit together.
 */
export async function startMailing(deps: AppDeps, user: SessionUser, draft: MailingDraft): Promise<Result<MailingRecord>> {
  if (!may(user.role, 'buyers.email')) return fail('forbidden', 'Your role cannot email buyers.');
  if (!mayAs(user, 'buyers.email')) return fail('forbidden', UNVERIFIED_MESSAGE);
  const d = checkDraft(draft);
  if (!d.ok) return d;
  const now = deps.clock.now();
  return transact(deps.store, async (tx) => {
    let event: ProducerEvent | null = null;
    if (d.value.eventId !== null) {
      event = await tx.attendees.eventOf(user.producerId, d.value.eventId);
      if (!event) return fail('not_found', 'There is no such event.');
    }
    const emails = await tx.mailings.audience(user.producerId, event?.id ?? null, d.value.kind === 'marketing');
    const refs = emails.map((email) => ({ email, subjectRef: deps.keys.subjectRef(email) }));
    const gone = await tx.mailings.unsubscribed(user.producerId, refs.map((r) => r.subjectRef));
    const recipients = refs.filter((r) => !gone.has(r.subjectRef)).map((r) => ({ id: randomUUID(), ...r }));
    const id = randomUUID();
    await tx.mailings.create({
      id, producerId: user.producerId, eventId: event?.id ?? null, kind: d.value.kind, subject: d.value.subject, body: d.value.body,
      total: recipients.length, createdBy: user.userId, createdAt: now,
    }, recipients);
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'buyers.email',
      subject: event ? `event:${event.id}` : `producer:${user.producerId}`, reason: `${d.value.kind} mailing from the producer workspace`,
      detail: { mailing: id, kind: d.value.kind, event: event?.id ?? 'all', recipients: recipients.length, unsubscribed: gone.size }, at: now,
    });
    const created = await tx.mailings.byId(user.producerId, id);
    return ok(created!);
  });
}

export async function mailingProgress(deps: AppDeps, user: SessionUser, id: string): Promise<Result<MailingRecord>> {
  if (!may(user.role, 'buyers.email')) return fail('forbidden', 'Your role cannot email buyers.');
  const m = await deps.store.mailings.byId(user.producerId, id);
  return m ? ok(m) : fail('not_found', 'There is no such mailing.');
}

export interface MailingsOverview { events: ProducerEvent[]; recent: MailingRecord[] }
export async function mailingsOverview(deps: AppDeps, user: SessionUser): Promise<Result<MailingsOverview>> {
  if (!may(user.role, 'buyers.email')) return fail('forbidden', 'Your role cannot email buyers.');
  return ok({ events: await deps.store.attendees.eventsOf(user.producerId), recent: await deps.store.mailings.recent(user.producerId, 20) });
}

const running = new WeakMap<AppDeps, Promise<number>>();

/**
 * Sends queued mailing deliveries. Each is claimed by one dispatcher (SKIP LOCKED across instances; one
 * run per process); an address that unsubscribed after the mailing was queued is skipped at send time.
 * A failed send goes back to the queue, counted, until MAX_ATTEMPTS. Returns how many were sent.
 */
export function dispatchMailings(deps: AppDeps): Promise<number> {
  let run = running.get(deps);
  if (!run) {
    run = drainMailings(deps).finally(() => running.delete(deps));
    running.set(deps, run);
  }
  return run;
}

async function drainMailings(deps: AppDeps): Promise<number> {
  let sent = 0;
  for (;;) {
    const due = await deps.store.mailings.claimDue(20, deps.clock.now());
    if (due.length === 0) return sent;
    let progressed = false;
    for (const d of due) {
      const finish = (outcome: 'sent' | 'skipped' | 'retry' | 'failed', error?: string) =>
        deps.store.transaction((tx) => tx.mailings.finish(d, outcome, deps.clock.now(), error));
      if ((await deps.store.mailings.unsubscribed(d.producerId, [d.subjectRef])).size > 0) {
        await finish('skipped');
        progressed = true;
        continue;
      }
      try {
        await deps.mailer.send(renderMailing(d, d.email, unsubscribeUrl(deps, d.producerId, d.kind, d.email)));
        await finish('sent');
        sent++;
        progressed = true;
      } catch (e) {
        const giveUp = d.attempts + 1 >= MAX_ATTEMPTS;
        await finish(giveUp ? 'failed' : 'retry', e instanceof Error ? e.message : String(e));
        deps.log.error({ mailingId: d.mailingId, recipientId: d.id, attempt: d.attempts + 1, giveUp }, 'mailing not sent');
      }
    }
    // A batch that only failed is retried on the next call, not in a hot loop.
    if (!progressed) return sent;
  }
}

export interface UnsubscribeTarget { producerId: string; producerName: string; kind: MailingKind }

/** What a token unsubscribes from, for the page with the button; null for a forged or altered token. */
export async function unsubscribeTarget(deps: AppDeps, token: string): Promise<UnsubscribeTarget | null> {
  const t = openUnsubscribe(deps, token);
  if (!t) return null;
  const producerName = await deps.store.mailings.producerName(t.p);
  return producerName ? { producerId: t.p, producerName, kind: t.k } : null;
}

function openUnsubscribe(deps: AppDeps, token: string): { p: string; k: MailingKind; e: string } | null {
  const plain = deps.keys.openToken(UNSUBSCRIBE, token);
  if (!plain) return null;
  try {
    const t = JSON.parse(plain) as { p: string; k: MailingKind; e: string };
    return typeof t.p === 'string' && (t.k === 'update' || t.k === 'marketing') && typeof t.e === 'string' ? t : null;
  } catch {
    return null;
  }
}

/**
 * One-click unsubscribe (RFC 8058): honoured at once, without a log-in. The address gets no more mail
 * from this producer; from a marketing mail, its marketing consent on the producer's orders becomes no.
 * Idempotent.
 */
export async function unsubscribe(deps: AppDeps, token: string): Promise<Result<UnsubscribeTarget>> {
  const t = openUnsubscribe(deps, token);
  if (!t) return fail('not_found', 'This unsubscribe link is not valid.');
  const producerName = await deps.store.mailings.producerName(t.p);
  if (!producerName) return fail('not_found', 'This unsubscribe link is not valid.');
  const now = deps.clock.now();
  const ref = deps.keys.subjectRef(t.e);
  return transact(deps.store, async (tx) => {
    const r = await tx.mailings.unsubscribe(t.p, t.e, ref, t.k === 'marketing', now);
    await tx.audit.record({
      actorKind: 'buyer', actorId: null, producerId: t.p, action: 'mail.unsubscribe', subject: `subject:${ref}`,
      reason: 'one-click unsubscribe from a producer mailing', detail: { kind: t.k, consentWithdrawn: r.consentWithdrawn }, at: now,
    });
    return ok({ producerId: t.p, producerName, kind: t.k });
  });
}
