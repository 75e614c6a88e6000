import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/** Issue 5: refunds (partial too), cancelled performances, prices kept on holds, claimed mail, idempotent test-provider calls, payment issues. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table payments drop constraint payments_status_check;
    alter table payments add constraint payments_status_check
      check (status in ('created', 'pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded'));
    alter table payments add column refunded_minor integer not null default 0 check (refunded_minor >= 0);
    create index payments_unsettled on payments (status, updated_at);

    -- Each refund made through the provider, once per idempotency key; refunded_minor is their sum.
    create table refunds (
      id uuid primary key,
      payment_id uuid not null references payments(id),
      idempotency_key text not null,
      provider_refund_ref text not null,
      amount_minor integer not null check (amount_minor > 0),
      created_at timestamptz not null,
      unique (payment_id, idempotency_key)
    );

    alter table performances add column cancelled_at timestamptz;

    -- A hold keeps the price it was placed at, so the order and the payment agree whatever happens to the price.
    alter table hold_items add column unit_price_minor integer;
    alter table hold_items add column currency char(3);
    update hold_items hi set unit_price_minor = t.price_minor, currency = t.currency from ticket_types t where t.id = hi.ticket_type_id;
    alter table hold_items alter column unit_price_minor set not null;
    alter table hold_items alter column currency set not null;

    -- Mail is claimed before it is sent, so two dispatchers never send the same mail.
    alter table mails drop constraint mails_status_check;
    alter table mails add constraint mails_status_check check (status in ('queued', 'sending', 'sent', 'failed'));
    alter table mails add column claimed_at timestamptz;

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
