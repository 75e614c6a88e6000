import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { httpsRedirectServer } from '../../src/http/tls.ts';
import { assemble, type BoxOffice, type TlsMaterial, tlsMaterial } from '../../src/main.ts';
import { chromium } from 'playwright-core';
import { chromiumPath, freePort } from '../support/browser.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, opts: { ca?: string; method?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: opts.method ?? 'GET', ...(opts.ca ? { ca: opts.ca } : {}), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Opens a TLS connection and reports the protocol and cipher agreed, or the error. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol: string | null; cipher: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts }, () => {
      const agreed = { protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.end();
      resolve(agreed);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve({ error: `${e.code ?? ''} ${e.message}` }));
  });
}

const listen = (server: Server, port = 0) =>
  new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

// A client willing to speak TLS 1.0 and 1.1 (OpenSSL 3 refuses them itself at its default security level).
const OLD_CLIENT: ConnectionOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };

describe('HTTPS with the generated development certificate', () => {
  let dataDir: string;
  let tdb: TestDatabase;
  let config: Config;
  let tls: TlsMaterial;
  let box: BoxOffice;
  let redirect: Server;
  let port: number;
  let redirectPort: number;
  let caCert: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'marquee-tls-'));
    port = await freePort();
    config = loadConfig({
      DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), SEED_DEMO: 'false', LOG_LEVEL: 'silent',
      SECRET_KEY: randomBytes(32).toString('base64url'),
    });
    tls = (await tlsMaterial(config))!;
    caCert = readFileSync(tls.caFile!, 'utf8');
    tdb = await freshDatabase('pglite');
    box = await assemble(config, { db: tdb.db, tls, logger: createLogger('silent') });
    await box.server.listen({ host: '127.0.0.1', port });
    redirect = httpsRedirectServer(config.baseUrl);
    redirectPort = await listen(redirect);
  });
  afterAll(async () => {
    redirect?.close();
    await box?.close();
    await tdb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('defaults the base URL to https on localhost', () => {
    expect(config.baseUrl).toBe(`https://localhost:${port}`);
    expect(config.tls).toEqual({ kind: 'dev', dir: join(dataDir, 'tls'), httpPort: port + 80 });
  });

  it('serves pages over HTTPS to a client that trusts only the generated CA, with HSTS of at least a year', async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const res = await get(`https://${host}:${port}/`, { ca: caCert });
      expect(res.status).toBe(200);
      const hsts = String(res.headers['strict-transport-security']);
      expect(hsts).toMatch(/^max-age=\d+; includeSubDomains$/);
      expect(Number(/max-age=(\d+)/.exec(hsts)![1])).toBeGreaterThanOrEqual(365 * 86_400);
    }
    // HSTS on every response: a 404 too.
    const missing = await get(`https://localhost:${port}/no-such-page`, { ca: caCert });
    expect(missing.status).toBe(404);
    expect(missing.headers['strict-transport-security']).toBeDefined();
  });

  it('is not trusted without the CA: the certificate is signed by the local CA, not self-signed or public', async () => {
    // Not "self-signed certificate": the leaf names an issuer the client has not been given.
    await expect(get(`https://localhost:${port}/`)).rejects.toThrow(/^unable to verify the first certificate$/);
    const peer = await new Promise<{ subject: string; issuer: string; ca: boolean }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
        const c = socket.getPeerCertificate();
        socket.end();
        resolve({ subject: String(c.subject.CN), issuer: String(c.issuer.CN), ca: c.ca });
      });
      socket.once('error', reject);
    });
    expect(peer).toEqual({ subject: 'localhost', issuer: expect.stringMatching(/^Marquee development CA /), ca: false });
  });

  it('redirects plain HTTP to the same path on HTTPS, and answers nothing else', async () => {
    const res = await get(`http://127.0.0.1:${redirectPort}/events/some-show?ref=a%20b`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`https://localhost:${port}/events/some-show?ref=a%20b`);
    expect(res.body).toBe('');
    expect(res.headers['set-cookie']).toBeUndefined();
    const post = await get(`http://127.0.0.1:${redirectPort}/login`, { method: 'POST' });
    expect(post.status).toBe(308);
    expect(post.headers.location).toBe(`https://localhost:${port}/login`);
    // And the redirect leads to a page that answers.
    const followed = await get(String(res.headers.location).replace(/\/events\/.*/, '/'), { ca: caCert });
    expect(followed.status).toBe(200);
  });

  it('refuses TLS 1.1 and 1.0 that a server allowing them accepts from the same client', async () => {
    const control = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const controlPort = await listen(control as unknown as Server);
    try {
      expect(await handshake(controlPort, { ...OLD_CLIENT, ca: caCert })).toMatchObject({ protocol: 'TLSv1.1' });
    } finally {
      control.close();
    }
    const refused = await handshake(port, { ...OLD_CLIENT, ca: caCert });
    expect(refused).toHaveProperty('error');
    expect((refused as { error: string }).error).toMatch(/protocol version|unsupported protocol/i);
  });

  it('speaks TLS 1.3, and TLS 1.2 with forward-secret AEAD suites only', async () => {
    expect(await handshake(port, { ca: caCert })).toEqual({ protocol: 'TLSv1.3', cipher: expect.stringMatching(/^TLS_(AES_\d+_GCM|CHACHA20_POLY1305)_SHA\d+$/) });
    expect(await handshake(port, { ca: caCert, maxVersion: 'TLSv1.2' })).toEqual({
      protocol: 'TLSv1.2', cipher: expect.stringMatching(/^TLS_ECDHE_ECDSA_WITH_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/),
    });
    // A TLS 1.2 client offering only CBC suites, or no forward secrecy, finds nothing in common.
    for (const ciphers of ['ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384', 'AES128-GCM-SHA256:AES256-SHA']) {
      expect(await handshake(port, { ca: caCert, maxVersion: 'TLSv1.2', ciphers })).toHaveProperty('error');
    }
  });

  it('is accepted by Chromium told to trust exactly this key, and refused by one that is not', async () => {
    const spki = createHash('sha256').update(new X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    const trusting = await chromium.launch({ executablePath: chromiumPath(), args: [...args, `--ignore-certificate-errors-spki-list=${spki}`] });
    try {
      const page = await trusting.newPage();
      const res = await page.goto(`http://127.0.0.1:${redirectPort}/`);
      expect(page.url()).toBe(`https://localhost:${port}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['strict-transport-security']).toMatch(/^max-age=/);
      expect((await res?.securityDetails())?.protocol).toBe('TLS 1.3');
    } finally {
      await trusting.close();
    }
    const wary = await chromium.launch({ executablePath: chromiumPath(), args });
    try {
      await expect((await wary.newPage()).goto(`https://localhost:${port}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await wary.close();
    }
  });

  it('keeps the private keys mode 600 and reuses the certificate on the next start', async () => {
    const dir = join(dataDir, 'tls');
    const mode = (f: string) => statSync(join(dir, f)).mode & 0o777;
    expect(tls.created.sort()).toEqual(['ca.crt', 'ca.key', 'server.crt', 'server.key'].map((f) => join(dir, f)));
    expect(mode('ca.key')).toBe(0o600);
    expect(mode('server.key')).toBe(0o600);
    expect(mode('ca.crt')).toBe(0o644);
    expect(mode('server.crt')).toBe(0o644);
    const mtimes = ['ca.crt', 'ca.key', 'server.crt', 'server.key'].map((f) => statSync(join(dir, f)).mtimeMs);
    const again = (await tlsMaterial(config))!;
    expect(again.created).toEqual([]);
    expect(again.cert).toBe(tls.cert);
    expect(again.key).toBe(tls.key);
    expect(['ca.crt', 'ca.key', 'server.crt', 'server.key'].map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(mtimes);
  });
});

describe('behind a TLS-terminating reverse proxy', () => {
  let tdb: TestDatabase;
  let box: BoxOffice;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    const config = loadConfig({
      TLS_BEHIND_PROXY: 'true', TRUSTED_PROXIES: '10.0.0.2', BASE_URL: 'https://tickets.example.org',
      SEED_DEMO: 'false', LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('base64url'),
    });
    expect(config.tls).toEqual({ kind: 'proxy' });
    box = await assemble(config, { db: tdb.db, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('serves what the trusted proxy received over HTTPS, with HSTS', async () => {
    const res = await box.server.inject({ url: '/', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  });

  it('redirects what the proxy received over plain HTTP', async () => {
    const res = await box.server.inject({ url: '/events/x?y=1', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-proto': 'http' } });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://tickets.example.org/events/x?y=1');
  });

  it('believes X-Forwarded-Proto only from the trusted proxy', async () => {
    const res = await box.server.inject({ method: 'POST', url: '/login', remoteAddress: '10.0.0.99', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.statusCode).toBe(308);
    expect(res.headers.location).toBe('https://tickets.example.org/login');
  });
});
