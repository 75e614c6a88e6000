import type { Selectable } from 'kysely';
import type { ReceiptContent, ReceiptDocument, ReceiptRecord, ReceiptRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';
import type { ReceiptsTable } from '../schema.ts';

type Kind = ReceiptDocument['kind'];

const PREFIX: Record<Kind, string> = { receipt: 'R', credit_note: 'CN' };

/** R-000042, CN-000007: six digits at least and no year, so a producer's sequence never restarts. */
export function formatDocumentNumber(kind: Kind, number: number): string {
  return `${PREFIX[kind]}-${String(number).padStart(6, '0')}`;
}

function toRecord(r: Selectable<ReceiptsTable>): ReceiptRecord {
  return {
    id: r.id, producerId: r.producerId, orderId: r.orderId, kind: r.kind as Kind, number: r.number, formatted: r.formatted,
    issuedAt: r.issuedAt, gross: money(r.grossMinor, r.currency), refersTo: r.refersTo, content: JSON.parse(r.content) as ReceiptContent,
  };
}

export function receiptRepo(db: Db): ReceiptRepo {
  return {
    async issue(r) {
      // Outside a transaction the counter and the document still go together.
      if (!db.isTransaction) return db.transaction().execute((tx) => receiptRepo(tx).issue(r));
      // One statement takes the number: the upsert locks the producer's counter row until the caller's
      // transaction ends, so concurrent issuers queue, and a rollback undoes the increment.
      const { number } = await db
        .insertInto('documentSequences')
        .values({ producerId: r.producerId, kind: r.kind, nextNumber: 2 })
        .onConflict((oc) => oc.columns(['producerId', 'kind']).doUpdateSet((eb) => ({ nextNumber: eb('documentSequences.nextNumber', '+', 1) })))
        .returning((eb) => eb('nextNumber', '-', 1).as('number'))
        .executeTakeFirstOrThrow();
      const formatted = formatDocumentNumber(r.kind, number);
      await db
        .insertInto('receipts')
        .values({
          id: r.id, producerId: r.producerId, orderId: r.orderId, kind: r.kind, number, formatted, issuedAt: r.issuedAt,
          grossMinor: r.gross.amount, currency: r.gross.currency, refersTo: r.refersTo ?? null, content: JSON.stringify(r.content),
        })
        .execute();
      return { number, formatted };
    },
    async forOrder(orderId) {
      const rows = await db.selectFrom('receipts').where('orderId', '=', orderId).selectAll().orderBy('issuedAt').orderBy('kind', 'desc').orderBy('number').execute();
      return rows.map(toRecord);
    },
    async legalDetails(producerId) {
      const p = await db.selectFrom('producers').where('id', '=', producerId).select(['name', 'legalName', 'legalAddress', 'vatId']).executeTakeFirst();
      if (!p) return null;
      return { legalName: p.legalName.trim() || p.name, address: p.legalAddress, vatId: p.vatId?.trim() || null };
    },
  };
}
