import { randomUUID } from 'node:crypto';
import type { FastifyInstance, } from 'fastify';
import { type CounterView, counterBuyer, counterPerformances, counterView, printDocument, printTickets, quoteCounterSale, sellAtCounter, BUYER_EMAIL_MAX, BUYER_NAME_MAX } from '../../app/counter.ts';
import type { DoorPerformance, ReceiptRecord } from '../../app/ports.ts';
import { type ProducerOrderDetail, producerOrder } from '../../app/producer.ts';
import { COUNTER_PROVIDER, TERMINAL_REF_MAX, paymentMethodLabel } from '../../domain/counter.ts';
import { formatMoney } from '../../domain/money.ts';
import { findCardNumbers } from '../../domain/panScan.ts';
import type { OrderPricing } from '../../domain/pricing.ts';
import { formatInZone } from '../../domain/time.ts';
import { statusOf } from '../../http/errors.ts';
import { counterSaleForm, firstMessages, uuid } from '../forms.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, } from '../session.ts';
import { userGuard } from './guard.tsx';

/** What the seller typed, to show again after a refusal. A value holding a card number is never echoed. */
export interface CounterFormValues {
  saleId: string;
  quantities: Record<string, string>;
  buyerName: string;
  buyerEmail: string;
  marketingConsent: boolean;
  method: 'cash' | 'card';
  terminalRef: string;
}

const blankForm = (): CounterFormValues => ({ saleId: randomUUID(), quantities: {}, buyerName: '', buyerEmail: '', marketingConsent: false, method: 'cash', terminalRef: '' });

function echo(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value.slice(0, max) : '';
  return findCardNumbers(text).length > 0 ? '' : text;
}

function formValues(body: Record<string, unknown>): CounterFormValues {
  const quantities: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (key.startsWith('q_') && typeof value === 'string') quantities[key.slice(2)] = value.slice(0, 3);
  return {
    saleId: typeof body.saleId === 'string' && uuid.safeParse(body.saleId).success ? body.saleId : randomUUID(),
    quantities, buyerName: echo(body.buyerName, BUYER_NAME_MAX), buyerEmail: echo(body.buyerEmail, BUYER_EMAIL_MAX),
    marketingConsent: body.marketingConsent === 'yes', method: body.method === 'card' ? 'card' : 'cash', terminalRef: echo(body.terminalRef, TERMINAL_REF_MAX),
  };
}

