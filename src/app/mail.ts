import { FIELD_LABELS } from '../domain/disclosure.ts';
import { accountMail } from './accountMail.ts';
import { errorText } from './checkout.ts';
import { formatMoney } from '../domain/money.ts';
import { formatInZone } from '../domain/time.ts';
import type { AppDeps } from './deps.ts';
import { buyerOrder, ticketPdfFor, type BuyerOrderView } from './orders.ts';
import type { Attachment, OutgoingMail, SubjectMail } from './ports.ts';
import { receiptPdf } from './receipts.ts';
import { passwordResetUrl } from './passwordReset.ts';
import { subjectLinkUrl } from './subjects.ts';

const MAX_ATTEMPTS = 5;
const running = new WeakMap<AppDeps, Promise<number>>();

/**
 * After a use case queued mail: sends it now, in the background, if this process sends mail
 * (`settings.sendMail`); otherwise the process that does sends it on its next round.
 */
export function sendQueuedMail(deps: AppDeps): void {
  if (!deps.settings.sendMail) return;
  void dispatchMails(deps).catch((err) => deps.log.error({ err: errorText(err) }, 'mail dispatch failed'));
}

/**
 * Sends what the outbox holds. Mails are queued in the transaction that makes them due, and
 * rendered here from the order, so a crash between commit and send loses nothing.
 * Calls overlap safely: within one process they share one run, and across processes each mail is
 * claimed by one dispatcher. Returns how many were sent.
 */
export function dispatchMails(deps: AppDeps): Promise<number> {
  let run = running.get(deps);
  if (!run) {
    run = drain(deps).finally(() => running.delete(deps));
    running.set(deps, run);
  }
  return run;
}

async function drain(deps: AppDeps): Promise<number> {
  let sent = 0;
  for (;;) {
    const due = await deps.store.mails.claimDue(20, deps.clock.now());
    const toSubjects = await deps.store.subjects.claimDueMails(20, deps.clock.now());
    if (due.length === 0 && toSubjects.length === 0) return sent;
    let progressed = false;
    for (const mail of toSubjects) {
      try {
        await deps.mailer.send((await accountMail(deps, mail)) ?? subjectMail(deps, mail));
        await deps.store.subjects.markMailSent(mail.id, deps.clock.now());
        sent++;
        progressed = true;
      } catch (e) {
        const giveUp = mail.attempts + 1 >= MAX_ATTEMPTS;
        await deps.store.subjects.markMailFailed(mail.id, e instanceof Error ? e.message : String(e), giveUp);
        deps.log.error({ subjectMailId: mail.id, attempt: mail.attempts + 1, giveUp }, 'mail not sent');
      }
    }
    for (const mail of due) {
      try {
        await deps.mailer.send(await compose(deps, mail.kind, mail.orderId));
        await deps.store.mails.markSent(mail.id, deps.clock.now());
        sent++;
        progressed = true;
      } catch (e) {
        // An order without an address (a counter sale) never gets one by retrying.
        const giveUp = e instanceof NoAddress || mail.attempts + 1 >= MAX_ATTEMPTS;
        await deps.store.mails.markFailed(mail.id, e instanceof Error ? e.message : String(e), giveUp);
        deps.log.error({ mailId: mail.id, orderId: mail.orderId, attempt: mail.attempts + 1, giveUp }, 'mail not sent');
      }
    }
    // A batch that only failed is retried on the next call, not in a hot loop.
    if (!progressed) return sent;
  }
}

/** The order's buyer gave no email address (a counter sale): there is nobody to write to. */
class NoAddress extends Error {
  constructor() {
    super('the order has no email address');
    this.name = 'NoAddress';
  }
}

/** The buyer's address; use cases do not queue mail for an order without one, and this refuses any that slips through. */
function addressOf(v: BuyerOrderView): string {
  if (v.order.buyerEmail === null) throw new NoAddress();
  return v.order.buyerEmail;
}

/** "Hello Ada," or, for a counter buyer who gave no name, "Hello,". */
function greeting(name: string): string {
  return name === '' ? 'Hello,' : `Hello ${name},`;
}

