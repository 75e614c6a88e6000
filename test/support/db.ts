import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, migrate, openDatabase } from '../../src/adapters/db/connect.ts';

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = ['pglite', 'postgres'];

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

export interface TestDatabase {
  db: Db;
  kind: DbKind;
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh, migrated database: an in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(kind: DbKind, opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrate(db);
    return { db, kind, url: null, drop: () => db.destroy() };
  }
  const adminUrl = testDatabaseUrl();
  const name = `marquee_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: opts.poolSize ?? 10 });
  await migrate(db);
  return {
    db, kind, url: url.toString(),
    async drop() {
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      // pg's pool.end() returns before its clients have hung up. Forcing the drop then would kill
      // backends still closing, and their clients would raise an error that nobody listens to.
      for (let i = 0; i < 100; i++) {
        const { rows } = await a.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
