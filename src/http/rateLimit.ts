import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

export interface RateLimitOptions {
  perMinute: number;
  logInPerMinute: number;
  /** Counters shared by every instance; null counts in this process's memory. */
  redis: Redis | null;
  /** Prefix of the Redis keys (tests give each run its own). */
  nameSpace: string;
}

/**
 * Which routes are limited, and how much: per client IP (request.ip, which believes
 * X-Forwarded-For only from TRUSTED_PROXIES), per route, per minute. These are the routes a
 * script would hammer: taking places, checking out (card testing), guessing passwords, guessing
 * order links.
 */
export function limitedRoutes(o: Pick<RateLimitOptions, 'perMinute' | 'logInPerMinute'>): Record<string, number> {
  return {
    'POST /events/:slug/hold': o.perMinute,
    'POST /checkout/:holdId': o.perMinute,
    'GET /orders/:orderId/:token': o.perMinute,
    'GET /orders/:orderId/:token/tickets.pdf': o.perMinute,
    'POST /login': o.logInPerMinute,
    'POST /admin/login': o.logInPerMinute,
    // The code step of a two-factor log-in, and password resets (guessing codes, mailing reset links).
    'POST /login/code': o.logInPerMinute,
    'POST /login/forgot': o.logInPerMinute,
    'GET /login/reset/:token': o.logInPerMinute,
    'POST /login/reset/:token': o.logInPerMinute,
    // Sign-up (argon2id and a mail each time), its verification links and invitations (guessing tokens).
    'POST /signup': o.logInPerMinute,
    'GET /signup/verify/:token': o.logInPerMinute,
    'POST /signup/verify/:token': o.logInPerMinute,
    'POST /dashboard/verify/resend': o.logInPerMinute,
    'GET /invite/:token': o.logInPerMinute,
    'POST /invite/:token': o.logInPerMinute,
    // Passkey log-in (each options request stores a challenge).
    'POST /login/passkey/options': o.logInPerMinute,
    'POST /login/passkey': o.logInPerMinute,
    // Each may send mail or write: a script must not make the box office mail every buyer.
    'POST /privacy/my-data': o.perMinute,
    'POST /orders/:orderId/:token/help': o.perMinute,
    // A waiting room's visitor id: a script must not take many places in the queue (ADR 0012).
    'GET /events/:slug/queue/join': o.perMinute,
  };
}

export class RateLimited extends Error {
  override name = 'RateLimited';
  readonly statusCode = 429;
  readonly code = 'RATE_LIMITED';
}

/** Call before any route is registered: the limits attach to routes as they are added. */
export async function registerRateLimits(app: FastifyInstance, o: RateLimitOptions): Promise<void> {
  const limits = limitedRoutes(o);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const max = limits[`${method} ${route.url}`];
      if (max !== undefined) route.config = { ...(route.config as object), rateLimit: { max, timeWindow: 60_000 } };
    }
  });
  await app.register(rateLimit, {
    global: false,
    ...(o.redis ? { redis: o.redis, nameSpace: o.nameSpace } : {}),
    // Should Redis fail, sell tickets unlimited rather than not at all (main.ts logs the client's errors).
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) =>
      new RateLimited(`Too many requests from your address. Please wait ${Math.max(1, Math.ceil(ctx.ttl / 1000))} seconds and try again.`),
  });
}
