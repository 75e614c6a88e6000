import { z } from 'zod';
import type { FieldPurposes } from '../domain/privacy.ts';

/** The zod schemas for every form the pages accept: the one source of their validation. */

export const uuid = z.uuid({ message: 'That is not a valid id.' });

/**
 * The quantities of a ticket form: a field `q_<ticket type id>` per type, blank meaning none. Null
 * (with the issue added) when a type id is malformed or a quantity is not a whole number from 0 to 99;
 * the use case then applies the real limits (per-order and per-type, with their messages).
 */
function quantityLines(body: Record<string, unknown>, ctx: z.RefinementCtx): { ticketTypeId: string; quantity: number }[] | null {
  const lines: { ticketTypeId: string; quantity: number }[] = [];
  for (const [key, value] of Object.entries(body)) {
    const m = /^q_(.*)$/.exec(key);
    if (!m) continue;
    if (!uuid.safeParse(m[1]).success) {
      ctx.addIssue({ code: 'custom', message: 'One of the chosen ticket types does not exist.' });
      return null;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    const quantity = text === '' ? 0 : Number(text);
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 99) {
      ctx.addIssue({ code: 'custom', message: 'Quantities must be whole numbers from 0 to 99.' });
      return null;
    }
    lines.push({ ticketTypeId: m[1]!, quantity });
  }
  return lines;
}

export const holdForm = z
  .object({ performanceId: uuid })
  .catchall(z.unknown())
  .transform((body, ctx) => {
    const lines = quantityLines(body, ctx);
    if (lines === null) return z.NEVER;
    return { performanceId: body.performanceId, lines };
  });

export const checkoutForm = z.object({
  buyerName: z.string().trim().min(1, 'Enter the name for your tickets.').max(200, 'The name is too long (200 characters at most).'),
  buyerEmail: z.string().trim().toLowerCase().max(254, 'The email address is too long.').pipe(z.email({ message: 'Enter a valid email address, like name@example.com.' })),
  // Consent is only ever the unticked-by-default box's own value; anything else is no consent.
  marketingConsent: z.unknown().optional().transform((v) => v === 'yes'),
});

/**
 * Why checkout asks for each field (promise 1: minimal data). Every field of `checkoutForm` needs
 * an entry here, or the privacy page cannot be built; the page lists exactly these.
 */
export const checkoutFieldPurposes: FieldPurposes<keyof typeof checkoutForm.shape> = {
  buyerName: { label: 'Your name', required: true, purpose: 'Printed on your tickets and shown to the producer, so that the door can help if a ticket is lost.' },
  buyerEmail: { label: 'Your email address', required: true, purpose: 'To send your tickets, receipts and news about your order (a change of time, a cancellation, a refund), and to let you reach your order.' },
  marketingConsent: { label: 'Hearing from the producer (unticked unless you tick it)', required: false, purpose: "Only if you tick it: the producer may email you about their other events. You can withdraw it at any time." },
};

export const loginForm = z.object({
  email: z.string().trim().max(254).default(''),
  password: z.string().max(1000).default(''),
  next: z.string().max(200).default('/dashboard'),
});

export const codeForm = z.object({
  challenge: z.string().max(2000).default(''),
  code: z.string().trim().max(20, 'A code is six digits.').default(''),
  next: z.string().max(200).default('/dashboard'),
});

export const forgotPasswordForm = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').max(254, 'That email address is too long.').pipe(z.email({ message: 'Enter an email address like name@example.org.' })),
});

export const resetPasswordForm = z.object({
  password: z.string().max(1000, 'That password is too long (1000 characters at most).').default(''),
  confirm: z.string().max(1000).default(''),
}).refine((f) => f.password === f.confirm, { message: 'The two passwords are not the same.' });

export const doorForm = z.object({
  performanceId: uuid,
  code: z.string().trim().min(1, 'Scan or paste a ticket code.').max(300, 'That is not a ticket code.'),
  csrf: z.string().optional(),
});

/** Only local paths: a log-in never redirects to another site. */
export function safeNext(next: string): string {
  return /^\/(?!\/)[\w\-/?=&.]*$/.test(next) ? next : '/dashboard';
}

export function firstMessages(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => i.message))];
}

// ---------- platform staff (admin/) ----------

const checkbox = z.unknown().optional().transform((v) => v === 'yes');
const listOf = (text: unknown) => (typeof text === 'string' ? text.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s !== '') : []);

export const supportMessageForm = z.object({
  message: z.string().trim().min(1, 'Write what you need help with.').max(2000, 'The message is too long (2000 characters at most).'),
});

