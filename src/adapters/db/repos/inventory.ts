import { sql } from 'kysely';
import type { HoldRequest, InventoryRepo, QuotaAudit, QuotaCount, TicketTypeRow } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

/**
 * Places live on quotas as counters (ADR 0010): `held` is the places of active holds (expired ones
 * too, until the sweeper ends them), `sold` the valid tickets. Each counter changes in the same
 * transaction as the row that justifies it, and a check on `quotas` (sold + held ≤ capacity) makes an
 * oversold quota impossible even if a caller got it wrong. Quotas are always locked in id order.
 */

/** Quota ids of each ticket type. */
async function quotasOfTypes(db: Db, ticketTypeIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ticketTypeIds.map((id) => [id, []]));
  if (ticketTypeIds.length === 0) return map;
  const rows = await db.selectFrom('ticketTypeQuotas').where('ticketTypeId', 'in', ticketTypeIds).select(['ticketTypeId', 'quotaId']).orderBy('quotaId').execute();
  for (const r of rows) map.get(r.ticketTypeId)?.push(r.quotaId);
  return map;
}

async function countsOf(db: Db, quotaIds: readonly string[], lock: boolean): Promise<QuotaCount[]> {
  if (quotaIds.length === 0) return [];
  const q = db.selectFrom('quotas').where('id', 'in', quotaIds).select(['id as quotaId', 'name', 'capacity', 'sold', 'held']).orderBy('id');
  return lock ? q.forUpdate().execute() : q.execute();
}

/**
 * Gives back the places of holds that were active and have just left that state (the caller's UPDATE
 * of `holds … where status = 'active' returning id` is what makes this happen once per hold).
 */
async function returnHeld(db: Db, holdIds: readonly string[]): Promise<void> {
  if (holdIds.length === 0) return;
  const back = await db
    .selectFrom('holdQuotas').where('holdId', 'in', holdIds)
    .groupBy('quotaId').select(['quotaId', sql<number>`sum(quantity)::int`.as('n')]).orderBy('quotaId').execute();
  await addToCounters(db, 'held', back.map((b) => ({ quotaId: b.quotaId, delta: -b.n })));
}

/** Adds `delta` to one counter of each quota, locking them in id order first when there are several. */
export async function addToCounters(db: Db, counter: 'sold' | 'held', deltas: readonly { quotaId: string; delta: number }[]): Promise<void> {
  const changes = deltas.filter((d) => d.delta !== 0);
  if (changes.length === 0) return;
  if (changes.length > 1) await countsOf(db, changes.map((c) => c.quotaId), true);
  const values = sql.join(changes.map((c) => sql`(${c.quotaId}::uuid, ${c.delta}::int)`));
  const column = sql.ref(counter);
  await sql`update quotas q set ${column} = q.${column} + d.delta from (values ${values}) as d(quota_id, delta) where q.id = d.quota_id`.execute(db);
}

/** Sold counters follow tickets: +1 (or −1) on every quota of each ticket's type. */
export async function countTickets(db: Db, ticketTypeIds: readonly string[], sign: 1 | -1): Promise<void> {
  if (ticketTypeIds.length === 0) return;
  const perType = new Map<string, number>();
  for (const id of ticketTypeIds) perType.set(id, (perType.get(id) ?? 0) + 1);
  const quotasOf = await quotasOfTypes(db, [...perType.keys()]);
  const perQuota = new Map<string, number>();
  for (const [typeId, n] of perType) for (const q of quotasOf.get(typeId) ?? []) perQuota.set(q, (perQuota.get(q) ?? 0) + n * sign);
  await addToCounters(db, 'sold', [...perQuota].sort(([a], [b]) => (a < b ? -1 : 1)).map(([quotaId, delta]) => ({ quotaId, delta })));
}

/** Ends those of `holdIds` still active (as 'expired'), giving their places back: before a hold row is deleted. */
export async function endActiveHolds(db: Db, holdIds: readonly string[]): Promise<void> {
  if (holdIds.length === 0) return;
  const ended = await db.updateTable('holds').set({ status: 'expired' }).where('id', 'in', holdIds).where('status', '=', 'active').returning('id').execute();
  await returnHeld(db, ended.map((h) => h.id));
}

