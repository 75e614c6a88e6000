import { createHmac } from 'node:crypto';
import { sameSecret } from '../domain/secrets.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionTokenHash, sessionUser } from '../app/auth.ts';
import type { AppDeps } from '../app/deps.ts';
import type { SessionUser } from '../app/ports.ts';
import type { Viewer } from './layout.tsx';
import { type Action, may } from '../domain/policy.ts';
import { COOKIES, cookieOptions } from './cookies.ts';

/** A producer user's session cookie; its flags are declared in the cookie registry. */
export const SESSION_COOKIE = COOKIES.session.name;

export interface SessionSupport {
  secureCookies: boolean;
  csrfKey: Buffer;
}

export function csrfFor(s: SessionSupport, token: string): string {
  return createHmac('sha256', s.csrfKey).update(sessionTokenHash(token)).digest('base64url');
}

export function csrfValid(s: SessionSupport, token: string, given: unknown): boolean {
  return typeof given === 'string' && sameSecret(given, csrfFor(s, token));
}

export interface SignedIn {
  user: SessionUser;
  viewer: Viewer;
  token: string;
}

export async function signedIn(deps: AppDeps, s: SessionSupport, req: FastifyRequest): Promise<SignedIn | null> {
  const token = req.cookies[SESSION_COOKIE];
  const user = await sessionUser(deps, token);
  if (!user || !token) return null;
  return { user, token, viewer: { name: user.name, producerName: user.producerName, csrf: csrfFor(s, token), unverified: !user.verified, team: may(user.role, 'team.read') } };
}

export function setSessionCookie(reply: FastifyReply, s: SessionSupport, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(COOKIES.session, s.secureCookies, expiresAt));
}

export function clearSessionCookie(reply: FastifyReply, s: SessionSupport): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(COOKIES.session, s.secureCookies));
}

/** Whether the signed-in user's role allows an action; pages hide and refuse what it does not. */
export function allowed(s: SignedIn, action: Action): boolean {
  return may(s.user.role, action);
}
