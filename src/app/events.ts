import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { UNVERIFIED_MESSAGE, may, mayAs } from '../domain/policy.ts';
import { MAX_SERIES, seriesDates } from '../domain/series.ts';
import { isVenueTimeZone, zonedTimeToUtc } from '../domain/time.ts';
import type { AppDeps } from './deps.ts';
import type {
  EventFields, EventListing, EventRecord, PerformanceRecord, QuotaFields, QuotaRecord, Repos, SessionUser, TicketTypeFields, TicketTypeRecord, VenueFields, VenueRecord,
} from './ports.ts';
import { transact } from './transact.ts';

/**
 * The producer's event management (issue 6 §2). Owners and admins change events, venues,
 * performances, quotas and ticket types; everyone on the team may look. Each use case is one
 * transaction, and every read and write names the producer, so another producer's id is "not found".
 *
 * Ticket types and quotas belong to one performance. A new performance starts with a copy of the
 * ticket types and quotas of a template performance of the same event (the event's first one unless
 * the producer picks another, or none), with sales windows moved by the difference of the start times.
 */

const NOT_FOUND = 'There is no such event here.';
const denied = () => fail('forbidden', 'Your role cannot change events.');
const invalid = (field: string, message: string) => fail('invalid_input', message, { field });

function read(user: SessionUser): boolean {
  return may(user.role, 'events.read');
}
function manage(user: SessionUser): boolean {
  return may(user.role, 'events.manage');
}

// ---------- venues ----------

export async function venues(deps: AppDeps, user: SessionUser): Promise<Result<VenueRecord[]>> {
  if (!read(user)) return fail('forbidden', 'Your role cannot see events.');
  return ok(await deps.store.eventAdmin.venues(user.producerId));
}

export async function venue(deps: AppDeps, user: SessionUser, venueId: string): Promise<Result<VenueRecord>> {
  if (!read(user)) return fail('forbidden', 'Your role cannot see events.');
  const v = await deps.store.eventAdmin.venue(user.producerId, venueId);
  return v ? ok(v) : fail('not_found', 'There is no such venue here.');
}

function checkVenue(v: VenueFields): Result<VenueFields> {
  if (!isVenueTimeZone(v.timeZone)) return invalid('timeZone', 'Choose a time zone like Europe/London (an IANA name).');
  // Intl answers with the canonical spelling ("europe/london" → "Europe/London").
  return ok({ ...v, timeZone: new Intl.DateTimeFormat('en', { timeZone: v.timeZone }).resolvedOptions().timeZone });
}

export async function createVenue(deps: AppDeps, user: SessionUser, input: VenueFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  const v = checkVenue(input);
  if (!v.ok) return v;
  const id = randomUUID();
  return transact(deps.store, async (tx) => {
    await tx.eventAdmin.insertVenue(user.producerId, id, v.value);
    return ok({ id });
  });
}

export async function updateVenue(deps: AppDeps, user: SessionUser, venueId: string, input: VenueFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  const v = checkVenue(input);
  if (!v.ok) return v;
  return transact(deps.store, async (tx) =>
    (await tx.eventAdmin.updateVenue(user.producerId, venueId, v.value)) ? ok({ id: venueId }) : fail('not_found', 'There is no such venue here.'));
}

// ---------- events ----------

export async function producerEvents(deps: AppDeps, user: SessionUser): Promise<Result<{ events: EventListing[]; venues: VenueRecord[] }>> {
  if (!read(user)) return fail('forbidden', 'Your role cannot see events.');
  return ok({ events: await deps.store.eventAdmin.events(user.producerId), venues: await deps.store.eventAdmin.venues(user.producerId) });
}

export interface EventDetail { event: EventRecord; performances: PerformanceRecord[]; venues: VenueRecord[] }

export async function eventDetail(deps: AppDeps, user: SessionUser, eventId: string): Promise<Result<EventDetail>> {
  if (!read(user)) return fail('forbidden', 'Your role cannot see events.');
  const event = await deps.store.eventAdmin.event(user.producerId, eventId);
  if (!event) return fail('not_found', NOT_FOUND);
  return ok({ event, performances: await deps.store.eventAdmin.performances(user.producerId, eventId), venues: await deps.store.eventAdmin.venues(user.producerId) });
}

const slugTaken = (slug: string) => invalid('slug', `The address ${slug} is taken; choose another.`);

