import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * The walking skeleton's schema. Plain SQL, so that PGlite and PostgreSQL run exactly the same text.
 * Money is integer minor units with a currency; every time is timestamptz (UTC).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table producers (
      id uuid primary key,
      name text not null,
      slug text not null unique,
      is_demo boolean not null default false,
      created_at timestamptz not null
    );

    create table users (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      email text not null unique,
      name text not null,
      password_hash text not null,
      role text not null check (role in ('owner', 'admin', 'box_office', 'door', 'viewer')),
      created_at timestamptz not null
    );

    -- The cookie carries a random token; only its SHA-256 is stored.
    create table sessions (
      token_hash text primary key,
      user_id uuid not null references users(id) on delete cascade,
      created_at timestamptz not null,
      expires_at timestamptz not null
    );

    create table venues (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      name text not null,
      address text not null default '',
      time_zone text not null
    );

    create table events (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      slug text not null unique,
      title text not null,
      description text not null default '',
      is_demo boolean not null default false,
      published boolean not null default false,
      created_at timestamptz not null
    );
    create index events_producer on events (producer_id);

    create table performances (
      id uuid primary key,
      -- A small number for the QR payload; the uuid stays the id everywhere else.
      number integer generated always as identity unique,
      event_id uuid not null references events(id),
      venue_id uuid not null references venues(id),
      starts_at timestamptz not null
    );
    create index performances_event on performances (event_id, starts_at);

    create table ticket_types (
      id uuid primary key,
      performance_id uuid not null references performances(id),
      name text not null,
      price_minor integer not null check (price_minor >= 0),
      currency char(3) not null,
      capacity integer not null check (capacity >= 0),
      sort integer not null default 0
    );
    create index ticket_types_performance on ticket_types (performance_id);

    create table holds (
      id uuid primary key,
      performance_id uuid not null references performances(id),
      status text not null check (status in ('active', 'converted', 'released')),
      created_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index holds_live on holds (status, expires_at);

    create table hold_items (
      hold_id uuid not null references holds(id),
      ticket_type_id uuid not null references ticket_types(id),
      quantity integer not null check (quantity > 0),
      primary key (hold_id, ticket_type_id)
    );
    create index hold_items_ticket_type on hold_items (ticket_type_id);

    create table orders (
      id uuid primary key,
      code text not null unique,
      producer_id uuid not null references producers(id),
      performance_id uuid not null references performances(id),
      hold_id uuid not null unique references holds(id),
      status text not null check (status in ('pending', 'paid', 'expired', 'cancelled', 'refunded', 'partially_refunded')),
      buyer_name text not null,
      buyer_email text not null,
      marketing_consent boolean not null,
      total_minor integer not null check (total_minor >= 0),
      currency char(3) not null,
      created_at timestamptz not null,
      paid_at timestamptz
    );
    create index orders_producer on orders (producer_id, created_at);

    create table order_lines (
      order_id uuid not null references orders(id),
      ticket_type_id uuid not null references ticket_types(id),
      quantity integer not null check (quantity > 0),
      unit_price_minor integer not null check (unit_price_minor >= 0),
      currency char(3) not null,
      primary key (order_id, ticket_type_id)
    );

    create table payments (
      id uuid primary key,
      order_id uuid not null references orders(id),
      provider text not null,
      provider_ref text,
      status text not null check (status in ('created', 'pending', 'paid', 'failed', 'expired', 'refunded')),
      amount_minor integer not null,
      currency char(3) not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (provider, provider_ref)
    );
    create index payments_order on payments (order_id);

    -- Every provider event is applied at most once.
    create table payment_events (
      provider text not null,
      event_id text not null,
      received_at timestamptz not null,
      primary key (provider, event_id)
    );

    create table tickets (
      id text primary key,
      order_id uuid not null references orders(id),
      performance_id uuid not null references performances(id),
      ticket_type_id uuid not null references ticket_types(id),
      attendee_name text not null,
      status text not null check (status in ('valid', 'void')),
      created_at timestamptz not null
    );
    create index tickets_order on tickets (order_id);
    create index tickets_ticket_type on tickets (ticket_type_id, status);

    create table check_ins (
      id uuid primary key,
      ticket_id text not null unique references tickets(id),
      performance_id uuid not null references performances(id),
      user_id uuid references users(id),
      checked_in_at timestamptz not null
    );

    -- A transactional outbox: a mail is queued in the transaction that makes it due,
    -- and rendered from the order when it is sent, so no body (and no order link) is stored here.
    create table mails (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      order_id uuid not null references orders(id),
      kind text not null,
      status text not null check (status in ('queued', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz,
      unique (order_id, kind)
    );
    create index mails_queued on mails (status, created_at);

    -- The development mailbox: what would have gone out over SMTP.
    create table dev_outbox (
      id uuid primary key,
      to_address text not null,
      subject text not null,
      text_body text not null,
      raw bytea not null,
      created_at timestamptz not null
    );

    -- The built-in test payment provider's own state. It stands in for an outside service.
    create table testpay_sessions (
      id text primary key,
      merchant_reference text not null,
      amount_minor integer not null,
      currency char(3) not null,
      description text not null,
      return_url text not null,
      status text not null check (status in ('open', 'paid', 'declined', 'refunded')),
      refunded_minor integer not null default 0,
      created_at timestamptz not null
    );
  `,
  );
}
