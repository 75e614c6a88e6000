import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** One version of the privacy page's facts: its number, the facts' hash, and since when it holds. */
export interface PrivacyVersion {
  version: number;
  hash: string;
  since: Date;
}

const logFile = z.object({ versions: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), since: z.iso.datetime() })) });

/**
 * The history of the privacy facts, kept in a small JSON file in DATA_DIR: each time the box office
 * starts with facts whose hash differs from the last recorded one, a new version begins. So the
 * page's "last changed" is when these facts first ran, and a restart with the same facts changes
 * nothing. (One file per instance: several instances on one PostgreSQL each keep their own.)
 */
export function recordPrivacyVersion(file: string, hash: string, now: Date): PrivacyVersion {
  let versions: { hash: string; since: string }[] = [];
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== null) {
    const parsed = logFile.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`${file} is not a privacy version log; move it away to start a new history`);
    versions = parsed.data.versions;
  }
  const last = versions.at(-1);
  if (last?.hash === hash) return { version: versions.length, hash, since: new Date(last.since) };
  versions.push({ hash, since: now.toISOString() });
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ versions }, null, 2)}\n`);
  renameSync(tmp, file);
  return { version: versions.length, hash, since: now };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
