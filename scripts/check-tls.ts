import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { assemble, tlsMaterial } from '../src/main.ts';

const USAGE = `Usage: npm run check:tls [-- --full]

Starts a local Marquee over HTTPS on 127.0.0.1 (a free port, a temporary DATA_DIR, embedded
PGlite, the generated development CA and certificate) and runs Debian's testssl.sh against it,
trusting that CA. Nothing leaves 127.0.0.1: no DNS, no OCSP or CRL fetch. Every finding of
severity MEDIUM, HIGH or CRITICAL fails the check, except the few listed as inherent to a local
development CA; so does any protocol older than TLS 1.2 offered. --full runs testssl.sh without --fast. The last line is the summary:

  check-tls: findings=<n> medium_or_worse=<n>

Exit status: 0 none medium or worse, 1 findings, 2 the check could not be done.`;

/**
 * Findings excused by their exact testssl.sh id, each because it is a property of a private
 * development CA on 127.0.0.1, not of Marquee's TLS settings. Production certificates come from a
 * public CA (TLS_CERT_FILE), which gives them.
 */
const EXCUSED: Record<string, string> = {
  // A private CA on a developer's machine runs no OCSP responder and publishes no CRL.
  cert_revocation: 'the development CA has no OCSP responder or CRL to point to',
};

const FAILING = new Set(['MEDIUM', 'HIGH', 'CRITICAL']);

/**
 * Stricter than testssl.sh's own ratings (it rates TLS 1.0 and 1.1 offered as LOW): Marquee serves
 * TLS 1.2 and 1.3 only, so any older protocol offered is rated MEDIUM here.
 */
const MUST_NOT_BE_OFFERED = ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1'];

const finding = z.object({ id: z.string(), severity: z.string(), finding: z.string().default(''), ip: z.string().optional(), port: z.string().optional() });
type Finding = z.infer<typeof finding>;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const args = parseArgs({ options: { full: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (args.values.help) {
    say(USAGE);
    return 0;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-check-tls-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
    const tls = await tlsMaterial(config);
    if (!tls?.caFile) throw new Error('expected the development certificate');
    const box = await assemble(config, { tls });
    try {
      await box.server.listen({ host: '127.0.0.1', port: 0 });
      const port = (box.server.server.address() as AddressInfo).port;
      say(`check-tls: testing https://127.0.0.1:${port}/ with testssl.sh, trusting ${tls.caFile}`);
      const findings = await testssl(port, tls.caFile, dataDir, args.values.full);
      return report(findings);
    } finally {
      await box.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs testssl.sh against 127.0.0.1:port and returns its flat JSON findings. */
async function testssl(port: number, caFile: string, dir: string, full: boolean): Promise<Finding[]> {
  const jsonFile = join(dir, 'testssl.json');
  const argv = [
    '--quiet', '--color', '0', '--warnings', 'off',
    // The target is an address: no DNS lookups at all, and no fetching of OCSP or CRLs (no --phone-out).
    '--nodns', 'none',
    '--add-ca', caFile,
    '--connect-timeout', '10', '--openssl-timeout', '10',
    ...(full ? [] : ['--fast']),
    '--jsonfile', jsonFile,
    `127.0.0.1:${port}`,
  ];
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('testssl', argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('testssl.sh is not installed: apt-get install testssl.sh (the Debian package)') : e));
    child.once('exit', (status) => resolve(status ?? 1));
  });
  say(`check-tls: testssl.sh exited ${code} after ${Math.round((Date.now() - started) / 1000)} s`);
  let text: string;
  try {
    text = readFileSync(jsonFile, 'utf8');
  } catch {
    throw new Error(`testssl.sh wrote no JSON report (exit status ${code})`);
  }
  const findings = z.array(finding).parse(JSON.parse(text));
  const fatal = findings.filter((f) => f.id === 'scanProblem' && f.severity === 'FATAL');
  if (fatal.length > 0) throw new Error(`testssl.sh could not scan: ${fatal.map((f) => f.finding).join('; ')}`);
  return findings;
}

function report(findings: Finding[]): number {
  const policy = findings
    .filter((f) => MUST_NOT_BE_OFFERED.includes(f.id) && !/^not offered/.test(f.finding) && !FAILING.has(f.severity))
    .map((f) => ({ ...f, severity: 'MEDIUM', finding: `${f.finding} (only TLS 1.2 and 1.3 may be offered)` }));
  const worse = [...findings.filter((f) => FAILING.has(f.severity)), ...policy];
  const excused = worse.filter((f) => f.id in EXCUSED);
  const failing = worse.filter((f) => !(f.id in EXCUSED));
  for (const f of excused) say(`check-tls: excused ${f.severity} ${f.id}: ${f.finding} (${EXCUSED[f.id]})`);
  for (const f of failing) say(`check-tls: FAIL ${f.severity} ${f.id}: ${f.finding}`);
  say(`check-tls: findings=${findings.length} medium_or_worse=${failing.length}`);
  return failing.length > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (e: unknown) => {
    say(`check-tls: the check could not be done: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