/** The box-office counter: choose a performance, the tickets, take the money, record it, print or email the tickets. */
export function registerCounterRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'counter.sell');

  app.get('/dashboard/counter', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const performances = await counterPerformances(deps, s.user);
    if (!performances.ok) return failurePage(reply, performances, s.viewer);
    return html(reply, <CounterHomePage performances={performances.value} viewer={s.viewer} />);
  });

  app.get<{ Params: { performanceId: string } }>('/dashboard/counter/:performanceId', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const view = await counterView(deps, s.user, req.params.performanceId);
    if (!view.ok) return failurePage(reply, view, s.viewer);
    return html(reply, <CounterSalePage view={view.value} form={blankForm()} quote={null} errors={[]} viewer={s.viewer} />);
  });

  app.post<{ Params: { performanceId: string } }>('/dashboard/counter/:performanceId', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const view = await counterView(deps, s.user, req.params.performanceId);
    if (!view.ok) return failurePage(reply, view, s.viewer);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = formValues(body);
    const again = (status: number, errors: string[], quote: OrderPricing | null = null) =>
      html(reply, <CounterSalePage view={view.value} form={values} quote={quote} errors={errors} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    if (view.value.closed) return again(409, [view.value.closed]);
    const form = counterSaleForm.safeParse(body);
    if (!form.success) return again(400, firstMessages(form.error));
    const details = counterBuyer(form.data);
    if (!details.ok) return again(statusOf(details), [details.message]);
    const quote = quoteCounterSale(view.value, form.data.lines);
    if (!quote.ok) return again(statusOf(quote), [quote.message]);
    // Nothing is sold before the seller has seen the total of exactly these tickets.
    const quoted = typeof body.quotedTotal === 'string' && /^\d{1,9}$/.test(body.quotedTotal) ? Number(body.quotedTotal) : null;
    if (body.action !== 'sell' || quoted === null) return again(200, [], quote.value);
    if (quoted !== quote.value.gross.amount) {
      return again(409, [`The tickets changed: the total is now ${formatMoney(quote.value.gross)}. Check it with the buyer, then record the payment.`], quote.value);
    }
    const sold = await sellAtCounter(deps, s.user, { ...form.data, performanceId: view.value.performance.id, expectedTotal: quoted });
    if (!sold.ok) return again(statusOf(sold), [sold.message], sold.code === 'invalid_input' ? quote.value : null);
    return reply.redirect(`/dashboard/counter/sales/${sold.value.orderId}`, 303);
  });

  app.get<{ Params: { orderId: string } }>('/dashboard/counter/sales/:orderId', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.orderId).success) return reply.callNotFound();
    const detail = await producerOrder(deps, s.user, req.params.orderId);
    if (!detail.ok) return failurePage(reply, detail, s.viewer);
    if (detail.value.order.soldBy === null) return reply.redirect(`/dashboard/orders/${detail.value.order.id}`, 303);
    const receipt = (await deps.store.receipts.forOrder(detail.value.order.id)).find((r) => r.kind === 'receipt') ?? null;
    return html(reply, <CounterSoldPage detail={{ ...detail.value, receipt }} viewer={s.viewer} />);
  });

  app.get<{ Params: { id: string } }>('/dashboard/orders/:id/tickets.pdf', async (req, reply) => {
    const s = await requireUser(req, reply, 'orders.resend');
    if (!s) return reply;
    const printed = await printTickets(deps, s.user, req.params.id);
    if (!printed.ok) return failurePage(reply, printed, s.viewer);
    return reply
      .header('Content-Disposition', `inline; filename="${printed.value.filename}"`)
      .header('Cache-Control', 'no-store')
      .type('application/pdf')
      .send(printed.value.pdf);
  });

  app.get<{ Params: { id: string; documentId: string } }>('/dashboard/orders/:id/documents/:documentId.pdf', async (req, reply) => {
    const s = await requireUser(req, reply, 'orders.resend');
    if (!s) return reply;
    const printed = await printDocument(deps, s.user, req.params.id, req.params.documentId);
    if (!printed.ok) return failurePage(reply, printed, s.viewer);
    return reply
      .header('Content-Disposition', `inline; filename="${printed.value.filename}"`)
      .header('Cache-Control', 'no-store')
      .type('application/pdf')
      .send(printed.value.pdf);
  });
}

