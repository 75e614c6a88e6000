import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import Stripe from 'stripe';

/**
 * A local stand-in for the part of Stripe's REST API that the Stripe adapter uses, so that the
 * adapter runs through the official SDK (host, port and protocol pointed here) without reaching
 * Stripe. It keeps Checkout Sessions, PaymentIntents, charges and refunds in memory, honours
 * Idempotency-Key as Stripe does, answers errors in Stripe's shape and status, and records the
 * events Stripe would send. The test-only helpers (pay, settle, expire, cancelUrl, signed) act as
 * the buyer on Stripe's page and as Stripe's webhook sender.
 *
 * Faithful where the adapter depends on it; deliberately small elsewhere (one account, payment
 * mode only, cards that always succeed unless told otherwise).
 */

export type Params = { [key: string]: string | Params };

/** A request's parameters as Stripe reads them: `a[b][0][c]=x` becomes `{ a: { b: { 0: { c: 'x' } } } }`. */
export function parseStripeForm(text: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) throw invalid(`Invalid parameter name: ${key}`, key);
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((s) => s[1]!)];
    let node = root;
    for (let i = 0; i < path.length; i++) {
      let segment = path[i]!;
      if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') throw invalid(`Invalid parameter name: ${key}`, key);
      if (segment === '') segment = String(Object.keys(node).length); // `a[]=x` appends
      if (i === path.length - 1) {
        if (typeof node[segment] === 'object') throw invalid(`Invalid parameter: ${key} is both a value and a hash`, key);
        node[segment] = value;
      } else {
        const next = node[segment] ?? {};
        if (typeof next === 'string') throw invalid(`Invalid parameter: ${key} is both a value and a hash`, key);
        node[segment] = next;
        node = next;
      }
    }
  }
  return root;
}

/** An indexed hash (`x[0]`, `x[1]`, …) read as the list it encodes. */
function list(value: string | Params | undefined, param: string): Params[] {
  if (value === undefined) return [];
  if (typeof value === 'string') throw invalid(`Invalid array: ${param}`, param);
  const keys = Object.keys(value);
  if (!keys.every((k, i) => k === String(i))) throw invalid(`Invalid array: ${param}`, param);
  return keys.map((k) => {
    const item = value[k]!;
    if (typeof item === 'string') throw invalid(`Invalid hash: ${param}[${k}]`, `${param}[${k}]`);
    return item;
  });
}
function strings(value: string | Params | undefined, param: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return Object.values(value).map((v) => {
    if (typeof v !== 'string') throw invalid(`Invalid array: ${param}`, param);
    return v;
  });
}

// ---------- errors, in Stripe's shape ----------

interface StripeErrorBody { type: string; message: string; code?: string; param?: string; doc_url?: string }
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /** Stripe saves no idempotent result for a request whose parameters failed validation. */
    readonly beforeExecution = false,
  ) {
    super(body.message);
  }
}
function invalid(message: string, param?: string, code = 'parameter_invalid'): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, code, ...(param ? { param } : {}) }, true);
}
function missing(kind: string, id: string): ApiError {
  return new ApiError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param: 'id' });
}
function refused(message: string, code?: string, param?: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) });
}

// ---------- the objects, as much of Stripe's shape as the adapter reads ----------

export interface FakeSession {
  id: string; object: 'checkout.session'; amount_subtotal: number; amount_total: number; cancel_url: string | null;
  client_reference_id: string | null; created: number; currency: string; expires_at: number; livemode: false;
  metadata: Record<string, string>; mode: 'payment'; payment_intent: string | null;
  payment_status: 'paid' | 'unpaid'; status: 'open' | 'complete' | 'expired'; success_url: string; ui_mode: 'hosted_page'; url: string | null;
}
export interface FakePaymentIntent {
  id: string; object: 'payment_intent'; amount: number; amount_received: number; created: number; currency: string;
  description: string | null; latest_charge: string | null; livemode: false; metadata: Record<string, string>;
  status: 'processing' | 'requires_payment_method' | 'succeeded';
}
export interface FakeCharge {
  id: string; object: 'charge'; amount: number; amount_captured: number; amount_refunded: number; captured: true; created: number;
  currency: string; livemode: false; metadata: Record<string, string>; paid: true; payment_intent: string; refunded: boolean; status: 'succeeded';
}
export interface FakeRefund {
  id: string; object: 'refund'; amount: number; charge: string; created: number; currency: string;
  metadata: Record<string, string>; payment_intent: string; reason: string | null; status: 'succeeded';
}
type StripeObject = FakeSession | FakePaymentIntent | FakeCharge | FakeRefund;
export interface FakeEvent {
  id: string; object: 'event'; api_version: string; created: number; data: { object: StripeObject }; livemode: false;
  pending_webhooks: number; request: { id: string | null; idempotency_key: string | null }; type: string;
}

