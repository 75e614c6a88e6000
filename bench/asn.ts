/**
 * `npm run bench:asn`: how fast the ASN index loads and answers, as ratios against baselines
 * measured in the same run (absolute numbers depend on the machine; the ratios should not).
 *
 * - Load: the binary cache against parsing the package's CSV.
 * - Lookup: the binary search against a plain Map.get of a precomputed answer (the floor: what a
 *   perfect cache would cost) and against a linear scan of the ranges (what a naive lookup costs).
 *
 * Every loop is bounded: a fixed number of lookups over a fixed sample of addresses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asnPackageFiles, indexFromCsv, ipv4ToNumber, loadAsnIndex, parseCsv } from '../src/adapters/geoip/asnIndex.ts';
import { readFileSync } from 'node:fs';

const SAMPLE = 2_000;
const LOOKUPS = 1_000_000;
const SCAN_LOOKUPS = 200;

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const dir = mkdtempSync(join(tmpdir(), 'marquee-asn-bench-'));
try {
  const csv = time(() => indexFromCsv());
  time(() => loadAsnIndex(dir)); // builds the cache
  const cached = time(() => loadAsnIndex(dir));
  const index = cached.value;

  // A deterministic sample of addresses: a linear congruential sequence over IPv4, plus some IPv6.
  const ips: string[] = [];
  let x = 12345;
  for (let i = 0; i < SAMPLE; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    ips.push(i % 10 === 0 ? `2a0${i % 9}:${(x & 0xffff).toString(16)}::${(x >>> 16).toString(16)}` : [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.'));
  }

  let hits = 0;
  const search = time(() => {
    for (let i = 0; i < LOOKUPS; i++) if (index.lookup(ips[i % SAMPLE]!)) hits++;
  });
  const answers = new Map(ips.map((ip) => [ip, index.lookup(ip)]));
  let mapHits = 0;
  const map = time(() => {
    for (let i = 0; i < LOOKUPS; i++) if (answers.get(ips[i % SAMPLE]!)) mapHits++;
  });

  const files = asnPackageFiles();
  const tables = parseCsv(readFileSync(files.v4, 'utf8'), '');
  let scanHits = 0;
  const scan = time(() => {
    for (let i = 0; i < SCAN_LOOKUPS; i++) {
      const n = ipv4ToNumber(ips[(i * 10 + 1) % SAMPLE]!);
      for (let r = 0; r < tables.v4Start.length; r++) {
        if (tables.v4Start[r]! <= n && n <= tables.v4End[r]!) { scanHits++; break; }
      }
    }
  });

  const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const searchRate = perSecond(LOOKUPS, search.ms);
  const rows = [
    ['ranges', `${index.ranges.v4} IPv4, ${index.ranges.v6} IPv6`],
    ['load from CSV', `${csv.ms.toFixed(0)} ms`],
    ['load from binary cache', `${cached.ms.toFixed(0)} ms`],
    ['  cache vs CSV', `${(csv.ms / cached.ms).toFixed(1)}x faster`],
    ['lookups/s, binary search', `${searchRate.toLocaleString('en')} (${((search.ms * 1000) / LOOKUPS).toFixed(2)} µs each; ${((hits / LOOKUPS) * 100).toFixed(0)}% in a known range)`],
    ['lookups/s, Map.get baseline', `${perSecond(LOOKUPS, map.ms).toLocaleString('en')} (${mapHits === hits ? 'same answers' : 'DIFFERENT answers'})`],
    ['  binary search vs Map.get', `${(map.ms / search.ms).toFixed(2)}x the speed of a precomputed Map`],
    ['lookups/s, linear scan baseline', `${perSecond(SCAN_LOOKUPS, scan.ms).toLocaleString('en')} (${scanHits} of ${SCAN_LOOKUPS} found)`],
    ['  binary search vs linear scan', `${(searchRate / perSecond(SCAN_LOOKUPS, scan.ms)).toFixed(0)}x faster`],
  ];
  for (const [k, v] of rows) console.log(`${k!.padEnd(34)} ${v}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
