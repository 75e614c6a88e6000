import { resolve } from 'node:path';
import { z } from 'zod';
import type { FraudPolicy } from './domain/fraud.ts';

/**
 * Every setting, read and validated once at start. Nothing else reads process.env:
 * main.ts passes `process.env` here and hands the result on.
 */
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.join(' or ')}//`);

const count = (unit: string, max: number) => (fallback: number) =>
  z.string().trim().regex(/^\d+$/, `must be a whole number per ${unit}`).transform(Number).pipe(z.number().min(1).max(max)).default(fallback);
const perHour = count('hour', 100_000);
const perMinute = count('minute', 100_000);

export const settingsSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional().describe('PostgreSQL connection URL. When absent, embedded PGlite keeps its data in DATA_DIR/pglite.'),
  DATA_DIR: z.string().min(1).default('./data').describe('Where the embedded database, the generated secret and other local state live.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address to listen on.'),
  PORT: z.string().trim().regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535').transform(Number).pipe(z.number().max(65535, 'must be a port number from 0 to 65535')).default(3000).describe('Port to listen on.'),
  BASE_URL: url(['http:', 'https:']).optional().describe('The public URL of the box office, used in links and mail. Default https://localhost:PORT (http:// with TLS_BEHIND_PROXY).'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional().describe('SMTP server for outgoing mail. When absent, mail goes to the dev outbox at /dev/mailbox.'),
  MAIL_FROM: z.string().min(3).default('Marquee <tickets@marquee.localhost>').describe('From address of outgoing mail.'),
  SECRET_KEY: z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'must be at least 32 bytes, base64url-encoded').optional()
    .describe('Master secret (base64url, 32+ bytes) from which ticket-signing keys and link tokens derive.'),
  SECRET_KEY_FILE: z.string().min(1).optional().describe('File holding the master secret. Default DATA_DIR/secret.key, generated on first start.'),
  HOLD_MINUTES: z.string().trim().regex(/^\d+$/, 'must be a whole number of minutes').transform(Number).pipe(z.number().min(1).max(120)).default(10).describe('How long a basket holds its tickets.'),
  SEND_MAIL: boolish.default(true)
    .describe('This process sends the outbox: right after a request queues mail, and every 30 s. Set false on the web processes of a scaled-out box office so that they only queue it (in the same transaction as the order) and one process with SEND_MAIL=true renders and sends it.'),
  SEED_DEMO: boolish.default(true).describe('On an empty database, create the demo producer and events.'),
  TRUSTED_PROXIES: z.string().regex(/^[0-9a-fA-F.:/, ]+$/, 'must be a comma-separated list of IP addresses or CIDR ranges').optional()
    .describe('Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated addresses or CIDR ranges). Default: none.'),
  RETENTION_IP_DAYS: z.string().trim().regex(/^\d+$/, 'must be a whole number of days').transform(Number).pipe(z.number().min(1).max(3650)).default(90)
    .describe('Days after an order or log-in that its IP address, ISP and ASN are erased.'),
  RETENTION_BUYER_MONTHS: z.string().trim().regex(/^\d+$/, 'must be a whole number of months').transform(Number).pipe(z.number().min(1).max(120)).default(24)
    .describe("Months after an event's last performance that its buyers' personal data is anonymised (orders are kept, anonymised, for accounting)."),
  RETENTION_ABANDONED_DAYS: z.string().trim().regex(/^\d+$/, 'must be a whole number of days').transform(Number).pipe(z.number().min(1).max(3650)).default(30)
    .describe('Days after which abandoned holds, unpaid orders and sent outbox mail are deleted.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…) or restricted key (rk_…)').optional()
    .describe('Stripe secret key. With STRIPE_WEBHOOK_SECRET, buyers pay on Stripe Checkout instead of the built-in test provider.'),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=_-]+$/, 'must be a Stripe webhook signing secret (whsec_…)').optional()
    .describe('Signing secret of the Stripe webhook endpoint, to verify the events Stripe posts.'),
  FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: perHour(10).describe('New orders allowed from one IP address in an hour; the next is refused at checkout.'),
  FRAUD_MAX_ORDERS_PER_EMAIL_PER_HOUR: perHour(5).describe('New orders allowed with one email address in an hour.'),
  FRAUD_MAX_ORDERS_PER_ASN_PER_HOUR: perHour(200).describe('New orders allowed from one network (ASN) in an hour.'),
  FRAUD_MAX_FAILED_PAYMENTS_PER_IP_PER_HOUR: perHour(5).describe('Failed payments from one IP address in an hour after which its checkouts are refused (card testing).'),
  FRAUD_HOSTING_NETWORKS: z.enum(['flag', 'refuse']).default('flag')
    .describe('What to do with an order from a hosting or data-centre network: flag it for the producer to review, or refuse it.'),
  FRAUD_HOSTING_ASNS: z.string().regex(/^[0-9, ]+$/, 'must be a comma-separated list of AS numbers').optional()
    .describe('More AS numbers to treat as hosting networks, on top of the built-in list (comma-separated).'),
  RATE_LIMIT_PER_MINUTE: perMinute(30).describe('Requests per minute from one IP address to place a hold, check out, or open an order page.'),
  RATE_LIMIT_LOGIN_PER_MINUTE: perMinute(10).describe('Log-in attempts per minute from one IP address (also sign-ups, passkey log-ins, and verification and invitation links).'),
  REDIS_URL: url(['redis:', 'rediss:']).optional().describe('Redis for the rate-limit counters and the waiting rooms, shared by every instance. When absent, each instance keeps them in memory.'),
  WAITING_ROOM_REFRESH_SECONDS: z.string().trim().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number).pipe(z.number().min(1).max(300)).default(20)
    .describe("How often a waiting room's page reloads itself to show the buyer's place (each reload is one O(1) poll)."),
  TLS_CERT_FILE: z.string().min(1).optional()
    .describe('PEM file of the HTTPS certificate (with its intermediates). Without it, a development CA and a certificate for localhost are generated in DATA_DIR/tls.'),
  TLS_KEY_FILE: z.string().min(1).optional().describe('PEM file of the private key of TLS_CERT_FILE.'),
  TLS_BEHIND_PROXY: boolish.default(false)
    .describe('Serve plain HTTP to a reverse proxy that terminates TLS (named in TRUSTED_PROXIES); requests it did not receive over HTTPS are redirected.'),
  HTTP_PORT: z.string().trim().regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535').transform(Number).pipe(z.number().max(65535, 'must be a port number from 0 to 65535')).optional()
    .describe('Port of the plain-HTTP listener that redirects every request to HTTPS. Default PORT+80 (80 when PORT is 443, any free port when PORT is 0).'),
});