export interface LoggedRequest { method: string; path: string; idempotencyKey: string | null; params: Params }

export interface StripeServerOptions {
  secretKey: string;
  webhookSecret: string;
  now: () => Date;
  /**
   * Stripe documents the {CHECKOUT_SESSION_ID} placeholder for success_url; it fills it in
   * cancel_url as well, undocumented. False leaves it literal there, to test the fallback.
   */
  fillCancelUrl?: boolean;
  /** Stripe copies a PaymentIntent's metadata onto its charges; false leaves charges bare. */
  copyMetadataToCharge?: boolean;
}

export interface StripeServer {
  readonly port: number;
  /** What to pass as the SDK's config (the adapter's `stripeOptions`). */
  readonly sdkOptions: Stripe.StripeConfig;
  readonly requests: LoggedRequest[];
  session(id: string): FakeSession | undefined;
  paymentIntent(id: string): FakePaymentIntent | undefined;
  charge(id: string): FakeCharge | undefined;
  /** The buyer pays on Stripe's page. A card settles at once; `async` leaves the payment processing. Returns the success URL the browser is sent to. */
  pay(sessionId: string, opts?: { async?: boolean }): string;
  /** An asynchronous payment settles, one way or the other. */
  settle(sessionId: string, result: 'succeeded' | 'failed'): void;
  /** Stripe expires the session (its expiry passed, or the shop asked). */
  expire(sessionId: string): void;
  /** The URL the browser is sent to when the buyer leaves Stripe's page with its back link. */
  cancelUrl(sessionId: string): string;
  /** Every event Stripe would have sent, oldest first, optionally only those of one type about one object. */
  events(filter?: { type?: string; objectId?: string }): FakeEvent[];
  /** An event as Stripe would post it: the JSON body and a Stripe-Signature header made by the SDK. */
  signed(event: object, opts?: { at?: Date; secret?: string }): { body: Buffer; headers: Record<string, string> };
  close(): Promise<void>;
}

const SESSION_KEYS = new Set(['mode', 'line_items', 'client_reference_id', 'metadata', 'payment_intent_data', 'success_url', 'cancel_url', 'expires_at', 'expand', 'customer_email', 'locale']);
const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const copy = <T>(o: T): T => structuredClone(o);