/** A mail kind is a template name, optionally with ':<discriminator>' so one order can get several (e.g. refunds). */
async function compose(deps: AppDeps, kind: string, orderId: string): Promise<OutgoingMail> {
  const view = await buyerOrder(deps, orderId, deps.keys.orderLinkToken(orderId));
  if (!view.ok) throw new Error(`order ${orderId} not found for mail`);
  addressOf(view.value);
  const [template, documentId] = kind.split(':');
  const documents = await deps.store.receipts.forOrder(orderId);
  const attach = async (kindOf: 'receipt' | 'credit_note', id?: string): Promise<Attachment[]> => {
    const doc = documents.find((d) => d.kind === kindOf && (id === undefined || d.id === id));
    if (!doc) return [];
    const { filename, content } = await receiptPdf(deps, doc);
    return [{ filename, contentType: 'application/pdf', content }];
  };
  switch (template) {
    case 'order_confirmation': {
      const pdf = await ticketPdfFor(deps, view.value);
      return {
        ...confirmationMail(view.value),
        attachments: [{ filename: `tickets-${view.value.order.code}.pdf`, contentType: 'application/pdf', content: pdf }, ...(await attach('receipt'))],
      };
    }
    case 'payment_refunded':
      return { ...noticeMail(view.value, `Your payment for ${view.value.performance.eventTitle} was refunded`, [
        'Your payment arrived after your hold had expired, and the tickets had been sold in the meantime.',
        'We have refunded the full amount to your card. It can take a few days to show on your statement.',
      ]), attachments: [] };
    case 'order_refunded':
      return { ...noticeMail(view.value, `Refund for your order ${view.value.order.code}`, [
        `${view.value.performance.producerName} has refunded ${view.value.order.status === 'refunded' ? 'your order' : 'part of your order'}.`,
        'Refunded tickets are no longer valid at the door. Your order page shows what is still valid. The credit note is attached.',
      ]), attachments: await attach('credit_note', documentId) };
    case 'performance_cancelled':
      return { ...noticeMail(view.value, `Cancelled: ${view.value.performance.eventTitle}`, [
        `${view.value.performance.producerName} has cancelled the performance you had tickets for.`,
        'Your order has been refunded in full; your tickets are no longer valid. It can take a few days to show on your statement. The credit note is attached.',
      ]), attachments: await attach('credit_note', documentId) };
    case 'disclosure_notice': {
      // Queued only for a request that allows the buyer to be told (exportDisclosure).
      const request = await deps.store.disclosures.byId(kind.slice('disclosure_notice:'.length));
      if (!request?.notifyAllowed) throw new Error(`disclosure for mail ${kind} not found or not to be notified`);
      return { ...noticeMail(view.value, `Data about your order ${view.value.order.code} was disclosed`, [
        `We were required to disclose data about your order to ${request.authority}, under ${request.legalBasis} (their reference: ${request.reference}).`,
        `What was disclosed: ${request.scope.fields.map((f) => FIELD_LABELS[f]).join(', ')}.`,
        'You can reply to this message to ask about it.',
      ]), attachments: [] };
    }
    default:
      throw new Error(`no template for mail kind ${kind}`);
  }
}

