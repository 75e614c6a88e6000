/**
 * `npx tsx bench/groupCommit.ts`: placeHold in one process on PostgreSQL (a fresh database on
 * 127.0.0.1, dropped at the end), 16 concurrent loops for 5 s, one statement per hold against group
 * commit (ADR 0010, "Group commit"), interleaved twice so that load swings hit both alike. No HTTP:
 * it isolates what the batcher does from the app's CPU. Prints holds/s, holds per transaction, and
 * checks the counters against the rows at the end.
 */
import { placeHold } from '../src/app/holds.ts';
import { producerWithEvent, testBoxOffice } from '../test/support/boxOffice.ts';
import { freshDatabase } from '../test/support/db.ts';

const SECONDS = 5;
const CLIENTS = 16;
const tdb = await freshDatabase('postgres', { poolSize: 10 });
const box = await testBoxOffice(tdb.db);
try {
  const p = await producerWithEvent(box, { quotas: [{ name: 'Hall', capacity: 1_000_000 }], ticketTypes: [{ name: 'Adult', priceMinor: 2500, currency: 'GBP', quotas: ['Hall'] }] });
  const type = p.performance.ticketTypeIds[0]!;
  const batcher = box.deps.holdBatcher!;
  for (const round of [1, 2]) {
    for (const mode of ['one statement each', 'group commit'] as const) {
      const deps = mode === 'group commit' ? box.deps : { ...box.deps, holdBatcher: undefined };
      const before = { ...batcher.stats };
      const end = Date.now() + SECONDS * 1000;
      let n = 0;
      await Promise.all(Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < end) {
          const r = await placeHold(deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: type, quantity: 1 }] });
          if (!r.ok) throw new Error(r.message);
          n++;
        }
      }));
      const tx = batcher.stats.transactions - before.transactions;
      const grouped = mode === 'group commit' ? `, ${tx} transactions (${(n / tx).toFixed(1)} holds each), largest group so far ${batcher.stats.largestGroup}` : '';
      console.log(`round ${round}, ${mode}: ${(n / SECONDS).toFixed(1)} holds/s${grouped}`);
    }
  }
  const audit = await box.deps.store.inventory.audit(p.performance.id, box.clock.now());
  for (const q of audit) {
    console.log(`${q.name}: held ${q.held}, from the rows ${q.heldFromRows}`);
    if (q.held !== q.heldFromRows) process.exitCode = 1;
  }
} finally {
  await box.close();
  await tdb.drop();
}
