import { z } from 'zod';

/** The zod schemas for every form the pages accept: the one source of their validation. */

export const uuid = z.uuid({ message: 'That is not a valid id.' });

export const holdForm = z
  .object({ performanceId: uuid })
  .catchall(z.unknown())
  .transform((body, ctx) => {
    const lines: { ticketTypeId: string; quantity: number }[] = [];
    for (const [key, value] of Object.entries(body)) {
      const m = /^q_(.*)$/.exec(key);
      if (!m) continue;
      if (!uuid.safeParse(m[1]).success) {
        ctx.addIssue({ code: 'custom', message: 'One of the chosen ticket types does not exist.' });
        return z.NEVER;
      }
      const text = typeof value === 'string' ? value.trim() : '';
      const quantity = text === '' ? 0 : Number(text);
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > 99) {
        ctx.addIssue({ code: 'custom', message: 'Quantities must be whole numbers from 0 to 10.' });
        return z.NEVER;
      }
      lines.push({ ticketTypeId: m[1]!, quantity });
    }
    return { performanceId: body.performanceId, lines };
  });

export const checkoutForm = z.object({
  buyerName: z.string().trim().min(1, 'Enter the name for your tickets.').max(200, 'The name is too long (200 characters at most).'),
  buyerEmail: z.string().trim().toLowerCase().max(254, 'The email address is too long.').pipe(z.email({ message: 'Enter a valid email address, like name@example.com.' })),
  // Consent is only ever the unticked-by-default box's own value; anything else is no consent.
  marketingConsent: z.unknown().optional().transform((v) => v === 'yes'),
});

export const loginForm = z.object({
  email: z.string().trim().max(254).default(''),
  password: z.string().max(1000).default(''),
  next: z.string().max(200).default('/dashboard'),
});

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
