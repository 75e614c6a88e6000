import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatMoney, money } from '../../domain/money.ts';
import { renderToString } from 'preact-render-to-string';
import { checkTestCard, TEST_CARDS, TESTPAY_PREFIX, type TestProvider } from './testProvider.ts';

/**
 * The test provider's own pages, under /testpay. They stand in for a hosted card page on the
 * provider's domain: the card number is posted here, checked, and dropped. Only the outcome
 * leaves, in the signed redirect. This route never logs its body. It renders its own pages (with
 * the shop's stylesheet for now) and has no script, so it needs no CSP nonce.
 */
const cardForm = z.object({
  number: z.string().max(40).default(''),
  expiry: z.string().max(10).default(''),
  cvc: z.string().max(8).default(''),
  action: z.enum(['pay', 'cancel']).default('pay'),
});

function CardPage(props: { id: string; description: string; amount: string; error: string | null; field: string | null; expiry: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Pay {props.amount} · Marquee Test Payments</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <main id="main">
          <p class="badge">TEST PAYMENTS: no real money moves</p>
          <h1>Pay {props.amount}</h1>
          <p>{props.description}</p>
          {props.error && <div class="notice error" role="alert"><p>{props.error}</p></div>}
          <form method="post" action={`${TESTPAY_PREFIX}/pay/${props.id}`} autocomplete="off">
            <label for="number">Card number</label>
            <input type="text" id="number" name="number" inputMode="numeric" autocomplete="cc-number" required aria-invalid={props.field === 'number' ? 'true' : undefined} />
            <label for="expiry">Expiry (MM/YY)</label>
            <input type="text" id="expiry" name="expiry" value={props.expiry} autocomplete="cc-exp" placeholder="MM/YY" required aria-invalid={props.field === 'expiry' ? 'true' : undefined} />
            <label for="cvc">Security code</label>
            <input type="text" id="cvc" name="cvc" inputMode="numeric" autocomplete="cc-csc" required aria-invalid={props.field === 'cvc' ? 'true' : undefined} />
            <button type="submit" name="action" value="pay">Pay {props.amount}</button>
          </form>
          <form method="post" action={`${TESTPAY_PREFIX}/pay/${props.id}`}>
            <button type="submit" name="action" value="cancel" class="link">Cancel and return to the shop</button>
          </form>
          <p class="muted">Test cards: {TEST_CARDS.approved.replace(/(\d{4})(?=\d)/g, '$1 ')} is approved, {TEST_CARDS.declined.replace(/(\d{4})(?=\d)/g, '$1 ')} is declined. Any future expiry and any 3 digits.</p>
        </main>
      </body>
    </html>
  );
}

export function registerTestProviderRoutes(app: FastifyInstance, provider: TestProvider, now: () => Date): void {
  const closed = (reply: import('fastify').FastifyReply) =>
    reply.code(410).type('text/plain; charset=utf-8').send('This payment session is closed. Return to the shop and start again.');

  app.get<{ Params: { id: string } }>(`${TESTPAY_PREFIX}/pay/:id`, async (req, reply) => {
    const s = await provider.session(req.params.id);
    if (!s) return reply.code(404).type('text/plain; charset=utf-8').send('No such payment session.');
    if (s.status !== 'open' || (s.expiresAt && s.expiresAt <= now())) return closed(reply);
    const page = <CardPage id={s.id} description={s.description} amount={formatMoney(money(s.amount, s.currency))} error={null} field={null} expiry="" />;
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>${renderToString(page)}`);
  });

  app.post<{ Params: { id: string } }>(`${TESTPAY_PREFIX}/pay/:id`, async (req, reply) => {
    const s = await provider.session(req.params.id);
    if (!s) return reply.code(404).type('text/plain; charset=utf-8').send('No such payment session.');
    if (s.status !== 'open' || (s.expiresAt && s.expiresAt <= now())) return closed(reply);
    const form = cardForm.safeParse(req.body ?? {});
    if (!form.success) return reply.code(400).type('text/plain; charset=utf-8').send('The card form was not filled in properly.');
    if (form.data.action === 'cancel') return reply.redirect(await provider.complete(s.id, 'cancelled'), 303);
    const check = checkTestCard(form.data, now());
    if (check.kind === 'invalid') {
      const page = <CardPage id={s.id} description={s.description} amount={formatMoney(money(s.amount, s.currency))} error={check.message} field={check.field} expiry={form.data.expiry} />;
      return reply.code(422).type('text/html; charset=utf-8').send(`<!doctype html>${renderToString(page)}`);
    }
    return reply.redirect(await provider.complete(s.id, check.kind === 'approved' ? 'paid' : 'declined'), 303);
  });
}
