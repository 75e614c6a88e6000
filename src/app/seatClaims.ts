import { type Result, fail, ok } from '../domain/errors.ts';
import type { RequestedLine } from '../domain/hold.ts';
import { seatShortName } from '../domain/seating.ts';
import type { Repos, SeatChoice } from './ports.ts';

/** Ticket-type lines for the chosen seats, one place per seat; merged with the other lines by placeHold. */
export function seatLines(seats: readonly SeatChoice[]): RequestedLine[] {
  const n = new Map<string, number>();
  for (const s of seats) if (s.ticketTypeId) n.set(s.ticketTypeId, (n.get(s.ticketTypeId) ?? 0) + 1);
  return [...n].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
}

/**
 * The seat step of placeHold, in its transaction, after the places are counted and the hold is
 * written: a seated ticket type is sold only with seats, one seat a place; each seat must be of
 * the venue, for sale and of its ticket type's zone; then the seats are claimed, and a seat with a
 * live claim refuses the whole hold (the transaction rolls back).
 */
export async function holdSeats(
  tx: Repos,
  h: { performanceId: string; holdId: string; expiresAt: Date; now: Date; lines: readonly RequestedLine[]; seats: readonly SeatChoice[] },
): Promise<Result<null>> {
  const seated = await tx.seats.seatedTicketTypes(h.performanceId);
  const perType = new Map<string, number>();
  for (const s of h.seats) perType.set(s.ticketTypeId, (perType.get(s.ticketTypeId) ?? 0) + 1);
  for (const type of seated) {
    const line = h.lines.find((l) => l.ticketTypeId === type.id);
    if ((line?.quantity ?? 0) !== (perType.get(type.id) ?? 0)) {
      return fail('invalid_input', `${type.name} tickets are sold with seats: choose your seats on the seat map.`);
    }
  }
  if (h.seats.length === 0) return ok(null);
  const seats = new Map((await tx.seats.seatsForPerformance(h.performanceId, h.seats.map((s) => s.seatId))).map((s) => [s.id, s]));
  const types = new Map(seated.map((t) => [t.id, t]));
  for (const choice of h.seats) {
    const seat = seats.get(choice.seatId);
    if (!seat) return fail('invalid_input', 'One of the chosen seats is not in this venue.');
    const type = types.get(choice.ticketTypeId);
    if (!seat.forSale || !type) return fail('invalid_input', `Seat ${seatShortName(seat)} (${seat.section}) is not for sale.`);
    if (type.zone !== seat.zone) return fail('invalid_input', `Seat ${seatShortName(seat)} (${seat.section}) is not sold as ${type.name}.`);
  }
  const taken = await tx.seats.claim({ performanceId: h.performanceId, holdId: h.holdId, expiresAt: h.expiresAt, now: h.now, seats: h.seats });
  if (taken.length > 0) {
    const names = taken.map((id) => seats.get(id)!).map((s) => `${seatShortName(s)} (${s.section})`);
    const message = names.length === 1 ? `Seat ${names[0]} was just taken.` : `Seats ${names.join(', ')} were just taken.`;
    return fail('conflict', `${message} Choose other seats.`, { taken });
  }
  return ok(null);
}

