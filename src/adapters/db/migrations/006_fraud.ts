import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * Promise 2, IP and ISP for security: the client IP address, its network (ASN) and the network's
 * registered organisation on each order, with the fraud flags raised at checkout; and one row per
 * staff log-in with the same. The retention job erases the IP columns after RETENTION_IP_DAYS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table orders add column client_ip text;
    alter table orders add column client_asn integer;
    alter table orders add column client_org text;
    alter table orders add column flag_reasons text;
    create index orders_client_ip on orders (client_ip, created_at) where client_ip is not null;
    create index orders_client_asn on orders (client_asn, created_at) where client_asn is not null;
    create index orders_buyer_email_lower on orders (lower(buyer_email), created_at);

    create table staff_logins (
      id uuid primary key,
      user_id uuid not null references users(id),
      producer_id uuid not null references producers(id),
      at timestamptz not null,
      ip text,
      asn integer,
      organisation text
    );
    create index staff_logins_producer on staff_logins (producer_id, at);
  `,
  );
}