async function slugFree(tx: Repos, slug: string, exceptEventId: string | null): Promise<Result<null>> {
  return (await tx.eventAdmin.slugTaken(slug, exceptEventId)) ? slugTaken(slug) : ok(null);
}

export async function createEvent(deps: AppDeps, user: SessionUser, input: EventFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  const id = randomUUID();
  return transact(deps.store, async (tx) => {
    const free = await slugFree(tx, input.slug, null);
    if (!free.ok) return free;
    if (!(await tx.eventAdmin.insertEvent(user.producerId, id, input, deps.clock.now()))) return slugTaken(input.slug);
    return ok({ id });
  });
}

export async function updateEvent(deps: AppDeps, user: SessionUser, eventId: string, input: EventFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    if (!(await tx.eventAdmin.lockEvent(user.producerId, eventId))) return fail('not_found', NOT_FOUND);
    const free = await slugFree(tx, input.slug, eventId);
    if (!free.ok) return free;
    await tx.eventAdmin.updateEvent(user.producerId, eventId, input);
    return ok({ id: eventId });
  });
}

/**
 * Publishing needs something to sell: a performance that has not started, is not cancelled and has
 * a ticket type; and an account whose email address is verified (ADR 0013). Unpublishing needs neither.
 */
export async function setEventPublished(deps: AppDeps, user: SessionUser, eventId: string, published: boolean): Promise<Result<{ id: string; published: boolean }>> {
  if (!manage(user)) return denied();
  if (published && !mayAs(user, 'events.publish')) return fail('forbidden', UNVERIFIED_MESSAGE);
  return transact(deps.store, async (tx) => {
    if (!(await tx.eventAdmin.lockEvent(user.producerId, eventId))) return fail('not_found', NOT_FOUND);
    if (published && (await tx.eventAdmin.sellablePerformances(user.producerId, eventId, deps.clock.now())) === 0) {
      return fail('conflict', 'To publish, add a performance in the future with at least one ticket type.');
    }
    await tx.eventAdmin.setPublished(user.producerId, eventId, published);
    return ok({ id: eventId, published });
  });
}

/** A new unpublished event with a copy of every performance that is not cancelled, each with its ticket types and quotas. */
export async function copyEvent(deps: AppDeps, user: SessionUser, eventId: string, newSlug: string): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  const id = randomUUID();
  return transact(deps.store, async (tx) => {
    const source = await tx.eventAdmin.lockEvent(user.producerId, eventId);
    if (!source) return fail('not_found', NOT_FOUND);
    const free = await slugFree(tx, newSlug, null);
    if (!free.ok) return free;
    const { id: _, published: __, createdAt: ___, ...fields } = source;
    if (!(await tx.eventAdmin.insertEvent(user.producerId, id, { ...fields, slug: newSlug, title: `${source.title} (copy)`.slice(0, 200) }, deps.clock.now()))) return slugTaken(newSlug);
    for (const p of await tx.eventAdmin.performances(user.producerId, eventId)) {
      if (p.cancelledAt) continue;
      const copyId = randomUUID();
      await tx.eventAdmin.insertPerformance(copyId, id, p.venueId, p.startsAt);
      await copyInventory(tx, user.producerId, p, copyId, p.startsAt);
    }
    return ok({ id });
  });
}

/** Copies quotas, ticket types and their links; sales windows move with the start time. */
async function copyInventory(tx: Repos, producerId: string, from: PerformanceRecord, toId: string, toStartsAt: Date): Promise<void> {
  const shift = toStartsAt.getTime() - from.startsAt.getTime();
  const moved = (d: Date | null) => (d === null ? null : new Date(d.getTime() + shift));
  const quotaIds = new Map<string, string>();
  for (const q of await tx.eventAdmin.quotas(producerId, from.id)) {
    const id = randomUUID();
    quotaIds.set(q.id, id);
    await tx.eventAdmin.insertQuota(id, toId, { name: q.name, capacity: q.capacity });
  }
  for (const t of await tx.eventAdmin.ticketTypes(producerId, from.id)) {
    const { id: _, performanceId: __, sort: ___, quotaIds: links, ...fields } = t;
    await tx.eventAdmin.insertTicketType(randomUUID(), toId, { ...fields, salesOpensAt: moved(t.salesOpensAt), salesClosesAt: moved(t.salesClosesAt) }, links.map((l) => quotaIds.get(l)!));
  }
}

// ---------- performances ----------

