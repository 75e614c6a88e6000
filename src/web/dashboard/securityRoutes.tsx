import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { passkeysOf } from '../../app/passkeys.ts';
import { confirmTwoFactor, disableTwoFactor, startTwoFactor, twoFactorStatus } from '../../app/twoFactor.ts';
import { statusOf } from '../../http/errors.ts';
import { html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, type SignedIn, signedIn } from '../session.ts';
import { SecurityPage } from './accountPages.tsx';

const totpCodeForm = z.object({
  csrf: z.string().optional(),
  code: z.string().trim().min(1, 'Enter the code your authenticator app shows.').max(20, 'A code is six digits.'),
});

const NOTICES: Record<string, string> = {
  on: 'Two-factor log-in is on. From now on, logging in asks for a code from your app.',
  off: 'Two-factor log-in is off.',
  passkey: 'The passkey is added. Next time, choose “Use a passkey” on the log-in page.',
  'passkey-removed': 'The passkey is removed.',
};

/**
 * /dashboard/security: a producer user's own two-factor set-up. Any signed-in user, whatever their
 * role, manages their own; every form carries the CSRF token, and the pages are never cached.
 */
export function registerSecurityRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireSignedIn = async (req: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> => {
    const s = await signedIn(deps, w.session, req);
    if (!s) await reply.redirect('/login?next=/dashboard/security', 303);
    return s;
  };

  const page = async (reply: FastifyReply, s: SignedIn, status: number, errors: string[], notice: string | null) => {
    const twoFactor = await twoFactorStatus(deps, s.user);
    const qrSvg = twoFactor.state === 'pending' ? await QRCode.toString(twoFactor.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : null;
    return html(reply.header('Cache-Control', 'no-store'), <SecurityPage status={twoFactor} qrSvg={qrSvg} errors={errors} notice={notice} viewer={s.viewer} passkeys={await passkeysOf(deps, s.user)} />, status);
  };

  app.get<{ Querystring: { done?: string } }>('/dashboard/security', async (req, reply) => {
    const s = await requireSignedIn(req, reply);
    if (!s) return reply;
    return page(reply, s, 200, [], NOTICES[req.query.done ?? ''] ?? null);
  });

  const EXPIRED = 'This form has expired. Reload the page and try again.';

  app.post('/dashboard/security/totp', async (req, reply) => {
    const s = await requireSignedIn(req, reply);
    if (!s) return reply;
    if (!csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) return page(reply, s, 403, [EXPIRED], null);
    const started = await startTwoFactor(deps, s.user);
    if (!started.ok) return page(reply, s, statusOf(started), [started.message], null);
    return reply.redirect('/dashboard/security', 303);
  });

  for (const [path, action, done] of [['/dashboard/security/totp/confirm', confirmTwoFactor, 'on'], ['/dashboard/security/totp/disable', disableTwoFactor, 'off']] as const) {
    app.post(path, async (req, reply) => {
      const s = await requireSignedIn(req, reply);
      if (!s) return reply;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!csrfValid(w.session, s.token, body.csrf)) return page(reply, s, 403, [EXPIRED], null);
      const form = totpCodeForm.safeParse(body);
      if (!form.success) return page(reply, s, 400, [...new Set(form.error.issues.map((i) => i.message))], null);
      const result = await action(deps, s.user, form.data.code);
      if (!result.ok) return page(reply, s, statusOf(result), [result.message], null);
      return reply.redirect(`/dashboard/security?done=${done}`, 303);
    });
  }
}
