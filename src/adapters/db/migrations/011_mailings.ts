import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 6 §6: a producer emails its buyers.
 * mailings holds what was written and the progress counts; mailing_recipients is the work list the
 * dispatcher claims (FOR UPDATE SKIP LOCKED), one row per lower-cased address, and forgets the
 * address once the mail is sent or given up. mail_unsubscribes names an address only by its keyed
 * hash (Keys.subjectRef), per producer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table mailings (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      event_id uuid references events(id),
      kind text not null check (kind in ('update', 'marketing')),
      subject text not null,
      body text not null,
      status text not null check (status in ('sending', 'done')),
      total integer not null,
      sent integer not null default 0,
      failed integer not null default 0,
      failed_attempts integer not null default 0,
      created_by uuid not null references users(id),
      created_at timestamptz not null,
      finished_at timestamptz
    );
    create index mailings_producer on mailings (producer_id, created_at);

    create table mailing_recipients (
      id uuid primary key,
      mailing_id uuid not null references mailings(id),
      email text,
      subject_ref text not null,
      status text not null check (status in ('queued', 'sending', 'sent', 'failed', 'skipped')),
      attempts integer not null default 0,
      last_error text,
      claimed_at timestamptz,
      sent_at timestamptz,
      unique (mailing_id, subject_ref),
      check (status not in ('queued', 'sending') or email is not null)
    );
    create index mailing_recipients_queued on mailing_recipients (status, mailing_id);

    create table mail_unsubscribes (
      producer_id uuid not null references producers(id),
      subject_ref text not null,
      created_at timestamptz not null,
      primary key (producer_id, subject_ref)
    );
  `,
  );
}
