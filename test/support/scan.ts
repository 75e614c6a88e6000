import { sql } from 'kysely';
import type { Db } from '../../src/adapters/db/connect.ts';

/**
 * Every row of every table in the public schema, as text, with bytea columns decoded, so a test
 * can search the whole database for something that must not be there.
 */
export async function databaseText(db: Db): Promise<{ table: string; text: string }[]> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  const out: { table: string; text: string }[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ t: string }>`select t::text as t from ${sql.table(name)} t`.execute(db);
    for (const r of rows.rows) {
      // bytea shows as \x<hex>; decode it so text inside (a stored mail) is searched too.
      const decoded = r.t.replace(/\\\\x([0-9a-f]+)/g, (_m, hex: string) => Buffer.from(hex, 'hex').toString('latin1'));
      out.push({ table: name, text: decoded });
    }
  }
  return out;
}

export function cardNumberVariants(pan: string): string[] {
  const spaced = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
  return [pan, spaced, spaced.replace(/ /g, '-')];
}
