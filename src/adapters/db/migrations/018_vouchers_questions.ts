import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Issue 6 §2: discount codes and checkout questions (ADR 0014).
 * - vouchers: a producer's code for one event, a percentage (basis points) or a fixed amount off the
 *   listed prices, for some ticket types (voucher_ticket_types) or all, with a use limit, an optional
 *   end and a switch to disable it. A code is unique per producer (stored upper-case).
 * - voucher_redemptions: one per order that used a code. A use counts while its order is paid (or
 *   refunded), or pending with a live hold; an expired or cancelled order gives it back by itself.
 * - orders.discount_minor / voucher_code and order_lines.discount_minor: what the code took off, as charged.
 * - checkout_questions: a producer's question on an event's checkout, each with a declared purpose
 *   (the database refuses a blank one, as zod does at the edge).
 * - order_answers: the buyer's answers, kept with the order; erased with the buyer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table vouchers (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      event_id uuid not null references events(id),
      code text not null check (code ~ '^[A-Z0-9_-]{3,32}$'),
      kind text not null check (kind in ('percent', 'fixed')),
      percent_bp integer,
      amount_minor integer,
      currency text,
      max_uses integer not null check (max_uses >= 1),
      valid_until timestamptz,
      disabled_at timestamptz,
      created_at timestamptz not null,
      check ((kind = 'percent' and percent_bp between 1 and 10000 and amount_minor is null)
          or (kind = 'fixed' and amount_minor >= 1 and currency is not null and percent_bp is null)),
      unique (producer_id, code)
    );
    create index vouchers_event on vouchers (event_id);

    create table voucher_ticket_types (
      voucher_id uuid not null references vouchers(id) on delete cascade,
      ticket_type_id uuid not null references ticket_types(id),
      primary key (voucher_id, ticket_type_id)
    );

    create table voucher_redemptions (
      order_id uuid primary key references orders(id),
      voucher_id uuid not null references vouchers(id),
      created_at timestamptz not null
    );
    create index voucher_redemptions_voucher on voucher_redemptions (voucher_id);

    alter table orders add column discount_minor integer not null default 0 check (discount_minor >= 0);
    alter table orders add column voucher_code text;
    alter table order_lines add column discount_minor integer not null default 0 check (discount_minor >= 0);

    create table checkout_questions (
      id uuid primary key,
      producer_id uuid not null references producers(id),
      event_id uuid not null references events(id),
      kind text not null check (kind in ('text', 'yes_no', 'choice')),
      label text not null check (length(trim(label)) between 1 and 200),
      purpose text not null check (length(trim(purpose)) between 10 and 500),
      required boolean not null,
      choices text,
      sort integer not null default 0,
      disabled_at timestamptz,
      created_at timestamptz not null,
      check ((kind = 'choice') = (choices is not null))
    );
    create index checkout_questions_event on checkout_questions (event_id);

    create table order_answers (
      order_id uuid not null references orders(id),
      question_id uuid not null references checkout_questions(id),
      answer text not null,
      primary key (order_id, question_id)
    );
    create index order_answers_question on order_answers (question_id);
    `,
  );
}
