import { z } from 'zod';
import type { Failure } from '../../domain/errors.ts';
import { parseMinor } from '../../domain/money.ts';
import { isVenueTimeZone } from '../../domain/time.ts';

/**
 * The zod schemas of the event management forms (issue 6 §2). Every field's name is the form
 * input's name, so an issue's path is the field the page marks. Amounts are typed as decimals and
 * read into minor units; percentages into basis points; times stay wall-clock text for the use case
 * to read in the venue's zone.
 */

export type FormValues = Record<string, string | string[]>;
export type FieldErrors = Record<string, string>;

const text = (label: string, max: number) =>
  z.string({ message: `Enter the ${label}.` }).trim().min(1, `Enter the ${label}.`).max(max, `The ${label} is at most ${max} characters.`);
const optionalText = (label: string, max: number) => z.string().trim().max(max, `The ${label} is at most ${max} characters.`).default('');
const whole = (label: string, min: number, max: number) =>
  z.string({ message: `Enter the ${label}.` }).trim().regex(/^\d{1,7}$/, `The ${label} is a whole number.`).transform(Number)
    .pipe(z.number().min(min, `The ${label} is at least ${min}.`).max(max, `The ${label} is at most ${max}.`));
const amount = (label: string, currency = 'EUR') => z.string({ message: `Enter the ${label}.` }).transform((v, ctx) => {
  const minor = parseMinor(v === '' ? '0' : v, currency);
  if (minor === null || minor > 100_000_000) {
    ctx.addIssue({ code: 'custom', message: `The ${label} is an amount like 12.50.` });
    return z.NEVER;
  }
  return minor;
});
/** A percentage with up to two decimals ("20", "7.5") as basis points. */
const percent = (label: string) => z.string({ message: `Enter the ${label}.` }).transform((v, ctx) => {
  const bp = parseMinor(v === '' ? '0' : v, 'EUR');
  if (bp === null || bp > 10_000) {
    ctx.addIssue({ code: 'custom', message: `The ${label} is a percentage from 0 to 100, like 20 or 7.5.` });
    return z.NEVER;
  }
  return bp;
});
const date = (label: string) => z.string({ message: `Enter the ${label}.` }).regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${label} as a date (YYYY-MM-DD).`);
const clock = z.string({ message: 'Enter the time.' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter the time as HH:MM, like 19:30.');
/** A datetime-local value, or nothing. */
const localDateTime = (label: string) => z.string().optional().transform((v, ctx) => {
  if (v === undefined || v.trim() === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/.test(v.trim())) {
    ctx.addIssue({ code: 'custom', message: `Enter the ${label} as a date and time, like 2027-03-01T10:00.` });
    return z.NEVER;
  }
  return v.trim();
});
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const checkbox = z.unknown().optional().transform((v) => v === 'yes');

export const slug = z.string({ message: 'Enter the web address.' }).trim().toLowerCase()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'The web address uses only letters, digits and single hyphens, like hamlet-2027.')
  .min(3, 'The web address is at least 3 characters.').max(80, 'The web address is at most 80 characters.');

export const venueForm = z.object({
  name: text('venue name', 200),
  address: optionalText('address', 500),
  timeZone: z.string({ message: 'Choose the time zone.' }).trim().refine(isVenueTimeZone, 'Choose a time zone like Europe/London (an IANA name).'),
});

export const eventForm = z.object({
  title: text('title', 200),
  slug,
  description: optionalText('description', 5000),
  feePerTicket: amount('fee per ticket'),
  feePerOrder: amount('fee per order'),
  feeTaxRate: percent('tax rate on fees'),
}).transform((f) => ({
  title: f.title, slug: f.slug, description: f.description,
  feePerTicketMinor: f.feePerTicket, feePerOrderMinor: f.feePerOrder, feeTaxRateBp: f.feeTaxRate,
}));

export const copyForm = z.object({ newSlug: slug });
export const publishForm = z.object({ published: z.enum(['yes', 'no'], { message: 'Choose publish or unpublish.' }) });

export const performanceForm = z.object({
  venueId: z.uuid({ message: 'Choose a venue.' }),
  kind: z.enum(['once', 'series'], { message: 'Choose one performance or a series.' }),
  date: z.string().optional(),
  from: z.string().optional(),
  until: z.string().optional(),
  time: clock,
  weekdays: list,
  template: z.string().default('first').refine((v) => v === 'first' || v === 'none' || z.uuid().safeParse(v).success, 'Choose where the ticket types come from.'),
  action: z.enum(['preview', 'create']).default('preview'),
}).superRefine((f, ctx) => {
  const check = (field: 'date' | 'from' | 'until', label: string) => {
    const r = date(label).safeParse(f[field]);
    if (!r.success) ctx.addIssue({ code: 'custom', path: [field], message: r.error.issues[0]!.message });
  };
  if (f.kind === 'once') check('date', 'date');
  else {
    check('from', 'first date');
    check('until', 'last date');
    if (f.weekdays.length === 0 || f.weekdays.some((d) => !/^[0-6]$/.test(d))) ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'Choose at least one day of the week.' });
  }
}).transform((f) => ({
  venueId: f.venueId,
  plan: f.kind === 'once'
    ? { kind: 'once' as const, date: f.date!, time: f.time }
    : { kind: 'series' as const, from: f.from!, until: f.until!, weekdays: f.weekdays.map(Number), time: f.time },
  template: f.template === 'none' ? null : f.template,
  action: f.action,
}));

export const quotaForm = z.object({ name: text('quota name', 100), capacity: whole('capacity', 0, 1_000_000) });

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const ticketTypeForm = z.object({
  name: text('ticket type name', 100),
  currency: z.string({ message: 'Enter the currency.' }).trim().toUpperCase().refine((c) => CURRENCIES.has(c), 'Enter a currency code like GBP or EUR.'),
  price: z.string({ message: 'Enter the price.' }),
  taxRate: percent('tax rate'),
  taxInclusive: checkbox,
  salesOpens: localDateTime('time sales open'),
  salesCloses: localDateTime('time sales close'),
  minPerOrder: whole('fewest per order', 1, 100),
  maxPerOrder: whole('most per order', 1, 100),
  quotaIds: list.pipe(z.array(z.uuid({ message: 'Choose quotas of this performance.' }))),
  ownCapacity: z.string().optional().transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return null;
    const r = whole('own limit', 0, 1_000_000).safeParse(v);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: r.error.issues[0]!.message });
      return z.NEVER;
    }
    return r.data;
  }),
}).transform((f, ctx) => {
  const priceMinor = parseMinor(f.price, f.currency);
  if (priceMinor === null || priceMinor > 100_000_000) {
    ctx.addIssue({ code: 'custom', path: ['price'], message: `The price is an amount in ${f.currency}, like 12.50.` });
    return z.NEVER;
  }
  return {
    name: f.name, priceMinor, currency: f.currency, taxRateBp: f.taxRate, taxInclusive: f.taxInclusive,
    salesOpensLocal: f.salesOpens, salesClosesLocal: f.salesCloses, minPerOrder: f.minPerOrder, maxPerOrder: f.maxPerOrder,
    quotaIds: f.quotaIds, ownCapacity: f.ownCapacity,
  };
});

/** The first message for each field; a message without a field goes under '' (the summary only). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    out[key] ??= issue.message;
  }
  return out;
}

/** A use case's refusal, on its field when it names one. */
export function failureErrors(f: Failure): FieldErrors {
  const field = typeof f.details?.field === 'string' ? f.details.field : '';
  return { [field]: f.message };
}

/** The raw submitted values, to show the form again as it was typed. */
export function valuesOf(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}
