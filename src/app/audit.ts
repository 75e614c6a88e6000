import { type ChainPosition, continueChain } from '../domain/audit.ts';
import type { AuditLog } from './ports.ts';

export type ChainVerdict = { ok: true; entries: number } | { ok: false; brokenSeq: number; entries: number };

/**
 * Walks the whole audit chain in batches, from the genesis hash, and checks that it ends where
 * audit_head says it does (so removing the newest entries shows too). Returns the first broken seq.
 */
export async function verifyAuditChain(audit: AuditLog, batchSize = 1000): Promise<ChainVerdict> {
  let at: ChainPosition = { seq: 0, hash: 'genesis' };
  for (;;) {
    const batch = await audit.entries(at.seq, batchSize);
    if (batch.length === 0) break;
    const step = continueChain(at, batch);
    if ('broken' in step) return { ok: false, brokenSeq: step.broken, entries: step.at.seq };
    at = step.at;
    if (batch.length < batchSize) break;
  }
  const head = await audit.head();
  if (head.seq !== at.seq || head.hash !== at.hash) return { ok: false, brokenSeq: Math.min(head.seq, at.seq) + 1, entries: at.seq };
  return { ok: true, entries: at.seq };
}
