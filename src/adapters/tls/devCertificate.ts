// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The names the development certificate is valid for: this machine, by name and by address. */
export const DEV_CERTIFICATE_NAMES = { dns: ['localhost'], ip: ['127.0.0.1', '::1'] } as const;

export interface DevCertificate {
  /** PEM of the server certificate and its private key, for the HTTPS listener. */
  cert: string;
  key: string;
  /** The local CA that signed it: tell a browser, curl (--cacert) or testssl.sh (--add-ca) to trust this file. */
  caFile: string;
  caCert: string;
  /** Files (re)written by this call: empty when everything was reused. */
  created: string[];
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
// The CA outlives many server certificates; testssl.sh and browsers want a server certificate to
// live at most 398 days, so it is re-issued from the same CA (still trusted) before it runs out.
const CA_DAYS = 3650;
const SERVER_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;

const FILES = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'server.crt', key: 'server.key' } as const;

/**
 * The development HTTPS certificate, like mkcert: a small local CA and a certificate for
 * localhost, 127.0.0.1 and ::1 signed by it, kept in `dir` (private keys mode 600). Files from an
 * earlier start are reused; a server certificate near its end (or not signed by the CA in `dir`)
 * is re-issued from the same CA, so a client told once to trust the CA keeps trusting it.
 */
export async function loadOrCreateDevCertificate(dir: string, now: Date = new Date()): Promise<DevCertificate> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);
  const created: string[] = [];

  let ca: { cert: x509.X509Certificate; keys: CryptoKeyPair };
  if (existsSync(path('caCert')) && existsSync(path('caKey'))) {
    const cert = new x509.X509Certificate(readFileSync(path('caCert'), 'utf8'));
    ca = { cert, keys: { publicKey: await cert.publicKey.export(ALGORITHM, ['verify']), privateKey: await importKey(readFileSync(path('caKey'), 'utf8')) } };
  } else {
    ca = await createCa(now);
    writeFile(path('caKey'), await exportKey(ca.keys.privateKey), 0o600);
    writeFile(path('caCert'), ca.cert.toString('pem'), 0o644);
    created.push(path('caKey'), path('caCert'));
  }

  if (!(await reusable(path('cert'), path('key'), ca.cert, now))) {
    const server = await createServerCertificate(ca, now);
    writeFile(path('key'), await exportKey(server.keys.privateKey), 0o600);
    writeFile(path('cert'), server.cert.toString('pem'), 0o644);
    created.push(path('key'), path('cert'));
  }
  return {
    cert: readFileSync(path('cert'), 'utf8'),
    key: readFileSync(path('key'), 'utf8'),
    caFile: path('caCert'),
    caCert: ca.cert.toString('pem'),
    created,
  };
}

async function createCa(now: Date) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ O: ['Marquee development'] }, { CN: [`Marquee development CA ${now.toISOString().slice(0, 10)}`] }],
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function createServerCertificate(ca: { cert: x509.X509Certificate; keys: CryptoKeyPair }, now: Date) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ O: ['Marquee development'] }, { CN: ['localhost'] }],
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...DEV_CERTIFICATE_NAMES.dns.map((value) => ({ type: 'dns' as const, value })),
        ...DEV_CERTIFICATE_NAMES.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { cert, keys };
}

/** An existing server certificate is kept while its key is there, the CA signed it and it has a month left. */
async function reusable(certFile: string, keyFile: string, ca: x509.X509Certificate, now: Date): Promise<boolean> {
  if (!existsSync(certFile) || !existsSync(keyFile)) return false;
  const cert = new x509.X509Certificate(readFileSync(certFile, 'utf8'));
  const signedByCa = await cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
  return signedByCa && cert.notAfter.getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), ALGORITHM, false, ['sign']);
}

/** A positive 16-byte serial number (the top bit clear, so it is not read as negative). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function writeFile(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { mode });
  // writeFileSync's mode applies only to a new file; an old one keeps its bits unless told.
  chmodSync(path, mode);
}
