import { randomUUID } from 'node:crypto';
import {
  DISCLOSURE_FIELDS, DISCLOSURE_HOLD_DAYS, type DisclosureField, type DisclosureKind, type DisclosureManifest, type DisclosureScope, FRAUD_AGENCY_FIELDS,
  disclosurePackage, emailHash,
} from '../domain/disclosure.ts';
import { type Result, fail, ok } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import type { DisclosureRequestRecord, StaffMember } from './ports.ts';
import { transact } from './transact.ts';

/** What an administrator records from an authority's request, as the form gives it. */
export interface DisclosureInput {
  kind: DisclosureKind;
  authority: string;
  legalBasis: string;
  reference: string;
  orderIds: string[];
  emails: string[];
  fields: DisclosureField[];
  from: Date;
  to: Date;
  notifyAllowed: boolean;
}

const MAX_SUBJECTS = 100;
const adminOnly = (staff: StaffMember) => (staff.role === 'admin' ? null : fail('forbidden', 'Only a platform administrator can handle disclosure requests.'));

/** Records a request; it discloses nothing until a second administrator approves it. */
export async function recordDisclosure(deps: AppDeps, staff: StaffMember, input: DisclosureInput): Promise<Result<{ id: string }>> {
  const refused = adminOnly(staff);
  if (refused) return refused;
  for (const [label, value] of [['authority', input.authority], ['legal basis', input.legalBasis], ['reference', input.reference]] as const) {
    if (value.trim().length === 0) return fail('invalid_input', `Give the ${label}.`);
  }
  const orderIds = [...new Set(input.orderIds)];
  const emailHashes = [...new Set(input.emails.map(emailHash))];
  // A request names its subjects: there is no way to ask for every order of a producer or of the platform.
  if (orderIds.length + emailHashes.length === 0) return fail('invalid_input', 'Name at least one subject: an order id or a buyer email address.');
  if (orderIds.length + emailHashes.length > MAX_SUBJECTS) return fail('invalid_input', `A request names ${MAX_SUBJECTS} subjects at most.`);
  if (!(input.from.getTime() < input.to.getTime())) return fail('invalid_input', 'The date range must end after it starts.');
  const fields = input.kind === 'fraud_agency' ? [...FRAUD_AGENCY_FIELDS] : DISCLOSURE_FIELDS.filter((f) => input.fields.includes(f));
  if (input.kind === 'fraud_agency' && input.fields.some((f) => !FRAUD_AGENCY_FIELDS.includes(f))) {
    return fail('invalid_input', 'A fraud-agency report holds only the order, its date, the payment outcome, and the IP address and network it came from.');
  }
  if (fields.length === 0) return fail('invalid_input', 'Choose at least one field to disclose.');
  const scope: DisclosureScope = { orderIds, emailHashes, fields, from: input.from, to: input.to };
  const id = randomUUID();
  const now = deps.clock.now();
  return transact(deps.store, async (tx) => {
    await tx.disclosures.create({
      id, kind: input.kind, authority: input.authority.trim(), legalBasis: input.legalBasis.trim(), reference: input.reference.trim(), scope,
      notifyAllowed: input.notifyAllowed, recordedBy: staff.staffId, recordedAt: now,
    });
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: staff.staffId, producerId: null, action: 'disclosure.record', subject: `disclosure:${id}`,
      reason: `${input.authority.trim()}: ${input.legalBasis.trim()} (ref. ${input.reference.trim()})`,
      detail: { kind: input.kind, orderIds: orderIds.length, emails: emailHashes.length, fields: fields.join(','), notifyAllowed: input.notifyAllowed },
      at: now,
    });
    return ok({ id });
  });
}

/**
 * Approves or rejects a pending request; the administrator who recorded it cannot decide it.
 * Approval places a legal hold on every order in scope, in the same transaction, so that an erasure
 * or the retention job cannot remove what the authority is owed before it is exported.
 */
