import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { issuedVisitorId, newVisitorId, pollQueue, type QueueStatus, queuePath } from '../../app/waitingRoom.ts';
import { formatInZone } from '../../domain/time.ts';
import { COOKIES, cookieOptions } from '../cookies.ts';
import { ErrorPage, Layout } from '../layout.tsx';
import { html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';

/** The visitor's waiting-room id (their cookie), or null when absent or not one the box office issued. */
export function visitorOf(deps: AppDeps, req: FastifyRequest): string | null {
  return issuedVisitorId(deps, req.cookies[COOKIES.queueVisitor.name]);
}

/** What the gate needs from a request: the visitor's id and admission token, both from their cookies. */
export function visitOf(deps: AppDeps, req: FastifyRequest): { visitorId: string | null; token: string | null } {
  return { visitorId: visitorOf(deps, req), token: req.cookies[COOKIES.queueAdmission.name] ?? null };
}

/**
 * The queue page: GET /events/:slug/queue. Each poll is O(1) and reads no database (pollQueue). It
 * reloads itself with a `Refresh` header (no JavaScript), says where the visitor stands in its title
 * (read out on every load) and in a status region, and has a link that turns the reloading off
 * (WCAG 2.2.1: a time limit the user can turn off); with `?manual=1` the visitor checks by hand.
 */
export function registerWaitingRoomRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const secure = w.session.secureCookies;

  // Issues the visitor id (rate-limited per address in src/http/rateLimit.ts): the only way into a queue.
  app.get<{ Params: { slug: string } }>('/events/:slug/queue/join', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const slug = req.params.slug;
    if (!(await deps.waitingRoom.room(slug))) return reply.redirect(`/events/${encodeURIComponent(slug)}`, 303);
    if (!visitorOf(deps, req)) {
      const expires = new Date(deps.clock.now().getTime() + COOKIES.queueVisitor.maxAgeSeconds * 1000);
      reply.setCookie(COOKIES.queueVisitor.name, newVisitorId(deps), cookieOptions(COOKIES.queueVisitor, secure, expires));
    }
    return reply.redirect(`${queuePath(slug)}?c=1`, 303);
  });

  app.get<{ Params: { slug: string }; Querystring: { c?: string; manual?: string } }>('/events/:slug/queue', async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const slug = req.params.slug;
    const eventPath = `/events/${encodeURIComponent(slug)}`;
    const visitorId = visitorOf(deps, req);
    if (!visitorId) {
      // Nobody enters without the cookie that holds their place: a client that drops it would queue anew on every poll.
      if (req.query.c === '1') {
        return html(reply, <ErrorPage status={400} message="The waiting room keeps your place in a cookie, and your browser did not send it back. Allow cookies for this site, then open the event again." />, 400);
      }
      return reply.redirect(`${queuePath(slug)}/join`, 303);
    }
    let status: QueueStatus;
    try {
      status = await pollQueue(deps, slug, visitorId);
    } catch (err) {
      req.log.error({ err }, 'waiting room queue unavailable');
      reply.header('Refresh', String(deps.settings.waitingRoomRefreshSeconds));
      return html(reply, <ErrorPage status={503} message="The waiting room is busy for a moment. This page tries again by itself, and you keep your place." />, 503);
    }
    if (status.kind === 'none') return reply.redirect(eventPath, 303);
    if (status.kind === 'admitted') {
      reply.setCookie(COOKIES.queueAdmission.name, status.token, cookieOptions(COOKIES.queueAdmission, secure, status.expiresAt));
      return reply.redirect(eventPath, 303);
    }
    const manual = req.query.manual === '1';
    const refreshSeconds = deps.settings.waitingRoomRefreshSeconds;
    if (!manual) reply.header('Refresh', String(refreshSeconds));
    return html(reply, <QueuePage status={status} refreshSeconds={refreshSeconds} manual={manual} />);
  });
}

/** Sends a visitor the gate turned away to the queue (a form POST gets 303, so the browser follows with GET). */
export function toQueue(reply: FastifyReply, path: string): FastifyReply {
  return reply.header('Cache-Control', 'no-store').redirect(path, 303);
}

export function QueuePage(props: { status: Exclude<QueueStatus, { kind: 'none' } | { kind: 'admitted' }>; refreshSeconds: number; manual: boolean }) {
  const { status } = props;
  const room = status.room;
  const opens = formatInZone(room.opensAt, room.timeZone);
  const here = queuePath(room.eventSlug);
  const title = status.kind === 'early' ? `Waiting for the sale: ${room.eventTitle}` : `Number ${status.ahead + 1} in the queue: ${room.eventTitle}`;
  return (
    <Layout title={title}>
      <h1>Waiting room: {room.eventTitle}</h1>
      <div class="notice warn" role="status" aria-live="polite" aria-atomic="true" data-queue={status.kind}>
        {status.kind === 'early' ? (
          <>
            <p>
              The sale opens at <time dateTime={room.opensAt.toISOString()}>{opens}</time>. You are in the waiting room
              {status.waiting > 1 ? ` with ${status.waiting - 1} other ${status.waiting === 2 ? 'person' : 'people'}` : ''}.
            </p>
            <p>When the sale opens, everyone already here gets a place in the queue by lot, so arriving earlier does not help.</p>
          </>
        ) : (
          <>
            <p>
              You are number <strong data-position>{status.ahead + 1}</strong> in the queue.
            </p>
            <p>
              Estimated wait: <span data-wait>{status.waitMinutes === 1 ? 'about 1 minute' : `about ${status.waitMinutes} minutes`}</span>.
            </p>
          </>
        )}
      </div>
      {props.manual ? (
        <>
          <p>This page no longer updates by itself. Check your place when you like; you keep it either way.</p>
          <p><a href={`${here}?manual=1`}>Check my place now</a></p>
          <p><a href={here}>Update this page by itself again</a></p>
        </>
      ) : (
        <>
          <p>
            Keep this page open: it updates itself every {props.refreshSeconds} seconds, and takes you to the tickets when it is your turn.
            Reloading it does not lose your place.
          </p>
          <p><a href={`${here}?manual=1`} data-manual>Stop updating this page by itself</a></p>
        </>
      )}
      <p class="muted">{room.perMinute === 1 ? 'One buyer is' : `${room.perMinute} buyers are`} let in each minute.</p>
    </Layout>
  );
}