/** A mail to a person rather than about one order: the link to their data. */
function subjectMail(deps: AppDeps, mail: SubjectMail): OutgoingMail {
  if (mail.kind === 'password_reset') return passwordResetMail(deps, mail);
  if (mail.kind !== 'subject_link') throw new Error(`no template for mail kind ${mail.kind}`);
  const link = subjectLinkUrl(deps, mail.email, mail.linkExpiresAt);
  const until = `${mail.linkExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const paragraphs = [
    'Someone (we hope you) asked to see the data we hold about this email address: your orders, tickets and consent.',
    `This link opens it until ${until}. There you can also download it, correct your name or email, withdraw marketing consent, or ask us to erase it.`,
  ];
  const text = ['Hello,', '', ...paragraphs.flatMap((x) => [x, '']), link, '', 'If you did not ask, ignore this mail: nothing changes unless the link is used.', '', 'Marquee box office'].join('\n');
  const html = `<!doctype html><html><body>
<p>Hello,</p>
${paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n')}
<p><a href="${escapeHtml(link)}">Open your data</a></p>
<p>If you did not ask, ignore this mail: nothing changes unless the link is used.</p>
<p>Marquee box office</p>
</body></html>`;
  return { to: mail.email, subject: 'Your data at the Marquee box office', text, html, attachments: [] };
}

/** The link to set a new password; its token is derived from the mail's id, never stored. */
function passwordResetMail(deps: AppDeps, mail: SubjectMail): OutgoingMail {
  const link = passwordResetUrl(deps, mail.id);
  const until = `${mail.linkExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const paragraphs = [
    'Someone (we hope you) asked to set a new password for your Marquee producer account.',
    `This link lets you choose one, once, until ${until}. Setting it logs you out everywhere.`,
  ];
  const closing = 'If you did not ask, ignore this mail: your password stays as it is.';
  const text = ['Hello,', '', ...paragraphs.flatMap((x) => [x, '']), link, '', closing, '', 'Marquee box office'].join('\n');
  const html = `<!doctype html><html><body>
<p>Hello,</p>
${paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n')}
<p><a href="${escapeHtml(link)}">Set a new password</a></p>
<p>${escapeHtml(closing)}</p>
<p>Marquee box office</p>
</body></html>`;
  return { to: mail.email, subject: 'Set a new password for Marquee', text, html, attachments: [] };
}

function noticeMail(v: BuyerOrderView, subject: string, paragraphs: string[]): Omit<OutgoingMail, 'attachments'> {
  const p = v.performance;
  const when = formatInZone(p.startsAt, p.venue.timeZone);
  const text = [greeting(v.order.buyerName), '', ...paragraphs.flatMap((x) => [x, '']), `${p.eventTitle}, ${when}, ${p.venue.name}`, `Order: ${v.order.code}`, '', 'Your order page:', v.link, '', `Sold by ${p.producerName} through Marquee.`].join('\n');
  const html = `<!doctype html><html><body>
<p>${escapeHtml(greeting(v.order.buyerName))}</p>
${paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n')}
<p>${escapeHtml(p.eventTitle)}, ${escapeHtml(when)}, ${escapeHtml(p.venue.name)}<br>Order: ${escapeHtml(v.order.code)}</p>
<p><a href="${escapeHtml(v.link)}">Open your order page</a></p>
<p>Sold by ${escapeHtml(p.producerName)} through Marquee.</p>
</body></html>`;
  return { to: addressOf(v), subject, text, html };
}

/** The order link's page for withdrawing consent: one button, a POST, so a mail scanner following links changes nothing. */
function consentLink(v: BuyerOrderView): string {
  return v.link.replace(/\/orders\/([^/]+)\/([^/]+)$/, '/privacy/consent/$1/$2');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function confirmationMail(v: BuyerOrderView): Omit<OutgoingMail, 'attachments'> {
  const p = v.performance;
  const when = formatInZone(p.startsAt, p.venue.timeZone);
  const lines = [
    ...v.lines.map((l) => `${l.quantity} × ${l.ticketTypeName} (${formatMoney(l.unitGross)})`),
    ...(v.order.discount.amount > 0 ? [`Discount (code ${v.order.voucherCode ?? ''}): −${formatMoney(v.order.discount)}`] : []),
    ...(v.order.fee.amount > 0 ? [`Service fee: ${formatMoney(v.order.fee)}`] : []),
    ...v.tickets.filter((t) => t.status === 'valid' && t.seat).map((t) => `Seat: ${t.seat}`),
  ];
  const text = [
    greeting(v.order.buyerName),
    '',
    `Your tickets for ${p.eventTitle} are attached.`,
    '',
    `When: ${when}`,
    `Where: ${p.venue.name}${p.venue.address ? `, ${p.venue.address}` : ''}`,
    ...lines,
    `Total: ${formatMoney(v.order.total)}${v.order.tax.amount > 0 ? ` (includes ${formatMoney(v.order.tax)} tax)` : ''}`,
    `Order: ${v.order.code}`,
    '',
    'Your order page (keep this link private, it opens your tickets):',
    v.link,
    '',
    ...(v.order.marketingConsent ? [`You agreed to hear from ${p.producerName} about other events. To stop, one click here:`, consentLink(v), ''] : []),
    `Sold by ${p.producerName} through Marquee.`,
  ].join('\n');
  const html = `<!doctype html><html><body>
<p>${escapeHtml(greeting(v.order.buyerName))}</p>
<p>Your tickets for <strong>${escapeHtml(p.eventTitle)}</strong> are attached.</p>
<p>When: ${escapeHtml(when)}<br>Where: ${escapeHtml(p.venue.name)}${p.venue.address ? `, ${escapeHtml(p.venue.address)}` : ''}</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>Total: ${escapeHtml(formatMoney(v.order.total))}<br>Order: ${escapeHtml(v.order.code)}</p>
<p><a href="${escapeHtml(v.link)}">Open your order page</a> (keep this link private, it opens your tickets).</p>
${v.order.marketingConsent ? `<p>You agreed to hear from ${escapeHtml(p.producerName)} about other events. <a href="${escapeHtml(consentLink(v))}">Stop these emails</a>.</p>\n` : ''}<p>Sold by ${escapeHtml(p.producerName)} through Marquee.</p>
</body></html>`;
  return { to: addressOf(v), subject: `Your tickets for ${p.eventTitle} (order ${v.order.code})`, text, html };
}
