import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export interface Asset { body: string; type: string }

/** Builds the stylesheet and the client islands once, at start; they are served from our own origin. */
export async function buildAssets(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  assets.set('app.css', { body: readFileSync(join(here, 'assets/app.css'), 'utf8'), type: 'text/css; charset=utf-8' });
  assets.set('favicon.svg', { body: readFileSync(join(here, 'assets/favicon.svg'), 'utf8'), type: 'image/svg+xml' });
  const islands = ['holdTimer', 'seatMap', 'passkeys'];
  const result = await build({
    entryPoints: Object.fromEntries(islands.map((n) => [n, join(here, 'islands', `${n}.ts`)])),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  for (const file of result.outputFiles) {
    const name = file.path.split('/').pop()!;
    assets.set(name, { body: file.text, type: 'text/javascript; charset=utf-8' });
  }
  return assets;
}
