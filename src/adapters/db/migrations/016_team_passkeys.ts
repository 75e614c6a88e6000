import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 6 §1: sign-up, email verification and team invitations (ADR 0013).
 * - users.email_verified_at: null only for an account made by sign-up whose address is not verified
 *   yet; every other way of making a user (seed, scripts, an accepted invitation) has proved or
 *   vouched for the address, so the default is the time of creation, and existing users count as verified.
 * - users.removed_at: a member removed from the team. Rows stay (check-ins, mailings and log-ins
 *   name them), but the address is released and the user cannot log in.
 * - email_verifications and invitations keep only a SHA-256 hash of each link's token.
 * - passkeys: a user's WebAuthn credentials (the credential id and COSE public key, both base64url;
 *   the signature counter); passkey_challenges: each ceremony's challenge, as a SHA-256 hash, used once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table users add column email_verified_at timestamptz default now();
    alter table users add column removed_at timestamptz;

    create table email_verifications (
      token_hash text primary key,
      user_id uuid not null references users(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index email_verifications_user on email_verifications (user_id);

    create table invitations (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      email text not null,
      role text not null check (role in ('owner', 'admin', 'box_office', 'door', 'viewer')),
      token_hash text not null unique,
      invited_by uuid not null references users(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_user_id uuid references users(id),
      revoked_at timestamptz,
      revoked_by uuid references users(id)
    );
    create index invitations_producer on invitations (producer_id, created_at);

    create table passkeys (
      id text primary key,
      user_id uuid not null references users(id),
      public_key text not null,
      counter bigint not null default 0,
      transports text not null default '',
      name text not null,
      created_at timestamptz not null,
      last_used_at timestamptz
    );
    create index passkeys_user on passkeys (user_id);

    create table passkey_challenges (
      challenge_hash text primary key,
      purpose text not null check (purpose in ('register', 'log_in')),
      user_id uuid references users(id),
      expires_at timestamptz not null
    );
  `,
  );
}
