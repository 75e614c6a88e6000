import type { IpInfo } from '../../app/ports.ts';
import { type AsnIndex, loadAsnIndex } from './asnIndex.ts';

/** DB-IP's licence (CC BY 4.0): pages that show or use results link back to DB-IP.com with this text. */
export const DBIP_ATTRIBUTION = { text: 'IP Geolocation by DB-IP', href: 'https://db-ip.com' } as const;

// One index per process and cache directory: it is read-only, and tests assemble many box offices.
const loaded = new Map<string, AsnIndex>();

/** The index, built on first use (or at start, see main.ts) from the binary cache in `cacheDir`. */
export function asnIndexIn(cacheDir: string): AsnIndex {
  let index = loaded.get(cacheDir);
  if (!index) {
    index = loadAsnIndex(cacheDir);
    loaded.set(cacheDir, index);
  }
  return index;
}

/** The IpInfo port over the offline ASN index from `@ip-location-db/asn`. Nothing leaves the machine. */
export function offlineIpInfo(cacheDir: string): IpInfo {
  return {
    attribution: DBIP_ATTRIBUTION,
    async lookup(ip) {
      return asnIndexIn(cacheDir).lookup(ip);
    },
  };
}
