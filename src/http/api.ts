import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.ts';
import { doorPerformance, scanTicket } from '../app/door.ts';
import { fail } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import type { SessionSupport } from '../web/session.ts';
import { signedIn } from '../web/session.ts';
import { sendApiFailure } from './errors.ts';

export const scanRequest = z.object({
  performanceId: z.uuid(),
  code: z.string().trim().min(1).max(300),
});

/** The JSON API. Each route: parse with zod, call a use case, present the result. */
export function registerApiRoutes(app: FastifyInstance, deps: AppDeps, session: SessionSupport): void {
  app.get('/api/health', async () => ({ ok: true }));

  // JSON only: a cross-site form cannot send application/json without a CORS preflight, which we never grant.
  app.post('/api/door/scan', async (req, reply) => {
    const s = await signedIn(deps, session, req);
    if (!s) return sendApiFailure(reply, fail('unauthenticated', 'Log in to scan tickets.'));
    if (!may(s.user.role, 'door.scan')) return sendApiFailure(reply, fail('forbidden', 'Your role cannot scan tickets.'));
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return sendApiFailure(reply, fail('invalid_input', 'Send the scan as application/json.'));
    }
    const body = scanRequest.safeParse(req.body);
    if (!body.success) return sendApiFailure(reply, fail('invalid_input', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')));
    if (!(await doorPerformance(deps, s.user, body.data.performanceId))) return sendApiFailure(reply, fail('not_found', 'Choose one of your performances.'));
    const verdict = await scanTicket(deps, s.user, body.data);
    return { verdict };
  });
}
