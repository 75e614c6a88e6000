import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { SUBJECT_LINK_MINUTES, decodeSubjectLink, encodeSubjectLink, normaliseEmail } from '../domain/subject.ts';
import type { AppDeps } from './deps.ts';
import { sendQueuedMail } from './mail.ts';
import { buyerOrder } from './orders.ts';
import type { AnonymisedCounts, AuditEntryInput, OrderRecord, Repos, SubjectOrder, SupportRequestRecord } from './ports.ts';
import { transact } from './transact.ts';

/**
 * Data-subject rights (issue 7 §8). A buyer has no account: they prove they hold an address by
 * opening a link mailed to it. The link is sealed (AES-GCM) over the address and an expiry, so it is
 * never stored and cannot be read or altered; it opens the buyer's data across every producer.
 */

const LINK_PURPOSE = 'subject-link:v1';
/** At most this many link mails per address and hour: the form must not become a way to flood someone's inbox. */
const LINKS_PER_HOUR = 3;

/** The one answer to the email form, whether or not the address is known (no account enumeration). */
export const LINK_REQUESTED_MESSAGE =
  `If we hold any orders for that address, we have just emailed it a link to your data. The link works for ${SUBJECT_LINK_MINUTES} minutes. ` +
  'If nothing arrives, check your spam folder, or ask again in a few minutes.';

export function subjectLinkUrl(deps: AppDeps, email: string, expiresAt: Date): string {
  return `${deps.settings.baseUrl}/privacy/my-data/${deps.keys.sealToken(LINK_PURPOSE, encodeSubjectLink({ email, expiresAt }))}`;
}

/** Queues a link to the address's data, if it has any; the caller shows LINK_REQUESTED_MESSAGE either way. */
export async function requestSubjectLink(deps: AppDeps, email: string): Promise<void> {
  const address = normaliseEmail(email);
  const subjectRef = deps.keys.subjectRef(address);
  const now = deps.clock.now();
  const queued = await deps.store.transaction(async (tx) => {
    if ((await tx.subjects.ordersOf(address)).length === 0) return false;
    if ((await tx.subjects.mailsSince(subjectRef, new Date(now.getTime() - 3_600_000))) >= LINKS_PER_HOUR) return false;
    await queueLink(tx, address, subjectRef, now);
    return true;
  });
  if (queued) sendQueuedMail(deps);
}

async function queueLink(tx: Repos, email: string, subjectRef: string, now: Date): Promise<void> {
  await tx.subjects.enqueueMail({
    id: randomUUID(), email, subjectRef, kind: 'subject_link', createdAt: now,
    linkExpiresAt: new Date(now.getTime() + SUBJECT_LINK_MINUTES * 60_000),
  });
}

/** The address a link proves, or why it does not. */
function openLink(deps: AppDeps, token: string): Result<{ email: string; subjectRef: string; expiresAt: Date }> {
  const text = deps.keys.openToken(LINK_PURPOSE, token);
  const checked = text === null ? null : decodeSubjectLink(text, deps.clock.now());
  if (!checked || (!checked.ok && checked.reason === 'malformed')) {
    return fail('not_found', 'This link is not valid. Ask for a new one on the "Your data" page.');
  }
  if (!checked.ok) return fail('link_expired', 'This link has expired. Ask for a new one on the "Your data" page.');
  return ok({ email: checked.link.email, subjectRef: deps.keys.subjectRef(checked.link.email), expiresAt: checked.link.expiresAt });
}

export interface SubjectDataView {
  email: string;
  expiresAt: Date;
  orders: SubjectOrder[];
  supportRequests: SupportRequestRecord[];
}

/** Everything held about the link's address, for the page or the JSON download; the access is audited. */
export async function subjectData(deps: AppDeps, token: string, as: 'page' | 'json'): Promise<Result<SubjectDataView>> {
  const link = openLink(deps, token);
  if (!link.ok) return link;
  const { email, subjectRef, expiresAt } = link.value;
  return transact(deps.store, async (tx) => {
    const orders = await tx.subjects.details(await tx.subjects.ordersOf(email));
    const supportRequests = await tx.support.forOrders(orders.map((o) => o.order.id));
    await tx.audit.record(buyerEntry(deps, subjectRef, null, as === 'json' ? 'subject.export' : 'subject.view', 'the buyer opened their data', { orders: orders.length }));
    return ok({ email, expiresAt, orders, supportRequests });
  });
}

