import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The dependency rule of docs/ARCHITECTURE.md, checked on every import in src. */
const SRC = join(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function imports(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(['"]([^'"]+)['"]\)/g)].map((m) => m[1]!);
}

/** The layer of an import, seen from `from`: a folder of src, 'node' for builtins, 'package' otherwise. */
function layerOf(from: string, spec: string): string {
  if (spec.startsWith('node:')) return 'node';
  if (!spec.startsWith('.')) return `package:${spec}`;
  const target = relative(SRC, join(from, '..', spec));
  return target.split('/')[0]!.replace(/\.tsx?$/, '');
}

const layer = (path: string) => relative(SRC, path).split('/')[0]!.replace(/\.tsx?$/, '');
const all = files(SRC).map((path) => ({ path: relative(SRC, path), layer: layer(path), deps: imports(path).map((s) => ({ spec: s, layer: layerOf(path, s) })) }));

describe('the dependency rule', () => {
  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('domain imports nothing but domain and node builtins', () => {
    const bad = all.filter((f) => f.layer === 'domain').flatMap((f) => f.deps.filter((d) => !['domain', 'node'].includes(d.layer)).map((d) => `${f.path} → ${d.spec}`));
    expect(bad).toEqual([]);
  });

  it('app imports only domain, app and node builtins: no framework, no database', () => {
    const bad = all.filter((f) => f.layer === 'app').flatMap((f) => f.deps.filter((d) => !['domain', 'app', 'node'].includes(d.layer)).map((d) => `${f.path} → ${d.spec}`));
    expect(bad).toEqual([]);
  });

  it('adapters never import http, web, config or main', () => {
    const bad = all.filter((f) => f.layer === 'adapters').flatMap((f) => f.deps.filter((d) => ['http', 'web', 'config', 'main', 'start'].includes(d.layer)).map((d) => `${f.path} → ${d.spec}`));
    expect(bad).toEqual([]);
  });

  it('http and web know no SQL: no database driver, no db adapter', () => {
    const sqlish = (d: { spec: string; layer: string }) => /^package:(kysely|pg|@electric-sql\/pglite)/.test(d.layer) || /adapters\/db\//.test(d.spec);
    const bad = all.filter((f) => f.layer === 'http' || f.layer === 'web').flatMap((f) => f.deps.filter(sqlish).map((d) => `${f.path} → ${d.spec}`));
    expect(bad).toEqual([]);
  });

  it('only config.ts reads process.env', () => {
    const readers = all.filter((f) => readFileSync(join(SRC, f.path), 'utf8').includes('process.env')).map((f) => f.path);
    expect(readers).toEqual(['config.ts']);
  });
});