export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  host: string;
  port: number;
  baseUrl: string;
  mail: { kind: 'smtp'; url: string; from: string } | { kind: 'dev-outbox'; from: string };
  /** The dev mailbox page is served only without SMTP and only when the box office runs on this machine. */
  devMailbox: boolean;
  secret: { kind: 'value'; value: string } | { kind: 'file'; path: string };
  holdMinutes: number;
  /** Whether this process sends the outbox's mail (SEND_MAIL). */
  sendMail: boolean;
  seedDemo: boolean;
  logLevel: Settings['LOG_LEVEL'];
  /** Proxies whose forwarding headers are believed; the client IP and protocol come from them only. */
  trustedProxies: string[];
  /** How long personal data is kept (the privacy page shows these; the retention job applies them). */
  retention: { ipDays: number; buyerDataMonths: number; abandonedDays: number };
  payments: { kind: 'stripe'; secretKey: string; webhookSecret: string } | { kind: 'test' };
  /** The fraud rules at checkout (ADR 0008). */
  fraud: FraudPolicy;
  /** Requests per minute per client IP; counted in Redis when a URL is given, else in memory. */
  rateLimit: { perMinute: number; logInPerMinute: number; redisUrl: string | null };
  /** The waiting room (ADR 0012): its queue lives in Redis with rateLimit.redisUrl, else in memory. */
  waitingRoom: { refreshSeconds: number };
  /**
   * How HTTPS is served: with the operator's certificate files, with the generated development
   * certificate (in `dir`), or by a reverse proxy in front. The first two also listen on `httpPort`
   * to redirect plain HTTP.
   */
  tls:
    | { kind: 'files'; certFile: string; keyFile: string; httpPort: number }
    | { kind: 'dev'; dir: string; httpPort: number }
    | { kind: 'proxy' };
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most shells' `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in settingsSchema.shape && v !== undefined && v.trim() !== ''));
  const parsed = settingsSchema.safeParse(present);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  // Stripe needs both: the key to open sessions, the signing secret to believe its webhooks.
  const hasKey = 'STRIPE_SECRET_KEY' in present;
  if (hasKey !== ('STRIPE_WEBHOOK_SECRET' in present)) {
    const [missing, given] = hasKey ? ['STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_KEY'] : ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'];
    lines.push(`  ${missing}: is needed with ${given}: set both to take payments with Stripe, or neither to use the built-in test provider`);
  }
  if (('TLS_CERT_FILE' in present) !== ('TLS_KEY_FILE' in present)) {
    const [missing, given] = 'TLS_CERT_FILE' in present ? ['TLS_KEY_FILE', 'TLS_CERT_FILE'] : ['TLS_CERT_FILE', 'TLS_KEY_FILE'];
    lines.push(`  ${missing}: is needed with ${given}: set both to serve HTTPS with your certificate, or neither for the development one`);
  }
  if (!parsed.success || lines.length > 0) throw new ConfigError(`Invalid settings:\n${lines.join('\n')}`);
  const s = parsed.data;
  const dataDir = resolve(s.DATA_DIR);
  const tls = tlsFrom(s, dataDir);
  const baseUrl = (s.BASE_URL ?? `${tls.kind === 'proxy' ? 'http' : 'https'}://localhost:${s.PORT}`).replace(/\/+$/, '');
  return {
    database: s.DATABASE_URL ? { kind: 'postgres', url: s.DATABASE_URL } : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    host: s.HOST,
    port: s.PORT,
    baseUrl,
    mail: s.SMTP_URL ? { kind: 'smtp', url: s.SMTP_URL, from: s.MAIL_FROM } : { kind: 'dev-outbox', from: s.MAIL_FROM },
    devMailbox: !s.SMTP_URL && isLoopbackUrl(s.BASE_URL ?? 'http://localhost'),
    secret: s.SECRET_KEY ? { kind: 'value', value: s.SECRET_KEY } : { kind: 'file', path: resolve(s.SECRET_KEY_FILE ?? resolve(dataDir, 'secret.key')) },
    holdMinutes: s.HOLD_MINUTES,
    sendMail: s.SEND_MAIL,
    seedDemo: s.SEED_DEMO,
    logLevel: s.LOG_LEVEL,
    trustedProxies: (s.TRUSTED_PROXIES ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    retention: { ipDays: s.RETENTION_IP_DAYS, buyerDataMonths: s.RETENTION_BUYER_MONTHS, abandonedDays: s.RETENTION_ABANDONED_DAYS },
    payments: s.STRIPE_SECRET_KEY && s.STRIPE_WEBHOOK_SECRET
      ? { kind: 'stripe', secretKey: s.STRIPE_SECRET_KEY, webhookSecret: s.STRIPE_WEBHOOK_SECRET }
      : { kind: 'test' },
    fraud: {
      maxOrdersPerIpPerHour: s.FRAUD_MAX_ORDERS_PER_IP_PER_HOUR, maxOrdersPerEmailPerHour: s.FRAUD_MAX_ORDERS_PER_EMAIL_PER_HOUR,
      maxOrdersPerAsnPerHour: s.FRAUD_MAX_ORDERS_PER_ASN_PER_HOUR, maxFailedPaymentsPerIpPerHour: s.FRAUD_MAX_FAILED_PAYMENTS_PER_IP_PER_HOUR,
      hostingNetworks: s.FRAUD_HOSTING_NETWORKS,
      extraHostingAsns: (s.FRAUD_HOSTING_ASNS ?? '').split(',').map((x) => x.trim()).filter(Boolean).map(Number),
    },
    rateLimit: { perMinute: s.RATE_LIMIT_PER_MINUTE, logInPerMinute: s.RATE_LIMIT_LOGIN_PER_MINUTE, redisUrl: s.REDIS_URL ?? null },
    waitingRoom: { refreshSeconds: s.WAITING_ROOM_REFRESH_SECONDS },
    tls,
  };
}

