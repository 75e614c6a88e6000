/**
 * A data subject: a buyer known only by an email address (buyers have no accounts).
 * What an erased buyer becomes, the link that proves they hold the address, and the retention cut-offs.
 */

export const ERASED_BUYER_NAME = 'Erased buyer';
export const ERASED_ATTENDEE_NAME = 'Erased attendee';

/** Unique per order, so the unique and not-null columns stay valid, and in a reserved domain (RFC 2606) that never receives mail. */
export function erasedEmail(orderId: string): string {
  return `erased+${orderId}@invalid`;
}

export function isErasedEmail(email: string): boolean {
  return /^erased\+[^@]+@invalid$/.test(email);
}

/** Addresses are compared case-insensitively; checkout already stores them lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** How long a link to one's data opens it. */
export const SUBJECT_LINK_MINUTES = 60;

/** What a subject link carries (sealed, so the address is neither readable nor changeable in the URL). */
export interface SubjectLink {
  email: string;
  expiresAt: Date;
}

export function encodeSubjectLink(link: SubjectLink): string {
  return JSON.stringify({ v: 1, e: normaliseEmail(link.email), x: Math.floor(link.expiresAt.getTime() / 1000) });
}

export type SubjectLinkCheck = { ok: true; link: SubjectLink } | { ok: false; reason: 'malformed' | 'expired' };

export function decodeSubjectLink(text: string, now: Date): SubjectLinkCheck {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'malformed' };
  const { v, e, x } = data as Record<string, unknown>;
  if (v !== 1 || typeof e !== 'string' || !e.includes('@') || typeof x !== 'number' || !Number.isInteger(x)) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(x * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, link: { email: e, expiresAt } };
}

/** The same instant `months` calendar months earlier (UTC), the day clamped to the shorter month: 31 March − 1 month = 28/29 February. */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export function daysBefore(at: Date, days: number): Date {
  return new Date(at.getTime() - days * 86_400_000);
}
