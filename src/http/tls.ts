import { constants } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { ServerOptions } from 'node:https';
import type { FastifyInstance } from 'fastify';

/**
 * TLS 1.2 allows only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305), for
 * ECDSA and RSA certificates alike; TLS 1.3's own suites are all AEAD and stay at Node's default.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The HTTPS listener's settings: TLS 1.2 and 1.3 only, our cipher order, no compression, no renegotiation. */
export function tlsServerOptions(material: { cert: string; key: string }): ServerOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
    ecdhCurve: 'X25519:prime256v1:secp384r1',
    secureOptions: constants.SSL_OP_NO_COMPRESSION | constants.SSL_OP_NO_RENEGOTIATION,
  };
}

/** Where a plain-HTTP request is sent: the same path and query on the https base URL. */
export function httpsLocation(baseUrl: string, requestUrl: string | undefined): string {
  // Only an origin-form target ("/path?query") is kept; anything else goes to the home page.
  const path = requestUrl?.startsWith('/') ? requestUrl : '/';
  return `${baseUrl}${path}`;
}

/**
 * The plain-HTTP listener: it answers every request with a permanent redirect to HTTPS and
 * nothing else (no page, no cookie). GET and HEAD get 301; other methods 308, which keeps the method.
 */
export function httpsRedirectServer(baseUrl: string): Server {
  const server = createServer((req, res) => {
    const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    res.writeHead(status, { Location: httpsLocation(baseUrl, req.url), 'Content-Length': '0', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end();
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

/**
 * Behind a TLS-terminating reverse proxy: a request that did not come over HTTPS (the protocol is
 * the trusted proxy's X-Forwarded-Proto, see trustProxy) is redirected to the https base URL.
 */
export function requireHttps(app: FastifyInstance, baseUrl: string): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.protocol === 'https') return;
    const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    return reply.code(status).header('Location', httpsLocation(baseUrl, req.url)).send();
  });
}
