import { sql } from 'kysely';
import { logIn } from '../../src/app/auth.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import { placeHold } from '../../src/app/holds.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import type { Db } from '../../src/adapters/db/connect.ts';
import { producerWithEvent, type TestBoxOffice } from './boxOffice.ts';
import { checkoutAndSettle } from './buy.ts';

/**
 * A box office that has done a little business through the real use cases: a producer with an
 * event (created with seed.ts), paid orders with tickets, a declined payment, a log-in, and the
 * confirmation mails (with their PDF tickets) in the dev outbox.
 */
export async function doSomeBusiness(box: TestBoxOffice, orders = 2): Promise<{ orderIds: string[] }> {
  const p = await producerWithEvent(box, { name: 'Scan Theatre' });
  const orderIds: string[] = [];
  for (let i = 0; i < orders + 1; i++) {
    const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity: 2 }] });
    if (!hold.ok) throw new Error(hold.message);
    const buyer = { buyerName: `Buyer ${i} O'Neill`, buyerEmail: `buyer${i}@example.org`, marketingConsent: i % 2 === 0 };
    const outcome = i === orders ? 'declined' : 'paid';
    const result = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, outcome, buyer));
    if (!result.ok) throw new Error(result.message);
    if (outcome === 'paid') orderIds.push(result.value.order.id);
  }
  const login = await logIn(box.deps, p.email, p.password);
  if (!login.ok) throw new Error(login.message);
  // A paid order starts a dispatch in the background as well; wait until every mail has gone out.
  for (let tries = 0; ; tries++) {
    await dispatchMails(box.deps);
    const queued = await box.db.selectFrom('mails').where('status', '!=', 'sent').select('id').execute();
    if (queued.length === 0) break;
    if (tries === 20) throw new Error(`${queued.length} mails not sent`);
  }
  return { orderIds };
}

/** The rows of every table in the public schema, counted independently of the scanner. */
export async function countAllRows(db: Db): Promise<number> {
  const raw = db.withoutPlugins();
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(raw);
  let total = 0;
  for (const { name } of tables.rows) {
    const r = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(name)}`.execute(raw);
    total += Number(r.rows[0]!.n);
  }
  return total;
}