/** The JSON download: the buyer's data in plain fields, nothing of anyone else's. */
export function subjectExport(view: SubjectDataView, exportedAt: Date) {
  return {
    exportedAt: exportedAt.toISOString(),
    email: view.email,
    orders: view.orders.map((o) => ({
      code: o.order.code,
      producer: o.producerName,
      event: o.eventTitle,
      performanceStartsAt: o.performanceStartsAt.toISOString(),
      venue: o.venueName,
      status: o.order.status,
      buyerName: o.order.buyerName,
      buyerEmail: o.order.buyerEmail,
      marketingConsent: o.order.marketingConsent,
      createdAt: o.order.createdAt.toISOString(),
      paidAt: o.order.paidAt?.toISOString() ?? null,
      total: o.order.total,
      lines: o.lines.map((l) => ({ ticketType: l.ticketTypeName, quantity: l.quantity, unitPrice: l.unitGross, amount: l.gross })),
      tickets: o.tickets.map((t) => ({ id: t.id, ticketType: t.ticketTypeName, attendeeName: t.attendeeName, status: t.status })),
      payments: o.payments.map((p) => ({ provider: p.provider, status: p.status, amount: p.amount, refunded: p.refunded, createdAt: p.createdAt.toISOString() })),
      network: o.network,
      discount: o.order.discount, voucherCode: o.order.voucherCode,
      answers: o.answers.map((a) => ({ question: a.label, purpose: a.purpose, answer: a.answer })),
    })),
    supportRequests: view.supportRequests.map((r) => ({
      reference: r.reference, order: view.orders.find((o) => o.order.id === r.orderId)?.order.code ?? null,
      message: r.message, status: r.status, createdAt: r.createdAt.toISOString(),
    })),
  };
}

export interface Correction { buyerName: string; buyerEmail: string }

/**
 * Corrects name and email on all the address's orders, in one transaction, audited (without the
 * values). A new address gets its own link: this one, bound to the old address, opens nothing now,
 * and nobody can reach another address's orders by typing it here.
 */
export async function correctSubject(deps: AppDeps, token: string, to: Correction): Promise<Result<{ emailChanged: boolean; orders: number }>> {
  const link = openLink(deps, token);
  if (!link.ok) return link;
  const { email, subjectRef } = link.value;
  const newEmail = normaliseEmail(to.buyerEmail);
  const now = deps.clock.now();
  const done = await transact(deps.store, async (tx) => {
    const orders = await tx.subjects.ordersOf(email, { forUpdate: true });
    if (orders.length === 0) return fail('not_found', 'We hold no orders for this address any more.');
    for (const [oldName, ids] of groupBy(orders, (o) => o.buyerName)) {
      await tx.subjects.correct(ids, { name: oldName }, { name: to.buyerName, email: newEmail });
    }
    const emailChanged = newEmail !== email;
    for (const [producerId, ids] of groupBy(orders, (o) => o.producerId)) {
      await tx.audit.record(buyerEntry(deps, subjectRef, producerId, 'subject.correct', 'the buyer corrected their details', {
        orders: ids.length, nameChanged: orders.some((o) => o.buyerName !== to.buyerName), emailChanged,
      }));
    }
    if (emailChanged) await queueLink(tx, newEmail, deps.keys.subjectRef(newEmail), now);
    return ok({ emailChanged, orders: orders.length });
  });
  if (done.ok && done.value.emailChanged) sendQueuedMail(deps);
  return done;
}

/**
 * Erases the address's personal data everywhere: orders and payments stay, anonymised, for the
 * accounts. A legal hold in force on the address or on any of its orders blocks all of it.
 */
export async function eraseSubject(deps: AppDeps, token: string): Promise<Result<AnonymisedCounts>> {
  const link = openLink(deps, token);
  if (!link.ok) return link;
  return eraseByEmail(deps, link.value.email, { actorKind: 'buyer', actorId: null, reason: 'the buyer asked for erasure' });
}

/** Erasure, whoever asks for it (the buyer through their link, or platform staff on a verified request). */
export async function eraseByEmail(
  deps: AppDeps, email: string, by: { actorKind: AuditEntryInput['actorKind']; actorId: string | null; reason: string },
): Promise<Result<AnonymisedCounts>> {
  const address = normaliseEmail(email);
  const subjectRef = deps.keys.subjectRef(address);
  const now = deps.clock.now();
  const erased = await transact(deps.store, async (tx) => {
    const orders = await tx.subjects.ordersOf(address, { forUpdate: true });
    const holds = await tx.subjects.legalHolds([subjectRef], orders.map((o) => o.id), now);
    if (holds.length > 0) {
      return fail('legal_hold', 'We cannot erase your data at the moment: a legal obligation requires us to keep it for now. Nothing has been erased. Please contact us if you have questions.', { holds: holds.length });
    }
    const counts = await tx.subjects.anonymise(orders.map((o) => o.id), [address]);
    const byProducer = groupBy(orders, (o) => o.producerId);
    if (byProducer.size === 0) await tx.audit.record({ ...entry(by, subjectRef, null, 'subject.erase', { ...counts }), at: now });
    for (const [producerId, ids] of byProducer) await tx.audit.record({ ...entry(by, subjectRef, producerId, 'subject.erase', { ...counts, orders: ids.length }), at: now });
    deps.log.info({ orders: counts.orders }, 'buyer data erased');
    return ok(counts);
  });
  // The refusal is recorded too; the transaction that found the hold has rolled back.
  if (!erased.ok && erased.code === 'legal_hold') {
    await deps.store.audit.record({ ...entry(by, subjectRef, null, 'subject.erase_refused', { legalHolds: Number(erased.details?.holds ?? 0) }), at: now });
  }
  return erased;
}

