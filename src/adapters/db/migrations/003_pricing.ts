import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/** Issue 5: tax rates per ticket type (inclusive or exclusive), service fees per event, and the priced breakdown kept on orders. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table ticket_types add column tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000);
    alter table ticket_types add column tax_inclusive boolean not null default true;

    alter table events add column fee_per_ticket_minor integer not null default 0 check (fee_per_ticket_minor >= 0);
    alter table events add column fee_per_order_minor integer not null default 0 check (fee_per_order_minor >= 0);
    alter table events add column fee_tax_rate_bp integer not null default 0 check (fee_tax_rate_bp between 0 and 10000);

    -- A hold keeps the tax of the moment with the price.
    alter table hold_items add column tax_rate_bp integer not null default 0;
    alter table hold_items add column tax_inclusive boolean not null default true;

    alter table order_lines add column tax_rate_bp integer not null default 0;
    alter table order_lines add column tax_inclusive boolean not null default true;
    alter table order_lines add column unit_gross_minor integer not null default 0;
    alter table order_lines add column net_minor integer not null default 0;
    alter table order_lines add column tax_minor integer not null default 0;
    alter table order_lines add column gross_minor integer not null default 0;
    update order_lines set unit_gross_minor = unit_price_minor, gross_minor = unit_price_minor * quantity, net_minor = unit_price_minor * quantity;

    alter table orders add column net_minor integer not null default 0;
    alter table orders add column tax_minor integer not null default 0;
    alter table orders add column fee_minor integer not null default 0;
    alter table orders add column fee_tax_minor integer not null default 0;
    alter table orders add column fee_tax_rate_bp integer not null default 0;
    alter table orders add column fee_per_ticket_minor integer not null default 0;
    update orders set net_minor = total_minor;
  `,
  );
}
