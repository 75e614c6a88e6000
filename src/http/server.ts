import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerTestProviderRoutes } from '../adapters/payments/testProviderRoutes.tsx';
import type { TestProvider } from '../adapters/payments/testProvider.ts';
import { registerWebRoutes, renderError, type WebDeps } from '../web/routes.tsx';
import type { CookieRegistry } from '../web/cookies.ts';
import { registerApiRoutes } from './api.ts';
import { registerCookieGuard } from './cookieGuard.ts';
import { registerErrorHandlers } from './errors.ts';
import { type RateLimitOptions, registerRateLimits } from './rateLimit.ts';
import { registerSecurityHeaders } from './security.ts';
import { requireHttps, tlsServerOptions } from './tls.ts';
import { registerWebhookRoutes } from './webhooks.ts';

export interface ServerOptions extends WebDeps {
  logger: Logger;
  /** Present when the built-in test provider is the payment provider: its card pages are mounted too. */
  testProvider: TestProvider | null;
  /** Origins the checkout may redirect a form submission to (the payment provider's page). */
  formActions: string[];
  /** Reverse proxies whose X-Forwarded-* headers are believed; nobody else's are. */
  trustedProxies: string[];
  rateLimit: RateLimitOptions;
  /** Every cookie the app may set; any other Set-Cookie fails the response. */
  cookies: CookieRegistry;
  /** Serve HTTPS with this certificate (PEM) and key; without it the app serves plain HTTP (tests, or behind a proxy). */
  tls?: { cert: string; key: string } | null;
  /** Behind a TLS-terminating proxy: the https base URL that requests not received over HTTPS are redirected to. */
  requireHttpsTo?: string | null;
}

/**
 * Builds the whole HTTP app without listening, so tests can `inject()` requests.
 * Request logs carry the route pattern, never the URL: order links hold secret tokens.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024,
    // maxParamLength: a sealed link to a buyer's data (privacy/my-data/:token) is longer than the default 100.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // request.ip and request.protocol honour X-Forwarded-For/-Proto only from these addresses.
    trustProxy: opts.trustedProxies.length > 0 ? opts.trustedProxies : false,
    ...(opts.tls ? { https: tlsServerOptions(opts.tls) } : {}),
  }) as unknown as FastifyInstance;
  registerSecurityHeaders(app, { formActions: opts.formActions, https: opts.session.secureCookies });
  if (opts.requireHttpsTo) requireHttps(app, opts.requireHttpsTo);
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(cookie);
  await registerRateLimits(app, opts.rateLimit);
  registerCookieGuard(app, { registry: opts.cookies, secure: opts.session.secureCookies, now: () => opts.app.clock.now() });
  registerErrorHandlers(app, (_req, reply, status, message) => renderError(reply, status, message));
  registerApiRoutes(app, opts.app, opts.session);
  await registerWebhookRoutes(app, opts.app);
  registerWebRoutes(app, opts);
  if (opts.testProvider) registerTestProviderRoutes(app, opts.testProvider, () => opts.app.clock.now());
  return app;
}
