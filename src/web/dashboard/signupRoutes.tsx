import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { SIGNED_UP_MESSAGE, checkEmailVerification, resendVerification, signUp, verifyEmail } from '../../app/signup.ts';
import { acceptInvitation, checkInvitation } from '../../app/team.ts';
import { MIN_PASSWORD_LENGTH } from '../../domain/team.ts';
import { statusOf } from '../../http/errors.ts';
import { firstMessages } from '../forms.ts';
import { ErrorPage } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { LoginPage } from './pages.tsx';
import { csrfValid, signedIn } from '../session.ts';
import { InvitationPage, SignedUpPage, type SignUpField, type SignUpForm, SignUpPage, VerifiedPage, VerifyEmailPage } from './signupPages.tsx';

const text = (max: number) => z.string().max(max).default('');

export const signUpForm = z.object({
  producerName: text(500), slug: text(500), name: text(500), email: text(500),
  password: z.string().max(1000, 'That password is too long (1000 characters at most).').default(''),
  confirm: z.string().max(1000).default(''),
});

const invitationForm = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(120, 'Your name is too long (120 characters at most).').default(''),
  password: z.string().max(1000, 'That password is too long (1000 characters at most).').default(''),
  confirm: z.string().max(1000).default(''),
}).refine((f) => f.password === f.confirm, { message: 'The two passwords are not the same.' });

/**
 * Sign-up (public), the email verification link, a new link for the signed-in user, and an
 * invitation's acceptance (ADR 0013). Sign-up and the links carry no session, so no CSRF token:
 * the link's token is the proof, and sign-up is rate-limited like log-in (src/http/rateLimit.ts).
 */
export function registerSignUpRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const blank: SignUpForm = { producerName: '', slug: '', name: '', email: '' };

  app.get('/signup', async (_req, reply) => html(reply, <SignUpPage form={blank} errors={[]} fieldErrors={{}} minLength={MIN_PASSWORD_LENGTH} />));

  app.post('/signup', async (req, reply) => {
    const parsed = signUpForm.safeParse(req.body ?? {});
    const again = (status: number, errors: string[], fieldErrors: Partial<Record<SignUpField, string>>, form: SignUpForm) =>
      html(reply, <SignUpPage form={form} errors={errors} fieldErrors={fieldErrors} minLength={MIN_PASSWORD_LENGTH} />, status);
    if (!parsed.success) return again(400, firstMessages(parsed.error), {}, blank);
    const f = parsed.data;
    const echo: SignUpForm = { producerName: f.producerName.slice(0, 120), slug: f.slug.slice(0, 40), name: f.name.slice(0, 120), email: f.email.slice(0, 254) };
    if (f.password !== f.confirm) return again(400, ['The two passwords are not the same.'], { password: 'The two passwords are not the same.' }, echo);
    const result = await signUp(deps, { producerName: f.producerName, slug: f.slug, name: f.name, email: f.email, password: f.password });
    if (!result.ok) {
      const field = typeof result.details?.field === 'string' ? (result.details.field as SignUpField) : null;
      return again(statusOf(result), [result.message], field ? { [field]: result.message } : {}, echo);
    }
    // The same page whether the address was new or had an account (which was told by mail).
    return html(reply, <SignedUpPage message={SIGNED_UP_MESSAGE} />);
  });

  app.get<{ Params: { token: string } }>('/signup/verify/:token', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const valid = await checkEmailVerification(deps, req.params.token);
    if (!valid.ok) return failurePage(reply, valid);
    return html(reply, <VerifyEmailPage token={req.params.token} />);
  });

  app.post<{ Params: { token: string } }>('/signup/verify/:token', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const result = await verifyEmail(deps, req.params.token);
    if (!result.ok) return failurePage(reply, result);
    return html(reply, <VerifiedPage signedIn={(await signedIn(deps, w.session, req)) !== null} />);
  });

  // A signed-in user whose address is not verified asks for a new link (from the banner on every page).
  app.post('/dashboard/verify/resend', async (req, reply) => {
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.redirect('/login?next=/dashboard', 303);
    const fail = (status: number, message: string) => html(reply, <ErrorPage status={status} message={message} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) return fail(403, 'This form has expired. Reload the page and try again.');
    const result = await resendVerification(deps, s.user);
    if (!result.ok) return fail(statusOf(result), result.message);
    return html(reply, <SignedUpPage message="We have emailed you a new link to verify your address. The older links no longer matter once you use it." />);
  });

  const invitationPage = (reply: FastifyReply, token: string, status: number, errors: string[], name: string) =>
    checkInvitation(deps, token).then((i) =>
      i.ok ? html(reply, <InvitationPage token={token} invitation={i.value} name={name} errors={errors} minLength={MIN_PASSWORD_LENGTH} />, status) : failurePage(reply, i));

  app.get<{ Params: { token: string } }>('/invite/:token', async (req, reply) => invitationPage(reply.header('Cache-Control', 'no-store'), req.params.token, 200, [], ''));

  app.post<{ Params: { token: string } }>('/invite/:token', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof body.name === 'string' ? body.name.slice(0, 120) : '';
    const form = invitationForm.safeParse(body);
    if (!form.success) return invitationPage(reply, req.params.token, 400, firstMessages(form.error), name);
    const result = await acceptInvitation(deps, req.params.token, form.data);
    if (!result.ok) return result.code === 'invalid_input' ? invitationPage(reply, req.params.token, 400, [result.message], name) : failurePage(reply, result);
    return html(reply, <LoginPage email="" errors={[]} next="/dashboard" notice="Welcome to the team. Log in with your email address and the password you chose." />);
  });
}