export const supportLookupForm = z.object({
  csrf: z.string().optional(),
  reference: z.string().trim().min(1, "Give the buyer's support request reference (S-…).").max(40, 'That is not a support request reference.'),
  reason: z.string().trim().min(10, 'Give the reason for this look-up (10 characters at least).').max(500, 'The reason is too long (500 characters at most).'),
  fullEmail: checkbox,
});

const day = (label: string) => z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, `Give the ${label} as a date (YYYY-MM-DD).`).transform((s, ctx) => {
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
    ctx.addIssue({ code: 'custom', message: `The ${label} is not a real date.` });
    return z.NEVER;
  }
  // Both databases store these; PGlite refuses years far outside this range.
  if (d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 2200) {
    ctx.addIssue({ code: 'custom', message: `The ${label} must be between 1970 and 2200.` });
    return z.NEVER;
  }
  return d;
});

export const disclosureForm = z.object({
  csrf: z.string().optional(),
  kind: z.enum(['authority', 'fraud_agency'], { message: 'Choose the kind of request.' }),
  authority: z.string().trim().min(1, 'Give the authority.').max(200, 'The authority is too long (200 characters at most).'),
  legalBasis: z.string().trim().min(1, 'Give the legal basis.').max(500, 'The legal basis is too long (500 characters at most).'),
  reference: z.string().trim().min(1, "Give the authority's reference.").max(200, 'The reference is too long (200 characters at most).'),
  orderIds: z.unknown().transform(listOf).pipe(z.array(z.uuid({ message: 'Each order id must be an order id (a UUID).' })).max(100, 'Name 100 orders at most.')),
  emails: z.unknown().transform(listOf).pipe(z.array(z.email({ message: 'Each buyer email must be an email address.' }).max(254)).max(100, 'Name 100 email addresses at most.')),
  fields: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  from: day('first date'),
  to: day('last date'),
  notifyAllowed: checkbox,
});

export const decisionForm = z.object({
  csrf: z.string().optional(),
  decision: z.enum(['approve', 'reject'], { message: 'Choose approve or reject.' }),
  note: z.string().trim().max(1000, 'The note is too long (1000 characters at most).').default(''),
});

/** The "your data" form: only an address. */
export const subjectEmailForm = z.object({
  email: z.string().trim().toLowerCase().max(254, 'The email address is too long.').pipe(z.email({ message: 'Enter a valid email address, like name@example.com.' })),
});

/** Correcting one's name and email on the data page. */
export const subjectCorrectionForm = checkoutForm.pick({ buyerName: true, buyerEmail: true });

/** Erasure asks the buyer to tick that they understand it cannot be undone. */
export const subjectEraseForm = z.object({
  confirm: z.literal('yes', { message: 'Tick the box to confirm that you want your data erased.' }),
});

// ---------- producer workspace: orders (issue 6 §3) ----------

/** The order search on /dashboard: `q` absent or blank shows the plain list. */
export const orderSearchQuery = z.object({
  q: z.string().trim().max(200, 'The search is too long (200 characters at most).').optional(),
  page: z.string().optional().transform((v, ctx) => {
    if (v === undefined || v === '') return 1;
    const n = Number(v);
    if (!/^\d{1,4}$/.test(v) || n < 1 || n > 1000) {
      ctx.addIssue({ code: 'custom', message: 'There is no such page of results.' });
      return z.NEVER;
    }
    return n;
  }),
  done: z.string().optional(),
});

/** A ticket id as issued (base64url of random bytes). */
export const ticketId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'That is not a ticket id.' });

export const attendeeNameForm = z.object({
  csrf: z.string().optional(),
  attendeeName: z.string().trim().min(1, 'Enter the name for the ticket.').max(200, 'The name is too long (200 characters at most).'),
});

// ---------- box-office counter (issue 6 §3) ----------

/**
 * The counter's sale form. Quantities are `q_<ticket type id>` like the storefront's; name, email and
 * terminal reference are optional here, and the use case checks them (and every one of them for card numbers).
 */
export const counterSaleForm = z
  .object({
    csrf: z.string().optional(),
    saleId: uuid,
    buyerName: z.string().max(1000, 'The name is too long (200 characters at most).').default(''),
    buyerEmail: z.string().max(1000, 'The email address is too long.').default(''),
    marketingConsent: checkbox,
    method: z.enum(['cash', 'card'], { message: 'Choose how the buyer paid: cash, or card on the counter terminal.' }),
    terminalRef: z.string().max(1000, 'The terminal reference is too long (40 characters at most).').default(''),
  })
  .catchall(z.unknown())
  .transform((body, ctx) => {
    const lines = quantityLines(body, ctx);
    if (lines === null) return z.NEVER;
    return {
      saleId: body.saleId, buyerName: body.buyerName, buyerEmail: body.buyerEmail, marketingConsent: body.marketingConsent,
      method: body.method, terminalRef: body.terminalRef, lines,
    };
  });
