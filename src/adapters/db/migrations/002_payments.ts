import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/** Issue 5: refunds (partial too), cancelled performances, idempotent test-provider calls, payment issues for producers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table payments drop constraint payments_status_check;
    alter table payments add constraint payments_status_check
      check (status in ('created', 'pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded'));
    alter table payments add column refunded_minor integer not null default 0 check (refunded_minor >= 0);
    create index payments_unsettled on payments (status, updated_at);

    alter table performances add column cancelled_at timestamptz;

    -- What reconciliation could not fix by itself, for the producer to look at.
    create table payment_issues (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      payment_id uuid not null references payments(id),
      kind text not null,
      detail text not null,
      created_at timestamptz not null,
      resolved_at timestamptz,
      unique (payment_id, kind)
    );
    create index payment_issues_producer on payment_issues (producer_id, created_at);

    alter table testpay_sessions add column idempotency_key text;
    create unique index testpay_sessions_idempotency on testpay_sessions (idempotency_key);
    alter table testpay_sessions add column expires_at timestamptz;

    create table testpay_refunds (
      id text primary key,
      session_id text not null references testpay_sessions(id),
      idempotency_key text not null unique,
      amount_minor integer not null check (amount_minor > 0),
      created_at timestamptz not null
    );
  `,
  );
}
