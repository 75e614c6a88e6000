import { type Result, fail, ok } from '../domain/errors.ts';
import { MAX_TICKETS_PER_HOLD, type RequestedLine } from '../domain/hold.ts';
import type { Money } from '../domain/money.ts';
import { may } from '../domain/policy.ts';
import { type PlacedSeat, type SeatSpec, bestTogether, checkSeatMap, generateSection, nextSectionTop, seatName, seatShortName } from '../domain/seating.ts';
import type { AppDeps } from './deps.ts';
import { type PlacedHold, placeHold } from './holds.ts';
import type { EventDetail, ProducerVenue, SeatChoice, SeatedTicketType, SessionUser } from './ports.ts';
import { seatLines } from './seatClaims.ts';
import { transact } from './transact.ts';

// ---------- the buyer: the map of a performance, and holding seats ----------

export type SeatState = 'available' | 'taken' | 'not_for_sale';
export interface SeatView extends PlacedSeat {
  state: SeatState;
  /** The ticket type this seat is sold as at this performance (the zone's first), or null. */
  ticketTypeId: string | null;
  price: Money | null;
}
export interface SeatingView {
  performanceId: string;
  seats: SeatView[];
  /** Ticket types sold only with seats; their places are chosen on the map. */
  seatedTypes: SeatedTicketType[];
}

/** The seat map of a performance with what is free now; null when the performance sells no seats. */
export async function performanceSeating(deps: AppDeps, performanceId: string): Promise<SeatingView | null> {
  const seatedTypes = await deps.store.seats.seatedTicketTypes(performanceId);
  if (seatedTypes.length === 0) return null;
  const seats = await deps.store.seats.seatsOfPerformance(performanceId, deps.clock.now());
  if (seats.length === 0) return null;
  const typeOfZone = zoneTypes(seatedTypes);
  return {
    performanceId,
    seatedTypes,
    seats: seats.map((s) => {
      const type = typeOfZone.get(s.zone) ?? null;
      const state: SeatState = !s.forSale || !type ? 'not_for_sale' : s.taken ? 'taken' : 'available';
      return { id: s.id, section: s.section, row: s.row, number: s.number, x: s.x, y: s.y, zone: s.zone, forSale: s.forSale, state, ticketTypeId: type?.id ?? null, price: type?.price ?? null };
    }),
  };
}

/** The seat maps of an event's performances that sell seats, by performance id. */
export async function eventSeating(deps: AppDeps, event: EventDetail): Promise<Record<string, SeatingView>> {
  const result: Record<string, SeatingView> = {};
  for (const p of event.performances) {
    const seating = await performanceSeating(deps, p.id);
    if (seating) result[p.id] = seating;
  }
  return result;
}

/** A zone is sold as its first seated ticket type (by the ticket types' order). */
function zoneTypes(types: readonly SeatedTicketType[]): Map<string, SeatedTicketType> {
  const m = new Map<string, SeatedTicketType>();
  for (const t of types) if (!m.has(t.zone)) m.set(t.zone, t);
  return m;
}

export interface SeatedHoldRequest {
  performanceId: string;
  /** The event page the request came from: its performance must be of this published event. */
  eventSlug?: string;
  /** The visitor's waiting-room cookies, for the gate (placeHold). */
  admission?: { visitorId: string | null; token: string | null };
  /** Places of unseated ticket types, as on the plain form. */
  lines: readonly RequestedLine[];
  /** Seats the buyer chose. */
  seatIds: readonly string[];
  /** Or: the best `count` seats together, in one zone or any. */
  best: { count: number; zone: string | null } | null;
}

/**
 * Holds the buyer's seats (and any unseated places) with placeHold. "The best N together" is
 * worked out from the map as it is now; if someone takes one of those seats first, it looks again
 * (three times at most).
 */
export async function placeSeatedHold(deps: AppDeps, req: SeatedHoldRequest): Promise<Result<PlacedHold>> {
  if (req.best && req.seatIds.length > 0) return fail('invalid_input', 'Choose seats on the map, or ask for the best seats together, not both.');
  if (!req.best) {
    const choices = await choicesFor(deps, req.performanceId, req.seatIds);
    return choices.ok ? holdWith(deps, req, choices.value) : choices;
  }
  if (!Number.isInteger(req.best.count) || req.best.count < 1 || req.best.count > MAX_TICKETS_PER_HOLD) {
    return fail('invalid_input', `You can hold at most ${MAX_TICKETS_PER_HOLD} tickets at a time.`);
  }
  for (let attempt = 0; ; attempt++) {
    const seating = await performanceSeating(deps, req.performanceId);
    if (!seating) return fail('invalid_input', 'This performance has no reserved seats.');
    const block = bestTogether(seating.seats, (s) => s.state === 'available', req.best.count, req.best.zone);
    if (!block) {
      return fail('sold_out', `There are no ${req.best.count} seats together${req.best.zone ? ` in ${req.best.zone}` : ''} left. Choose seats on the map instead.`);
    }
    const held = await holdWith(deps, req, block.map((s) => ({ seatId: s.id, ticketTypeId: s.ticketTypeId! })));
    if (held.ok || held.details?.taken === undefined || attempt >= 2) return held;
  }
}