function integer(value: string | Params | undefined, param: string, min = 0): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${typeof value === 'string' ? value : param}`, param, 'parameter_invalid_integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw invalid(`Invalid integer: ${value}`, param, 'parameter_invalid_integer');
  return n;
}
function text(value: string | Params | undefined, param: string, opts: { required?: boolean; max?: number } = {}): string | null {
  if (value === undefined) {
    if (opts.required) throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
    return null;
  }
  if (typeof value !== 'string') throw invalid(`Invalid string: ${param}`, param);
  if (opts.max !== undefined && value.length > opts.max) throw invalid(`Invalid string: ${param} must be at most ${opts.max} characters`, param);
  return value;
}
function metadata(value: string | Params | undefined, param: string): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value === 'string') throw invalid(`Invalid hash: ${param}`, param);
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalid('Metadata can have at most 50 keys.', param);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid(`Invalid metadata value for ${k}`, `${param}[${k}]`);
    if (k.length > 40) throw invalid(`Metadata keys can be at most 40 characters: ${k}`, `${param}[${k}]`);
    if (v.length > 500) throw invalid(`Metadata values can be at most 500 characters: ${k}`, `${param}[${k}]`);
    if (v !== '') out[k] = v; // an empty value unsets a key
  }
  return out;
}
function url(value: string | Params | undefined, param: string, required: boolean): string | null {
  const v = text(value, param, { required, max: 5000 });
  if (v === null) return null;
  try {
    new URL(v.replaceAll('{CHECKOUT_SESSION_ID}', 'x'));
  } catch {
    throw invalid(`Not a valid URL: ${param}`, param, 'url_invalid');
  }
  return v;
}

export async function startStripeServer(opts: StripeServerOptions): Promise<StripeServer> {
  const sessions = new Map<string, FakeSession>();
  const intents = new Map<string, FakePaymentIntent>();
  const charges = new Map<string, FakeCharge>();
  const refunds = new Map<string, FakeRefund>();
  const intentData = new Map<string, { description: string | null; metadata: Record<string, string> }>();
  const events: FakeEvent[] = [];
  const saved = new Map<string, { method: string; path: string; params: Params; status: number; body: unknown }>();
  const requests: LoggedRequest[] = [];
  const nowS = () => Math.floor(opts.now().getTime() / 1000);

  function emit(type: string, object: StripeObject, idempotencyKey: string | null = null): void {
    events.push({
      id: id('evt'), object: 'event', api_version: Stripe.API_VERSION, created: nowS(), data: { object: copy(object) },
      livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: idempotencyKey }, type,
    });
  }

  /** Stripe expires an open session at its expires_at without being asked. */
  function current(sessionId: string): FakeSession {
    const s = sessions.get(sessionId);
    if (!s) throw missing('checkout.session', sessionId);
    if (s.status === 'open' && nowS() >= s.expires_at) closeSession(s);
    return s;
  }
  function closeSession(s: FakeSession): void {
    s.status = 'expired';
    s.url = null;
    emit('checkout.session.expired', s);
  }

  function lookup(objectId: string): StripeObject {
    const found = sessions.get(objectId) ?? intents.get(objectId) ?? charges.get(objectId) ?? refunds.get(objectId);
    if (!found) throw missing('object', objectId);
    return found;
  }

  /** `expand[]=payment_intent.latest_charge`: ids along the path become the objects. */
  function expand(object: StripeObject, paths: string[]): unknown {
    const out = copy(object) as unknown as Record<string, unknown>;
    for (const path of paths) {
      let node: Record<string, unknown> = out;
      for (const field of path.split('.')) {
        const value = node[field];
        if (typeof value === 'string') node[field] = copy(lookup(value));
        else if (value === undefined) throw invalid(`This property cannot be expanded (${field}).`, 'expand');
        const next = node[field];
        if (next === null || typeof next !== 'object') break;
        node = next as Record<string, unknown>;
      }
    }
    return out;
  }

  function createSession(p: Params): FakeSession {
    for (const key of Object.keys(p)) if (!SESSION_KEYS.has(key)) throw invalid(`Received unknown parameter: ${key}`, key, 'parameter_unknown');
    if (p.mode !== 'payment') throw invalid('This test server supports mode=payment only.', 'mode');
    const items = list(p.line_items, 'line_items');
    if (items.length === 0) throw invalid('line_items is required in payment mode.', 'line_items', 'parameter_missing');
    let currency: string | null = null;
    let total = 0;
    items.forEach((item, i) => {
      const at = `line_items[${i}]`;
      const quantity = integer(item.quantity, `${at}[quantity]`, 1);
      const priceData = item.price_data;
      if (typeof priceData !== 'object') throw invalid(`Missing required param: ${at}[price_data].`, `${at}[price_data]`, 'parameter_missing');
      const itemCurrency = text(priceData.currency, `${at}[price_data][currency]`, { required: true })!.toLowerCase();
      if (!/^[a-z]{3}$/.test(itemCurrency)) throw invalid(`Invalid currency: ${itemCurrency}`, `${at}[price_data][currency]`);
      if (currency && currency !== itemCurrency) throw invalid('All line items must share one currency.', `${at}[price_data][currency]`);
      currency = itemCurrency;
      const product = priceData.product_data;
      if (typeof product !== 'object') throw invalid(`Missing required param: ${at}[price_data][product_data].`, `${at}[price_data][product_data]`, 'parameter_missing');
      text(product.name, `${at}[price_data][product_data][name]`, { required: true });
      total += quantity * integer(priceData.unit_amount, `${at}[price_data][unit_amount]`);
    });
    const successUrl = url(p.success_url, 'success_url', true)!;
    const cancelUrl = url(p.cancel_url, 'cancel_url', false);
    const created = nowS();
    const expiresAt = p.expires_at === undefined ? created + 24 * 3600 : integer(p.expires_at, 'expires_at');
    if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      throw invalid('The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after the Checkout Session is created.', 'expires_at');
    }
    const pid = p.payment_intent_data;
    if (typeof pid === 'string') throw invalid('Invalid hash: payment_intent_data', 'payment_intent_data');
    const sessionId = id('cs');
    const session: FakeSession = {
      id: sessionId, object: 'checkout.session', amount_subtotal: total, amount_total: total, cancel_url: cancelUrl,
      client_reference_id: text(p.client_reference_id, 'client_reference_id', { max: 200 }), created, currency: currency!,
      expires_at: expiresAt, livemode: false, metadata: metadata(p.metadata, 'metadata'), mode: 'payment', payment_intent: null,
      payment_status: 'unpaid', status: 'open', success_url: successUrl, ui_mode: 'hosted_page', url: `http://127.0.0.1:${port}/c/pay/${sessionId}`,
    };
    sessions.set(sessionId, session);
    intentData.set(sessionId, {
      description: text(pid?.description, 'payment_intent_data[description]', { max: 1000 }),
      metadata: metadata(pid?.metadata, 'payment_intent_data[metadata]'),
    });
    return session;
  }

  function createRefund(p: Params, idempotencyKey: string | null): FakeRefund {
    const intentId = text(p.payment_intent, 'payment_intent');
    const chargeId = text(p.charge, 'charge');
    if (!intentId && !chargeId) throw invalid('One of payment_intent or charge is required.', 'payment_intent', 'parameter_missing');
    let charge: FakeCharge | undefined;
    if (intentId) {
      const intent = intents.get(intentId);
      if (!intent) throw missing('payment_intent', intentId);
      charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
      if (!charge || intent.status !== 'succeeded') throw refused(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
    } else {
      charge = charges.get(chargeId!);
      if (!charge) throw missing('charge', chargeId!);
    }
    if (charge.refunded) throw refused(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
    const left = charge.amount - charge.amount_refunded;
    const amount = p.amount === undefined ? left : integer(p.amount, 'amount', 1);
    if (amount > left) {
      throw refused(`Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge (${left} ${charge.currency})`, 'amount_too_large', 'amount');
    }
    const refund: FakeRefund = {
      id: id('re'), object: 'refund', amount, charge: charge.id, created: nowS(), currency: charge.currency,
      metadata: metadata(p.metadata, 'metadata'), payment_intent: charge.payment_intent, reason: text(p.reason, 'reason'), status: 'succeeded',
    };
    refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    emit('refund.created', refund, idempotencyKey);
    emit('charge.refunded', charge, idempotencyKey);
    return refund;
  }

  function route(method: string, path: string, p: Params, idempotencyKey: string | null): unknown {
    const parts = path.split('/').filter(Boolean);
    const expansions = strings(p.expand, 'expand');
    if (parts[0] !== 'v1') throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
    const [, resource, objectId, action] = parts;
    if (resource === 'checkout' && objectId === 'sessions') {
      const [, , , sessionId, verb] = parts;
      if (method === 'POST' && !sessionId) return expand(createSession(p), expansions);
      if (method === 'GET' && !sessionId) {
        const limit = p.limit === undefined ? 10 : integer(p.limit, 'limit', 1);
        const byIntent = text(p.payment_intent, 'payment_intent');
        const data = [...sessions.values()]
          .filter((s) => (!byIntent || s.payment_intent === byIntent) && (!p.status || s.status === p.status))
          .reverse();
        return { object: 'list', data: data.slice(0, limit).map((s) => expand(current(s.id), expansions)), has_more: data.length > limit, url: '/v1/checkout/sessions' };
      }
      if (method === 'GET' && sessionId && !verb) return expand(current(sessionId), expansions);
      if (method === 'POST' && sessionId && verb === 'expire') {
        const s = current(sessionId);
        if (s.status !== 'open') {
          throw refused(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`);
        }
        closeSession(s);
        return expand(s, expansions);
      }
    }
    if (method === 'GET' && resource === 'payment_intents' && objectId && !action) {
      const intent = intents.get(objectId);
      if (!intent) throw missing('payment_intent', objectId);
      return expand(intent, expansions);
    }
    if (method === 'GET' && resource === 'charges' && objectId && !action) {
      const charge = charges.get(objectId);
      if (!charge) throw missing('charge', objectId);
      return expand(charge, expansions);
    }
    if (resource === 'refunds' && method === 'POST' && !objectId) return expand(createRefund(p, idempotencyKey), expansions);
    if (resource === 'refunds' && method === 'GET' && objectId) {
      const refund = refunds.get(objectId);
      if (!refund) throw missing('refund', objectId);
      return expand(refund, expansions);
    }
    throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...extra });
      res.end(JSON.stringify(body));
    };
    let params: Params = {};
    try {
      if (req.headers.authorization !== `Bearer ${opts.secretKey}`) {
        throw new ApiError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided.' });
      }
      params = parseStripeForm(method === 'GET' || method === 'DELETE' ? target.search.slice(1) : Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      send(e.status, { error: e.body });
      return;
    }
    requests.push({ method, path: target.pathname, idempotencyKey, params });

    const prior = method === 'POST' && idempotencyKey ? saved.get(idempotencyKey) : undefined;
    if (prior) {
      if (prior.method !== method || prior.path !== target.pathname || !isDeepStrictEqual(prior.params, params)) {
        send(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          },
        });
        return;
      }
      send(prior.status, prior.body, { 'idempotent-replayed': 'true' });
      return;
    }
    let status = 200;
    let body: unknown;
    let keep = true;
    try {
      body = route(method, target.pathname, params, idempotencyKey);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      status = e.status;
      body = { error: e.body };
      keep = !e.beforeExecution;
    }
    if (method === 'POST' && idempotencyKey && keep) saved.set(idempotencyKey, { method, path: target.pathname, params, status, body });
    send(status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: `test server: ${String(e)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  function openSession(sessionId: string): FakeSession {
    const s = current(sessionId);
    if (s.status !== 'open') throw new Error(`stripe test server: session ${sessionId} is ${s.status}, it cannot be paid`);
    return s;
  }
  function succeed(s: FakeSession, intent: FakePaymentIntent): void {
    const charge: FakeCharge = {
      id: id('ch'), object: 'charge', amount: intent.amount, amount_captured: intent.amount, amount_refunded: 0, captured: true,
      created: nowS(), currency: intent.currency, livemode: false, metadata: opts.copyMetadataToCharge === false ? {} : { ...intent.metadata },
      paid: true, payment_intent: intent.id, refunded: false, status: 'succeeded',
    };
    charges.set(charge.id, charge);
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
    s.payment_status = 'paid';
  }
  const fill = (template: string, sessionId: string) => template.replaceAll('{CHECKOUT_SESSION_ID}', sessionId);

  return {
    port,
    sdkOptions: { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    requests,
    session: (sid) => sessions.get(sid),
    paymentIntent: (pid) => intents.get(pid),
    charge: (cid) => charges.get(cid),

    pay(sessionId, payOpts = {}) {
      const s = openSession(sessionId);
      const data = intentData.get(sessionId)!;
      const intent: FakePaymentIntent = {
        id: id('pi'), object: 'payment_intent', amount: s.amount_total, amount_received: 0, created: nowS(), currency: s.currency,
        description: data.description, latest_charge: null, livemode: false, metadata: { ...data.metadata }, status: 'processing',
      };
      intents.set(intent.id, intent);
      s.payment_intent = intent.id;
      s.status = 'complete';
      s.url = null;
      if (!payOpts.async) succeed(s, intent);
      emit('checkout.session.completed', s);
      return fill(s.success_url, s.id);
    },

    settle(sessionId, result) {
      const s = current(sessionId);
      const intent = s.payment_intent ? intents.get(s.payment_intent) : undefined;
      if (s.status !== 'complete' || s.payment_status !== 'unpaid' || !intent || intent.status !== 'processing') {
        throw new Error(`stripe test server: session ${sessionId} has no payment processing`);
      }
      if (result === 'succeeded') {
        succeed(s, intent);
        emit('checkout.session.async_payment_succeeded', s);
      } else {
        intent.status = 'requires_payment_method';
        emit('checkout.session.async_payment_failed', s);
      }
    },

    expire(sessionId) {
      const s = current(sessionId);
      if (s.status === 'open') closeSession(s);
    },

    cancelUrl(sessionId) {
      const s = current(sessionId);
      if (!s.cancel_url) throw new Error(`stripe test server: session ${sessionId} has no cancel_url`);
      return opts.fillCancelUrl === false ? s.cancel_url : fill(s.cancel_url, s.id);
    },

    events(filter = {}) {
      return events.filter((e) => (!filter.type || e.type === filter.type) && (!filter.objectId || e.data.object.id === filter.objectId));
    },

    signed(event, signOpts = {}) {
      const payload = JSON.stringify(event, null, 2);
      const timestamp = Math.floor((signOpts.at ?? opts.now()).getTime() / 1000);
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: signOpts.secret ?? opts.webhookSecret, timestamp });
      return { body: Buffer.from(payload), headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header } };
    },

    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