export async function releasePerformanceHolds(db: Db, performanceId: string): Promise<number> {
  const ids = (await db.updateTable('holds').set({ status: 'released' }).where('performanceId', '=', performanceId).where('status', '=', 'active').returning('id').execute()).map((r) => r.id);
  await returnHeld(db, ids);
  return ids.length;
}

/**
 * The rows a group of placed holds inserts (the holds, their items and what each takes from each
 * quota), as arrays, one per column: the statement's text is then the same whatever the group's size,
 * so the server prepares it once (preparedStatements.ts).
 */
function groupRows(placed: readonly HoldRequest[]) {
  const items = placed.flatMap(({ hold, items }) => items.map((i) => ({ holdId: hold.id, ...i })));
  const takes = placed.flatMap(({ hold, takes }) => takes.map((t) => ({ holdId: hold.id, ...t })));
  return {
    holds: sql`unnest(${placed.map((p) => p.hold.id)}::uuid[], ${placed.map((p) => p.hold.performanceId)}::uuid[],
      ${placed.map((p) => p.hold.createdAt.toISOString())}::timestamptz[], ${placed.map((p) => p.hold.expiresAt.toISOString())}::timestamptz[])
      as v (id, performance_id, created_at, expires_at)`,
    items: sql`unnest(${items.map((i) => i.holdId)}::uuid[], ${items.map((i) => i.ticketTypeId)}::uuid[], ${items.map((i) => i.quantity)}::int[],
      ${items.map((i) => i.unitPrice.amount)}::int[], ${items.map((i) => i.unitPrice.currency)}::text[], ${items.map((i) => i.taxRateBp)}::int[],
      ${items.map((i) => i.taxInclusive)}::boolean[])
      as v (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)`,
    takes: sql`unnest(${takes.map((t) => t.holdId)}::uuid[], ${takes.map((t) => t.quotaId)}::uuid[], ${takes.map((t) => t.quantity)}::int[]) as v (hold_id, quota_id, quantity)`,
  };
}

/** What a group of holds takes from each quota in all, in quota id order, as two arrays. */
function totalTakes(requests: readonly HoldRequest[]) {
  const added = new Map<string, number>();
  for (const r of requests) for (const t of r.takes) added.set(t.quotaId, (added.get(t.quotaId) ?? 0) + t.quantity);
  const sorted = [...added].sort(([a], [b]) => (a < b ? -1 : 1));
  return { count: sorted.length, table: sql`unnest(${sorted.map(([q]) => q)}::uuid[], ${sorted.map(([, n]) => n)}::int[])` };
}

/**
 * Group commit, fast path (ADR 0010, "Group commit"): ONE statement places every hold of the group if
 * every quota has room for all of them together, and otherwise places none. Like a lone hold, it runs
 * without an explicit transaction, so the quota rows are locked only while the server runs it and
 * commits: no round trip between the lock and the commit. Returns false when some quota lacked room
 * for the whole group (then nothing changed, and the caller decides hold by hold).
 */
async function reserveAllOrNone(db: Db, requests: readonly HoldRequest[]): Promise<boolean> {
  const total = totalTakes(requests);
  const { holds, items, takes } = groupRows(requests);
  const r = await sql<{ ok: boolean }>`
    with t (quota_id, n) as (select * from ${total.table}),
    locked as (
      select q.id, q.capacity - q.sold - q.held >= t.n as room
      from quotas q join t on t.quota_id = q.id
      order by q.id
      for update of q
    ),
    go as (select count(*) filter (where room) = ${total.count}::int as ok from locked),
    taken as (
      update quotas q set held = q.held + t.n from t, go
      where go.ok and q.id = t.quota_id
    ),
    h as (
      insert into holds (id, performance_id, status, created_at, expires_at)
      select v.id, v.performance_id, 'active', v.created_at, v.expires_at from ${holds} cross join go where go.ok
    ),
    i as (
      insert into hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
      select v.* from ${items} cross join go where go.ok
    ),
    hq as (
      insert into hold_quotas (hold_id, quota_id, quantity)
      select v.* from ${takes} cross join go where go.ok
    )
    select ok from go`.execute(db);
  return r.rows[0]?.ok === true;
}

