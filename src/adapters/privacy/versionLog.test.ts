import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordPrivacyVersion } from './versionLog.ts';

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

describe('the privacy version log', () => {
  it('starts a version only when the facts change, dated when they first ran', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'marquee-pv-')), 'sub', 'privacy-versions.json');
    const t1 = new Date('2027-01-01T00:00:00Z');
    const t2 = new Date('2027-02-01T00:00:00Z');
    const t3 = new Date('2027-03-01T00:00:00Z');
    expect(recordPrivacyVersion(file, hashA, t1)).toEqual({ version: 1, hash: hashA, since: t1 });
    expect(recordPrivacyVersion(file, hashA, t2)).toEqual({ version: 1, hash: hashA, since: t1 });
    expect(recordPrivacyVersion(file, hashB, t2)).toEqual({ version: 2, hash: hashB, since: t2 });
    expect(recordPrivacyVersion(file, hashA, t3)).toEqual({ version: 3, hash: hashA, since: t3 });
    expect(JSON.parse(readFileSync(file, 'utf8')).versions).toHaveLength(3);
  });

  it('refuses a file that is not a version log, rather than overwriting it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'marquee-pv-')), 'privacy-versions.json');
    writeFileSync(file, '{"versions": [{"hash": "nope"}]}');
    expect(() => recordPrivacyVersion(file, hashA, new Date())).toThrow(/is not a privacy version log/);
    expect(readFileSync(file, 'utf8')).toBe('{"versions": [{"hash": "nope"}]}');
  });
});
