import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');
const LISTENING = 'serve-app: listening';

export interface AppProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  /** SIGKILL: no goodbye, requests in flight are cut off. */
  kill(): void;
  /** SIGTERM, then waits for the process to exit (bounded; SIGKILL after `ms`). */
  stop(ms?: number): Promise<void>;
  /** What the process wrote on stderr (its last 64 kB), for a failure message. */
  stderr(): string;
}

/**
 * Starts one app process (`scripts/serve-app.ts`, the real app over plain HTTP with its expiry sweeper)
 * on `databaseUrl` and waits (bounded) for its port. Unlike startAppProcesses (appProcesses.ts), each
 * process is its own handle, so a test can kill one of them.
 * Buyers reach it over plain HTTP on 127.0.0.1; it trusts 127.0.0.1 as a proxy, so a load
 * generator can give each simulated buyer its own client address in X-Forwarded-For.
 */
export async function startAppProcess(opts: {
  databaseUrl: string; secretKey?: string; env?: Record<string, string>; startMs?: number;
  /** Extra options for node, e.g. ['--cpu-prof'] to see where a process spends its time. */
  nodeOptions?: string[];
}): Promise<AppProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: opts.databaseUrl, HOST: '127.0.0.1', PORT: '0', BASE_URL: 'http://127.0.0.1',
    TLS_BEHIND_PROXY: 'true', TRUSTED_PROXIES: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'warn',
    SECRET_KEY: opts.secretKey ?? randomBytes(32).toString('base64url'),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'marquee-app-')),
    ...opts.env,
  };
  const child = spawn(process.execPath, [...(opts.nodeOptions ?? []), '--import', 'tsx', join(ROOT, 'scripts/serve-app.ts')], {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString('utf8')).slice(-65_536);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started process behind
      reject(new Error(`app process did not start within ${opts.startMs ?? 120_000} ms: ${err}`));
    }, opts.startMs ?? 120_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith(LISTENING)) {
        clearTimeout(timer);
        resolve(Number(line.slice(LISTENING.length + 1)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app process exited (${code}) before listening: ${err}`));
    });
  });
  return {
    port, pid: child.pid!, child,
    kill: () => child.kill('SIGKILL'),
    async stop(ms = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    },
    stderr: () => err,
  };
}

/** Starts `count` processes; if one fails to start, stops those that did, then throws. */
export async function startKillableAppProcesses(count: number, opts: Parameters<typeof startAppProcess>[0]): Promise<AppProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startAppProcess(opts)));
  const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((a) => a.stop()));
    throw failed.reason;
  }
  return up;
}
