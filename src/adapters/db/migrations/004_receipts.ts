import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 5: receipts and credit notes, numbered per producer without gaps.
 * The number comes from a counter row taken in the transaction that issues the document, not from a
 * PostgreSQL sequence: a sequence never gives a number back, so a rolled-back payment would leave a gap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    -- What a receipt names as the seller. An empty legal name falls back to the display name.
    alter table producers add column legal_name text not null default '';
    alter table producers add column legal_address text not null default '';
    alter table producers add column vat_id text;

    -- The number the next document of a kind gets. Taking one locks the row until the transaction ends.
    create table document_sequences (
      producer_id uuid not null references producers(id),
      kind text not null check (kind in ('receipt', 'credit_note')),
      next_number integer not null check (next_number > 0),
      primary key (producer_id, kind)
    );

    -- A credit note may refer to no receipt: orders paid before receipts existed can still be refunded.
    create table receipts (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      order_id uuid not null references orders(id),
      kind text not null check (kind in ('receipt', 'credit_note')),
      number integer not null check (number > 0),
      formatted text not null,
      issued_at timestamptz not null,
      gross_minor integer not null check (gross_minor >= 0),
      currency char(3) not null,
      refers_to uuid references receipts(id),
      unique (producer_id, kind, number),
      check (kind = 'credit_note' or refers_to is null)
    );
    create index receipts_order on receipts (order_id, issued_at);
  `,
  );
}
