import type { FastifyInstance } from 'fastify';
import { type CookieRegistry, cookieViolation } from '../web/cookies.ts';

/** A Set-Cookie that the cookie registry does not allow. */
export class UnregisteredCookieError extends Error {
  override name = 'UnregisteredCookieError';
  readonly code = 'unregistered_cookie';
}

/**
 * Promise 4 (essential cookies only), enforced on every response: each Set-Cookie header must be
 * a cookie of the registry, with the registry's flags. A response that breaks it fails closed,
 * in tests and in production alike: the cookie is stripped, the error is logged (cookie name and
 * problem only, never the value) and the buyer gets the 500 error page instead. Registered after
 * @fastify/cookie, so it sees the headers that plugin serialises.
 */
export function registerCookieGuard(app: FastifyInstance, opts: { registry: CookieRegistry; secure: boolean; now: () => Date }): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const header = reply.getHeader('set-cookie');
    if (header === undefined) return payload;
    const lines = Array.isArray(header) ? header.map(String) : [String(header)];
    const problems = lines.map((l) => cookieViolation(l, opts.registry, { secure: opts.secure, now: opts.now() })).filter((p) => p !== null);
    if (problems.length === 0) return payload;
    reply.removeHeader('set-cookie');
    req.log.error({ problems, route: req.routeOptions.url }, 'a response tried to set a cookie the registry does not allow; it was stripped');
    throw new UnregisteredCookieError(problems.join('; '));
  });
}
