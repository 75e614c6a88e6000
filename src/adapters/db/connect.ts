import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { PreparingClient } from './preparedStatements.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string | null }; // null: in memory

/** One Kysely over either embedded PGlite or PostgreSQL; the rest of the code cannot tell which. */
export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  const plugins = [new CamelCasePlugin()];
  if (target.kind === 'postgres') {
    // Every statement prepared once per connection (preparedStatements.ts): parsing and planning are
    // much of the server's work per query in an on-sale (ADR 0010).
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10, Client: PreparingClient });
    // An idle connection that the server closes (a restart, a failover) is dropped from the pool and
    // replaced on demand; without a listener its 'error' would end the process.
    pool.on('error', () => {});
    // Surface an unreachable database at start, not at the first request.
    const client = await pool.connect();
    client.release();
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  await pglite.waitReady;
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrations });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
