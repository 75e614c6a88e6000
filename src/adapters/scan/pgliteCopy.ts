import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Db, openDatabase } from '../db/connect.ts';

export interface PgliteCopy {
  db: Db;
  /** postmaster.pid was present: a server has the directory open (or stopped without closing it). */
  heldByServer: boolean;
  close(): Promise<void>;
}

/**
 * Opens a throwaway copy of a PGlite data directory, so that reading never writes to the original.
 * PGlite has neither a read-only mode nor a lock: a second instance on a live directory writes to
 * it under the running server, and on close deletes the server's postmaster.pid. PGlite writes
 * that file on open (with the placeholder pid -42) and removes it on close, so its presence is the
 * sign of a running server. A copy taken while the server runs is recovered from its WAL like
 * after a crash, and shows what was committed to disk by then.
 */
export async function openPgliteCopy(dataDir: string): Promise<PgliteCopy | null> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return null;
  const heldByServer = existsSync(join(dataDir, 'postmaster.pid'));
  const copy = await mkdtemp(join(tmpdir(), 'marquee-pan-scan-'));
  try {
    await cp(dataDir, copy, { recursive: true, filter: (src) => basename(src) !== 'postmaster.pid' });
    const db = await openDatabase({ kind: 'pglite', dataDir: copy });
    return {
      db,
      heldByServer,
      async close() {
        await db.destroy();
        await rm(copy, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(copy, { recursive: true, force: true });
    throw e;
  }
}
