import { formatMoney } from '../domain/money.ts';
import { formatInZone } from '../domain/time.ts';
import type { AppDeps } from './deps.ts';
import { buyerOrder, ticketPdfFor, type BuyerOrderView } from './orders.ts';
import type { OutgoingMail } from './ports.ts';

const MAX_ATTEMPTS = 5;
let running: Promise<number> | null = null;

/**
 * Sends what the outbox holds. Mails are queued in the transaction that makes them due, and
 * rendered here from the order, so a crash between commit and send loses nothing.
 * Calls overlap safely within one process; returns how many were sent.
 */
export function dispatchMails(deps: AppDeps): Promise<number> {
  running ??= drain(deps).finally(() => {
    running = null;
  });
  return running;
}

async function drain(deps: AppDeps): Promise<number> {
  let sent = 0;
  for (;;) {
    const due = await deps.store.mails.due(20);
    if (due.length === 0) return sent;
    let progressed = false;
    for (const mail of due) {
      try {
        await deps.mailer.send(await compose(deps, mail.kind, mail.orderId));
        await deps.store.mails.markSent(mail.id, deps.clock.now());
        sent++;
        progressed = true;
      } catch (e) {
        const giveUp = mail.attempts + 1 >= MAX_ATTEMPTS;
        await deps.store.mails.markFailed(mail.id, e instanceof Error ? e.message : String(e), giveUp);
        deps.log.error({ mailId: mail.id, orderId: mail.orderId, attempt: mail.attempts + 1, giveUp }, 'mail not sent');
      }
    }
    // A batch that only failed is retried on the next call, not in a hot loop.
    if (!progressed) return sent;
  }
}

async function compose(deps: AppDeps, kind: string, orderId: string): Promise<OutgoingMail> {
  if (kind !== 'order_confirmation') throw new Error(`no template for mail kind ${kind}`);
  const view = await buyerOrder(deps, orderId, deps.keys.orderLinkToken(orderId));
  if (!view.ok) throw new Error(`order ${orderId} not found for mail`);
  const pdf = await ticketPdfFor(deps, view.value);
  return { ...confirmationMail(view.value), attachments: [{ filename: `tickets-${view.value.order.code}.pdf`, contentType: 'application/pdf', content: pdf }] };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function confirmationMail(v: BuyerOrderView): Omit<OutgoingMail, 'attachments'> {
  const p = v.performance;
  const when = formatInZone(p.startsAt, p.venue.timeZone);
  const lines = v.lines.map((l) => `${l.quantity} × ${l.ticketTypeName} (${formatMoney(l.unitPrice)})`);
  const text = [
    `Hello ${v.order.buyerName},`,
    '',
    `Your tickets for ${p.eventTitle} are attached.`,
    '',
    `When: ${when}`,
    `Where: ${p.venue.name}${p.venue.address ? `, ${p.venue.address}` : ''}`,
    ...lines,
    `Total: ${formatMoney(v.order.total)}`,
    `Order: ${v.order.code}`,
    '',
    'Your order page (keep this link private, it opens your tickets):',
    v.link,
    '',
    `Sold by ${p.producerName} through Marquee.`,
  ].join('\n');
  const html = `<!doctype html><html><body>
<p>Hello ${escapeHtml(v.order.buyerName)},</p>
<p>Your tickets for <strong>${escapeHtml(p.eventTitle)}</strong> are attached.</p>
<p>When: ${escapeHtml(when)}<br>Where: ${escapeHtml(p.venue.name)}${p.venue.address ? `, ${escapeHtml(p.venue.address)}` : ''}</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>Total: ${escapeHtml(formatMoney(v.order.total))}<br>Order: ${escapeHtml(v.order.code)}</p>
<p><a href="${escapeHtml(v.link)}">Open your order page</a> (keep this link private, it opens your tickets).</p>
<p>Sold by ${escapeHtml(p.producerName)} through Marquee.</p>
</body></html>`;
  return { to: v.order.buyerEmail, subject: `Your tickets for ${p.eventTitle} (order ${v.order.code})`, text, html };
}
