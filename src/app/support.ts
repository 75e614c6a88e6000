import { randomBytes, randomUUID } from 'node:crypto';
import { maskEmail } from '../domain/disclosure.ts';
import { type Result, fail, ok } from '../domain/errors.ts';
import type { OrderStatus } from '../domain/order.ts';
import type { PaymentStatus } from '../domain/payment.ts';
import type { Money } from '../domain/money.ts';
import type { AppDeps } from './deps.ts';
import { buyerOrder } from './orders.ts';
import type { StaffMember, SupportRequestRecord, SupportRequestRow } from './ports.ts';
import { transact } from './transact.ts';

export const SUPPORT_MESSAGE_MAX = 2000;
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no 0/O, 1/I: read out over the phone

function newReference(): string {
  return `S-${[...randomBytes(8)].map((b) => REFERENCE_ALPHABET[b % 32]).join('')}`;
}

/** A buyer asks for help from their order page; the reference is what they quote to support. */
export async function requestSupport(deps: AppDeps, orderId: string, token: string, message: string): Promise<Result<{ reference: string }>> {
  const text = message.trim();
  if (text.length === 0) return fail('invalid_input', 'Write what you need help with.');
  if (text.length > SUPPORT_MESSAGE_MAX) return fail('invalid_input', `The message is too long (${SUPPORT_MESSAGE_MAX} characters at most).`);
  const view = await buyerOrder(deps, orderId, token);
  if (!view.ok) return view;
  const reference = newReference();
  const id = randomUUID();
  await deps.store.support.create({ id, reference, orderId, producerId: view.value.order.producerId, message: text, createdAt: deps.clock.now() });
  deps.log.info({ supportRequestId: id, orderId }, 'support request created');
  return ok({ reference });
}

/** The open requests, as the console lists them: nothing personal, so listing them needs no reason. */
export async function openSupportRequests(deps: AppDeps, _staff: StaffMember): Promise<SupportRequestRow[]> {
  return deps.store.support.listOpen(200);
}

/** Opening a request shows the buyer's message, which may hold personal data: it is audited. */
export async function openSupportRequest(deps: AppDeps, staff: StaffMember, id: string): Promise<Result<SupportRequestRecord>> {
  return transact(deps.store, async (tx) => {
    const request = await tx.support.byId(id);
    if (!request) return fail('not_found', 'There is no such support request.');
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: staff.staffId, producerId: request.producerId, action: 'support.request.open',
      subject: `order:${request.orderId}`, reason: `support request ${request.reference}`, detail: { supportRequest: request.id, shown: 'message' }, at: deps.clock.now(),
    });
    return ok(request);
  });
}

export async function closeSupportRequest(deps: AppDeps, staff: StaffMember, id: string): Promise<Result<null>> {
  return transact(deps.store, async (tx) => {
    const request = await tx.support.byId(id);
    if (!request) return fail('not_found', 'There is no such support request.');
    await tx.support.close(id);
    deps.log.info({ supportRequestId: id, staffId: staff.staffId }, 'support request closed');
    return ok(null);
  });
}

/** What support sees of an order: what a case needs, and no more. */
export interface SupportCaseView {
  reference: string;
  orderCode: string; orderStatus: OrderStatus; eventTitle: string; producerName: string; performanceStartsAt: Date; timeZone: string;
  tickets: { ticketTypeName: string; status: string }[];
  payments: { status: PaymentStatus; amount: Money; refunded: Money }[];
  buyerEmail: string;
  emailShown: 'masked' | 'full';
}

export const SUPPORT_REASON_MIN = 10;

/**
 * Support finds an order only through a buyer's request reference, and only with a reason; the
 * look-up is audited with who, when, why, which order and what was shown.
 */
export async function supportLookup(
  deps: AppDeps, staff: StaffMember, input: { reference: string; reason: string; fullEmail: boolean },
): Promise<Result<SupportCaseView>> {
  const reason = input.reason.trim();
  const reference = input.reference.trim().toUpperCase();
  if (reference.length === 0) return fail('invalid_input', "Give the buyer's support request reference (S-…).");
  if (reason.length < SUPPORT_REASON_MIN) return fail('invalid_input', `Give the reason for this look-up (${SUPPORT_REASON_MIN} characters at least).`);
  if (reason.length > 500) return fail('invalid_input', 'The reason is too long (500 characters at most).');
  return transact(deps.store, async (tx) => {
    const request = /^S-[0-9A-Z]{8}$/.test(reference) ? await tx.support.byReference(reference) : null;
    if (!request) return fail('not_found', 'No support request has that reference.');
    const order = (await tx.orders.byId(request.orderId))!;
    const performance = (await tx.catalog.performanceContext(order.performanceId))!;
    const view: SupportCaseView = {
      reference: request.reference, orderCode: order.code, orderStatus: order.status, eventTitle: performance.eventTitle, producerName: performance.producerName,
      performanceStartsAt: performance.startsAt, timeZone: performance.venue.timeZone,
      tickets: (await tx.tickets.byOrder(order.id)).map((t) => ({ ticketTypeName: t.ticketTypeName, status: t.status })),
      payments: (await tx.payments.forOrder(order.id)).map((p) => ({ status: p.status, amount: p.amount, refunded: p.refunded })),
      buyerEmail: order.buyerEmail === null ? 'none given (sold at the counter)' : input.fullEmail ? order.buyerEmail : maskEmail(order.buyerEmail),
      emailShown: input.fullEmail ? 'full' : 'masked',
    };
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: staff.staffId, producerId: order.producerId, action: 'support.order.view', subject: `order:${order.id}`, reason,
      detail: { supportRequest: request.id, reference: request.reference, shown: `code,status,event,performance,tickets,payments,email_${view.emailShown}` },
      at: deps.clock.now(),
    });
    return ok(view);
  });
}
