import type { HoldRequest, InventoryRepo, QuotaCount } from './ports.ts';

/** At most this many holds go into one transaction; the rest wait for the next (bounded statement size). */
const MAX_BATCH = 100;

export interface HoldBatcherStats {
  /** Holds asked for (each placeHold attempt without seats). */
  holds: number;
  /** Database transactions that served them: a lone hold's one statement, or one group commit. */
  transactions: number;
  /** Group commits of two or more holds, and the largest one. */
  groups: number;
  largestGroup: number;
}

/**
 * Group commit of holds inside one process (ADR 0010, "Group commit"). A hold that finds nothing in
 * flight for its performance runs at once as today's one statement (`reserveHold`); the holds that
 * arrive while that (or a group) is in flight wait, and run together as ONE transaction
 * (`reserveHolds`), decided in arrival order, as soon as it ends. No timers: a group is whatever queued
 * meanwhile, so a quiet box office sees no delay and a busy one commits many holds per flush.
 * One per process (main.ts `assemble`); the lanes are per performance, so sales do not wait on each other.
 */
export class HoldBatcher {
  readonly stats: HoldBatcherStats = { holds: 0, transactions: 0, groups: 0, largestGroup: 0 };
  private readonly lanes = new Map<string, Waiting[]>();

  constructor(private readonly inventory: InventoryRepo) {}

  /** Takes the hold's places if every quota has room; returns the quotas that had none (then nothing changed). */
  reserve(request: HoldRequest): Promise<{ short: QuotaCount[] }> {
    this.stats.holds++;
    const key = request.hold.performanceId;
    return new Promise((resolve, reject) => {
      const waiting = this.lanes.get(key);
      if (waiting) waiting.push({ request, resolve, reject });
      else {
        this.lanes.set(key, []);
        void this.run(key, [{ request, resolve, reject }]);
      }
    });
  }

  private async run(key: string, batch: Waiting[]): Promise<void> {
    this.stats.transactions++;
    if (batch.length === 1) {
      const { request, resolve, reject } = batch[0]!;
      await this.inventory.reserveHold(request.hold, request.items, request.takes).then(resolve, reject);
    } else {
      this.stats.groups++;
      this.stats.largestGroup = Math.max(this.stats.largestGroup, batch.length);
      await this.group(batch);
    }
    const waiting = this.lanes.get(key)!;
    if (waiting.length === 0) this.lanes.delete(key);
    else void this.run(key, waiting.splice(0, MAX_BATCH));
  }

  /** One transaction for the group; if it fails, each hold is tried alone, so one bad hold fails only its own caller. */
  private async group(batch: Waiting[]): Promise<void> {
    let results: { short: QuotaCount[] }[];
    try {
      results = await this.inventory.reserveHolds(batch.map((w) => w.request));
    } catch {
      await Promise.all(batch.map(({ request: r, resolve, reject }) => {
        this.stats.transactions++;
        return this.inventory.reserveHold(r.hold, r.items, r.takes).then(resolve, reject);
      }));
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(results[i]!);
  }
}

interface Waiting {
  request: HoldRequest;
  resolve: (r: { short: QuotaCount[] }) => void;
  reject: (err: unknown) => void;
}
