import { type Kysely, sql } from 'kysely';

/** PGlite's extended protocol takes one statement per query, so a migration's SQL is run statement by statement. */
export async function runStatements(db: Kysely<unknown>, text: string): Promise<void> {
  const statements = text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