export function CounterHomePage(props: { performances: DoorPerformance[]; viewer: Viewer }) {
  return (
    <Layout title="Box-office counter" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Box-office counter</h1>
      <p>Choose the performance to sell tickets for.</p>
      {props.performances.length === 0 ? <p>No performances are on sale.</p> : (
        <ul class="plain" data-counter-performances>
          {props.performances.map((p, i) => (
            <li><a href={`/dashboard/counter/${p.id}`} autofocus={i === 0}>{p.eventTitle}, {formatInZone(p.startsAt, p.timeZone)}</a></li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function CounterSalePage(props: { view: CounterView; form: CounterFormValues; quote: OrderPricing | null; errors: string[]; viewer: Viewer }) {
  const { performance: p, ticketTypes, closed } = props.view;
  const { form, quote, errors } = props;
  // The first field takes focus on a fresh form; after "Show the total", the button that records the payment does.
  const fresh = errors.length === 0 && quote === null;
  return (
    <Layout title={`Counter: ${p.eventTitle}`} viewer={props.viewer} failed={errors.length > 0}>
      <p><a href="/dashboard/counter">Another performance</a></p>
      <h1>Sell: {p.eventTitle}, {formatInZone(p.startsAt, p.venue.timeZone)}</h1>
      <ErrorSummary messages={errors} />
      {closed ? <p>{closed}</p> : (
        <form method="post" action={`/dashboard/counter/${p.id}`} data-counter-form>
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <input type="hidden" name="saleId" value={form.saleId} />
          {quote && <input type="hidden" name="quotedTotal" value={String(quote.gross.amount)} />}
          {quote && (
            <section class="notice ok" aria-labelledby="total-heading" data-counter-total={quote.gross.amount}>
              <h2 id="total-heading">Total to take: {formatMoney(quote.gross)}</h2>
              <ul>
                {quote.lines.map((l) => <li>{l.quantity} × {l.description} ({formatMoney(l.unitGross)})</li>)}
                {quote.fee && <li>Service fee: {formatMoney(quote.fee.gross)}</li>}
              </ul>
            </section>
          )}
          <fieldset>
            <legend>Tickets</legend>
            {ticketTypes.map((t, i) => (
              <>
                <label for={`q_${t.id}`}>{t.name}, {formatMoney(t.price)} <span class="muted">({t.available} left)</span></label>
                <input type="number" id={`q_${t.id}`} name={`q_${t.id}`} min={0} max={Math.min(99, Math.max(0, t.available))} step={1} inputmode="numeric"
                  value={form.quantities[t.id] ?? ''} autofocus={fresh && i === 0} disabled={t.available <= 0 && !form.quantities[t.id]} />
              </>
            ))}
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            <label class="check"><input type="radio" name="method" value="cash" checked={form.method === 'cash'} /> <span>Cash</span></label>
            <label class="check"><input type="radio" name="method" value="card" checked={form.method === 'card'} /> <span>Card on the counter terminal</span></label>
            <label for="terminalRef">Terminal reference (card only, optional)</label>
            <input type="text" id="terminalRef" name="terminalRef" value={form.terminalRef} maxlength={TERMINAL_REF_MAX} autocomplete="off" spellcheck={false}
              aria-describedby="terminalRef-hint" />
            <p id="terminalRef-hint" class="muted">The short transaction number the terminal prints. Never a card number: Marquee refuses one.</p>
          </fieldset>
          <fieldset>
            <legend>Buyer (optional)</legend>
            <label for="buyerName">Name</label>
            <input type="text" id="buyerName" name="buyerName" value={form.buyerName} maxlength={BUYER_NAME_MAX} autocomplete="off" />
            <label for="buyerEmail">Email, to send the tickets and receipt</label>
            <input type="email" id="buyerEmail" name="buyerEmail" value={form.buyerEmail} maxlength={BUYER_EMAIL_MAX} autocomplete="off" />
            <label class="check">
              <input type="checkbox" name="marketingConsent" value="yes" checked={form.marketingConsent} />
              <span>The buyer agrees to hear from {p.producerName} about other events (needs an email)</span>
            </label>
          </fieldset>
          {quote ? (
            <p>
              <button type="submit" name="action" value="sell" autofocus={errors.length === 0}>Record {formatMoney(quote.gross)} paid and issue the tickets</button>{' '}
              <button type="submit" name="action" value="review" class="link">Update the total</button>
            </p>
          ) : (
            <p><button type="submit" name="action" value="review">Show the total</button></p>
          )}
        </form>
      )}
    </Layout>
  );
}

export function CounterSoldPage(props: { detail: ProducerOrderDetail & { receipt: ReceiptRecord | null }; viewer: Viewer }) {
  const { order, performance: p, payments, tickets } = props.detail;
  const payment = payments.find((x) => x.provider === COUNTER_PROVIDER.cash || x.provider === COUNTER_PROVIDER.card) ?? null;
  const valid = tickets.filter((t) => t.status === 'valid').length;
  return (
    <Layout title={`Sold: order ${order.code}`} viewer={props.viewer}>
      <h1>Sold: order {order.code}</h1>
      <div class="notice ok" role="status" data-counter-sold={order.code}>
        <p>{valid} {valid === 1 ? 'ticket' : 'tickets'} for {p.eventTitle}, {formatInZone(p.startsAt, p.venue.timeZone)}.</p>
        <p>{formatMoney(order.total)} paid: {paymentMethodLabel(payment?.provider ?? null)}{payment?.terminalRef ? ` (terminal reference ${payment.terminalRef})` : ''}.</p>
      </div>
      {valid > 0 && <p><a class="button" href={`/dashboard/orders/${order.id}/tickets.pdf`} autofocus>Print the tickets (PDF)</a></p>}
      {props.detail.receipt && <p><a href={`/dashboard/orders/${order.id}/documents/${props.detail.receipt.id}.pdf`}>Print receipt {props.detail.receipt.formatted} (PDF)</a></p>}
      {order.buyerEmail === null
        ? <p>No email address was given: print the tickets for the buyer.</p>
        : <p>The tickets and the receipt are on their way to {order.buyerEmail}.</p>}
      <ul class="plain">
        <li><a href={`/dashboard/counter/${p.id}`}>Next sale for this performance</a></li>
        <li><a href="/dashboard/counter">Another performance</a></li>
        <li><a href={`/dashboard/orders/${order.id}`}>Order details (resend, refund)</a></li>
      </ul>
    </Layout>
  );
}
