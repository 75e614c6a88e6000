import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, type PanFinding, scanFiles } from './panScan.ts';

const PAN = '4242424242424242';

const located = (f: PanFinding) => (f.location.kind === 'file' ? { path: f.location.path, offset: f.location.offset, masked: f.masked } : null);

/** Random bytes with no ASCII digits, space, dash, dot or letters, so only what a test plants can be a card number. */
function noise(length: number): Buffer {
  const b = randomBytes(length);
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x20 && b[i]! < 0x80) b[i] = 0x80 + (b[i]! & 0x3f);
  return b;
}

describe('scanFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-scan-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks directories recursively and reports each number by path and byte offset', async () => {
    const root = join(dir, 'walk');
    mkdirSync(join(root, 'logs', 'old'), { recursive: true });
    const log = '{"level":30,"time":1796136987955,"msg":"ok"}\n{"level":40,"msg":"card 4242 4242 4242 4242"}\n';
    writeFileSync(join(root, 'logs', 'marquee.log'), log);
    const head = noise(5000);
    const binary = Buffer.concat([head, Buffer.from(`\x00${PAN}\x00`, 'latin1'), noise(3000)]);
    writeFileSync(join(root, 'logs', 'old', 'pages.bin'), binary);
    writeFileSync(join(root, 'clean.txt'), 'nothing here but 2026-06-15 and 1796136987955\n');
    const scan = await scanFiles([root]);
    expect(scan.files).toBe(3);
    expect(scan.bytes).toBe(log.length + binary.length + 'nothing here but 2026-06-15 and 1796136987955\n'.length);
    expect(scan.findings.map(located)).toEqual([
      { path: join(root, 'logs', 'marquee.log'), offset: log.indexOf('4242 4242'), masked: '424242******4242' },
      { path: join(root, 'logs', 'old', 'pages.bin'), offset: head.length + 1, masked: '424242******4242' },
    ]);
  });

  it('finds a number that straddles two chunks, at its true offset', async () => {
    const path = join(dir, 'chunks.bin');
    const before = noise(37);
    writeFileSync(path, Buffer.concat([before, Buffer.from(` 3782 822463 10005 `, 'latin1'), noise(20)]));
    for (const chunkBytes of [1, 3, 7, 40, 41, 1 << 16]) {
      const scan = await scanFiles([path], { chunkBytes });
      expect(scan.findings.map(located), `chunkBytes ${chunkBytes}`).toEqual([{ path, offset: before.length + 1, masked: '378282*****0005' }]);
      expect(scan.bytes).toBe(before.length + 19 + 20);
    }
  });

  it('scans a path once, however often it is reached', async () => {
    const root = join(dir, 'once');
    mkdirSync(join(root, 'logs'), { recursive: true });
    writeFileSync(join(root, 'logs', 'a.log'), `x ${PAN} y\n`);
    const scan = await scanFiles([root, join(root, 'logs'), join(root, 'logs', 'a.log'), join(root, '.', 'logs', 'a.log')]);
    expect(scan.files).toBe(1);
    expect(scan.findings).toHaveLength(1);
    expect(scan.bytes).toBe(`x ${PAN} y\n`.length);
  });

  it('follows a link it is given, but not links met inside a directory', async () => {
    const outside = join(dir, 'outside.log');
    writeFileSync(outside, `${PAN}\n`);
    const root = join(dir, 'links');
    mkdirSync(root);
    symlinkSync(outside, join(root, 'link.log'));
    expect((await scanFiles([root])).files).toBe(0);
    const named = await scanFiles([join(root, 'link.log')]);
    expect(named.findings).toHaveLength(1);
  });

  it('fails on a path that does not exist, rather than calling it clean', async () => {
    await expect(scanFiles([join(dir, 'no-such.log')])).rejects.toThrow(/ENOENT/);
  });

  it('describes a finding without the number', async () => {
    const path = join(dir, 'describe.log');
    writeFileSync(path, `number=${PAN}&cvc=123`);
    const [f] = (await scanFiles([path])).findings;
    expect(formatFinding(f!)).toBe(`file path=${path} offset=7 network=visa masked=424242******4242`);
  });
});
