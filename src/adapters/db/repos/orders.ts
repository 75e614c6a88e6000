import { type Selectable, sql } from 'kysely';
import type { NewOrder, OrderRecord, OrderRepo, ProducerOrderRow } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { OrderStatus } from '../../../domain/order.ts';
import type { Db } from '../connect.ts';
import type { OrdersTable } from '../schema.ts';

export function orderRecord(r: Selectable<OrdersTable>): OrderRecord {
  return {
    id: r.id, code: r.code, producerId: r.producerId, performanceId: r.performanceId, holdId: r.holdId,
    status: r.status as OrderStatus, buyerName: r.buyerName, buyerEmail: r.buyerEmail, marketingConsent: r.marketingConsent,
    createdAt: r.createdAt, paidAt: r.paidAt, soldBy: r.soldBy ?? null,
    total: money(r.totalMinor, r.currency), net: money(r.netMinor, r.currency), tax: money(r.taxMinor, r.currency),
    fee: money(r.feeMinor, r.currency), feeTax: money(r.feeTaxMinor, r.currency), feeTaxRateBp: r.feeTaxRateBp,
    feePerTicket: money(r.feePerTicketMinor, r.currency),
    discount: money(r.discountMinor, r.currency), voucherCode: r.voucherCode,
  };
}

/** The order's columns for where its buyer checked out from, and the fraud flags raised. */
export function clientColumns(c: NonNullable<NewOrder['client']>) {
  return {
    clientIp: c.ip, clientAsn: c.network?.asn ?? null, clientOrg: c.network?.organisation ?? null,
    flagReasons: c.flags.length > 0 ? c.flags.join(',') : null,
  };
}

