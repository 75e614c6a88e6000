import http from 'node:http';

/**
 * A simulated buyer over real HTTP (loopback, keep-alive): hold → checkout → the test provider's
 * card page → the return that pays the order and issues its tickets. Each step is one request and
 * follows no redirect itself; the next step is read off the `Location` header (path and query
 * only, so any of several app processes can take it). Used by the on-sale benchmark and the
 * crash test.
 */
export interface Step {
  status: number;
  location: string | null;
  ms: number;
}

export class HttpError extends Error {
  override name = 'HttpError';
}

/** A connection that failed (refused, reset, cut off): the process behind it may be gone. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'UND_ERR_SOCKET' || (e instanceof Error && /socket hang up/.test(e.message));
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function send(
  agent: http.Agent, port: number, method: 'GET' | 'POST', path: string,
  opts: { form?: Record<string, string>; ip?: string; timeoutMs?: number } = {},
): Promise<Step> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : null;
  const headers: Record<string, string> = {};
  if (body !== null) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const t0 = performance.now();
  return new Promise<Step>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: opts.timeoutMs ?? 60_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: typeof res.headers.location === 'string' ? res.headers.location : null, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** The path and query of a redirect, whichever host it names. */
export function pathOf(location: string): string {
  const u = new URL(location, 'http://127.0.0.1');
  return `${u.pathname}${u.search}`;
}

export interface Sale {
  slug: string;
  performanceId: string;
  ticketTypeId: string;
}

export type HoldResult = { kind: 'held'; holdPath: string; ms: number } | { kind: 'sold_out'; ms: number };

export async function placeHoldOverHttp(agent: http.Agent, port: number, sale: Sale, quantity: number, ip: string): Promise<HoldResult> {
  const r = await send(agent, port, 'POST', `/events/${sale.slug}/hold`, { form: { performanceId: sale.performanceId, [`q_${sale.ticketTypeId}`]: String(quantity) }, ip });
  if (r.status === 303 && r.location?.startsWith('/checkout/')) return { kind: 'held', holdPath: r.location, ms: r.ms };
  if (r.status === 409) return { kind: 'sold_out', ms: r.ms };
  throw new HttpError(`hold: unexpected ${r.status}`);
}

/** Checks out a hold with the buyer's details; returns the path of the provider's card page. */
export async function checkOutOverHttp(agent: http.Agent, port: number, holdPath: string, buyer: { name: string; email: string }, ip: string): Promise<string> {
  const r = await send(agent, port, 'POST', holdPath, { form: { buyerName: buyer.name, buyerEmail: buyer.email }, ip });
  if (r.status !== 303 || !r.location || !r.location.includes('/testpay/pay/')) throw new HttpError(`checkout: unexpected ${r.status}`);
  return pathOf(r.location);
}

/** Pays on the test provider's card page with the approved test card; returns the signed return path. */
export async function payOverHttp(agent: http.Agent, port: number, payPath: string, ip: string): Promise<string> {
  const r = await send(agent, port, 'POST', payPath, { form: { number: '4242 4242 4242 4242', expiry: '12/40', cvc: '123', action: 'pay' }, ip });
  if (r.status !== 303 || !r.location || !r.location.includes('/payments/return/')) throw new HttpError(`payment: unexpected ${r.status}`);
  return pathOf(r.location);
}

/** Comes back to the shop from the provider: the order is paid and its tickets issued. Idempotent. */
export async function returnOverHttp(agent: http.Agent, port: number, returnPath: string, ip: string): Promise<'paid' | 'other'> {
  const r = await send(agent, port, 'GET', returnPath, { ip });
  if (r.status !== 303 || !r.location) throw new HttpError(`return: unexpected ${r.status}`);
  return /^\/orders\/[^?]+\?paid=1$/.test(pathOf(r.location)) ? 'paid' : 'other';
}

/** A private client address per buyer (10.0.0.0/8), so per-address limits see separate buyers. */
export function buyerIp(n: number): string {
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
