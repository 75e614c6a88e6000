import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import { type CardNetwork, findCardNumbers, PanFinder, type PanMatch } from '../../domain/panScan.ts';
import type { Db } from '../db/connect.ts';

/**
 * The card-number scan of data at rest: every value of every table, and every byte of the given
 * files. A finding says where and shows the masked form; the number itself is never kept.
 */

export type PanLocation =
  | { kind: 'database'; table: string; column: string; row: number; ctid: string; offset: number }
  | { kind: 'file'; path: string; offset: number };

export interface PanFinding {
  location: PanLocation;
  network: CardNetwork;
  masked: string;
}

export interface DatabaseScan {
  findings: PanFinding[];
  tables: number;
  rows: number;
}

export interface FileScan {
  findings: PanFinding[];
  files: number;
  bytes: number;
}

const finding = (location: PanLocation, m: PanMatch): PanFinding => ({ location, network: m.network, masked: m.masked });

/** One line that says where a card number is, never what it is. */
export function formatFinding(f: PanFinding): string {
  const where =
    f.location.kind === 'database'
      ? `database table=${f.location.table} column=${f.location.column} row=${f.location.row} ctid=${f.location.ctid} offset=${f.location.offset}`
      : `file path=${f.location.path} offset=${f.location.offset}`;
  return `${where} network=${f.network} masked=${f.masked}`;
}

interface Column { name: string; type: string; udt: string }

/** bytea arrives as bytes (Buffer from pg, Uint8Array from PGlite); read it as latin1 so text inside, a stored mail, is scanned. */
function valueText(value: unknown, column: Column): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
  const text = String(value);
  // An array of bytea reads as {"\\x…"}: decode each element the same way.
  if (column.udt === '_bytea') return text.replace(/\\\\x([0-9a-f]*)/g, (_m, hex: string) => Buffer.from(hex, 'hex').toString('latin1'));
  return text;
}

/** bytea columns are read as bytes; everything else as PostgreSQL's own text form. */
function selectColumn(c: Column, i: number): RawBuilder<unknown> {
  const alias = sql.id(`c${i}`);
  return c.type === 'bytea' ? sql`${sql.id(c.name)} as ${alias}` : sql`${sql.id(c.name)}::text as ${alias}`;
}

/**
 * Scans every column of every table in the schema (public by default), on PGlite or PostgreSQL.
 * One read-only, repeatable-read transaction gives one consistent snapshot; a cursor reads each
 * table `batchRows` rows at a time, so a big table never sits in memory whole. Row numbers count
 * from 0 in the order the table was read; the ctid finds the row while it is not updated.
 */
export async function scanDatabase(db: Db, opts: { schema?: string; batchRows?: number } = {}): Promise<DatabaseScan> {
  const schema = opts.schema ?? 'public';
  const batchRows = opts.batchRows ?? 200;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new Error(`batchRows must be a positive integer, not ${batchRows}`);
  // Raw SQL on the table's own names: no camel-casing of identifiers or result keys.
  const raw = db.withoutPlugins();
  return raw.transaction().execute(async (tx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(tx);
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = ${schema} and table_type = 'BASE TABLE' order by table_name`.execute(tx);
    const columns = await sql<{ table: string } & Column>`
      select table_name as table, column_name as name, data_type as type, udt_name as udt from information_schema.columns
      where table_schema = ${schema} order by table_name, ordinal_position`.execute(tx);
    const scan: DatabaseScan = { findings: [], tables: 0, rows: 0 };
    for (const { name: table } of tables.rows) {
      const cols = columns.rows.filter((c) => c.table === table);
      const list = [sql`ctid::text as ${sql.id('ctid')}`, ...cols.map(selectColumn)];
      await sql`declare pan_scan no scroll cursor for select ${sql.join(list)} from ${sql.id(schema, table)}`.execute(tx);
      let row = 0;
      for (;;) {
        const batch = await sql<Record<string, unknown>>`fetch forward ${sql.raw(String(batchRows))} from pan_scan`.execute(tx);
        for (const r of batch.rows) {
          cols.forEach((c, i) => {
            const text = valueText(r[`c${i}`], c);
            if (text === null) return;
            for (const m of findCardNumbers(text)) {
              scan.findings.push(finding({ kind: 'database', table, column: c.name, row, ctid: String(r.ctid), offset: m.start }, m));
            }
          });
          row++;
        }
        if (batch.rows.length < batchRows) break;
      }
      await sql`close pan_scan`.execute(tx);
      scan.tables++;
      scan.rows += row;
    }
    return scan;
  });
}

/**
 * Scans files and directories, recursively, byte by byte (latin1, so binary files such as
 * database pages are read too), in chunks. A path is scanned once however often it is reached.
 * Symbolic links named in `paths` are followed; those met inside a directory are not.
 */
export async function scanFiles(paths: string[], opts: { chunkBytes?: number } = {}): Promise<FileScan> {
  const scan: FileScan = { findings: [], files: 0, bytes: 0 };
  const seen = new Set<string>();
  const chunkBytes = opts.chunkBytes ?? 1 << 20;

  async function visit(path: string, named: boolean): Promise<void> {
    let info: Stats;
    let real: string;
    try {
      info = named ? await stat(path) : await lstat(path);
      real = await realpath(path);
    } catch (e) {
      // A file that vanished mid-walk (a rotated log, a database temp file) was not there to scan.
      if (!named && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await visit(join(path, name), false);
    } else if (info.isFile()) {
      await scanFile(path);
    }
    // Sockets, pipes, devices and links inside directories hold no data at rest.
  }

  async function scanFile(path: string): Promise<void> {
    const finder = new PanFinder();
    const report = (matches: PanMatch[]) => {
      for (const m of matches) scan.findings.push(finding({ kind: 'file', path, offset: m.start }, m));
    };
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes })) {
      const bytes = chunk as Buffer;
      scan.bytes += bytes.length;
      report(finder.feed(bytes.toString('latin1')));
    }
    report(finder.end());
    scan.files++;
  }

  for (const p of paths) await visit(resolve(p), true);
  return scan;
}
