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

/** Where a walk of the chain has got to: the last entry checked (seq 0 and the genesis hash before the first). */
export interface ChainPosition { seq: number; hash: string }

/**
 * Checks one batch of entries that continues from `at`, so a long chain can be walked in batches.
 * Returns the first seq that is wrong (a changed, missing or reordered entry) with the last good position, or the new position.
 */
export function continueChain(at: ChainPosition, batch: readonly (ChainedFields & { prevHash: string; hash: string })[]): { broken: number; at: ChainPosition } | { at: ChainPosition } {
  let pos = at;
  for (const e of batch) {
    if (e.seq !== pos.seq + 1 || e.prevHash !== pos.hash || auditHash(pos.hash, e) !== e.hash) return { broken: Math.min(e.seq, pos.seq + 1), at: pos };
    pos = { seq: e.seq, hash: e.hash };
  }
  return { at: pos };
}
