import type { Kysely } from 'kysely';
import { runStatements } from './run.ts';

/**
 * A receipt or credit note is a document: what it says is fixed when it is issued. Its lines, tax
 * summary and seller details are kept with it (never the buyer's name or email: those come from the
 * order, so erasing a buyer anonymises their receipts too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `alter table receipts add column content text not null default '{}'`);
}
