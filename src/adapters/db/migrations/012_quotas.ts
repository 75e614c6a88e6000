import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 4 §1 and issue 6 §2: ticket types draw on one or more quotas, and are sold inside a window
 * with per-order limits.
 * - quotas: a number of places of one performance ("Hall 500", "Students 100").
 * - ticket_type_quotas: which quotas a ticket type draws on; a hold takes a place from every one.
 * - ticket_types.sales_opens_at / sales_closes_at: null means "from publication" / "until the start".
 * - ticket_types.min_per_order / max_per_order: the most and fewest of this type in one order.
 * Every existing ticket type gets its own quota holding its capacity, so nothing changes for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table quotas (
      id uuid primary key,
      performance_id uuid not null references performances(id),
      name text not null,
      capacity integer not null check (capacity >= 0),
      created_at timestamptz not null default now()
    );
    create index quotas_performance on quotas (performance_id);

    create table ticket_type_quotas (
      ticket_type_id uuid not null references ticket_types(id) on delete cascade,
      quota_id uuid not null references quotas(id) on delete cascade,
      primary key (ticket_type_id, quota_id)
    );
    create index ticket_type_quotas_quota on ticket_type_quotas (quota_id);

    alter table ticket_types add column sales_opens_at timestamptz;
    alter table ticket_types add column sales_closes_at timestamptz;
    alter table ticket_types add column min_per_order integer not null default 1 check (min_per_order >= 1);
    alter table ticket_types add column max_per_order integer not null default 10 check (max_per_order >= 1);

    -- One quota per existing ticket type, with the same id (a ticket type's own limit).
    insert into quotas (id, performance_id, name, capacity)
      select id, performance_id, name, capacity from ticket_types;
    insert into ticket_type_quotas (ticket_type_id, quota_id)
      select id, id from ticket_types;
    `,
  );
}
