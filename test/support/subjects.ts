import { sql } from 'kysely';
import { logIn, sessionUser } from '../../src/app/auth.ts';
import type { BuyerDetails } from '../../src/app/checkout.ts';
import { placeHold } from '../../src/app/holds.ts';
import { dispatchMails } from '../../src/app/mail.ts';
import { confirmPaymentReturn } from '../../src/app/payments.ts';
import type { OrderRecord, SessionUser } from '../../src/app/ports.ts';
import type { producerWithEvent, TestBoxOffice } from './boxOffice.ts';
import { checkoutAndSettle } from './buy.ts';

export type Producer = Awaited<ReturnType<typeof producerWithEvent>>;

/** A paid (or declined) order for `buyer` through the real use cases. */
export async function buy(box: TestBoxOffice, p: Producer, buyer: BuyerDetails, quantity = 2, outcome: 'paid' | 'declined' = 'paid'): Promise<OrderRecord> {
  const hold = await placeHold(box.deps, { performanceId: p.performance.id, lines: [{ ticketTypeId: p.performance.ticketTypeIds[0]!, quantity }] });
  if (!hold.ok) throw new Error(hold.message);
  const r = await confirmPaymentReturn(box.deps, await checkoutAndSettle(box, hold.value.holdId, outcome, buyer));
  if (!r.ok) throw new Error(r.message);
  return r.value.order;
}

export async function staff(box: TestBoxOffice, p: Producer): Promise<SessionUser> {
  const r = await logIn(box.deps, p.email, p.password);
  if (!r.ok) throw new Error(r.message);
  return (await sessionUser(box.deps, r.value.token))!;
}

/** Sends every queued mail (a use case may have started a dispatch in the background too). */
export async function drainMail(box: TestBoxOffice): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    await dispatchMails(box.deps);
    const left = await sql<{ n: number }>`select (select count(*) from mails where status in ('queued', 'sending')) + (select count(*) from subject_mails where status in ('queued', 'sending')) as n`.execute(box.db);
    if (Number(left.rows[0]!.n) === 0) return;
  }
  throw new Error('mail left unsent');
}

/** The latest link to one's data mailed to `email`, as the token in its path; null when none was mailed. */
export async function mailedToken(box: TestBoxOffice, email: string): Promise<string | null> {
  await drainMail(box);
  const rows = await box.db.selectFrom('devOutbox').where('toAddress', '=', email).select(['textBody', 'createdAt']).orderBy('createdAt', 'desc').execute();
  for (const r of rows) {
    const m = /\/privacy\/my-data\/([A-Za-z0-9_-]+)/.exec(r.textBody);
    if (m) return m[1]!;
  }
  return null;
}

/** Per producer: the sums the accounts are made of. */
export async function accountingTotals(box: TestBoxOffice): Promise<Record<string, { orders: number; payments: number; refunded: number; count: number }>> {
  const rows = await sql<{ producer_id: string; orders: string; payments: string; refunded: string; count: string }>`
    select o.producer_id,
      sum(o.total_minor) as orders, count(*) as count,
      coalesce((select sum(p.amount_minor) from payments p join orders o2 on o2.id = p.order_id where o2.producer_id = o.producer_id), 0) as payments,
      coalesce((select sum(p.refunded_minor) from payments p join orders o2 on o2.id = p.order_id where o2.producer_id = o.producer_id), 0) as refunded
    from orders o group by o.producer_id order by o.producer_id`.execute(box.db.withoutPlugins());
  return Object.fromEntries(rows.rows.map((r) => [r.producer_id, { orders: Number(r.orders), payments: Number(r.payments), refunded: Number(r.refunded), count: Number(r.count) }]));
}