/** One performance, or a weekly series; dates and times are on the venue's wall clock. */
export type PerformancePlan =
  | { kind: 'once'; date: string; time: string }
  | { kind: 'series'; from: string; until: string; weekdays: number[]; time: string };

export interface NewPerformances {
  venueId: string;
  plan: PerformancePlan;
  /** The performance whose ticket types and quotas the new ones get; 'first' is the event's first, null none. */
  template: string | 'first' | null;
}

/** The UTC starts the plan makes in the venue's zone, refused when in the past or too many. */
function startsOf(plan: PerformancePlan, timeZone: string, now: Date): Result<Date[]> {
  let starts: Date[];
  if (plan.kind === 'once') {
    const at = zonedTimeToUtc(plan.date, plan.time, timeZone);
    if (!at) return invalid('time', `That date and time do not exist in ${timeZone}.`);
    starts = [at];
  } else {
    const r = seriesDates({ ...plan, timeZone }, MAX_SERIES);
    if (!r.ok) return r;
    starts = r.value;
  }
  if (starts[0]!.getTime() <= now.getTime()) return invalid(plan.kind === 'once' ? 'date' : 'from', 'A new performance must start in the future.');
  return ok(starts);
}

/** What `addPerformances` would create, without creating it: the dates, for the producer to check first. */
export async function previewPerformances(deps: AppDeps, user: SessionUser, eventId: string, input: NewPerformances): Promise<Result<{ starts: Date[]; venue: VenueRecord }>> {
  if (!manage(user)) return denied();
  if (!(await deps.store.eventAdmin.event(user.producerId, eventId))) return fail('not_found', NOT_FOUND);
  const v = await deps.store.eventAdmin.venue(user.producerId, input.venueId);
  if (!v) return invalid('venueId', 'Choose one of your venues.');
  const starts = startsOf(input.plan, v.timeZone, deps.clock.now());
  return starts.ok ? ok({ starts: starts.value, venue: v }) : starts;
}

export async function addPerformances(deps: AppDeps, user: SessionUser, eventId: string, input: NewPerformances): Promise<Result<{ ids: string[] }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    if (!(await tx.eventAdmin.lockEvent(user.producerId, eventId))) return fail('not_found', NOT_FOUND);
    const v = await tx.eventAdmin.venue(user.producerId, input.venueId);
    if (!v) return invalid('venueId', 'Choose one of your venues.');
    const starts = startsOf(input.plan, v.timeZone, deps.clock.now());
    if (!starts.ok) return starts;
    const existing = (await tx.eventAdmin.performances(user.producerId, eventId)).filter((p) => !p.cancelledAt);
    const template = input.template === null ? null : input.template === 'first' ? (existing[0] ?? null) : (existing.find((p) => p.id === input.template) ?? undefined);
    if (template === undefined) return invalid('template', 'Choose a performance of this event to copy the ticket types from.');
    const ids: string[] = [];
    for (const at of starts.value) {
      const id = randomUUID();
      ids.push(id);
      await tx.eventAdmin.insertPerformance(id, eventId, v.id, at);
      if (template) await copyInventory(tx, user.producerId, template, id, at);
    }
    return ok({ ids });
  });
}

export interface PerformanceDetail { performance: PerformanceRecord; event: EventRecord; quotas: QuotaRecord[]; ticketTypes: TicketTypeRecord[] }

export async function performanceDetail(deps: AppDeps, user: SessionUser, performanceId: string): Promise<Result<PerformanceDetail>> {
  if (!read(user)) return fail('forbidden', 'Your role cannot see events.');
  const repo = deps.store.eventAdmin;
  const performance = await repo.performance(user.producerId, performanceId);
  const event = performance && (await repo.event(user.producerId, performance.eventId));
  if (!performance || !event) return fail('not_found', 'There is no such performance here.');
  return ok({ performance, event, quotas: await repo.quotas(user.producerId, performanceId), ticketTypes: await repo.ticketTypes(user.producerId, performanceId) });
}

// ---------- quotas and ticket types ----------

export async function addQuota(deps: AppDeps, user: SessionUser, performanceId: string, input: QuotaFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    if (!(await tx.eventAdmin.performance(user.producerId, performanceId))) return fail('not_found', 'There is no such performance here.');
    const id = randomUUID();
    await tx.eventAdmin.insertQuota(id, performanceId, input);
    return ok({ id });
  });
}

