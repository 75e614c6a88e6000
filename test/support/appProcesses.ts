import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsSchema } from '../../src/config.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface AppProcesses {
  /** One base URL per process, e.g. http://127.0.0.1:41234 */
  urls: string[];
  pids: number[];
  /** SIGTERM to each process (by its own pid), then waits for all of them to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `count` separate app processes (`scripts/serve-app.ts`, the real app over plain HTTP) on one
 * PostgreSQL database, sharing one secret, and waits until each listens. No Marquee setting is
 * inherited from this process (vitest sets BASE_URL=/); `settings` are added to serve-app's defaults.
 */
export async function startAppProcesses(count: number, databaseUrl: string, settings: Record<string, string> = {}): Promise<AppProcesses> {
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-apps-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in settingsSchema.shape)) env[k] = v;
  Object.assign(env, { DATABASE_URL: databaseUrl, SECRET_KEY: randomBytes(32).toString('base64url'), DATA_DIR: dataDir }, settings);
  const children: ChildProcess[] = [];
  const exited = new Map<ChildProcess, Promise<void>>();
  const stop = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all([...exited.values()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const ports = await Promise.all(
      Array.from({ length: count }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve-app.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        exited.set(child, new Promise((resolve) => child.once('exit', () => resolve())));
        return new Promise<number>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            out += chunk.toString('utf8');
            const m = /serve-app: listening (\d+)/.exec(out);
            if (m) resolve(Number(m[1]));
          });
          child.stderr!.on('data', (chunk: Buffer) => {
            err += chunk.toString('utf8');
          });
          child.once('exit', (code) => reject(new Error(`serve-app exited with ${code} before listening: ${err.slice(-2000)}`)));
        });
      }),
    );
    return { urls: ports.map((p) => `http://127.0.0.1:${p}`), pids: children.map((c) => c.pid!), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
