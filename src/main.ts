import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Db, migrate, openDatabase } from './adapters/db/connect.ts';
import { isEmpty, seedDemo } from './adapters/db/seed.ts';
import { kyselyStore } from './adapters/db/store.ts';
import { asnIndexIn, offlineIpInfo } from './adapters/geoip/ipInfo.ts';
import { keysFromSecret, loadOrCreateSecret } from './adapters/keys/keys.ts';
import { scryptHasher } from './adapters/keys/passwords.ts';
import { createLogger } from './adapters/log.ts';
import { devOutboxMailer, devOutboxReader } from './adapters/mail/devOutbox.ts';
import { smtpMailer } from './adapters/mail/smtp.ts';
import { type TestProvider, testProvider } from './adapters/payments/testProvider.ts';
import { pdfkitTickets } from './adapters/pdf/ticketPdf.ts';
import { pdfkitReceipts } from './adapters/pdf/receiptPdf.ts';
import { STRIPE_CHECKOUT_ORIGIN, stripeProvider } from './adapters/payments/stripe.ts';
import type { AppDeps } from './app/deps.ts';
import { dispatchMails } from './app/mail.ts';
import { reconcilePayments } from './app/reconcile.ts';
import { applyRetention } from './app/retention.ts';
import type { Clock, Mailer, PaymentProvider } from './app/ports.ts';
import { type Config, ConfigError, loadConfigFromProcess } from './config.ts';
import { buildServer } from './http/server.ts';
import { buildAssets } from './web/assets.ts';
import { recordPrivacyVersion } from './adapters/privacy/versionLog.ts';
import { collectedFields, DISCLOSURE_POLICY, type FieldPurposes, IP_AND_ISP_USE, type PrivacyFacts, privacyFactsHash, processorsOf } from './domain/privacy.ts';
import { COOKIE_REGISTRY, type CookieRegistry } from './web/cookies.ts';
import { checkoutFieldPurposes, checkoutForm } from './web/forms.ts';
import type { PrivacyPageData } from './web/privacy/page.tsx';

export interface BoxOffice {
  server: FastifyInstance;
  deps: AppDeps;
  db: Db;
  /** The built-in test provider when it is the payment provider (no Stripe settings); tests "pay" through its provider side. */
  testProvider: TestProvider | null;
  close(): Promise<void>;
}

/** Test seams: a test passes its own clock, logger, database or mailer; everything else is the real thing. */
export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  db?: Db;
  mailer?: Mailer;
  /** A payment provider built by the test (e.g. Stripe's adapter pointed at a local Stripe-protocol server). */
  payments?: PaymentProvider;
  /** Prefix of the rate-limit keys in Redis, so that test runs do not count each other's requests. */
  rateLimitNameSpace?: string;
  /** Another cookie registry or other checkout purposes: tests show that the privacy page follows them. */
  cookies?: CookieRegistry;
  checkoutFieldPurposes?: FieldPurposes;
}

/** Builds adapters from config, hands them to the use cases, and builds the HTTP app (not listening). */
export async function assemble(config: Config, overrides: Overrides = {}): Promise<BoxOffice> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock: Clock = overrides.clock ?? { now: () => new Date() };
  const db = overrides.db ?? (await openDatabase(config.database));
  if (!overrides.db) await migrate(db);
  const secret = config.secret.kind === 'value' ? Buffer.from(config.secret.value, 'base64url') : loadOrCreateSecret(config.secret.path);
  const keys = keysFromSecret(secret);
  const test = config.payments.kind === 'test'
    ? testProvider({ db, secret: keys.derive('testpay-callback:v1'), baseUrl: config.baseUrl, now: () => clock.now() })
    : null;
  const payments: PaymentProvider = overrides.payments ?? (config.payments.kind === 'stripe'
    ? stripeProvider({ secretKey: config.payments.secretKey, webhookSecret: config.payments.webhookSecret, now: () => clock.now() })
    : test!);
  const smtp = config.mail.kind === 'smtp' ? smtpMailer(config.mail.url, config.mail.from) : null;
  const mailer = overrides.mailer ?? smtp ?? devOutboxMailer(db, config.mail.from, () => clock.now());
  const deps: AppDeps = {
    store: kyselyStore(db), clock, payments, mailer, pdf: pdfkitTickets(), receiptPdf: pdfkitReceipts(), keys, passwords: scryptHasher(), log: logger,
    settings: { baseUrl: config.baseUrl, holdMinutes: config.holdMinutes, fraud: config.fraud, retention: config.retention },
    ipInfo: offlineIpInfo(geoipCache(config)),
  };
  const redis = config.rateLimit.redisUrl
    ? new Redis(config.rateLimit.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1 })
    : null;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis for rate limits unavailable; requests are not limited meanwhile'));
  const cookies = overrides.cookies ?? COOKIE_REGISTRY;
  const privacy = privacyPage(config, cookies, overrides.checkoutFieldPurposes ?? checkoutFieldPurposes, clock.now());
  const server = await buildServer({
    app: deps, logger, testProvider: test, assets: await buildAssets(),
    // The checkout form's redirect goes to the provider's page, and browsers hold redirects to form-action.
    formActions: config.payments.kind === 'stripe' ? [STRIPE_CHECKOUT_ORIGIN] : [],
    trustedProxies: config.trustedProxies,
    rateLimit: {
      perMinute: config.rateLimit.perMinute, logInPerMinute: config.rateLimit.logInPerMinute, redis,
      nameSpace: overrides.rateLimitNameSpace ?? 'marquee-rate-limit:',
    },
    session: { secureCookies: config.baseUrl.startsWith('https:'), csrfKey: keys.derive('csrf:v1') },
    devOutbox: config.devMailbox ? devOutboxReader(db) : null,
    cookies, privacy,
  });
  return {
    server, deps, db, testProvider: test,
    async close() {
      await server.close();
      // Let a mail dispatch that a request started finish before the database goes away.
      await dispatchMails(deps).catch(() => {});
      smtp?.close();
      redis?.disconnect();
      if (!overrides.db) await db.destroy();
    },
  };
}

