import { type Selectable, sql } from 'kysely';
import type { ReceiptContent, ReceiptDocument, ReceiptRecord, ReceiptRepo } from '../../../app/ports.ts';
import { money } from '../../../domain/money.ts';
import type { Db } from '../connect.ts';
import type { ReceiptsTable } from '../schema.ts';

type Kind = ReceiptDocument['kind'];

const PREFIX: Record<Kind, string> = { receipt: 'R', credit_note: 'CN' };

/**
 * R-000042, CN-000007: six digits at least and no year, so a producer's sequence never restarts.
 * The database writes it, in the statement that takes the number (`issue`).
 */
const formattedNumber = (kind: Kind) => sql<string>`${PREFIX[kind]}::text || '-' || lpad(n.number::text, greatest(6, length(n.number::text)), '0')`;

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
      // One statement takes the number and records the document: the upsert locks the producer's counter
      // row until the caller's transaction ends, so concurrent issuers queue (the row is hot in an
      // on-sale: no round trip between taking it and the rest of the transaction), and a rollback undoes the increment.
      const issued = await sql<{ number: number; formatted: string }>`
        with n as (
          insert into document_sequences (producer_id, kind, next_number) values (${r.producerId}::uuid, ${r.kind}::text, 2)
          on conflict (producer_id, kind) do update set next_number = document_sequences.next_number + 1
          returning next_number - 1 as number
        )
        insert into receipts (id, producer_id, order_id, kind, number, formatted, issued_at, gross_minor, currency, refers_to, content)
        select ${r.id}::uuid, ${r.producerId}::uuid, ${r.orderId}::uuid, ${r.kind}::text, n.number, ${formattedNumber(r.kind)},
          ${r.issuedAt}::timestamptz, ${r.gross.amount}::int, ${r.gross.currency}::text, ${r.refersTo ?? null}::uuid, ${JSON.stringify(r.content)}::text
        from n
        returning number, formatted`.execute(db);
      return issued.rows[0]!;
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
