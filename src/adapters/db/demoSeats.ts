import { type SeatSpec, generateSection, nextSectionTop } from '../../domain/seating.ts';

/**
 * A small seated room for the demo and for tests: Stalls (rows A–F, seats 1–12; A1 and A12 are
 * wheelchair spaces, not sold online) and a Balcony (rows A–C, seats 1–10).
 */
export function smallTheatreSeats(): SeatSpec[] {
  const stalls = generateSection({ section: 'Stalls', firstRow: 'A', lastRow: 'F', firstSeat: 1, lastSeat: 12, zone: 'Stalls', notForSale: ['A1', 'A12'], top: 0 });
  if (!stalls.ok) throw new Error(stalls.message);
  const balcony = generateSection({ section: 'Balcony', firstRow: 'A', lastRow: 'C', firstSeat: 1, lastSeat: 10, zone: 'Balcony', notForSale: [], top: nextSectionTop(stalls.value) });
  if (!balcony.ok) throw new Error(balcony.message);
  return [...stalls.value, ...balcony.value];
}

/** Seats for sale per zone: the capacity to give each zone's ticket type. */
export function seatsForSale(seats: readonly SeatSpec[], zone: string): number {
  return seats.filter((s) => s.zone === zone && s.forSale).length;
}
