import { createHash } from 'node:crypto';

/** The fields an audit entry's hash covers, in this order, with the previous entry's hash first. */
export interface ChainedFields {
  seq: number; id: string; at: Date; actorKind: string; actorId: string | null; producerId: string | null;
  action: string; subject: string; reason: string; detail: string;
}

export function auditHash(prevHash: string, e: ChainedFields): string {
  const canonical = JSON.stringify([prevHash, e.seq, e.id, e.at.toISOString(), e.actorKind, e.actorId, e.producerId, e.action, e.subject, e.reason, e.detail]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Walks entries in order; returns the first seq whose hash or link is wrong, or null when the chain holds. */
export function firstBrokenLink(genesis: string, entries: readonly (ChainedFields & { prevHash: string; hash: string })[]): number | null {
  let prev = genesis;
  let expectedSeq = entries[0]?.seq ?? 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq || e.prevHash !== prev || auditHash(prev, e) !== e.hash) return e.seq;
    prev = e.hash;
    expectedSeq++;
  }
  return null;
}