/**
 * Group commit, deciding hold by hold (when the group as a whole did not fit): one transaction of four
 * round trips for any number of holds. The quotas are locked in id order and read; each hold is decided
 * in order against the counters as the holds before it left them; each quota's `held` then changes once,
 * and the placed holds, their items and their takes are inserted with one multi-row statement.
 */
async function reserveHoldsIn(db: Db, requests: readonly HoldRequest[]): Promise<{ short: QuotaCount[] }[]> {
  const ids = [...new Set(requests.flatMap((r) => r.takes.map((t) => t.quotaId)))];
  const counters = new Map((await countsOf(db, ids, true)).map((q) => [q.quotaId, { ...q }]));
  const placed: HoldRequest[] = [];
  const results = requests.map((r) => {
    const short = r.takes.filter((t) => {
      const q = counters.get(t.quotaId);
      return !q || q.capacity - q.sold - q.held < t.quantity;
    });
    if (short.length > 0) return { short: short.flatMap((t) => { const q = counters.get(t.quotaId); return q ? [{ ...q }] : []; }) };
    for (const t of r.takes) counters.get(t.quotaId)!.held += t.quantity;
    placed.push(r);
    return { short: [] };
  });
  if (placed.length === 0) return results;
  const { holds, items, takes } = groupRows(placed);
  await sql`
    with taken as (
      update quotas q set held = q.held + d.n from ${totalTakes(placed).table} as d (quota_id, n) where q.id = d.quota_id
    ),
    h as (
      insert into holds (id, performance_id, status, created_at, expires_at) select v.id, v.performance_id, 'active', v.created_at, v.expires_at from ${holds}
    ),
    i as (
      insert into hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive) select v.* from ${items}
    )
    insert into hold_quotas (hold_id, quota_id, quantity) select v.* from ${takes}`.execute(db);
  return results;
}

