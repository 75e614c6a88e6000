import pg from 'pg';
import { testDatabaseUrl } from './db.ts';

/**
 * The PostgreSQL suite is part of `npm test`, never skipped: an unreachable database fails
 * the run here, with a message that says what to set.
 */
export default async function setup(): Promise<void> {
  const url = testDatabaseUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new Error(
      `PostgreSQL is unreachable at ${url.replace(/\/\/[^@]*@/, '//***@')} (${e instanceof Error ? e.message : e}). ` +
        'The test suite runs every use case on PostgreSQL as well as PGlite: start PostgreSQL or set TEST_DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
