import { expect } from 'vitest';
import type { AppDeps } from '../../src/app/deps.ts';

/**
 * The inventory invariant of one performance, from the rows: every quota's counters equal what its
 * rows say, and sold + held + available = capacity. Returns each quota's figures by name.
 */
export async function auditInventory(deps: AppDeps, performanceId: string, now: Date) {
  const quotas = await deps.store.inventory.audit(performanceId, now);
  for (const q of quotas) {
    expect(q.sold, q.name).toBe(q.soldFromRows);
    expect(q.held, q.name).toBe(q.heldFromRows);
    expect(q.sold + q.held + q.available, q.name).toBe(q.capacity);
    expect(q.available, q.name).toBeGreaterThanOrEqual(0);
  }
  return Object.fromEntries(quotas.map((q) => [q.name, { sold: q.sold, held: q.held, available: q.available }]));
}
