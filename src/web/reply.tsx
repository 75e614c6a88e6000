import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import type { Failure } from '../domain/errors.ts';
import { statusOf } from '../http/errors.ts';
import { ErrorPage, type Viewer } from './layout.tsx';
import { renderPage } from './render.tsx';

export function html(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page, reply.cspNonce));
}

export function failurePage(reply: FastifyReply, failure: Failure, viewer: Viewer | null = null): FastifyReply {
  return html(reply, <ErrorPage status={statusOf(failure)} message={failure.message} viewer={viewer} />, statusOf(failure));
}
