import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 7: data-subject rights.
 * subject_mails is the outbox of mails sent to a person rather than about an order (the link to
 * their data). It holds the address only until the mail is sent, and subject_ref (a keyed hash of
 * the address) to throttle requests; the link itself is derived at send time and never stored.
 * legal_holds keep a subject's data from erasure and retention, by order or by subject_ref.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table subject_mails (
      id uuid primary key,
      email text,
      subject_ref text not null,
      kind text not null,
      link_expires_at timestamptz not null,
      status text not null check (status in ('queued', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null,
      claimed_at timestamptz,
      sent_at timestamptz,
      check (status in ('sent', 'failed') or email is not null)
    );
    create index subject_mails_queued on subject_mails (status, created_at);
    create index subject_mails_ref on subject_mails (subject_ref, created_at);

    create table legal_holds (
      id uuid primary key,
      subject_ref text,
      order_id uuid references orders(id),
      reason text not null,
      placed_by text not null,
      created_at timestamptz not null,
      until timestamptz,
      check (subject_ref is not null or order_id is not null)
    );
    create index legal_holds_subject on legal_holds (subject_ref);
    create index legal_holds_order on legal_holds (order_id);

    create index orders_buyer_email on orders (lower(buyer_email));
  `,
  );
}
