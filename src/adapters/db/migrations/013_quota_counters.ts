import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 4 §1–3 (ADR 0010): quotas are the truth of capacity, and keep counters.
 * - quotas.sold / quotas.held: places taken by valid tickets / by active holds, changed only in the
 *   transaction that changes the row that justifies them; a check makes an oversold quota impossible.
 * - hold_quotas: what each hold took from each quota, so releasing it gives back exactly that.
 * - holds.status 'expired': released by the expiry sweeper rather than by a person.
 * - ticket_types.capacity goes: a ticket type's limits are its quotas (012 gave each its own).
 * Counters start from the rows: valid tickets, and holds still active (expired or not: the sweeper
 * releases those).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table hold_quotas (
      hold_id uuid not null references holds(id) on delete cascade,
      quota_id uuid not null references quotas(id),
      quantity integer not null check (quantity > 0),
      primary key (hold_id, quota_id)
    );
    create index hold_quotas_quota on hold_quotas (quota_id);

    insert into hold_quotas (hold_id, quota_id, quantity)
      select hi.hold_id, tq.quota_id, sum(hi.quantity)
      from hold_items hi
      join holds h on h.id = hi.hold_id
      join ticket_type_quotas tq on tq.ticket_type_id = hi.ticket_type_id
      where h.status = 'active'
      group by hi.hold_id, tq.quota_id;

    alter table quotas add column sold integer not null default 0;
    alter table quotas add column held integer not null default 0;

    update quotas q set sold = coalesce((
      select count(*) from tickets t join ticket_type_quotas tq on tq.ticket_type_id = t.ticket_type_id
      where tq.quota_id = q.id and t.status = 'valid'), 0);
    update quotas q set held = coalesce((
      select sum(hq.quantity) from hold_quotas hq where hq.quota_id = q.id), 0);

    alter table quotas add constraint quotas_counts check (sold >= 0 and held >= 0 and sold + held <= capacity);

    alter table holds drop constraint holds_status_check;
    alter table holds add constraint holds_status_check check (status in ('active', 'converted', 'released', 'expired'));
    create index holds_expiring on holds (expires_at) where status = 'active';

    alter table ticket_types drop column capacity;
    `,
  );
}
