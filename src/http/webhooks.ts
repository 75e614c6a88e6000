import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app/deps.ts';
import { receivePaymentWebhook } from '../app/payments.ts';
import { sendApiFailure } from './errors.ts';

/**
 * POST /payments/webhook/:provider. The signature covers the raw bytes, so this scope keeps the
 * body unparsed. 2xx tells the provider to stop retrying; a forged call gets 400 and changes nothing.
 */
export async function registerWebhookRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
    scope.post<{ Params: { provider: string } }>('/payments/webhook/:provider', async (req, reply) => {
      if (req.params.provider !== deps.payments.name) return reply.code(404).send({ error: { code: 'not_found', message: 'No such payment provider.' } });
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await receivePaymentWebhook(deps, raw, req.headers);
      if (!result.ok) return sendApiFailure(reply, result);
      return { received: true, applied: result.value.applied };
    });
  });
}
