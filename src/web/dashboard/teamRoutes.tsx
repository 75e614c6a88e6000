import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { changeMemberRole, inviteMember, revokeInvitation, teamView } from '../../app/team.ts';
import type { Result } from '../../domain/errors.ts';
import { statusOf } from '../../http/errors.ts';
import { firstMessages, uuid } from '../forms.ts';
import { ErrorPage } from '../layout.tsx';
import { html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { allowed, csrfValid, type SignedIn, signedIn } from '../session.ts';
import { TeamPage } from './teamPages.tsx';

const inviteForm = z.object({
  email: z.string().trim().min(1, 'Enter their email address.').max(254, 'That email address is too long.').default(''),
  role: z.string().max(20).default(''),
});
const roleForm = z.object({ role: z.string().min(1, 'Choose a role.').max(20).default('') });

const NOTICES: Record<string, string> = {
  invited: 'The invitation is on its way. It shows below until it is accepted.',
  revoked: 'The invitation is revoked; its link no longer works.',
  changed: 'The role is changed. It applies from their next page.',
  removed: 'They are removed from the team and logged out.',
};

/** /dashboard/team: owners and admins see the team and invitations, invite, revoke, change roles and remove members. */
export function registerTeamRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireTeamUser = async (req: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> => {
    const s = await signedIn(deps, w.session, req);
    if (!s) {
      await reply.redirect('/login?next=/dashboard/team', 303);
      return null;
    }
    if (!allowed(s, 'team.read')) {
      await html(reply, <ErrorPage status={403} message="Your role does not allow this page." viewer={s.viewer} />, 403);
      return null;
    }
    return s;
  };

  const page = async (reply: FastifyReply, s: SignedIn, status: number, errors: string[], notice: string | null, email = '') => {
    const view = await teamView(deps, s.user);
    if (!view.ok) return html(reply, <ErrorPage status={statusOf(view)} message={view.message} viewer={s.viewer} />, statusOf(view));
    return html(reply.header('Cache-Control', 'no-store'), <TeamPage view={view.value} viewer={s.viewer} me={s.user} errors={errors} notice={notice} email={email} />, status);
  };

  app.get<{ Querystring: { done?: string } }>('/dashboard/team', async (req, reply) => {
    const s = await requireTeamUser(req, reply);
    if (!s) return reply;
    return page(reply, s, 200, [], NOTICES[req.query.done ?? ''] ?? null);
  });

  const EXPIRED = 'This form has expired. Reload the page and try again.';
  /** Checks the session, role and CSRF token, runs the change, and answers with the page (errors) or a redirect (done). */
  const change = (path: string, run: (s: SignedIn, req: FastifyRequest<{ Params: Record<string, string> }>, body: Record<string, unknown>) => Promise<Result<unknown> | { form: string[] }>, done: string) => {
    app.post<{ Params: Record<string, string> }>(path, async (req, reply) => {
      const s = await requireTeamUser(req, reply);
      if (!s) return reply;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
      if (!csrfValid(w.session, s.token, body.csrf)) return page(reply, s, 403, [EXPIRED], null, email);
      for (const id of Object.values(req.params)) {
        if (!uuid.safeParse(id).success) return page(reply, s, 404, ['There is no such member or invitation.'], null);
      }
      const result = await run(s, req, body);
      if ('form' in result) return page(reply, s, 400, result.form, null, email);
      if (!result.ok) return page(reply, s, statusOf(result), [result.message], null, email);
      return reply.redirect(`/dashboard/team?done=${done}`, 303);
    });
  };

  change('/dashboard/team/invitations', async (s, _req, body) => {
    const form = inviteForm.safeParse(body);
    return form.success ? inviteMember(deps, s.user, form.data) : { form: firstMessages(form.error) };
  }, 'invited');
  change('/dashboard/team/invitations/:id/revoke', async (s, req) => revokeInvitation(deps, s.user, req.params.id!), 'revoked');
  change('/dashboard/team/members/:userId/role', async (s, req, body) => {
    const form = roleForm.safeParse(body);
    return form.success ? changeMemberRole(deps, s.user, req.params.userId!, form.data.role) : { form: firstMessages(form.error) };
  }, 'changed');
  change('/dashboard/team/members/:userId/remove', async (s, req) => changeMemberRole(deps, s.user, req.params.userId!, null), 'removed');
}