/** One click from the data page: no more marketing from any producer. */
export async function withdrawSubjectConsent(deps: AppDeps, token: string): Promise<Result<{ withdrawn: number }>> {
  const link = openLink(deps, token);
  if (!link.ok) return link;
  const { email, subjectRef } = link.value;
  return transact(deps.store, async (tx) => ok({ withdrawn: await withdraw(deps, tx, await tx.subjects.ordersOf(email, { forUpdate: true }), subjectRef) }));
}

/** One click from the confirmation mail (through the order link): no more marketing from that order's producer. */
export async function withdrawOrderConsent(deps: AppDeps, orderId: string, orderToken: string): Promise<Result<{ withdrawn: number; producerName: string }>> {
  const view = await buyerOrder(deps, orderId, orderToken);
  if (!view.ok) return view;
  const { order, performance } = view.value;
  return transact(deps.store, async (tx) => {
    // A counter buyer who gave no address has this one order; the audit names it by its order id.
    if (order.buyerEmail === null) return ok({ withdrawn: await withdraw(deps, tx, [order], `order:${order.id}`), producerName: performance.producerName });
    const same = (await tx.subjects.ordersOf(order.buyerEmail, { forUpdate: true })).filter((o) => o.producerId === order.producerId);
    return ok({ withdrawn: await withdraw(deps, tx, same, deps.keys.subjectRef(order.buyerEmail)), producerName: performance.producerName });
  });
}

async function withdraw(deps: AppDeps, tx: Repos, orders: OrderRecord[], subjectRef: string): Promise<number> {
  let withdrawn = 0;
  for (const [producerId, ids] of groupBy(orders.filter((o) => o.marketingConsent), (o) => o.producerId)) {
    withdrawn += await tx.subjects.withdrawConsent(ids);
    await tx.audit.record(buyerEntry(deps, subjectRef, producerId, 'consent.withdraw', 'the buyer withdrew marketing consent', { orders: ids.length }));
  }
  return withdrawn;
}

/**
 * A legal hold: keeps a subject's data (by address) or one order's from erasure and retention until
 * `until` (or until lifted). Placed by platform staff; the staff console comes later.
 */
export async function placeLegalHold(
  deps: AppDeps, h: { email?: string; orderId?: string; reason: string; until: Date | null; staffId: string },
): Promise<Result<{ id: string }>> {
  if (!h.email === !h.orderId) return fail('invalid_input', 'A legal hold is on an email address or on an order, one of the two.');
  if (h.reason.trim().length < 3) return fail('invalid_input', 'Say why the data must be kept.');
  const now = deps.clock.now();
  if (h.until && h.until <= now) return fail('invalid_input', 'A legal hold must end in the future.');
  const subjectRef = h.email ? deps.keys.subjectRef(normaliseEmail(h.email)) : null;
  return transact(deps.store, async (tx) => {
    const order = h.orderId ? await tx.orders.byId(h.orderId) : null;
    if (h.orderId && !order) return fail('not_found', 'There is no such order.');
    const id = randomUUID();
    await tx.subjects.placeLegalHold({ id, subjectRef, orderId: h.orderId ?? null, reason: h.reason.trim(), placedBy: h.staffId, createdAt: now, until: h.until });
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: h.staffId, producerId: order?.producerId ?? null, action: 'legal_hold.place',
      subject: subjectRef ? `subject:${subjectRef}` : `order:${h.orderId}`, reason: h.reason.trim(), detail: { until: h.until?.toISOString() ?? null }, at: now,
    });
    return ok({ id });
  });
}

function buyerEntry(deps: AppDeps, subjectRef: string, producerId: string | null, action: string, reason: string, detail: AuditEntryInput['detail']): AuditEntryInput {
  return { actorKind: 'buyer', actorId: null, producerId, action, subject: `subject:${subjectRef}`, reason, detail, at: deps.clock.now() };
}

function entry(
  by: { actorKind: AuditEntryInput['actorKind']; actorId: string | null; reason: string }, subjectRef: string, producerId: string | null, action: string, detail: AuditEntryInput['detail'],
): Omit<AuditEntryInput, 'at'> {
  return { actorKind: by.actorKind, actorId: by.actorId, producerId, action, subject: `subject:${subjectRef}`, reason: by.reason, detail };
}

function groupBy<T extends { id: string }>(items: readonly T[], key: (t: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item.id]);
  }
  return out;
}
