import type { Db } from '../connect.ts';

/**
 * Every column that holds network data (IP address, ISP or organisation, ASN) kept for fraud and
 * security checks (promise 2), with the time column its age is counted from. Retention and erasure
 * clear exactly these; a migration that adds such a column adds it here (test/contract/retention.test.ts
 * checks the schema for columns that look like network data and are missing from this list).
 */
export const NETWORK_COLUMNS: readonly { table: 'orders' | 'staff_logins'; columns: readonly string[]; agedBy: string }[] = [
  { table: 'orders', columns: ['client_ip', 'client_asn', 'client_org'], agedBy: 'created_at' },
  { table: 'staff_logins', columns: ['ip', 'asn', 'organisation'], agedBy: 'at' },
];

export async function networkColumns(_db: Db, table?: string): Promise<{ table: string; column: string; agedBy: string }[]> {
  return NETWORK_COLUMNS.filter((t) => !table || t.table === table).flatMap((t) => t.columns.map((column) => ({ table: t.table, column, agedBy: t.agedBy })));
}
