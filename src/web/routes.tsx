import type { FastifyInstance, FastifyReply } from 'fastify';
import { simpleParser } from 'mailparser';
import QRCode from 'qrcode';
import { completeLogIn, logOut, startLogIn } from '../app/auth.ts';
import { startCheckout } from '../app/checkout.ts';
import { confirmPaymentReturn } from '../app/payments.ts';
import type { AppDeps } from '../app/deps.ts';
import { doorPerformances, scanTicket } from '../app/door.ts';
import { checkoutView } from '../app/holds.ts';
import { eventSeating, placeSeatedHold } from '../app/seating.ts';
import { seatChoiceForm } from './storefront/seatForms.ts';
import { buyerOrder, orderDocument, ticketPdf } from '../app/orders.ts';
import { requestSupport } from '../app/support.ts';
import { eventPage, listUpcomingEvents } from '../app/storefront.ts';
import type { devOutboxReader } from '../adapters/mail/devOutbox.ts';
import { statusOf } from '../http/errors.ts';
import type { Asset } from './assets.ts';
import { LoginPage } from './dashboard/pages.tsx';
import { registerAdminRoutes } from './admin/routes.tsx';
import { registerCounterRoutes } from './dashboard/counter.tsx';
import { registerDashboardRoutes } from './dashboard/routes.tsx';
import { registerEventRoutes } from './dashboard/eventsRoutes.tsx';
import { registerMailingRoutes, registerUnsubscribeRoutes } from './dashboard/mailings.tsx';
import { registerSecurityRoutes } from './dashboard/securityRoutes.tsx';
import { registerSeatMapRoutes } from './dashboard/seatMaps.tsx';
import { registerSignUpRoutes } from './dashboard/signupRoutes.tsx';
import { registerTeamRoutes } from './dashboard/teamRoutes.tsx';
import { registerPasskeyRoutes } from './dashboard/passkeyRoutes.tsx';
import { registerCheckoutSetupRoutes } from './dashboard/checkoutSetup.tsx';
import { registerPrivacyRoutes } from './privacy/routes.tsx';
import { failurePage, html } from './reply.tsx';
import { MailboxPage, MailPage } from './dev/pages.tsx';
import { DoorPage } from './door/pages.tsx';
import { checkoutForm, codeForm, doorForm, firstMessages, forgotPasswordForm, holdForm, loginForm, resetPasswordForm, safeNext, supportMessageForm, uuid } from './forms.ts';
import { CodePage, ForgotPasswordPage, ResetPasswordPage } from './dashboard/accountPages.tsx';
import { MIN_PASSWORD_LENGTH, RESET_REQUESTED_MESSAGE, checkPasswordReset, requestPasswordReset, resetPassword } from '../app/passwordReset.ts';
import { ErrorPage, type Viewer } from './layout.tsx';
import { allowed, clearSessionCookie, csrfValid, type SessionSupport, setSessionCookie, signedIn } from './session.ts';
import { CheckoutPage, EventPage, EventsPage, OrderPage } from './storefront/pages.tsx';
import { checkoutExtrasForm, echoAnswers } from './storefront/checkoutExtras.ts';
import { questionNotices } from '../app/questions.ts';
import { PrivacyPage, type PrivacyPageData } from './privacy/page.tsx';
import { queuePath, requireAdmission } from '../app/waitingRoom.ts';
import { registerWaitingRoomRoutes, toQueue, visitOf } from './storefront/waitingRoom.tsx';
import { registerWaitingRoomSettingsRoutes } from './dashboard/waitingRoom.tsx';

export interface WebDeps {
  app: AppDeps;
  session: SessionSupport;
  assets: Map<string, Asset>;
  devOutbox: ReturnType<typeof devOutboxReader> | null;
  /** The privacy page's facts and version, computed once at start from the running configuration. */
  privacy: PrivacyPageData;
}