export async function decideDisclosure(deps: AppDeps, staff: StaffMember, id: string, decision: { approve: boolean; note: string }): Promise<Result<null>> {
  const refused = adminOnly(staff);
  if (refused) return refused;
  const note = decision.note.trim();
  if (note.length > 1000) return fail('invalid_input', 'The note is too long (1000 characters at most).');
  return transact(deps.store, async (tx) => {
    const request = await tx.disclosures.byId(id, { forUpdate: true });
    if (!request) return fail('not_found', 'There is no such disclosure request.');
    if (request.status !== 'pending') return fail('conflict', `This request was ${request.status} already.`);
    if (request.recordedBy === staff.staffId) return fail('forbidden', 'A second administrator must decide this request: you recorded it.');
    const now = deps.clock.now();
    await tx.disclosures.decide(id, { status: decision.approve ? 'approved' : 'rejected', decidedBy: staff.staffId, decidedAt: now, note });
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: staff.staffId, producerId: null, action: decision.approve ? 'disclosure.approve' : 'disclosure.reject',
      subject: `disclosure:${id}`, reason: note || (decision.approve ? 'approved' : 'rejected'), detail: { recordedBy: request.recordedBy }, at: now,
    });
    if (decision.approve) {
      const until = new Date(now.getTime() + DISCLOSURE_HOLD_DAYS * 86_400_000);
      for (const o of await tx.disclosures.ordersInScope(request.scope)) {
        const reason = `disclosure request ${id}`;
        await tx.subjects.placeLegalHold({ id: randomUUID(), subjectRef: null, orderId: o.orderId, reason, placedBy: staff.staffId, createdAt: now, until });
        await tx.audit.record({
          actorKind: 'platform_staff', actorId: staff.staffId, producerId: o.producerId, action: 'legal_hold.place', subject: `order:${o.orderId}`,
          reason, detail: { until: until.toISOString() }, at: now,
        });
      }
    }
    return ok(null);
  });
}

export function disclosureRequests(deps: AppDeps, staff: StaffMember): Promise<Result<DisclosureRequestRecord[]>> {
  const refused = adminOnly(staff);
  return refused ? Promise.resolve(refused) : deps.store.disclosures.list(200).then(ok);
}

export async function disclosureRequest(deps: AppDeps, staff: StaffMember, id: string): Promise<Result<DisclosureRequestRecord>> {
  const refused = adminOnly(staff);
  if (refused) return refused;
  const r = await deps.store.disclosures.byId(id);
  return r ? ok(r) : fail('not_found', 'There is no such disclosure request.');
}

/**
 * Produces the export package of an approved request: exactly its subjects, fields and dates, with
 * a manifest, and the SHA-256 of the bytes. Every order disclosed gets an audit entry carrying the
 * hash; where the request allows it, each buyer is told by mail (once, on the first export).
 */
export async function exportDisclosure(deps: AppDeps, staff: StaffMember, id: string): Promise<Result<{ body: string; sha256: string; manifest: DisclosureManifest; filename: string }>> {
  const refused = adminOnly(staff);
  if (refused) return refused;
  return transact(deps.store, async (tx) => {
    const request = await tx.disclosures.byId(id, { forUpdate: true });
    if (!request) return fail('not_found', 'There is no such disclosure request.');
    if (request.status !== 'approved') return fail('forbidden', 'Only an approved request can be exported.');
    const now = deps.clock.now();
    const orders = await tx.disclosures.ordersInScope(request.scope);
    const s = request.scope;
    const pkg = disclosurePackage({
      requestId: request.id, kind: request.kind, authority: request.authority, legalBasis: request.legalBasis, reference: request.reference,
      scope: { orderIds: s.orderIds, emailHashes: s.emailHashes, fields: s.fields, from: s.from.toISOString(), to: s.to.toISOString() },
      generatedAt: now.toISOString(),
    }, orders);
    const firstExport = request.lastExportHash === null;
    await tx.disclosures.recordExport(id, pkg.sha256, now);
    const reason = `${request.authority}: ${request.legalBasis} (ref. ${request.reference})`;
    await tx.audit.record({
      actorKind: 'platform_staff', actorId: staff.staffId, producerId: null, action: 'disclosure.export', subject: `disclosure:${id}`, reason,
      detail: { sha256: pkg.sha256, orders: orders.length, fields: s.fields.join(','), generatedAt: now.toISOString() }, at: now,
    });
    for (const o of orders) {
      await tx.audit.record({
        actorKind: 'platform_staff', actorId: staff.staffId, producerId: o.producerId, action: 'disclosure.export.order', subject: `order:${o.orderId}`, reason,
        detail: { disclosure: id, sha256: pkg.sha256, fields: s.fields.join(',') }, at: now,
      });
      if (request.notifyAllowed && firstExport) {
        await tx.mails.enqueue({ id: randomUUID(), producerId: o.producerId, orderId: o.orderId, kind: `disclosure_notice:${id}`, createdAt: now });
        await tx.audit.record({
          actorKind: 'platform_staff', actorId: staff.staffId, producerId: o.producerId, action: 'disclosure.notify', subject: `order:${o.orderId}`, reason,
          detail: { disclosure: id }, at: now,
        });
      }
    }
    deps.log.info({ disclosureId: id, staffId: staff.staffId, orders: orders.length, sha256: pkg.sha256 }, 'disclosure exported');
    return ok({ ...pkg, filename: `disclosure-${id}.json` });
  });
}