export async function updateQuota(deps: AppDeps, user: SessionUser, performanceId: string, quotaId: string, input: QuotaFields): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    const own = (await tx.eventAdmin.quotas(user.producerId, performanceId)).some((q) => q.id === quotaId);
    if (!own) return fail('not_found', 'There is no such quota here.');
    const updated = await tx.eventAdmin.updateQuota(user.producerId, quotaId, input);
    if (updated === 'in_use') return invalid('capacity', 'More places than that are already sold or held: the capacity cannot go below them.');
    return ok({ id: quotaId });
  });
}

/** A ticket type as the form gives it: sales window on the venue's wall clock ("YYYY-MM-DDTHH:MM"), and the quotas it draws on. */
export interface TicketTypeInput extends Omit<TicketTypeFields, 'salesOpensAt' | 'salesClosesAt'> {
  salesOpensLocal: string | null;
  salesClosesLocal: string | null;
  quotaIds: string[];
  /** A limit of its own: a new quota of this capacity, named after the type, that only it draws on. */
  ownCapacity: number | null;
}

function localToUtc(field: string, value: string | null, timeZone: string): Result<Date | null> {
  if (value === null) return ok(null);
  const at = zonedTimeToUtc(value.slice(0, 10), value.slice(11, 16), timeZone);
  return at ? ok(at) : invalid(field, `That time does not exist in ${timeZone}.`);
}

async function resolveTicketType(tx: Repos, user: SessionUser, performance: PerformanceRecord, input: TicketTypeInput): Promise<Result<{ fields: TicketTypeFields; quotaIds: string[] }>> {
  const opens = localToUtc('salesOpens', input.salesOpensLocal, performance.timeZone);
  if (!opens.ok) return opens;
  const closes = localToUtc('salesCloses', input.salesClosesLocal, performance.timeZone);
  if (!closes.ok) return closes;
  if (opens.value && closes.value && opens.value >= closes.value) return invalid('salesCloses', 'Sales must close after they open.');
  if (input.minPerOrder > input.maxPerOrder) return invalid('maxPerOrder', 'The most per order cannot be fewer than the fewest per order.');
  const own = new Set((await tx.eventAdmin.quotas(user.producerId, performance.id)).map((q) => q.id));
  if (input.quotaIds.some((id) => !own.has(id))) return invalid('quotaIds', 'Choose quotas of this performance.');
  const quotaIds = [...new Set(input.quotaIds)];
  if (input.ownCapacity !== null) {
    const id = randomUUID();
    await tx.eventAdmin.insertQuota(id, performance.id, { name: input.name, capacity: input.ownCapacity });
    quotaIds.push(id);
  }
  if (quotaIds.length === 0) return invalid('quotaIds', 'Choose at least one quota, or give the ticket type a limit of its own.');
  const { salesOpensLocal: _, salesClosesLocal: __, quotaIds: ___, ownCapacity: ____, ...rest } = input;
  return ok({ fields: { ...rest, salesOpensAt: opens.value, salesClosesAt: closes.value }, quotaIds });
}

export async function addTicketType(deps: AppDeps, user: SessionUser, performanceId: string, input: TicketTypeInput): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    const performance = await tx.eventAdmin.performance(user.producerId, performanceId);
    if (!performance) return fail('not_found', 'There is no such performance here.');
    const t = await resolveTicketType(tx, user, performance, input);
    if (!t.ok) return t;
    const id = randomUUID();
    await tx.eventAdmin.insertTicketType(id, performanceId, t.value.fields, t.value.quotaIds);
    return ok({ id });
  });
}

export async function updateTicketType(deps: AppDeps, user: SessionUser, performanceId: string, ticketTypeId: string, input: TicketTypeInput): Promise<Result<{ id: string }>> {
  if (!manage(user)) return denied();
  return transact(deps.store, async (tx) => {
    const performance = await tx.eventAdmin.performance(user.producerId, performanceId);
    const own = performance && (await tx.eventAdmin.ticketTypes(user.producerId, performanceId)).some((t) => t.id === ticketTypeId);
    if (!performance || !own) return fail('not_found', 'There is no such ticket type here.');
    const t = await resolveTicketType(tx, user, performance, input);
    if (!t.ok) return t;
    const updated = await tx.eventAdmin.updateTicketType(user.producerId, ticketTypeId, t.value.fields, t.value.quotaIds);
    if (updated === 'in_use') return invalid('quotaIds', 'Tickets of this type have been held or sold, so the quotas it draws on cannot change.');
    return ok({ id: ticketTypeId });
  });
}
