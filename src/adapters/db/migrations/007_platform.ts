import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * The platform's own staff (who run this Marquee instance, not producers), their sessions,
 * buyers' support requests, and lawful-disclosure requests with their two-person approval.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table platform_staff (
      id uuid primary key,
      email text not null unique,
      name text not null,
      password_hash text not null,
      role text not null check (role in ('support', 'admin')),
      created_at timestamptz not null
    );

    -- Like sessions: only the SHA-256 of the token is kept.
    create table staff_sessions (
      token_hash text primary key,
      staff_id uuid not null references platform_staff(id) on delete cascade,
      created_at timestamptz not null,
      expires_at timestamptz not null
    );

    create table support_requests (
      id uuid primary key,
      reference text not null unique,
      order_id uuid not null references orders(id),
      producer_id uuid not null references producers(id),
      message text not null,
      status text not null check (status in ('open', 'closed')),
      created_at timestamptz not null
    );
    create index support_requests_open on support_requests (status, created_at);

    -- Subjects are order ids and SHA-256 hashes of buyer emails (lower-cased), never the emails.
    create table disclosure_requests (
      id uuid primary key,
      kind text not null check (kind in ('authority', 'fraud_agency')),
      authority text not null,
      legal_basis text not null,
      reference text not null,
      order_ids text not null,
      email_hashes text not null,
      fields text not null,
      date_from timestamptz not null,
      date_to timestamptz not null,
      notify_allowed boolean not null,
      status text not null check (status in ('pending', 'approved', 'rejected')),
      recorded_by uuid not null references platform_staff(id),
      recorded_at timestamptz not null,
      decided_by uuid references platform_staff(id),
      decided_at timestamptz,
      decision_note text,
      last_export_hash text,
      last_exported_at timestamptz,
      check (decided_by is null or decided_by <> recorded_by)
    );
  `,
  );
}