export function inventoryRepo(db: Db): InventoryRepo {
  return {
    async holdContext(performanceId, ids) {
      // One round trip for everything a hold checks before it takes places: the performance and the
      // chosen types (a left join, so an unknown type id still finds the performance).
      const rows = await db
        .selectFrom('performances as pf')
        .innerJoin('events as e', 'e.id', 'pf.eventId')
        .leftJoin('waitingRooms as w', 'w.eventId', 'e.id')
        .leftJoin('ticketTypes as tt', (j) => j.onRef('tt.performanceId', '=', 'pf.id').on('tt.id', 'in', ids.length > 0 ? [...ids] : [performanceId]))
        .where('pf.id', '=', performanceId)
        .select([
          'pf.startsAt', 'pf.cancelledAt', 'e.id as eventId', 'e.slug as eventSlug', 'e.published', 'w.enabled as waitingRoom',
          'tt.id', 'tt.name', 'tt.priceMinor', 'tt.currency', 'tt.taxRateBp', 'tt.taxInclusive', 'tt.salesOpensAt', 'tt.salesClosesAt',
          'tt.minPerOrder', 'tt.maxPerOrder', 'tt.zone',
          // The quotas come along as text (a uuid[] would need an array parser on each driver).
          (eb) => eb.selectFrom('ticketTypeQuotas as tq').whereRef('tq.ticketTypeId', '=', 'tt.id')
            .select(sql<string>`coalesce(string_agg(tq.quota_id::text, ',' order by tq.quota_id), '')`.as('q')).as('quotas'),
        ])
        .orderBy('tt.id')
        .execute();
      const first = rows[0];
      if (!first) return null;
      const types = rows.flatMap((r): TicketTypeRow[] => (r.id === null ? [] : [{
        id: r.id, performanceId, name: r.name!, priceMinor: r.priceMinor!, currency: r.currency!, taxRateBp: r.taxRateBp!, taxInclusive: r.taxInclusive!,
        salesOpensAt: r.salesOpensAt ?? null, salesClosesAt: r.salesClosesAt ?? null, minPerOrder: r.minPerOrder!, maxPerOrder: r.maxPerOrder!,
        zone: r.zone ?? null, quotaIds: r.quotas ? r.quotas.split(',') : [],
      }]));
      return {
        startsAt: first.startsAt, cancelledAt: first.cancelledAt ?? null, eventId: first.eventId, eventSlug: first.eventSlug, published: first.published,
        waitingRoom: first.waitingRoom === true, types,
      };
    },

    /**
     * One hold, the SQL that ADR 0010 measures: ONE statement, atomic by itself, so it runs without an
     * explicit transaction and the quota rows stay locked only while the server runs it and commits.
     * It locks the quotas in id order, takes the places only if every quota has room (a conditional
     * UPDATE of the counters), and then records the hold, its items and what it took from each quota.
     */
    async reserveHold(hold, items, takes) {
      const wanted = sql.join(takes.map((t) => sql`(${t.quotaId}::uuid, ${t.quantity}::int)`));
      const itemRows = sql.join(items.map((i) => sql`(${i.ticketTypeId}::uuid, ${i.quantity}::int, ${i.unitPrice.amount}::int, ${i.unitPrice.currency}::text, ${i.taxRateBp}::int, ${i.taxInclusive}::boolean)`));
      const result = await sql<{ quotaId: string; room: boolean }>`
        with t (quota_id, n) as (values ${wanted}),
        locked as (
          select q.id, q.capacity - q.sold - q.held >= t.n as room
          from quotas q join t on t.quota_id = q.id
          order by q.id
          for update of q
        ),
        go as (select count(*) filter (where room) = ${takes.length} as ok from locked),
        taken as (
          update quotas q set held = q.held + t.n from t, go
          where go.ok and q.id = t.quota_id
          returning q.id
        ),
        h as (
          insert into holds (id, performance_id, status, created_at, expires_at)
          select ${hold.id}::uuid, ${hold.performanceId}::uuid, 'active', ${hold.createdAt}::timestamptz, ${hold.expiresAt}::timestamptz
          from go where go.ok
          returning id
        ),
        i as (
          insert into hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
          select h.id, v.* from h cross join (values ${itemRows}) as v (ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
        ),
        hq as (
          insert into hold_quotas (hold_id, quota_id, quantity) select h.id, t.quota_id, t.n from h cross join t
        )
        select id as quota_id, room from locked`.execute(db);
      if (result.rows.length === takes.length && result.rows.every((r) => r.room)) return { short: [] };
      // Only on refusal (nothing was taken or recorded): the quotas without room, with what they have left.
      const noRoom = new Set(result.rows.filter((r) => !r.room).map((r) => r.quotaId));
      return { short: await countsOf(db, takes.filter((t) => noRoom.has(t.quotaId) || !result.rows.some((r) => r.quotaId === t.quotaId)).map((t) => t.quotaId), false) };
    },

    async reserveHolds(requests) {
      if (requests.length === 0) return [];
      if (db.isTransaction) return reserveHoldsIn(db, requests);
      // Far from sold out, the whole group fits: one statement. Near the end, hold by hold.
      if (await reserveAllOrNone(db, requests)) return requests.map(() => ({ short: [] }));
      return db.transaction().execute((tx) => reserveHoldsIn(tx, requests));
    },

    async convertHold(holdId) {
      return (await db.updateTable('holds').set({ status: 'converted' }).where('id', '=', holdId).where('status', '=', 'active').returning('id').executeTakeFirst()) !== undefined;
    },

    async settleSale(convertedHoldId, ticketTypeIds) {
      const perType = new Map<string, number>();
      for (const id of ticketTypeIds) perType.set(id, (perType.get(id) ?? 0) + 1);
      if (!convertedHoldId && perType.size === 0) return;
      const made = perType.size > 0
        ? sql`select tq.quota_id, 0, t.n from (values ${sql.join([...perType].map(([id, n]) => sql`(${id}::uuid, ${n}::int)`))}) as t (type_id, n)
            join ticket_type_quotas tq on tq.ticket_type_id = t.type_id`
        : sql`select null::uuid, 0, 0 where false`;
      // One statement, so the quota rows are locked (in id order) only from here to the commit: the hold's
      // places leave held, the tickets' places join sold.
      await sql`
        with d (quota_id, held, sold) as (
          select quota_id, sum(held)::int, sum(sold)::int from (
            select hq.quota_id, -hq.quantity as held, 0 as sold from hold_quotas hq where hq.hold_id = ${convertedHoldId}::uuid
            union all ${made}
          ) as c (quota_id, held, sold)
          group by quota_id
        ),
        locked as (select q.id from quotas q join d on d.quota_id = q.id order by q.id for update of q)
        update quotas q set held = q.held + d.held, sold = q.sold + d.sold
        from d join locked l on l.id = d.quota_id
        where q.id = d.quota_id and (d.held <> 0 or d.sold <> 0)`.execute(db);
    },

    async endHold(holdId, status) {
      const ended = await db.updateTable('holds').set({ status }).where('id', '=', holdId).where('status', '=', 'active').returning('id').executeTakeFirst();
      if (!ended) return false;
      await returnHeld(db, [holdId]);
      return true;
    },

    async expireHolds(now, limit, performanceId) {
      let due = db.selectFrom('holds').where('status', '=', 'active').where('expiresAt', '<=', now);
      if (performanceId) due = due.where('performanceId', '=', performanceId);
      const ids = (await due.select('id').orderBy('expiresAt').limit(limit).forUpdate().skipLocked().execute()).map((r) => r.id);
      if (ids.length === 0) return 0;
      await db.updateTable('holds').set({ status: 'expired' }).where('id', 'in', ids).execute();
      await returnHeld(db, ids);
      return ids.length;
    },

    releasePerformanceHolds: (performanceId) => releasePerformanceHolds(db, performanceId),

    async lockQuotasOf(ticketTypeIds) {
      const quotasOf = await quotasOfTypes(db, ticketTypeIds);
      return { quotas: await countsOf(db, [...new Set([...quotasOf.values()].flat())], true), quotasOf };
    },

    async quotaCounts(ticketTypeIds, now) {
      const quotasOf = await quotasOfTypes(db, ticketTypeIds);
      const ids = [...new Set([...quotasOf.values()].flat())];
      const quotas = await countsOf(db, ids, false);
      if (ids.length === 0) return { quotas, quotasOf };
      // Places of holds past their expiry that the sweeper has not ended yet (few, and indexed).
      const expired = await db
        .selectFrom('holdQuotas as hq').innerJoin('holds as h', 'h.id', 'hq.holdId')
        .where('h.status', '=', 'active').where('h.expiresAt', '<=', now).where('hq.quotaId', 'in', ids)
        .groupBy('hq.quotaId').select(['hq.quotaId', sql<number>`sum(hq.quantity)::int`.as('n')]).execute();
      const gone = new Map(expired.map((e) => [e.quotaId, e.n]));
      return { quotas: quotas.map((q) => ({ ...q, held: q.held - (gone.get(q.quotaId) ?? 0) })), quotasOf };
    },

    async audit(performanceId, now) {
      const rows = await db
        .selectFrom('quotas as q')
        .where('q.performanceId', '=', performanceId)
        .select([
          'q.id as quotaId', 'q.name', 'q.capacity', 'q.sold', 'q.held',
          (eb) => eb.selectFrom('tickets as t').innerJoin('ticketTypeQuotas as tq', 'tq.ticketTypeId', 't.ticketTypeId')
            .whereRef('tq.quotaId', '=', 'q.id').where('t.status', '=', 'valid').select(sql<number>`count(*)::int`.as('n')).as('soldFromRows'),
          (eb) => eb.selectFrom('holdQuotas as hq').innerJoin('holds as h', 'h.id', 'hq.holdId')
            .whereRef('hq.quotaId', '=', 'q.id').where('h.status', '=', 'active').select(sql<number>`coalesce(sum(hq.quantity), 0)::int`.as('n')).as('heldFromRows'),
          (eb) => eb.selectFrom('holdQuotas as hq').innerJoin('holds as h', 'h.id', 'hq.holdId')
            .whereRef('hq.quotaId', '=', 'q.id').where('h.status', '=', 'active').where('h.expiresAt', '>', now)
            .select(sql<number>`coalesce(sum(hq.quantity), 0)::int`.as('n')).as('liveHeldFromRows'),
        ])
        .orderBy('q.id')
        .execute();
      return rows.map((r): QuotaAudit => ({
        quotaId: r.quotaId, name: r.name, capacity: r.capacity, sold: r.sold, held: r.held, available: r.capacity - r.sold - r.held,
        soldFromRows: r.soldFromRows ?? 0, heldFromRows: r.heldFromRows ?? 0, liveHeldFromRows: r.liveHeldFromRows ?? 0,
      }));
    },
  };
}
