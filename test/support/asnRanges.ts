import { readFileSync } from 'node:fs';
import { asnPackageFiles } from '../../src/adapters/geoip/asnIndex.ts';

let text: string | null = null;

/**
 * An address inside the first range of `asn` in the package's own IPv4 CSV (the middle of it),
 * with the organisation the CSV names. Tests use real ranges, so they break if the data or the
 * index disagree.
 */
export function addressIn(asn: number): { ip: string; organisation: string; range: [string, string] } {
  text ??= readFileSync(asnPackageFiles().v4, 'utf8');
  const at = text.indexOf(`,${asn},`);
  if (at === -1) throw new Error(`AS${asn} is not in the ASN database`);
  const line = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at));
  const [start, end] = line.split(',').map(Number) as [number, number];
  const org = line.split(',').slice(3).join(',').replace(/^"|"$/g, '');
  const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return { ip: dotted(Math.floor((start + end) / 2)), organisation: org, range: [dotted(start), dotted(end)] };
}
