import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, Failure } from '../domain/errors.ts';

/** The one place that turns an error code into an HTTP status. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  unauthenticated: 401,
  forbidden: 403,
  sold_out: 409,
  hold_expired: 410,
  hold_used: 409,
  sales_closed: 409,
  not_on_sale: 409,
  sales_ended: 409,
  payment_declined: 402,
  bad_signature: 400,
  illegal_transition: 409,
  conflict: 409,
  unavailable: 503,
  rate_limited: 429,
  link_expired: 410,
  legal_hold: 409,
};

export function statusOf(failure: Pick<Failure, 'code'>): number {
  return STATUS[failure.code];
}

export function isApiRequest(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/');
}

export function sendApiFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  return reply.code(statusOf(failure)).send({ error: { code: failure.code, message: failure.message, ...(failure.details ? { details: failure.details } : {}) } });
}

/**
 * Unexpected errors become a plain 500 with no stack and no detail; Fastify's own client errors
 * (bad JSON, body too large, wrong media type) keep their 4xx with a clear message.
 */
export function registerErrorHandlers(app: FastifyInstance, renderHtmlError: (req: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = status === 500 ? 'Something went wrong on our side. Nothing was charged twice; please try again.' : clientMessage(err, status);
    if (status === 500) req.log.error({ err }, 'unhandled error');
    else req.log.info({ code: err.code, status }, 'client error');
    if (isApiRequest(req)) return reply.code(status).send({ error: { code: status === 500 ? 'internal' : status === 429 ? 'rate_limited' : 'invalid_input', message } });
    return renderHtmlError(req, reply, status, message);
  });
  app.setNotFoundHandler((req, reply) => {
    const message = 'There is nothing at this address.';
    if (isApiRequest(req)) return reply.code(404).send({ error: { code: 'not_found', message } });
    return renderHtmlError(req, reply, 404, message);
  });
}

function clientMessage(err: Error & { code?: string }, status: number): string {
  switch (err.code) {
    case 'RATE_LIMITED': return err.message;
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'The request is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'This kind of request body is not accepted here.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return 'The request body is not valid JSON.';
    default: return status === 404 ? 'There is nothing at this address.' : 'The request was not understood.';
  }
}