export function orderRepo(db: Db): OrderRepo {
  return {
    async create(o) {
      const p = o.pricing;
      // The lines go in a CTE of the order's insert: one statement (their reference to the order is checked at its end).
      const row = await db
        .with('lines', (qb) => qb.insertInto('orderLines').values(
          p.lines.map((l) => ({
            orderId: o.id, ticketTypeId: l.ticketTypeId, quantity: l.quantity, unitPriceMinor: l.unitPrice.amount, currency: l.unitPrice.currency,
            taxRateBp: l.taxRateBp, taxInclusive: l.taxInclusive, unitGrossMinor: l.unitGross.amount, netMinor: l.net.amount, taxMinor: l.tax.amount, grossMinor: l.gross.amount,
            discountMinor: l.discount.amount,
          })),
        ))
        .insertInto('orders')
        .values({
          id: o.id, code: o.code, producerId: o.producerId, performanceId: o.performanceId, holdId: o.holdId, status: 'pending',
          buyerName: o.buyerName, buyerEmail: o.buyerEmail, marketingConsent: o.marketingConsent, createdAt: o.createdAt, paidAt: null, soldBy: o.soldBy ?? null,
          totalMinor: p.gross.amount, currency: p.gross.currency, netMinor: p.net.amount, taxMinor: p.tax.amount,
          feeMinor: p.fee?.gross.amount ?? 0, feeTaxMinor: p.fee?.tax.amount ?? 0, feeTaxRateBp: o.fees.taxRateBp, feePerTicketMinor: o.fees.perTicketMinor,
          discountMinor: p.discount.amount, voucherCode: o.voucherCode ?? null,
          ...(o.client ? clientColumns(o.client) : {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return orderRecord(row);
    },
    async byHold(holdId) {
      const r = await db.selectFrom('orders').where('holdId', '=', holdId).selectAll().executeTakeFirst();
      return r ? orderRecord(r) : null;
    },
    async byId(id, opts) {
      let q = db.selectFrom('orders').where('id', '=', id).selectAll();
      if (opts?.forUpdate) q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return r ? orderRecord(r) : null;
    },
    async updateBuyer(id, buyer) {
      await db.updateTable('orders').set(buyer).where('id', '=', id).execute();
    },
    async setStatus(id, status, paidAt) {
      await db.updateTable('orders').set(paidAt ? { status, paidAt } : { status }).where('id', '=', id).execute();
    },
    async lines(orderId) {
      const rows = await db
        .selectFrom('orderLines as l')
        .innerJoin('ticketTypes as t', 't.id', 'l.ticketTypeId')
        .where('l.orderId', '=', orderId)
        .select(['l.ticketTypeId', 't.name', 'l.quantity', 'l.unitPriceMinor', 'l.currency', 'l.taxRateBp', 'l.taxInclusive', 'l.unitGrossMinor', 'l.netMinor', 'l.taxMinor', 'l.grossMinor', 'l.discountMinor'])
        .orderBy('t.sort')
        .orderBy('t.name')
        .execute();
      return rows.map((r) => ({
        ticketTypeId: r.ticketTypeId, ticketTypeName: r.name, quantity: r.quantity, unitPrice: money(r.unitPriceMinor, r.currency),
        unitGross: money(r.unitGrossMinor, r.currency), taxRateBp: r.taxRateBp, taxInclusive: r.taxInclusive,
        net: money(r.netMinor, r.currency), tax: money(r.taxMinor, r.currency), gross: money(r.grossMinor, r.currency),
        discount: money(r.discountMinor, r.currency),
      }));
    },
    listForProducer(producerId) {
      return producerOrderRows(db, producerId, (q) => q.limit(500));
    },
    searchForProducer(producerId, search) {
      // Plain ILIKE on both databases (no pg_trgm): wildcards in the text are escaped, so they match themselves.
      const contains = `%${escapeLike(search.text)}%`;
      return producerOrderRows(db, producerId, (q) =>
        q
          .where((w) => w.or([
            w('o.buyerName', 'ilike', contains),
            w('o.buyerEmail', 'ilike', contains),
            ...(search.codePrefix === null ? [] : [w('o.code', 'like', `${escapeLike(search.codePrefix)}%`)]),
          ]))
          .orderBy('o.id')
          .limit(search.limit)
          .offset(search.offset),
      );
    },
  };
}

/** Backslash, `%` and `_` stand for themselves in a LIKE pattern (backslash is the default escape in PostgreSQL). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The provider (an online provider or a counter method) of the latest payment of the order aliased `o`, as `paymentProvider`. */
export const latestPaymentProvider = sql<string | null>`(select pay.provider from payments pay where pay.order_id = o.id order by pay.created_at desc, pay.id desc limit 1)`.as('paymentProvider');

function producerOrderQuery(db: Db, producerId: string) {
  return db
    .selectFrom('orders as o')
    .innerJoin('performances as pf', 'pf.id', 'o.performanceId')
    .innerJoin('events as e', 'e.id', 'pf.eventId')
    .innerJoin('venues as v', 'v.id', 'pf.venueId')
    .where('o.producerId', '=', producerId)
    .select([
      'o.id', 'o.code', 'o.status', 'o.performanceId', 'o.buyerName', 'o.buyerEmail', 'o.marketingConsent', 'o.totalMinor', 'o.currency', 'o.createdAt',
      'e.title as eventTitle', 'pf.startsAt as performanceStartsAt', 'v.timeZone',
      (eb) => eb.selectFrom('tickets').whereRef('tickets.orderId', '=', 'o.id').select(sql<number>`count(*)::int`.as('n')).as('ticketCount'),
      latestPaymentProvider,
    ])
    .orderBy('o.createdAt', 'desc');
}

/** The producer's orders as the dashboard lists them, newest first; `refine` narrows and pages the query. */
async function producerOrderRows(
  db: Db, producerId: string, refine: (q: ReturnType<typeof producerOrderQuery>) => ReturnType<typeof producerOrderQuery>,
): Promise<ProducerOrderRow[]> {
  const rows = await refine(producerOrderQuery(db, producerId)).execute();
  return rows.map((r) => ({
    id: r.id, code: r.code, status: r.status as OrderStatus, performanceId: r.performanceId, buyerName: r.buyerName, buyerEmail: r.buyerEmail,
    marketingConsent: r.marketingConsent, total: money(r.totalMinor, r.currency), createdAt: r.createdAt,
    eventTitle: r.eventTitle, performanceStartsAt: r.performanceStartsAt, timeZone: r.timeZone, ticketCount: r.ticketCount ?? 0,
    paymentProvider: r.paymentProvider ?? null,
  }));
}
