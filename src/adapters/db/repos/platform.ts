import { sql } from 'kysely';
import type { DisclosureRepo, DisclosureRequestRecord, StaffRepo, SupportRepo } from '../../../app/ports.ts';
import type { DisclosableOrder, DisclosureField, DisclosureKind, DisclosureStatus } from '../../../domain/disclosure.ts';
import type { Db } from '../connect.ts';

/** The platform's own staff and their sessions (token hashes only). */
export function staffRepo(db: Db): StaffRepo {
  return {
    async create(s) {
      const r = await db.insertInto('platformStaff').values(s).onConflict((oc) => oc.column('email').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async byEmail(email) {
      const r = await db.selectFrom('platformStaff').where('email', '=', email.trim().toLowerCase()).select(['id', 'email', 'name', 'role', 'passwordHash']).executeTakeFirst();
      return r ? { ...r, role: r.role as 'support' | 'admin' } : null;
    },
    async createSession(s) {
      await db.insertInto('staffSessions').values(s).execute();
    },
    async sessionStaff(tokenHash, now) {
      const r = await db
        .selectFrom('staffSessions as s')
        .innerJoin('platformStaff as p', 'p.id', 's.staffId')
        .where('s.tokenHash', '=', tokenHash)
        .where('s.expiresAt', '>', now)
        .select(['p.id as staffId', 'p.name', 'p.role'])
        .executeTakeFirst();
      return r ? { ...r, role: r.role as 'support' | 'admin' } : null;
    },
    async deleteSession(tokenHash) {
      await db.deleteFrom('staffSessions').where('tokenHash', '=', tokenHash).execute();
    },
    async replacePasswordHash(staffId, previous, next) {
      await db.updateTable('platformStaff').set({ passwordHash: next }).where('id', '=', staffId).where('passwordHash', '=', previous).execute();
    },
  };
}

export function supportRepo(db: Db): SupportRepo {
  const record = (r: { id: string; reference: string; orderId: string; producerId: string; message: string; status: string; createdAt: Date }) =>
    ({ ...r, status: r.status as 'open' | 'closed' });
  return {
    async create(r) {
      await db.insertInto('supportRequests').values({ ...r, status: 'open' }).execute();
    },
    async listOpen(limit) {
      const rows = await db
        .selectFrom('supportRequests as s')
        .innerJoin('orders as o', 'o.id', 's.orderId')
        .innerJoin('producers as p', 'p.id', 's.producerId')
        .innerJoin('performances as pf', 'pf.id', 'o.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .where('s.status', '=', 'open')
        .select(['s.id', 's.reference', 'p.name as producerName', 'e.title as eventTitle', 's.status', 's.createdAt'])
        .orderBy('s.createdAt')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, status: r.status as 'open' | 'closed' }));
    },
    async byId(id) {
      const r = await db.selectFrom('supportRequests').where('id', '=', id).selectAll().executeTakeFirst();
      return r ? record(r) : null;
    },
    async byReference(reference) {
      const r = await db.selectFrom('supportRequests').where('reference', '=', reference).selectAll().executeTakeFirst();
      return r ? record(r) : null;
    },
    async close(id) {
      await db.updateTable('supportRequests').set({ status: 'closed' }).where('id', '=', id).execute();
    },
    async forOrders(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db.selectFrom('supportRequests').where('orderId', 'in', orderIds).selectAll().orderBy('createdAt').execute();
      return rows.map(record);
    },
  };
}

