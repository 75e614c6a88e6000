import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The offline IP-to-ASN index, from the `@ip-location-db/asn` package (RouteViews, the five RIRs and
 * DB-IP's IP to ASN Lite, CC BY 4.0). Ranges are inclusive and sorted by start, without overlaps.
 *
 * IPv4 ranges are three Uint32Arrays (start, end, row); IPv6 ranges are BigUint64Arrays of the
 * high and low 64-bit halves of start and end. A lookup is one binary search: no allocation for
 * IPv4, a couple of BigInts for IPv6. Organisation names are interned: ~80k distinct names for
 * ~500k ranges.
 */
export interface AsnNetwork { asn: number; organisation: string }

export interface AsnIndex {
  lookup(ip: string): AsnNetwork | null;
  readonly ranges: { v4: number; v6: number };
}

interface Tables {
  orgs: string[];
  v4Start: Uint32Array; v4End: Uint32Array; v4Asn: Uint32Array; v4Org: Uint32Array;
  v6StartHi: BigUint64Array; v6StartLo: BigUint64Array; v6EndHi: BigUint64Array; v6EndLo: BigUint64Array; v6Asn: Uint32Array; v6Org: Uint32Array;
}

const MASK64 = (1n << 64n) - 1n;

/** Where the package's files are, found through Node's resolver (no path is assumed). */
export function asnPackageFiles(): { v4: string; v6: string; version: string } {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@ip-location-db/asn/package.json'));
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { v4: join(dir, 'asn-ipv4-num.csv'), v6: join(dir, 'asn-ipv6-num.csv'), version };
}

/** One CSV line is `start,end,asn,organisation`; only the organisation may be quoted (with "" for a quote). */
function eachRow(text: string, row: (start: string, end: string, asn: number, org: string) => void): void {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const c1 = text.indexOf(',', pos);
    const c2 = text.indexOf(',', c1 + 1);
    const c3 = text.indexOf(',', c2 + 1);
    if (c1 > pos && c3 !== -1 && c3 < nl) {
      let org = text.slice(c3 + 1, text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      if (org.startsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
      row(text.slice(pos, c1), text.slice(c1 + 1, c2), Number(text.slice(c2 + 1, c3)), org);
    }
    pos = nl + 1;
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}

/** Parses the package's two numeric CSV files. Takes a second or two; the result is cached on disk. */
export function parseCsv(v4Text: string, v6Text: string): Tables {
  const orgs: string[] = [];
  const orgIds = new Map<string, number>();
  const intern = (o: string) => {
    let id = orgIds.get(o);
    if (id === undefined) {
      id = orgs.length;
      orgs.push(o);
      orgIds.set(o, id);
    }
    return id;
  };
  const cap4 = countLines(v4Text);
  const v4Start = new Uint32Array(cap4), v4End = new Uint32Array(cap4), v4Asn = new Uint32Array(cap4), v4Org = new Uint32Array(cap4);
  let n4 = 0;
  eachRow(v4Text, (s, e, asn, org) => {
    v4Start[n4] = Number(s); v4End[n4] = Number(e); v4Asn[n4] = asn; v4Org[n4] = intern(org);
    n4++;
  });
  const cap6 = countLines(v6Text);
  const v6StartHi = new BigUint64Array(cap6), v6StartLo = new BigUint64Array(cap6), v6EndHi = new BigUint64Array(cap6), v6EndLo = new BigUint64Array(cap6);
  const v6Asn = new Uint32Array(cap6), v6Org = new Uint32Array(cap6);
  let n6 = 0;
  eachRow(v6Text, (s, e, asn, org) => {
    const a = BigInt(s), b = BigInt(e);
    v6StartHi[n6] = a >> 64n; v6StartLo[n6] = a & MASK64; v6EndHi[n6] = b >> 64n; v6EndLo[n6] = b & MASK64;
    v6Asn[n6] = asn; v6Org[n6] = intern(org);
    n6++;
  });
  return {
    orgs,
    v4Start: v4Start.slice(0, n4), v4End: v4End.slice(0, n4), v4Asn: v4Asn.slice(0, n4), v4Org: v4Org.slice(0, n4),
    v6StartHi: v6StartHi.slice(0, n6), v6StartLo: v6StartLo.slice(0, n6), v6EndHi: v6EndHi.slice(0, n6), v6EndLo: v6EndLo.slice(0, n6),
    v6Asn: v6Asn.slice(0, n6), v6Org: v6Org.slice(0, n6),
  };
}

// ---------- the binary cache: a JSON header line, then the arrays, each 8-byte aligned ----------

const ARRAYS = ['v4Start', 'v4End', 'v4Asn', 'v4Org', 'v6StartHi', 'v6StartLo', 'v6EndHi', 'v6EndLo', 'v6Asn', 'v6Org'] as const;
type ArrayName = (typeof ARRAYS)[number];
const FORMAT = 'marquee-asn-index:v1';

function serialise(t: Tables): Buffer {
  const parts: Buffer[] = [];
  const lengths: Record<string, number> = {};
  for (const name of ARRAYS) {
    const a = t[name];
    lengths[name] = a.length;
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    parts.push(b, Buffer.alloc((8 - (b.length % 8)) % 8));
  }
  const header = Buffer.from(`${JSON.stringify({ format: FORMAT, lengths, orgs: t.orgs })}\n`);
  return Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8, 0x20), ...parts]);
}

