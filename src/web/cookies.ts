import { parseSetCookie } from 'cookie';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { CookieDeclaration } from '../domain/privacy.ts';

/**
 * Every cookie Marquee sets (promise 4: essential cookies only). Adding a cookie is one entry
 * here; setting one that is not here, or with other flags, fails the response (src/http/cookieGuard.ts),
 * and the privacy page lists exactly these.
 */
export const COOKIES = {
  session: {
    name: 'mq_session',
    purpose: 'Keeps a producer or door staff member logged in. Buyers never get it.',
    maxAgeSeconds: 12 * 3600,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secureOnHttps: true,
  },
  staffSession: {
    name: 'mq_staff',
    purpose: 'Keeps a member of the platform staff (support, administrators) logged in to /admin. Buyers and producers never get it.',
    maxAgeSeconds: 8 * 3600,
    httpOnly: true,
    sameSite: 'lax',
    path: '/admin',
    secureOnHttps: true,
  },
  queueVisitor: {
    name: 'mq_queue',
    purpose: "Keeps a buyer's place in the waiting room of a busy on-sale: a random number, linked to nothing else. Set only when an event has a waiting room.",
    maxAgeSeconds: 24 * 3600,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secureOnHttps: true,
  },
  queueAdmission: {
    name: 'mq_admission',
    purpose: "Shows that it is a buyer's turn to choose tickets after the waiting room: signed, and valid only with this browser's waiting-room cookie.",
    maxAgeSeconds: 15 * 60,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secureOnHttps: true,
  },
} as const satisfies Record<string, CookieDeclaration>;

export type CookieRegistry = readonly CookieDeclaration[];

export const COOKIE_REGISTRY: CookieRegistry = Object.values(COOKIES);

/** The flags to set a registered cookie with; `expires` for one that outlives the browser session. */
export function cookieOptions(c: CookieDeclaration, secure: boolean, expires?: Date): CookieSerializeOptions {
  return { path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite, secure, ...(expires ? { expires } : {}) };
}

/**
 * What is wrong with one Set-Cookie header line against the registry, or null when it is a
 * registered cookie with exactly the declared flags and a lifetime within the declared one.
 */
export function cookieViolation(line: string, registry: CookieRegistry, ctx: { secure: boolean; now: Date }): string | null {
  const set = parseSetCookie(line);
  const c = registry.find((r) => r.name === set.name);
  if (!c) return `cookie "${set.name}" is not in the cookie registry`;
  const problems: string[] = [];
  if (Boolean(set.httpOnly) !== c.httpOnly) problems.push(`HttpOnly should be ${c.httpOnly}`);
  if (Boolean(set.secure) !== ctx.secure) problems.push(`Secure should be ${ctx.secure}`);
  if (String(set.sameSite ?? '').toLowerCase() !== c.sameSite) problems.push(`SameSite should be ${c.sameSite}`);
  if ((set.path ?? '') !== c.path) problems.push(`Path should be ${c.path}`);
  if (set.domain !== undefined) problems.push('Domain must not be set (host-only cookies)');
  if (set.maxAge !== undefined && set.maxAge > c.maxAgeSeconds) problems.push(`Max-Age exceeds ${c.maxAgeSeconds}s`);
  if (set.expires && set.expires.getTime() - ctx.now.getTime() > (c.maxAgeSeconds + 60) * 1000) problems.push(`Expires exceeds ${c.maxAgeSeconds}s from now`);
  return problems.length > 0 ? `cookie "${c.name}": ${problems.join('; ')}` : null;
}

/** A registered cookie's lifetime in words, for the privacy page. */
export function lifetimeText(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
