import { createHash } from 'node:crypto';

/**
 * The facts the privacy page states, as data. Each fact comes from what the running system
 * really does (the checkout schema, the cookie registry, the configured processors and retention
 * periods), so the page cannot say one thing while the code does another.
 */

/** A piece of personal data a form collects, and why. */
export interface CollectedField {
  name: string;
  label: string;
  purpose: string;
  required: boolean;
}

/** What a form's fields are for, declared next to its schema; one entry per field of the schema. */
export type FieldPurposes<K extends string = string> = Record<K, { label: string; purpose: string; required: boolean }>;

/** A producer's own checkout question (issue 6), shown with the purpose the producer stated. */
export interface ProducerQuestion {
  producerName: string;
  eventTitle: string;
  label: string;
  required: boolean;
  purpose: string;
}

/** One cookie Marquee sets: the registry in src/web/cookies.ts holds these. */
export interface CookieDeclaration {
  name: string;
  purpose: string;
  /** The longest it lives, in seconds. */
  maxAgeSeconds: number;
  httpOnly: boolean;
  sameSite: 'strict' | 'lax';
  path: string;
  /** Secure whenever the box office is served over https. */
  secureOnHttps: true;
}

export interface Processor {
  role: 'payments' | 'mail';
  name: string;
  /** What it receives from us. */
  receives: string;
}

export interface PrivacyFacts {
  checkoutFields: CollectedField[];
  producerQuestions: ProducerQuestion[];
  cookies: CookieDeclaration[];
  processors: Processor[];
  retention: { ipDays: number; buyerDataMonths: number; abandonedDays: number };
  ipAndIsp: string;
  disclosure: string;
}

/** How the client IP and its ISP/ASN are used (promise 2). The recording itself is issue 7 part 1. */
export const IP_AND_ISP_USE =
  'When you place an order or a staff member logs in, we record the IP address the request came from, and the network (ISP and ASN) it belongs to, looked up in an offline database on our own server. We use them only to detect fraud and to protect the service: repeated orders from one source, orders from data-centre networks, many failed payments. They are never used for marketing or profiling, and never sent to a lookup service.';

/** When buyer data leaves us other than to the producer (promises 3 and 7). */
export const DISCLOSURE_POLICY =
  'We share your data with the producer whose event you booked, and with nobody else, except to comply with the law or to protect against fraud: a request from an authority or a fraud-prevention agency is recorded with its legal basis and scope, must be approved by a second administrator, is limited to the data in scope, and every step is in our audit trail. Where the law allows, we tell you.';

/**
 * The fields of a form schema with their declared purposes. A field without a purpose, or a
 * purpose for a field the form does not have, is a programming error: it throws.
 */
export function collectedFields(schemaFields: readonly string[], purposes: FieldPurposes): CollectedField[] {
  const missing = schemaFields.filter((f) => !purposes[f] || purposes[f].purpose.trim() === '' || purposes[f].label.trim() === '');
  if (missing.length > 0) throw new Error(`form fields without a declared purpose: ${missing.join(', ')}`);
  const stray = Object.keys(purposes).filter((f) => !schemaFields.includes(f));
  if (stray.length > 0) throw new Error(`purposes declared for fields the form does not have: ${stray.join(', ')}`);
  return schemaFields.map((name) => ({ name, ...purposes[name]! }));
}

/** A JSON text of a value with object keys sorted, so equal facts always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The version of the facts: a SHA-256 of their canonical text. Any change of a fact changes it. */
export function privacyFactsHash(facts: PrivacyFacts): string {
  return createHash('sha256').update(canonicalJson(facts)).digest('hex');
}

/** The outside services that receive personal data, as configured: the payment provider and the mail relay. */
export function processorsOf(setup: { payments: 'test' | 'stripe'; smtpHost: string | null }): Processor[] {
  const payment: Processor = setup.payments === 'stripe'
    ? {
      role: 'payments', name: 'Stripe (Stripe Checkout, checkout.stripe.com)',
      receives: "The amount, a description (the event and the order number) and our payment reference. You type your card details on Stripe's page; we never see them. We send Stripe no name and no email address.",
    }
    : {
      role: 'payments', name: "Marquee's built-in test payment provider, on this server (no real payments are taken)",
      receives: 'The amount, a description (the event and the order number) and our payment reference. The card details typed on its page are checked there and never stored.',
    };
  const mail: Processor = setup.smtpHost
    ? { role: 'mail', name: `SMTP relay ${setup.smtpHost}`, receives: 'Your email address and the mail we send you: your tickets and news about your order.' }
    : { role: 'mail', name: 'None: mail is kept locally', receives: "Nothing: mail is not sent on, it stays in this server's outbox." };
  return [payment, mail];
}
