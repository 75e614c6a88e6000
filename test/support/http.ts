import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** Logs a producer user in through the real form and returns the session cookie (`name=value`). */
export async function logInCookie(server: FastifyInstance, email: string, password: string): Promise<string> {
  const res = await server.inject({
    method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, next: '/dashboard' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

/** A GET through inject(), with a session cookie or without. */
export function getWith(server: FastifyInstance, url: string, cookie?: string) {
  return server.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
}
