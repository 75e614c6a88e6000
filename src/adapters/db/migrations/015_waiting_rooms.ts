import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 4 §4: a virtual waiting room in front of an event's on-sale (ADR 0012). One row per event:
 * when the sale opens and how many buyers are let in per minute (since when, and from which place). The queue itself lives in Redis or
 * memory, never here; this row is the source the cache is filled from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table waiting_rooms (
      event_id uuid primary key references events(id),
      producer_id uuid not null references producers(id),
      opens_at timestamptz not null,
      per_minute integer not null check (per_minute >= 1 and per_minute <= 10000),
      -- The rate applies from rate_from, when admitted_at_rate_from places were already admitted (a change of rate never acts backwards).
      rate_from timestamptz not null,
      admitted_at_rate_from integer not null check (admitted_at_rate_from >= 0),
      enabled boolean not null,
      updated_at timestamptz not null
    );
    create index waiting_rooms_enabled on waiting_rooms (event_id) where enabled;
    `,
  );
}
