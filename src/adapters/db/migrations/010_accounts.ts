import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 6 §1: a producer user's second factor and password resets.
 * user_totp holds the TOTP secret sealed with AES-256-GCM under a key derived from the master
 * secret (never in plain text), whether it is confirmed, and the last time step used, so that a
 * code cannot be replayed. password_resets holds only a SHA-256 hash of each reset token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table user_totp (
      user_id uuid primary key references users(id),
      secret_sealed text not null,
      confirmed_at timestamptz,
      last_used_step integer,
      created_at timestamptz not null
    );

    create table password_resets (
      token_hash text primary key,
      user_id uuid not null references users(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index password_resets_user on password_resets (user_id);
  `,
  );
}