/** The ASN index's binary cache, built from the package's CSV on first use. */
function geoipCache(config: Config): string {
  return join(config.dataDir, 'cache');
}

/**
 * The privacy page's facts, from what runs: the checkout schema and its declared purposes, the
 * cookie registry, the configured processors (the SMTP relay by host only) and retention periods.
 * A new set of facts starts a new version in DATA_DIR/privacy-versions.json.
 */
export function privacyPage(config: Config, cookies: CookieRegistry, purposes: FieldPurposes, now: Date): PrivacyPageData {
  const facts: PrivacyFacts = {
    checkoutFields: collectedFields(Object.keys(checkoutForm.shape), purposes),
    // Producers' own checkout questions (issue 6) join here, each with its stated purpose.
    producerQuestions: [],
    cookies: [...cookies],
    processors: processorsOf({ payments: config.payments.kind, smtpHost: config.mail.kind === 'smtp' ? new URL(config.mail.url).host : null }),
    retention: config.retention,
    ipAndIsp: IP_AND_ISP_USE,
    disclosure: DISCLOSURE_POLICY,
  };
  return { facts, version: recordPrivacyVersion(join(config.dataDir, 'privacy-versions.json'), privacyFactsHash(facts), now) };
}

const DEMO_EMAIL = 'demo@marquee.localhost';

/** `npm start`: read config, assemble, seed the demo on an empty database, listen. */
export async function start(): Promise<void> {
  let config: Config;
  try {
    config = loadConfigFromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const box = await assemble(config);
  const { deps, db, server } = box;
  // Load the ASN index now (about 60 ms from its cache; a second or two to build the cache on the very first start), not in a buyer's checkout.
  const geoip = asnIndexIn(geoipCache(config));
  server.log.info({ ipv4Ranges: geoip.ranges.v4, ipv6Ranges: geoip.ranges.v6 }, 'ASN index loaded');
  if (config.seedDemo && (await isEmpty(db))) {
    const login = { email: DEMO_EMAIL, password: randomBytes(9).toString('base64url') };
    await seedDemo(db, deps.passwords, login, deps.clock.now());
    const file = join(config.dataDir, 'demo-login.txt');
    writeFileSync(file, `Demo producer log-in\nemail: ${login.email}\npassword: ${login.password}\n`, { mode: 0o600 });
    server.log.info({ file }, 'demo producer and events created; the log-in is in the file');
  }
  // Background work: send queued mail, and settle payments whose buyers never came back.
  const timer = setInterval(() => void dispatchMails(deps).catch((err) => server.log.error({ err }, 'mail dispatch failed')), 30_000);
  timer.unref();
  const reconciler = setInterval(() => void reconcilePayments(deps).catch((err) => server.log.error({ err }, 'payment reconciliation failed')), 5 * 60_000);
  reconciler.unref();
  // Retention runs daily, and once shortly after start so that a box office restarted every night still applies it.
  const runRetention = () => void applyRetention(deps).catch((err) => server.log.error({ err }, 'retention failed'));
  const retention = setInterval(runRetention, 24 * 3_600_000);
  retention.unref();
  const firstRetention = setTimeout(runRetention, 60_000);
  firstRetention.unref();
  void dispatchMails(deps).catch((err) => server.log.error({ err }, 'mail dispatch failed'));
  await server.listen({ host: config.host, port: config.port });
  const lines = [
    '',
    `  Marquee box office is running: ${config.baseUrl}/`,
    config.seedDemo ? `  Demo producer log-in:          ${config.baseUrl}/login as ${DEMO_EMAIL} (password in ${join(config.dataDir, 'demo-login.txt')})` : '',
    config.devMailbox ? `  Dev mailbox:                   ${config.baseUrl}/dev/mailbox (this machine only)` : '',
    config.mail.kind === 'dev-outbox' && !config.devMailbox ? '  Mail is NOT sent: set SMTP_URL. It is kept in the dev outbox table.' : '',
    `  Database:                      ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    '',
  ];
  process.stdout.write(`${lines.filter((l) => l !== '').join('\n')}\n\n`);
  const stop = async () => {
    clearInterval(timer);
    clearInterval(reconciler);
    clearInterval(retention);
    clearTimeout(firstRetention);
    await box.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
