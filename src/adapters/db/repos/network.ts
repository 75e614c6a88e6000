import { sql } from 'kysely';
import type { Db } from '../connect.ts';

/**
 * The columns that hold network data (IP address, ISP, ASN) for fraud checks, found in the live
 * schema rather than listed here: other parts of the box office add them (orders, staff log-ins),
 * and retention and erasure must cover every one. A column counts when its name is ip, isp or asn,
 * starts with one of them and an underscore, or ends with an underscore and one of them
 * (client_ip, ip_address, asn_org), it is nullable, and its table has a created_at to age it by.
 */
export async function networkColumns(db: Db, table?: string): Promise<{ table: string; column: string }[]> {
  const rows = await sql<{ table: string; column: string }>`
    select c.table_name as "table", c.column_name as "column"
    from information_schema.columns c
    where c.table_schema = 'public' and c.is_nullable = 'YES'
      and (c.column_name ~ '^(ip|isp|asn)(_[a-z0-9_]+)?$' or c.column_name ~ '^[a-z0-9_]+_(ip|isp|asn)$')
      and exists (select 1 from information_schema.columns t where t.table_schema = 'public' and t.table_name = c.table_name and t.column_name = 'created_at')
      ${table ? sql`and c.table_name = ${table}` : sql``}
    order by c.table_name, c.column_name`.execute(db.withoutPlugins());
  return rows.rows;
}
