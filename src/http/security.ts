import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /** A fresh nonce per response, for the CSP and the <script> tags that carry it. */
    cspNonce: string;
  }
}

export const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Security headers on every response: a nonce-based CSP that allows only our own origin,
 * no referrer leaks, no framing, no sniffing, HTTPS only (HSTS). Pages are private by default (no-store).
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { formActions: string[]; https: boolean }): void {
  app.decorateReply('cspNonce', '');
  app.addHook('onRequest', async (_req, reply) => {
    reply.cspNonce = randomBytes(16).toString('base64');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const nonce = reply.cspNonce;
    reply.header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        `form-action 'self'${opts.formActions.map((o) => ` ${o}`).join('')}`,
      ].join('; '),
    );
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), payment=(), interest-cohort=()');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    // HSTS on every response of an https box office, and on any response that went out over TLS:
    // two years, as the HSTS preload list asks; subdomains of the box office's host too.
    if (opts.https || req.protocol === 'https') reply.header('Strict-Transport-Security', HSTS);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
