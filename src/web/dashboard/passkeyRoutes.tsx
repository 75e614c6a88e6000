import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { finishPasskeyLogIn, finishPasskeyRegistration, removePasskey, startPasskeyLogIn, startPasskeyRegistration } from '../../app/passkeys.ts';
import { statusOf } from '../../http/errors.ts';
import { safeNext } from '../forms.ts';
import { ErrorPage } from '../layout.tsx';
import { html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, setSessionCookie, signedIn } from '../session.ts';

const registration = z.object({ csrf: z.string().max(200), name: z.string().max(200).default(''), response: z.record(z.string(), z.unknown()) });
const logIn = z.object({ response: z.record(z.string(), z.unknown()), next: z.string().max(200).default('/dashboard') });

/**
 * Passkeys (ADR 0013). The island talks JSON to these routes: options for the browser's ceremony,
 * then its answer. Registering needs the session and its CSRF token; logging in needs neither, and
 * is rate-limited like the password log-in. Removing a passkey is an ordinary form.
 */
export function registerPasskeyRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const EXPIRED = 'This page has expired. Reload it and try again.';

  app.post('/dashboard/security/passkeys/options', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.code(401).send({ error: 'Please log in again.' });
    if (!csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) return reply.code(403).send({ error: EXPIRED });
    const options = await startPasskeyRegistration(deps, s.user);
    if (!options.ok) return reply.code(statusOf(options)).send({ error: options.message });
    return reply.send({ options: options.value });
  });

  app.post('/dashboard/security/passkeys', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.code(401).send({ error: 'Please log in again.' });
    if (!csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) return reply.code(403).send({ error: EXPIRED });
    const body = registration.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send({ error: 'That is not a passkey.' });
    const result = await finishPasskeyRegistration(deps, s.user, body.data.response, body.data.name);
    if (!result.ok) return reply.code(statusOf(result)).send({ error: result.message });
    return reply.send({ ok: true });
  });

  app.post<{ Params: { id: string } }>('/dashboard/security/passkeys/:id/remove', async (req, reply) => {
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.redirect('/login?next=/dashboard/security', 303);
    if (!csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) return html(reply, <ErrorPage status={403} message={EXPIRED} viewer={s.viewer} />, 403);
    const removed = await removePasskey(deps, s.user, req.params.id);
    if (!removed.ok) return html(reply, <ErrorPage status={404} message={removed.message} viewer={s.viewer} />, 404);
    return reply.redirect('/dashboard/security?done=passkey-removed', 303);
  });

  app.post('/login/passkey/options', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
    return reply.send({ options: await startPasskeyLogIn(deps) });
  });

  app.post('/login/passkey', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const body = logIn.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send({ error: 'That is not a passkey.' });
    const result = await finishPasskeyLogIn(deps, body.data.response, { ip: req.ip });
    if (!result.ok) return reply.code(statusOf(result)).send({ error: result.message });
    setSessionCookie(reply, w.session, result.value.token, result.value.expiresAt);
    return reply.send({ redirect: safeNext(body.data.next) });
  });
}
