import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * The audit trail: who looked at, exported, disclosed or erased whose personal data, when and why.
 * Append-only and hash-chained: each entry's hash covers the previous one's, so a change anywhere
 * breaks every hash after it. audit_head holds the last hash; locking it orders concurrent appends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table audit_entries (
      seq bigint primary key,
      id uuid not null unique,
      at timestamptz not null,
      actor_kind text not null check (actor_kind in ('producer_user', 'platform_staff', 'buyer', 'system')),
      actor_id text,
      producer_id uuid references producers(id),
      action text not null,
      subject text not null,
      reason text not null,
      detail text not null default '{}',
      prev_hash text not null,
      hash text not null
    );
    create index audit_entries_producer on audit_entries (producer_id, at);
    create index audit_entries_subject on audit_entries (subject);

    create table audit_head (
      id integer primary key check (id = 1),
      seq bigint not null,
      hash text not null
    );
    insert into audit_head (id, seq, hash) values (1, 0, 'genesis');
  `,
  );
}
