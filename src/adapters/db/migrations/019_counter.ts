import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 6 §3: sales at the box-office counter (ADR 0015).
 * - orders.buyer_email may be null: a walk-up buyer need not give an address. Every reader handles
 *   its absence (no mail, no mailing, no subject lookup by address). The name stays text, '' when not given.
 * - orders.sold_by: the producer user who sold the order at the counter; null for an online order.
 * - payments.terminal_ref: the counter terminal's own reference for a card payment, never card data.
 *   The database refuses anything but a short reference with fewer than 13 digits, so no card number
 *   (13 to 19 digits) can ever be stored there, whatever the application checks first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table orders alter column buyer_email drop not null;
    alter table orders add column sold_by uuid references users(id);
    create index orders_sold_by on orders (sold_by) where sold_by is not null;
    alter table payments add column terminal_ref text;
    alter table payments add constraint payments_terminal_ref_check check (
      terminal_ref is null or (
        length(terminal_ref) between 1 and 40
        and terminal_ref ~ '^[A-Za-z0-9._/-]+$'
        and length(regexp_replace(terminal_ref, '[^0-9]', '', 'g')) < 13
      )
    );
    `,
  );
}