function tlsFrom(s: Settings, dataDir: string): Config['tls'] {
  const fail = (message: string) => {
    throw new ConfigError(`Invalid settings:\n  ${message}`);
  };
  if (s.TLS_BEHIND_PROXY) {
    if (s.TLS_CERT_FILE) fail('TLS_BEHIND_PROXY: the reverse proxy holds the certificate: set TLS_CERT_FILE and TLS_KEY_FILE, or TLS_BEHIND_PROXY, not both');
    // Without a trusted proxy no request is ever seen as HTTPS, and an https box office would redirect forever.
    if (s.BASE_URL?.startsWith('https:') && !s.TRUSTED_PROXIES) fail('TLS_BEHIND_PROXY: needs TRUSTED_PROXIES, the address of the proxy whose X-Forwarded-Proto is believed');
    return { kind: 'proxy' };
  }
  const httpPort = s.HTTP_PORT ?? (s.PORT === 0 ? 0 : s.PORT === 443 ? 80 : s.PORT + 80 <= 65535 ? s.PORT + 80 : s.PORT - 80);
  if (httpPort !== 0 && httpPort === s.PORT) fail('HTTP_PORT: must differ from PORT');
  return s.TLS_CERT_FILE && s.TLS_KEY_FILE
    ? { kind: 'files', certFile: resolve(s.TLS_CERT_FILE), keyFile: resolve(s.TLS_KEY_FILE), httpPort }
    : { kind: 'dev', dir: resolve(dataDir, 'tls'), httpPort };
}

/** The process's own environment: the one place in src that reads it. */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env);
}
