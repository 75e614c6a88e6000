import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** Runs loadConfig expecting a ConfigError and returns its message. */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).name).toBe('ConfigError');
    return (e as Error).message;
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to throw`);
}

const STRIPE_KEY = 'sk_test_51HxYzAbCdEfGhIjKlMnOpQrStUv';
const STRIPE_WHSEC = 'whsec_5Ab9+cD/eF0gH1iJ2kL3mN4oP5qR6sT=';

describe('loadConfig defaults', () => {
  it('gives a working local setup for an empty environment', () => {
    const config = loadConfig({});
    const dataDir = resolve('./data');
    expect(config).toEqual({
      database: { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
      dataDir,
      host: '127.0.0.1',
      port: 3000,
      baseUrl: 'https://localhost:3000',
      mail: { kind: 'dev-outbox', from: 'Marquee <tickets@marquee.localhost>' },
      devMailbox: true,
      secret: { kind: 'file', path: resolve(dataDir, 'secret.key') },
      holdMinutes: 10,
      sendMail: true,
      seedDemo: true,
      logLevel: 'info',
      payments: { kind: 'test' },
      trustedProxies: [],
      retention: { ipDays: 90, buyerDataMonths: 24, abandonedDays: 30 },
      fraud: { maxOrdersPerIpPerHour: 10, maxOrdersPerEmailPerHour: 5, maxOrdersPerAsnPerHour: 200, maxFailedPaymentsPerIpPerHour: 5, hostingNetworks: 'flag', extraHostingAsns: [] },
      rateLimit: { perMinute: 30, logInPerMinute: 10, redisUrl: null },
      waitingRoom: { refreshSeconds: 20 },
      tls: { kind: 'dev', dir: resolve(dataDir, 'tls'), httpPort: 3080 },
    });
  });

  it('reads the fraud rules and rate limits, and refuses nonsense in them', () => {
    const c = loadConfig({
      FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '3', FRAUD_MAX_ORDERS_PER_EMAIL_PER_HOUR: '2', FRAUD_MAX_ORDERS_PER_ASN_PER_HOUR: '50',
      FRAUD_MAX_FAILED_PAYMENTS_PER_IP_PER_HOUR: '4', FRAUD_HOSTING_NETWORKS: 'refuse', FRAUD_HOSTING_ASNS: '64500, 64501',
      RATE_LIMIT_PER_MINUTE: '12', RATE_LIMIT_LOGIN_PER_MINUTE: '3', REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c.fraud).toEqual({ maxOrdersPerIpPerHour: 3, maxOrdersPerEmailPerHour: 2, maxOrdersPerAsnPerHour: 50, maxFailedPaymentsPerIpPerHour: 4, hostingNetworks: 'refuse', extraHostingAsns: [64500, 64501] });
    expect(c.rateLimit).toEqual({ perMinute: 12, logInPerMinute: 3, redisUrl: 'redis://127.0.0.1:6379' });
    expect(() => loadConfig({ FRAUD_MAX_ORDERS_PER_IP_PER_HOUR: '0' })).toThrow(/FRAUD_MAX_ORDERS_PER_IP_PER_HOUR/);
    expect(() => loadConfig({ FRAUD_HOSTING_NETWORKS: 'ignore' })).toThrow(/FRAUD_HOSTING_NETWORKS/);
    expect(() => loadConfig({ FRAUD_HOSTING_ASNS: 'AS16509' })).toThrow(/comma-separated list of AS numbers/);
    expect(() => loadConfig({ RATE_LIMIT_LOGIN_PER_MINUTE: 'ten' })).toThrow(/whole number per minute/);
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
    expect(loadConfig({ WAITING_ROOM_REFRESH_SECONDS: '5' }).waitingRoom).toEqual({ refreshSeconds: 5 });
    expect(() => loadConfig({ WAITING_ROOM_REFRESH_SECONDS: '0' })).toThrow(/WAITING_ROOM_REFRESH_SECONDS/);
  });

  it('serves the dev mailbox only without SMTP and on a loopback base URL', () => {
    expect(loadConfig({ BASE_URL: 'http://127.0.0.1:4000' }).devMailbox).toBe(true);
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.org:587' }).devMailbox).toBe(false);
    expect(loadConfig({ BASE_URL: 'https://tickets.example.org' }).devMailbox).toBe(false);
    expect(loadConfig({ BASE_URL: 'http://localhost.evil.example' }).devMailbox).toBe(false);
  });

  it('resolves paths to absolute ones', () => {
    const config = loadConfig({});
    expect(config.dataDir).toBe(resolve(process.cwd(), 'data'));
    expect(config.database.kind === 'pglite' && config.database.dataDir.startsWith(`${config.dataDir}`)).toBe(true);
    expect(config.secret.kind === 'file' && config.secret.path.startsWith(config.dataDir)).toBe(true);
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production' })).toEqual(loadConfig({}));
  });

  it('treats empty and undefined variables as unset', () => {
    const empty = loadConfig({
      DATABASE_URL: '',
      DATA_DIR: '',
      HOST: '',
      PORT: '',
      BASE_URL: '',
      SMTP_URL: '',
      MAIL_FROM: '',
      SECRET_KEY: '',
      SECRET_KEY_FILE: '',
      HOLD_MINUTES: '',
      SEED_DEMO: '',
      LOG_LEVEL: '',
      STRIPE_SECRET_KEY: '',
      STRIPE_WEBHOOK_SECRET: '',
    });
    expect(empty).toEqual(loadConfig({}));
    expect(loadConfig({ PORT: undefined, DATABASE_URL: undefined })).toEqual(loadConfig({}));
  });
});

describe('loadConfig settings', () => {
  it('uses PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const url = 'postgres://marquee:secret@db.internal:5432/marquee';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    const alt = 'postgresql://db.internal/marquee';
    expect(loadConfig({ DATABASE_URL: alt }).database).toEqual({ kind: 'postgres', url: alt });
  });

  it('keeps state under DATA_DIR, resolved', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/marquee' });
    expect(config.dataDir).toBe('/var/lib/marquee');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/var/lib/marquee/pglite' });
    expect(config.secret).toEqual({ kind: 'file', path: '/var/lib/marquee/secret.key' });
    expect(loadConfig({ DATA_DIR: 'state' }).dataDir).toBe(resolve('state'));
  });

  it('reads PORT and uses it in the default base URL', () => {
    const config = loadConfig({ PORT: '8080' });
    expect(config.port).toBe(8080);
    expect(config.baseUrl).toBe('https://localhost:8080');
  });

  it('accepts the port boundaries', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('uses BASE_URL without trailing slashes', () => {
    expect(loadConfig({ BASE_URL: 'https://tickets.example.org/' }).baseUrl).toBe('https://tickets.example.org');
    expect(loadConfig({ BASE_URL: 'https://example.org/box-office//' }).baseUrl).toBe('https://example.org/box-office');
    expect(loadConfig({ BASE_URL: 'https://example.org/box-office' }).baseUrl).toBe('https://example.org/box-office');
  });

  it('BASE_URL wins over PORT for links', () => {
    const config = loadConfig({ BASE_URL: 'https://tickets.example.org', PORT: '8080' });
    expect(config.baseUrl).toBe('https://tickets.example.org');
    expect(config.port).toBe(8080);
  });

  it('sends mail over SMTP when SMTP_URL is set', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.org:587', MAIL_FROM: 'Box Office <bo@example.org>' }).mail).toEqual({
      kind: 'smtp',
      url: 'smtp://mail.example.org:587',
      from: 'Box Office <bo@example.org>',
    });
    expect(loadConfig({ SMTP_URL: 'smtps://mail.example.org' }).mail.kind).toBe('smtp');
  });

  it('takes the secret from SECRET_KEY, else from SECRET_KEY_FILE', () => {
    const key = 'a'.repeat(43);
    expect(loadConfig({ SECRET_KEY: key }).secret).toEqual({ kind: 'value', value: key });
    expect(loadConfig({ SECRET_KEY_FILE: '/run/secrets/marquee' }).secret).toEqual({ kind: 'file', path: '/run/secrets/marquee' });
    expect(loadConfig({ SECRET_KEY_FILE: 'secret.key' }).secret).toEqual({ kind: 'file', path: resolve('secret.key') });
    expect(loadConfig({ SECRET_KEY: key, SECRET_KEY_FILE: '/run/secrets/marquee' }).secret.kind).toBe('value');
  });

  it('reads HOLD_MINUTES within 1..120', () => {
    expect(loadConfig({ HOLD_MINUTES: '15' }).holdMinutes).toBe(15);
    expect(loadConfig({ HOLD_MINUTES: '1' }).holdMinutes).toBe(1);
    expect(loadConfig({ HOLD_MINUTES: '120' }).holdMinutes).toBe(120);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads SEED_DEMO=%s as %s', (value, expected) => {
    expect(loadConfig({ SEED_DEMO: value }).seedDemo).toBe(expected);
  });

  it('takes payments with Stripe when both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set', () => {
    expect(loadConfig({ STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC }).payments).toEqual({
      kind: 'stripe',
      secretKey: STRIPE_KEY,
      webhookSecret: STRIPE_WHSEC,
    });
    expect(loadConfig({ STRIPE_SECRET_KEY: 'rk_live_51AbC', STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC }).payments.kind).toBe('stripe');
  });

  it('uses the built-in test provider when neither Stripe setting is set', () => {
    expect(loadConfig({}).payments).toEqual({ kind: 'test' });
  });

  it('reads HOST and LOG_LEVEL', () => {
    const config = loadConfig({ HOST: '0.0.0.0', LOG_LEVEL: 'debug' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('debug');
  });
});

describe('loadConfig errors', () => {
  it.each(['abc', '70000', '-1', '80.5', '65536'])('rejects PORT=%j, naming PORT', (value) => {
    const message = configError({ PORT: value });
    expect(message).toMatch(/^ {2}PORT: /m);
  });

  it.each(['mysql://db/marquee', 'http://db/marquee', 'not a url', '/var/run/postgresql'])(
    'rejects DATABASE_URL=%j, naming DATABASE_URL',
    (value) => {
      const message = configError({ DATABASE_URL: value });
      expect(message).toMatch(/^ {2}DATABASE_URL: /m);
      expect(message).toContain('postgres:');
    },
  );

  it.each(['0', '121', 'ten', '2.5', '-5'])('rejects HOLD_MINUTES=%j, naming HOLD_MINUTES', (value) => {
    const message = configError({ HOLD_MINUTES: value });
    expect(message).toMatch(/^ {2}HOLD_MINUTES: /m);
  });

  it('rejects other bad values, naming each variable', () => {
    expect(configError({ BASE_URL: 'ftp://example.org' })).toMatch(/^ {2}BASE_URL: /m);
    expect(configError({ BASE_URL: 'example.org' })).toMatch(/^ {2}BASE_URL: /m);
    expect(configError({ SMTP_URL: 'http://mail.example.org' })).toMatch(/^ {2}SMTP_URL: /m);
    expect(configError({ SECRET_KEY: 'too-short' })).toMatch(/^ {2}SECRET_KEY: /m);
    expect(configError({ SECRET_KEY: `${'a'.repeat(42)}=` })).toMatch(/^ {2}SECRET_KEY: /m);
    expect(configError({ SEED_DEMO: 'maybe' })).toMatch(/^ {2}SEED_DEMO: /m);
    expect(configError({ LOG_LEVEL: 'verbose' })).toMatch(/^ {2}LOG_LEVEL: /m);
    expect(configError({ MAIL_FROM: 'x' })).toMatch(/^ {2}MAIL_FROM: /m);
  });

  it('lists every invalid variable at once', () => {
    const message = configError({ PORT: 'abc', HOLD_MINUTES: '0', DATABASE_URL: 'mysql://x' });
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toMatch(/^ {2}PORT: /m);
    expect(message).toMatch(/^ {2}HOLD_MINUTES: /m);
    expect(message).toMatch(/^ {2}DATABASE_URL: /m);
  });

  it('does not echo the rejected value of a secret', () => {
    const message = configError({ SECRET_KEY: 'hunter2-is-my-password' });
    expect(message).not.toContain('hunter2');
    const stripe = configError({ STRIPE_SECRET_KEY: 'pk_live_hunter2', STRIPE_WEBHOOK_SECRET: 'hunter3' });
    expect(stripe).toMatch(/^ {2}STRIPE_SECRET_KEY: /m);
    expect(stripe).toMatch(/^ {2}STRIPE_WEBHOOK_SECRET: /m);
    expect(stripe).not.toMatch(/hunter/);
  });

  it.each([
    [{ STRIPE_SECRET_KEY: STRIPE_KEY }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC }, 'STRIPE_SECRET_KEY'],
    [{ STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: ' ' }, 'STRIPE_WEBHOOK_SECRET'],
  ])('refuses one Stripe setting without the other (%j), naming the missing one', (env, missing) => {
    const message = configError(env);
    expect(message).toMatch(new RegExp(`^ {2}${missing}: is needed with`, 'm'));
    expect(message).toContain('set both');
    expect(message).not.toContain(STRIPE_KEY);
  });

  it.each([
    ['a publishable key', { STRIPE_SECRET_KEY: 'pk_test_51HxYz', STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC }, 'STRIPE_SECRET_KEY'],
    ['a key of no mode', { STRIPE_SECRET_KEY: 'sk_51HxYz', STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC }, 'STRIPE_SECRET_KEY'],
    ['the key in the secret\'s place', { STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: STRIPE_KEY }, 'STRIPE_WEBHOOK_SECRET'],
  ])('refuses %s, naming the variable', (_what, env, variable) => {
    expect(configError(env)).toMatch(new RegExp(`^ {2}${variable}: must be`, 'm'));
  });

  it('lists a missing Stripe setting with the other invalid variables', () => {
    const message = configError({ PORT: 'abc', STRIPE_SECRET_KEY: STRIPE_KEY });
    expect(message).toMatch(/^ {2}PORT: /m);
    expect(message).toMatch(/^ {2}STRIPE_WEBHOOK_SECRET: /m);
  });
});

describe('trusted proxies', () => {
  it('reads them as a list, and refuses anything that is not an address', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,::1' }).trustedProxies).toEqual(['10.0.0.1', '192.168.0.0/16', '::1']);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.example.org' })).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('retention periods', () => {
  it('default to 90 days for IP data, 24 months for buyer data, 30 days for abandoned baskets, and can be set', () => {
    expect(loadConfig({ RETENTION_IP_DAYS: '30', RETENTION_BUYER_MONTHS: '6', RETENTION_ABANDONED_DAYS: '7' }).retention).toEqual({ ipDays: 30, buyerDataMonths: 6, abandonedDays: 7 });
    expect(() => loadConfig({ RETENTION_IP_DAYS: '0' })).toThrow(/RETENTION_IP_DAYS/);
    expect(() => loadConfig({ RETENTION_BUYER_MONTHS: 'forever' })).toThrow(/RETENTION_BUYER_MONTHS/);
  });
});

describe('TLS', () => {
  it('serves HTTPS with a generated development certificate by default, redirecting HTTP from PORT+80', () => {
    expect(loadConfig({ PORT: '8443', DATA_DIR: 'state' }).tls).toEqual({ kind: 'dev', dir: resolve('state', 'tls'), httpPort: 8523 });
    expect(loadConfig({ PORT: '443' }).tls).toMatchObject({ httpPort: 80 });
    expect(loadConfig({ PORT: '0' }).tls).toMatchObject({ httpPort: 0 });
    expect(loadConfig({ PORT: '65535' }).tls).toMatchObject({ httpPort: 65455 });
    expect(loadConfig({ PORT: '8443', HTTP_PORT: '8080' }).tls).toMatchObject({ httpPort: 8080 });
    expect(() => loadConfig({ PORT: '8443', HTTP_PORT: '8443' })).toThrow(/HTTP_PORT: must differ from PORT/);
    expect(() => loadConfig({ HTTP_PORT: '70000' })).toThrow(/HTTP_PORT/);
  });

  it('takes the certificate and key from files, both or neither', () => {
    expect(loadConfig({ TLS_CERT_FILE: 'tls/cert.pem', TLS_KEY_FILE: 'tls/key.pem' }).tls).toEqual({
      kind: 'files', certFile: resolve('tls/cert.pem'), keyFile: resolve('tls/key.pem'), httpPort: 3080,
    });
    expect(configError({ TLS_CERT_FILE: 'tls/cert.pem' })).toMatch(/^ {2}TLS_KEY_FILE: is needed with TLS_CERT_FILE/m);
    expect(configError({ TLS_KEY_FILE: 'tls/key.pem' })).toMatch(/^ {2}TLS_CERT_FILE: is needed with TLS_KEY_FILE/m);
  });

  it('serves plain HTTP behind a TLS-terminating proxy, which must be a trusted one when the base URL is https', () => {
    const behind = loadConfig({ TLS_BEHIND_PROXY: 'true', TRUSTED_PROXIES: '10.0.0.2', BASE_URL: 'https://tickets.example.org' });
    expect(behind.tls).toEqual({ kind: 'proxy' });
    expect(behind.baseUrl).toBe('https://tickets.example.org');
    expect(loadConfig({ TLS_BEHIND_PROXY: 'true', PORT: '8080' }).baseUrl).toBe('http://localhost:8080');
    expect(configError({ TLS_BEHIND_PROXY: 'true', BASE_URL: 'https://tickets.example.org' })).toMatch(/TLS_BEHIND_PROXY: needs TRUSTED_PROXIES/);
    expect(configError({ TLS_BEHIND_PROXY: 'true', TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' })).toMatch(/TLS_BEHIND_PROXY: .*not both/);
  });
});
