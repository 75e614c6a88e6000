import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import type { StaffMember } from '../../app/ports.ts';
import { staffSession } from '../../app/staff.ts';
import { COOKIES, cookieOptions } from '../cookies.ts';
import { csrfFor, type SessionSupport } from '../session.ts';

/** Platform staff's session: its own cookie (in the registry), so a producer's session never opens /admin. */
export const STAFF_COOKIE = COOKIES.staffSession.name;

export interface SignedInStaff {
  staff: StaffMember;
  token: string;
  csrf: string;
}

export async function signedInStaff(deps: AppDeps, s: SessionSupport, req: FastifyRequest): Promise<SignedInStaff | null> {
  const token = req.cookies[STAFF_COOKIE];
  const staff = await staffSession(deps, token);
  if (!staff || !token) return null;
  return { staff, token, csrf: csrfFor(s, token) };
}

export function setStaffCookie(reply: FastifyReply, s: SessionSupport, token: string, expiresAt: Date): void {
  reply.setCookie(STAFF_COOKIE, token, cookieOptions(COOKIES.staffSession, s.secureCookies, expiresAt));
}

export function clearStaffCookie(reply: FastifyReply, s: SessionSupport): void {
  reply.clearCookie(STAFF_COOKIE, cookieOptions(COOKIES.staffSession, s.secureCookies));
}