export function disclosureRepo(db: Db): DisclosureRepo {
  const base = () =>
    db
      .selectFrom('disclosureRequests as d')
      .innerJoin('platformStaff as r', 'r.id', 'd.recordedBy')
      .leftJoin('platformStaff as a', 'a.id', 'd.decidedBy')
      .selectAll('d')
      .select(['r.name as recordedByName', 'a.name as decidedByName']);
  type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;
  const toRecord = (r: Row): DisclosureRequestRecord => ({
    id: r.id, kind: r.kind as DisclosureKind, authority: r.authority, legalBasis: r.legalBasis, reference: r.reference,
    scope: { orderIds: JSON.parse(r.orderIds), emailHashes: JSON.parse(r.emailHashes), fields: JSON.parse(r.fields) as DisclosureField[], from: r.dateFrom, to: r.dateTo },
    notifyAllowed: r.notifyAllowed, status: r.status as DisclosureStatus, recordedBy: r.recordedBy, recordedByName: r.recordedByName, recordedAt: r.recordedAt,
    decidedBy: r.decidedBy, decidedByName: r.decidedByName ?? null, decidedAt: r.decidedAt, decisionNote: r.decisionNote,
    lastExportHash: r.lastExportHash, lastExportedAt: r.lastExportedAt,
  });
  return {
    async create(r) {
      await db.insertInto('disclosureRequests').values({
        id: r.id, kind: r.kind, authority: r.authority, legalBasis: r.legalBasis, reference: r.reference,
        orderIds: JSON.stringify(r.scope.orderIds), emailHashes: JSON.stringify(r.scope.emailHashes), fields: JSON.stringify(r.scope.fields),
        dateFrom: r.scope.from, dateTo: r.scope.to, notifyAllowed: r.notifyAllowed, status: 'pending', recordedBy: r.recordedBy, recordedAt: r.recordedAt,
        decidedBy: null, decidedAt: null, decisionNote: null, lastExportHash: null, lastExportedAt: null,
      }).execute();
    },
    async byId(id, opts) {
      if (opts?.forUpdate) await db.selectFrom('disclosureRequests').where('id', '=', id).select('id').forUpdate().execute();
      const r = await base().where('d.id', '=', id).executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async list(limit) {
      return (await base().orderBy('d.recordedAt', 'desc').limit(limit).execute()).map(toRecord);
    },
    async decide(id, d) {
      await db.updateTable('disclosureRequests').set({ status: d.status, decidedBy: d.decidedBy, decidedAt: d.decidedAt, decisionNote: d.note }).where('id', '=', id).execute();
    },
    async recordExport(id, sha256, at) {
      await db.updateTable('disclosureRequests').set({ lastExportHash: sha256, lastExportedAt: at }).where('id', '=', id).execute();
    },
    async ordersInScope(scope) {
      if (scope.orderIds.length === 0 && scope.emailHashes.length === 0) return [];
      const orders = await db
        .selectFrom('orders as o')
        .innerJoin('performances as pf', 'pf.id', 'o.performanceId')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .innerJoin('producers as p', 'p.id', 'o.producerId')
        .where((w) => {
          const named = [];
          if (scope.orderIds.length > 0) named.push(w('o.id', 'in', scope.orderIds));
          // The request holds only the emails' hashes; the database hashes each buyer's email to compare.
          if (scope.emailHashes.length > 0) named.push(w(sql<string>`encode(sha256(convert_to(lower(o.buyer_email), 'UTF8')), 'hex')`, 'in', scope.emailHashes));
          return w.and([w.or(named), w('o.createdAt', '>=', scope.from), w('o.createdAt', '<', scope.to)]);
        })
        .select(['o.id', 'o.producerId', 'o.code', 'o.status', 'o.createdAt', 'o.buyerName', 'o.buyerEmail', 'e.title', 'p.name as producerName', 'pf.startsAt', 'o.clientIp', 'o.clientAsn', 'o.clientOrg'])
        .orderBy('o.createdAt')
        .orderBy('o.id')
        .execute();
      if (orders.length === 0) return [];
      const ids = orders.map((o) => o.id);
      const tickets = await db
        .selectFrom('tickets as t')
        .innerJoin('ticketTypes as tt', 'tt.id', 't.ticketTypeId')
        .where('t.orderId', 'in', ids)
        .select(['t.orderId', 'tt.name', 't.status', 't.attendeeName'])
        .orderBy('t.orderId')
        .orderBy('t.id')
        .execute();
      const payments = await db.selectFrom('payments').where('orderId', 'in', ids).select(['orderId', 'provider', 'status', 'amountMinor', 'currency']).orderBy('createdAt').orderBy('id').execute();
      return orders.map((o): DisclosableOrder => ({
        orderId: o.id, producerId: o.producerId, orderCode: o.code, orderStatus: o.status, orderedAt: o.createdAt, buyerName: o.buyerName, buyerEmail: o.buyerEmail,
        eventTitle: o.title, producerName: o.producerName, performanceStartsAt: o.startsAt,
        clientIp: o.clientIp ?? null, clientAsn: o.clientAsn ?? null, clientOrg: o.clientOrg ?? null,
        tickets: tickets.filter((t) => t.orderId === o.id).map((t) => ({ ticketType: t.name, status: t.status, attendeeName: t.attendeeName })),
        payments: payments.filter((p) => p.orderId === o.id).map((p) => ({ provider: p.provider, status: p.status, amountMinor: p.amountMinor, currency: p.currency })),
      }));
    },
  };
}
