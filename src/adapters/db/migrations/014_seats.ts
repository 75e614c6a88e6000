import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 4 §3, reserved seating (ADR 0011).
 * - seats: a venue's seat map; x and y are map units with the stage at the top.
 * - ticket_types.zone: a ticket type with a zone is sold only with a seat of that zone.
 * - seat_claims: which hold (and, once paid, which ticket) has a seat of a performance. The partial
 *   unique index lets at most one claim per seat and performance be unreleased, so the database
 *   itself refuses a second buyer; a claim that died (its hold expired or was released, its ticket
 *   was voided) is marked released by the next buyer of that seat, in that buyer's transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table seats (
      id uuid primary key,
      venue_id uuid not null references venues(id),
      section text not null,
      row_label text not null,
      number text not null,
      x integer not null,
      y integer not null,
      zone text not null,
      for_sale boolean not null default true,
      unique (venue_id, section, row_label, number)
    );

    alter table ticket_types add column zone text;

    create table seat_claims (
      id uuid primary key,
      performance_id uuid not null references performances(id),
      seat_id uuid not null references seats(id),
      hold_id uuid not null references holds(id) on delete cascade,
      ticket_type_id uuid not null references ticket_types(id),
      -- The hold's expiry while the seat is only held; null once it is sold.
      expires_at timestamptz,
      ticket_id text references tickets(id),
      created_at timestamptz not null,
      released_at timestamptz
    );
    create unique index seat_claims_live on seat_claims (performance_id, seat_id) where released_at is null;
    create index seat_claims_hold on seat_claims (hold_id);
    create index seat_claims_ticket on seat_claims (ticket_id);
    `,
  );
}
