import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateDevCertificate } from './devCertificate.ts';

const DAY = 86_400_000;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-devcert-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the development certificate', () => {
  it('is a localhost server certificate signed by a local CA', async () => {
    const now = new Date('2027-03-01T12:00:00Z');
    const dev = await loadOrCreateDevCertificate(tempDir(), now);
    const ca = new X509Certificate(dev.caCert);
    const leaf = new X509Certificate(dev.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('example.org')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    // At most 398 days, which browsers and testssl.sh accept for a server certificate.
    expect((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY).toBeLessThanOrEqual(398);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(now.getTime());
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('re-issues the server certificate from the same CA when it nears its end', async () => {
    const dir = tempDir();
    const start = new Date('2027-03-01T12:00:00Z');
    const first = await loadOrCreateDevCertificate(dir, start);
    const laterStill = await loadOrCreateDevCertificate(dir, new Date(start.getTime() + 300 * DAY));
    expect(laterStill.created).toEqual([]);
    expect(laterStill.cert).toBe(first.cert);

    const renewed = await loadOrCreateDevCertificate(dir, new Date(start.getTime() + 380 * DAY));
    expect(renewed.created.sort()).toEqual([join(dir, 'server.crt'), join(dir, 'server.key')]);
    expect(renewed.caCert).toBe(first.caCert);
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.key).not.toBe(first.key);
    expect(new X509Certificate(renewed.cert).checkIssued(new X509Certificate(first.caCert))).toBe(true);
  });

  it('issues a new server certificate when the CA it was signed by is gone', async () => {
    const dir = tempDir();
    const first = await loadOrCreateDevCertificate(dir);
    rmSync(join(dir, 'ca.crt'));
    rmSync(join(dir, 'ca.key'));
    const next = await loadOrCreateDevCertificate(dir);
    expect(next.created).toHaveLength(4);
    expect(next.caCert).not.toBe(first.caCert);
    expect(new X509Certificate(next.cert).verify(new X509Certificate(next.caCert).publicKey)).toBe(true);
  });
});