/** Server-rendered pages. Each handler parses its input with zod, calls one use case, renders. */
export function registerWebRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const viewerOf = async (req: import('fastify').FastifyRequest) => (await signedIn(deps, w.session, req))?.viewer ?? null;

  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const asset = w.assets.get(req.params.name);
    if (!asset) return reply.callNotFound();
    return reply.header('Cache-Control', 'public, max-age=300').type(asset.type).send(asset.body);
  });

  // Browsers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/assets/favicon.svg', 301));

  // ---------- storefront ----------

  app.get('/', async (req, reply) => html(reply, <EventsPage events={await listUpcomingEvents(deps)} viewer={await viewerOf(req)} />));

  app.get<{ Params: { slug: string } }>('/events/:slug', async (req, reply) => {
    const event = await eventPage(deps, req.params.slug);
    if (!event.ok) return failurePage(reply, event);
    // While the event has a waiting room, only an admitted visitor sees the tickets (ADR 0012).
    if (!(await requireAdmission(deps, event.value.slug, visitOf(deps, req))).ok) return toQueue(reply, queuePath(event.value.slug));
    return html(reply, <EventPage event={event.value} errors={[]} viewer={await viewerOf(req)} seating={await eventSeating(deps, event.value)} />);
  });

  app.post<{ Params: { slug: string } }>('/events/:slug/hold', async (req, reply) => {
    // A request that skipped the waiting room places nothing (ADR 0012): the hold checks the admission
    // with its one read, and any refusal checks it again before the event page is shown, so a visitor
    // without one is sent back to the queue. The event page is read only to answer a refusal (ADR 0010).
    const visit = visitOf(deps, req);
    const again = async (status: number, errors: string[], selectedSeats: readonly string[] = []) => {
      if (!(await requireAdmission(deps, req.params.slug, visit)).ok) return toQueue(reply, queuePath(req.params.slug));
      const event = await eventPage(deps, req.params.slug);
      if (!event.ok) return failurePage(reply, event);
      return html(reply, <EventPage event={event.value} errors={errors} viewer={null} seating={await eventSeating(deps, event.value)} selectedSeats={selectedSeats} />, status);
    };
    const form = holdForm.safeParse(req.body ?? {});
    if (!form.success) return again(400, firstMessages(form.error));
    const seats = seatChoiceForm.safeParse(req.body ?? {});
    if (!seats.success) return again(400, firstMessages(seats.error));
    const hold = await placeSeatedHold(deps, { ...form.data, ...seats.data, eventSlug: req.params.slug, admission: visit });
    if (!hold.ok) return again(statusOf(hold), [hold.message], seats.data.seatIds);
    return reply.redirect(`/checkout/${hold.value.holdId}`, 303);
  });

  app.get<{ Params: { holdId: string }; Querystring: { payment?: string } }>('/checkout/:holdId', async (req, reply) => {
    if (!uuid.safeParse(req.params.holdId).success) return reply.callNotFound();
    const view = await checkoutView(deps, req.params.holdId);
    if (!view.ok) return failurePage(reply, view);
    const order = view.value.order;
    const form = order ? { buyerName: order.buyerName, buyerEmail: order.buyerEmail ?? '', marketingConsent: order.marketingConsent } : { buyerName: '', buyerEmail: '', marketingConsent: false };
    return html(
      reply,
      <CheckoutPage view={view.value} form={form} errors={req.query.payment === 'cancelled' ? ['The payment was cancelled. Nothing was charged, and your tickets are still held.'] : []}
        fieldErrors={{}} declined={req.query.payment === 'declined'} now={deps.clock.now()} viewer={null} />,
    );
  });

  app.post<{ Params: { holdId: string } }>('/checkout/:holdId', async (req, reply) => {
    if (!uuid.safeParse(req.params.holdId).success) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = checkoutForm.safeParse(body);
    const extras = checkoutExtrasForm.safeParse(body);
    const echo = {
      buyerName: String(body.buyerName ?? '').slice(0, 200), buyerEmail: String(body.buyerEmail ?? '').slice(0, 254), marketingConsent: body.marketingConsent === 'yes',
      answers: echoAnswers(body), voucherCode: String(body.voucherCode ?? '').slice(0, 64),
    };
    // The checkout page is read only to answer a refusal: a checkout's own reads are few (ADR 0010).
    const again = async (status: number, voucherCode: string | undefined, errors: string[], fieldErrors: Record<string, string>, answerErrors: Record<string, string> = {}) => {
      const view = await checkoutView(deps, req.params.holdId, voucherCode);
      if (!view.ok) return failurePage(reply, view);
      return html(reply, <CheckoutPage view={view.value} form={echo} errors={errors} fieldErrors={fieldErrors} answerErrors={answerErrors} declined={false} now={deps.clock.now()} viewer={null} />, status);
    };
    if (!form.success || !extras.success) {
      const fieldErrors = form.success ? {} : Object.fromEntries(form.error.issues.map((i) => [String(i.path[0]), i.message]));
      // The code the buyer applied stays on the page.
      const code = extras.success && extras.data.voucherCode !== '' ? extras.data.voucherCode : undefined;
      return again(422, code, ['Please correct the marked fields.', ...(extras.success ? [] : firstMessages(extras.error))], fieldErrors);
    }
    const started = await startCheckout(deps, req.params.holdId, form.data, { ip: req.ip }, extras.data);
    // The page shows the code only if it is still good; the refusal says why not.
    if (!started.ok) return again(statusOf(started), started.details?.voucher ? undefined : extras.data.voucherCode, [started.message], {}, (started.details?.answers ?? {}) as Record<string, string>);
    return reply.redirect(started.value.redirectUrl, 303);
  });

  // The discount code's "Apply" button: checks the code and shows the checkout priced with it; writes nothing.
  app.post<{ Params: { holdId: string } }>('/checkout/:holdId/voucher', async (req, reply) => {
    if (!uuid.safeParse(req.params.holdId).success) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const extras = checkoutExtrasForm.safeParse(body);
    const code = extras.success ? extras.data.voucherCode : '';
    const view = await checkoutView(deps, req.params.holdId, code);
    if (!view.ok) return failurePage(reply, view);
    const form = { buyerName: '', buyerEmail: '', marketingConsent: false, voucherCode: String(body.voucherCode ?? '').slice(0, 64) };
    const refusal = !extras.success ? firstMessages(extras.error) : code === '' ? ['Enter a discount code, or pay without one.'] : view.value.voucherRefusal ? [view.value.voucherRefusal.message] : [];
    const status = !extras.success || code === '' ? 400 : view.value.voucherRefusal ? statusOf(view.value.voucherRefusal) : 200;
    return html(reply, <CheckoutPage view={view.value} form={form} errors={refusal} fieldErrors={{}} declined={false} now={deps.clock.now()} viewer={null} />, status);
  });

  app.get<{ Params: { provider: string }; Querystring: Record<string, string> }>('/payments/return/:provider', async (req, reply) => {
    if (req.params.provider !== deps.payments.name) return reply.callNotFound();
    const result = await confirmPaymentReturn(deps, req.query);
    if (!result.ok) return failurePage(reply, result);
    const { order, outcome } = result.value;
    if (outcome === 'declined' || outcome === 'cancelled' || outcome === 'expired') return reply.redirect(`/checkout/${order.holdId}?payment=${outcome}`, 303);
    return reply.redirect(`/orders/${order.id}/${deps.keys.orderLinkToken(order.id)}${outcome === 'paid' ? '?paid=1' : ''}`, 303);
  });

  app.get<{ Params: { orderId: string; token: string }; Querystring: { paid?: string } }>('/orders/:orderId/:token', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const view = await buyerOrder(deps, req.params.orderId, req.params.token);
    if (!view.ok) return failurePage(reply, view);
    const qrSvgs: Record<string, string> = {};
    for (const t of view.value.tickets) {
      if (t.status === 'valid') qrSvgs[t.id] = await QRCode.toString(t.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    }
    return html(reply, <OrderPage view={view.value} token={req.params.token} justPaid={req.query.paid === '1'} qrSvgs={qrSvgs} viewer={null} />);
  });

  app.post<{ Params: { orderId: string; token: string } }>('/orders/:orderId/:token/help', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const view = await buyerOrder(deps, req.params.orderId, req.params.token);
    if (!view.ok) return failurePage(reply, view);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = async (status: number, help: { reference: string | null; errors: string[]; message: string }) => {
      const qrSvgs: Record<string, string> = {};
      for (const t of view.value.tickets) {
        if (t.status === 'valid') qrSvgs[t.id] = await QRCode.toString(t.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      }
      return html(reply, <OrderPage view={view.value} token={req.params.token} justPaid={false} qrSvgs={qrSvgs} viewer={null} help={help} />, status);
    };
    const form = supportMessageForm.safeParse(body);
    if (!form.success) return page(400, { reference: null, errors: firstMessages(form.error), message: String(body.message ?? '').slice(0, 2000) });
    const created = await requestSupport(deps, req.params.orderId, req.params.token, form.data.message);
    if (!created.ok) return page(statusOf(created), { reference: null, errors: [created.message], message: form.data.message });
    return page(201, { reference: created.value.reference, errors: [], message: '' });
  });

  app.get<{ Params: { orderId: string; token: string } }>('/orders/:orderId/:token/tickets.pdf', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const pdf = await ticketPdf(deps, req.params.orderId, req.params.token);
    if (!pdf.ok) return failurePage(reply, pdf);
    return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="${pdf.value.filename}"`).send(pdf.value.pdf);
  });

  app.get<{ Params: { orderId: string; token: string; documentId: string } }>('/orders/:orderId/:token/documents/:documentId.pdf', async (req, reply) => {
    if (!uuid.safeParse(req.params.orderId).success || !uuid.safeParse(req.params.documentId).success) return reply.callNotFound();
    const doc = await orderDocument(deps, req.params.orderId, req.params.token, req.params.documentId);
    if (!doc.ok) return failurePage(reply, doc);
    return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="${doc.value.filename}"`).send(doc.value.pdf);
  });
  app.get('/privacy', async (req, reply) => {
    // The producers' checkout questions change while the box office runs, so they are read for each request.
    const producerQuestions = (await questionNotices(deps)).flatMap((n) => n.questions.map((q) => ({ producerName: n.producerName, eventTitle: n.eventTitle, ...q })));
    return html(reply, <PrivacyPage facts={{ ...w.privacy.facts, producerQuestions }} version={w.privacy.version} viewer={await viewerOf(req)} />);
  });

  // ---------- producers ----------

  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => html(reply, <LoginPage email="" errors={[]} next={safeNext(req.query.next ?? '/dashboard')} />));

  app.post('/login', async (req, reply) => {
    const form = loginForm.safeParse(req.body ?? {});
    if (!form.success) return html(reply, <LoginPage email="" errors={firstMessages(form.error)} next="/dashboard" />, 400);
    const result = await startLogIn(deps, form.data.email, form.data.password, { ip: req.ip });
    if (!result.ok) return html(reply, <LoginPage email={form.data.email} errors={[result.message]} next={safeNext(form.data.next)} />, 401);
    if (result.value.kind === 'code') return html(reply.header('Cache-Control', 'no-store'), <CodePage challenge={result.value.challenge} next={safeNext(form.data.next)} errors={[]} />);
    setSessionCookie(reply, w.session, result.value.token, result.value.expiresAt);
    return reply.redirect(safeNext(form.data.next), 303);
  });

  // The second step of a two-factor log-in: the sealed "password was right" state and the code.
  app.post('/login/code', async (req, reply) => {
    const form = codeForm.safeParse(req.body ?? {});
    if (!form.success) return html(reply, <LoginPage email="" errors={firstMessages(form.error)} next="/dashboard" />, 400);
    const next = safeNext(form.data.next);
    const result = await completeLogIn(deps, form.data.challenge, form.data.code, { ip: req.ip });
    if (!result.ok) return html(reply.header('Cache-Control', 'no-store'), <CodePage challenge={form.data.challenge} next={next} errors={[result.message]} />, 401);
    setSessionCookie(reply, w.session, result.value.token, result.value.expiresAt);
    return reply.redirect(next, 303);
  });

  app.get('/login/forgot', async (_req, reply) => html(reply, <ForgotPasswordPage email="" errors={[]} notice={null} />));

  app.post('/login/forgot', async (req, reply) => {
    const form = forgotPasswordForm.safeParse(req.body ?? {});
    if (!form.success) return html(reply, <ForgotPasswordPage email="" errors={firstMessages(form.error)} notice={null} />, 400);
    await requestPasswordReset(deps, form.data.email);
    // The same page and status whether or not the address has an account.
    return html(reply, <ForgotPasswordPage email="" errors={[]} notice={RESET_REQUESTED_MESSAGE} />);
  });

  app.get<{ Params: { token: string } }>('/login/reset/:token', async (req, reply) => {
    const valid = await checkPasswordReset(deps, req.params.token);
    if (!valid.ok) return failurePage(reply.header('Cache-Control', 'no-store'), valid);
    return html(reply.header('Cache-Control', 'no-store'), <ResetPasswordPage token={req.params.token} errors={[]} minLength={MIN_PASSWORD_LENGTH} />);
  });

  app.post<{ Params: { token: string } }>('/login/reset/:token', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const again = (status: number, errors: string[]) => html(reply, <ResetPasswordPage token={req.params.token} errors={errors} minLength={MIN_PASSWORD_LENGTH} />, status);
    const form = resetPasswordForm.safeParse(req.body ?? {});
    if (!form.success) return again(400, firstMessages(form.error));
    const result = await resetPassword(deps, req.params.token, form.data.password);
    if (!result.ok) return result.code === 'invalid_input' ? again(400, [result.message]) : failurePage(reply, result);
    clearSessionCookie(reply, w.session);
    return html(reply, <LoginPage email="" errors={[]} next="/dashboard" notice="Your new password is set, and you are logged out everywhere. Log in with it now." />);
  });

  app.post('/logout', async (req, reply) => {
    const s = await signedIn(deps, w.session, req);
    if (s && csrfValid(w.session, s.token, (req.body as Record<string, unknown> | undefined)?.csrf)) await logOut(deps, s.token);
    clearSessionCookie(reply, w.session);
    return reply.redirect('/', 303);
  });

  registerDashboardRoutes(app, w);
  registerEventRoutes(app, w);
  registerCounterRoutes(app, w);
  registerMailingRoutes(app, w);
  registerUnsubscribeRoutes(app, w);
  registerSecurityRoutes(app, w);
  registerSeatMapRoutes(app, w);
  registerSignUpRoutes(app, w);
  registerTeamRoutes(app, w);
  registerPasskeyRoutes(app, w);
  registerCheckoutSetupRoutes(app, w);
  registerAdminRoutes(app, w);
  registerPrivacyRoutes(app, w);
  registerWaitingRoomRoutes(app, w);
  registerWaitingRoomSettingsRoutes(app, w);

  const forbidden = (reply: FastifyReply, viewer: Viewer) =>
    html(reply, <ErrorPage status={403} message="Your role does not allow this page." viewer={viewer} />, 403);

  app.get<{ Querystring: { performanceId?: string } }>('/door', async (req, reply) => {
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.redirect('/login?next=/door', 303);
    if (!allowed(s, 'door.scan')) return forbidden(reply, s.viewer);
    const performances = await doorPerformances(deps, s.user);
    return html(reply, <DoorPage performances={performances} selected={req.query.performanceId ?? null} verdict={null} error={null} viewer={s.viewer} />);
  });

  app.post('/door', async (req, reply) => {
    const s = await signedIn(deps, w.session, req);
    if (!s) return reply.redirect('/login?next=/door', 303);
    if (!allowed(s, 'door.scan')) return forbidden(reply, s.viewer);
    const performances = await doorPerformances(deps, s.user);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const selected = typeof body.performanceId === 'string' ? body.performanceId : null;
    const page = (status: number, verdict: Parameters<typeof DoorPage>[0]['verdict'], error: string | null) =>
      html(reply, <DoorPage performances={performances} selected={selected} verdict={verdict} error={error} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return page(403, null, 'This form has expired. Reload the page and scan again.');
    const form = doorForm.safeParse(body);
    if (!form.success) return page(400, null, firstMessages(form.error).join(' '));
    if (!performances.some((p) => p.id === form.data.performanceId)) return page(404, null, 'Choose one of your performances.');
    return page(200, await scanTicket(deps, s.user, form.data), null);
  });

  // ---------- development mailbox (only without SMTP) ----------

  const outbox = w.devOutbox;
  if (outbox) {
    // Buyers' mail, with their order links: only for a browser on this machine.
    app.addHook('onRequest', async (req, reply) => {
      // By the matched route, not the raw URL: /%64ev/… routes to /dev/… too.
      if ((req.routeOptions.url ?? '').startsWith('/dev/') && !isLoopbackAddress(req.ip)) return reply.code(404).send('Not found');
    });
    app.get('/dev/mailbox', async (_req, reply) => html(reply, <MailboxPage messages={await outbox.list()} />));
    const message = async (id: string) => (uuid.safeParse(id).success ? outbox.get(id) : undefined);
    app.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (req, reply) => {
      const m = await message(req.params.id);
      if (!m) return reply.callNotFound();
      const parsed = await simpleParser(Buffer.from(m.raw));
      const attachments = parsed.attachments.map((a) => ({ filename: a.filename ?? 'attachment', size: a.size }));
      return html(reply, <MailPage id={m.id} subject={m.subject} to={m.toAddress} text={m.textBody} attachments={attachments} />);
    });
    app.get<{ Params: { id: string } }>('/dev/mailbox/:id/raw.eml', async (req, reply) => {
      const m = await message(req.params.id);
      if (!m) return reply.callNotFound();
      return reply.type('message/rfc822').header('Content-Disposition', `attachment; filename="${m.id}.eml"`).send(Buffer.from(m.raw));
    });
    app.get<{ Params: { id: string; n: string } }>('/dev/mailbox/:id/attachments/:n', async (req, reply) => {
      const m = await message(req.params.id);
      if (!m) return reply.callNotFound();
      const a = (await simpleParser(Buffer.from(m.raw))).attachments[Number(req.params.n)];
      if (!a) return reply.callNotFound();
      return reply.type(a.contentType).header('Content-Disposition', `attachment; filename="${a.filename ?? 'attachment'}"`).send(a.content);
    });
  }
}

export function isLoopbackAddress(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

export function renderError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return html(reply, <ErrorPage status={status} message={message} />, status);
}