function deserialise(buf: Buffer): Tables | null {
  const nl = buf.indexOf(0x0a);
  if (nl === -1) return null;
  const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as { format: string; lengths: Record<ArrayName, number>; orgs: string[] };
  if (header.format !== FORMAT) return null;
  // Copy into an aligned ArrayBuffer of our own; typed arrays over it need no further copies.
  let offset = Math.ceil((nl + 1) / 8) * 8;
  const body = new ArrayBuffer(buf.length - offset);
  new Uint8Array(body).set(buf.subarray(offset));
  offset = 0;
  const out: Partial<Tables> = { orgs: header.orgs };
  for (const name of ARRAYS) {
    const n = header.lengths[name];
    const big = name.startsWith('v6') && !name.endsWith('Asn') && !name.endsWith('Org');
    const bytes = n * (big ? 8 : 4);
    (out as Record<string, unknown>)[name] = big ? new BigUint64Array(body, offset, n) : new Uint32Array(body, offset, n);
    offset += Math.ceil(bytes / 8) * 8;
  }
  return out as Tables;
}

// ---------- lookups ----------

/** Dotted IPv4 to an unsigned 32-bit number, or -1. */
export function ipv4ToNumber(ip: string): number {
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      n = n * 256 + part; part = 0; digits = 0; dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48); digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

/** An IPv6 address as its two 64-bit halves (`::ffff:a.b.c.d` included), or null. */
export function ipv6ToHalves(ip: string): [bigint, bigint] | null {
  if (!isIPv6(ip)) return null;
  let text = ip;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToNumber(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  let hi = 0n, lo = 0n;
  for (let i = 0; i < 4; i++) hi = (hi << 16n) | BigInt(Number.parseInt(groups[i]!, 16));
  for (let i = 4; i < 8; i++) lo = (lo << 16n) | BigInt(Number.parseInt(groups[i]!, 16));
  return [hi, lo];
}

function indexOver(t: Tables): AsnIndex {
  const found = (asn: number, org: number): AsnNetwork => ({ asn, organisation: t.orgs[org] ?? '' });
  const lookup4 = (n: number): AsnNetwork | null => {
    // The last range starting at or before n.
    let lo = 0, hi = t.v4Start.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (t.v4Start[mid]! <= n) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at >= 0 && n <= t.v4End[at]! ? found(t.v4Asn[at]!, t.v4Org[at]!) : null;
  };
  const lookup6 = (h: bigint, l: bigint): AsnNetwork | null => {
    let lo = 0, hi = t.v6StartHi.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const sh = t.v6StartHi[mid]!;
      if (sh < h || (sh === h && t.v6StartLo[mid]! <= l)) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (at < 0) return null;
    const eh = t.v6EndHi[at]!;
    return h < eh || (h === eh && l <= t.v6EndLo[at]!) ? found(t.v6Asn[at]!, t.v6Org[at]!) : null;
  };
  return {
    ranges: { v4: t.v4Start.length, v6: t.v6StartHi.length },
    lookup(ip) {
      if (isIPv4(ip)) return lookup4(ipv4ToNumber(ip));
      const halves = ipv6ToHalves(ip);
      if (!halves) return null;
      const [h, l] = halves;
      // An IPv4-mapped address (::ffff:a.b.c.d), as a dual-stack socket reports IPv4 peers.
      if (h === 0n && l >> 32n === 0xffffn) return lookup4(Number(l & 0xffffffffn));
      return lookup6(h, l);
    },
  };
}

/** Builds the index straight from the package's CSV (the benchmark measures this against the cache). */
export function indexFromCsv(files = asnPackageFiles()): AsnIndex {
  return indexOver(parseCsv(readFileSync(files.v4, 'utf8'), readFileSync(files.v6, 'utf8')));
}

/**
 * Loads the index from the binary cache in `cacheDir`, building the cache from the CSV first when
 * it is missing or belongs to another version of the package. The cache name carries a hash of the
 * package version and the files' sizes, so an `npm update` rebuilds it.
 */
export function loadAsnIndex(cacheDir: string, files = asnPackageFiles()): AsnIndex {
  const stamp = createHash('sha256').update(`${files.version}:${statSync(files.v4).size}:${statSync(files.v6).size}`).digest('hex').slice(0, 16);
  const path = join(cacheDir, `asn-index-${stamp}.bin`);
  try {
    const tables = deserialise(readFileSync(path));
    if (tables) return indexOver(tables);
  } catch {
    // No cache yet, or an unreadable one: build it.
  }
  const tables = parseCsv(readFileSync(files.v4, 'utf8'), readFileSync(files.v6, 'utf8'));
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, serialise(tables));
    renameSync(tmp, path);
  } catch {
    // A read-only data directory only costs the next start the parse again.
  }
  return indexOver(tables);
}
