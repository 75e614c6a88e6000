import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Action } from '../../domain/policy.ts';
import { ErrorPage } from '../layout.tsx';
import { html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { allowed, type SignedIn, signedIn } from '../session.ts';

/**
 * The guard of a producer page: the signed-in user if their role allows the action (`action`, or the
 * area's `fallback`); otherwise the reply is sent (a log-in redirect back here, or a 403 page) and null returned.
 */
export function userGuard(w: WebDeps, fallback: Action) {
  return async (req: FastifyRequest, reply: FastifyReply, action: Action = fallback): Promise<SignedIn | null> => {
    const s = await signedIn(w.app, w.session, req);
    if (!s) {
      await reply.redirect(`/login?next=${encodeURIComponent(req.url.split('?')[0]!).replace(/%2F/g, '/')}`, 303);
      return null;
    }
    if (!allowed(s, action)) {
      await html(reply, <ErrorPage status={403} message="Your role does not allow this page." viewer={s.viewer} />, 403);
      return null;
    }
    return s;
  };
}