/** One place of the seat's ticket type per seat, with the buyer's other places. */
function holdWith(deps: AppDeps, req: SeatedHoldRequest, seats: SeatChoice[]): Promise<Result<PlacedHold>> {
  return placeHold(deps, { performanceId: req.performanceId, eventSlug: req.eventSlug, lines: [...req.lines, ...seatLines(seats)], seats, admission: req.admission });
}

/** Each chosen seat with the ticket type of its zone; a seat that is not for sale is refused here with its name. */
async function choicesFor(deps: AppDeps, performanceId: string, seatIds: readonly string[]): Promise<Result<SeatChoice[]>> {
  if (seatIds.length === 0) return ok([]);
  const typeOfZone = zoneTypes(await deps.store.seats.seatedTicketTypes(performanceId));
  const seats = new Map((await deps.store.seats.seatsForPerformance(performanceId, seatIds)).map((s) => [s.id, s]));
  const choices: SeatChoice[] = [];
  for (const seatId of new Set(seatIds)) {
    const seat = seats.get(seatId);
    if (!seat) return fail('invalid_input', 'One of the chosen seats is not in this venue.');
    const type = typeOfZone.get(seat.zone);
    if (!seat.forSale || !type) return fail('invalid_input', `Seat ${seatShortName(seat)} (${seat.section}) is not for sale.`);
    choices.push({ seatId, ticketTypeId: type.id });
  }
  return ok(choices);
}

// ---------- the producer: a venue's seat map ----------

const notAllowed = fail('forbidden', 'Your role does not allow editing seat maps.');
const noVenue = fail('not_found', 'There is no such venue.');

export async function venuesForSeatMaps(deps: AppDeps, user: SessionUser): Promise<Result<ProducerVenue[]>> {
  if (!may(user.role, 'seatmaps.edit')) return notAllowed;
  return ok(await deps.store.seats.venuesOf(user.producerId));
}

export interface SeatMapView { venue: ProducerVenue; seats: PlacedSeat[] }

export async function venueSeatMap(deps: AppDeps, user: SessionUser, venueId: string): Promise<Result<SeatMapView>> {
  if (!may(user.role, 'seatmaps.edit')) return notAllowed;
  const venue = await deps.store.seats.venueOf(user.producerId, venueId);
  if (!venue) return noVenue;
  return ok({ venue, seats: await deps.store.seats.seatsOfVenue(venue.id) });
}

/** Replaces a venue's whole map (the JSON form). Seats ever held or sold cannot be removed. */
export async function saveSeatMap(deps: AppDeps, user: SessionUser, venueId: string, seats: readonly SeatSpec[]): Promise<Result<SeatMapView>> {
  if (!may(user.role, 'seatmaps.edit')) return notAllowed;
  const checked = checkSeatMap(seats);
  if (!checked.ok) return checked;
  return transact(deps.store, async (tx) => {
    const venue = await tx.seats.venueOf(user.producerId, venueId);
    if (!venue) return noVenue;
    const kept = await tx.seats.replaceSeatMap(venue.id, checked.value);
    if (kept.length > 0) {
      const names = kept.slice(0, 5).map(seatName).join('; ');
      return fail('conflict', `These seats have been held or sold, so they stay on the map (mark them not for sale instead): ${names}${kept.length > 5 ? ` and ${kept.length - 5} more` : ''}.`);
    }
    deps.log.info({ venueId: venue.id, seats: checked.value.length }, 'seat map saved');
    return ok({ venue: { ...venue, seatCount: checked.value.length }, seats: await tx.seats.seatsOfVenue(venue.id) });
  });
}

export interface SectionRequest { section: string; firstRow: string; lastRow: string; firstSeat: number; lastSeat: number; zone: string; notForSale: readonly string[] }

/** Adds a block of seats ("Stalls, rows A–J, seats 1–20, zone Stalls") below the map's existing seats. */
export async function addSection(deps: AppDeps, user: SessionUser, venueId: string, req: SectionRequest): Promise<Result<SeatMapView>> {
  const current = await venueSeatMap(deps, user, venueId);
  if (!current.ok) return current;
  if (current.value.seats.some((s) => s.section === req.section)) {
    return fail('invalid_input', `There is already a section called ${req.section}. Choose another name, or edit the map as JSON.`);
  }
  const generated = generateSection({ ...req, top: nextSectionTop(current.value.seats) });
  if (!generated.ok) return generated;
  return saveSeatMap(deps, user, venueId, [...current.value.seats, ...generated.value]);
}
