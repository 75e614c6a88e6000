import { seatsForSale, smallTheatreSeats } from '../../src/adapters/db/demoSeats.ts';
import { seatRepo } from '../../src/adapters/db/repos/seats.ts';
import type { PlacedSeat } from '../../src/domain/seating.ts';
import { producerWithEvent, type TestBoxOffice } from './boxOffice.ts';

/**
 * A producer with a seated performance: the small theatre of demoSeats.ts (Stalls A–F × 1–12 with
 * A1 and A12 not for sale, Balcony A–C × 1–10), ticket types Stalls (£25) and Balcony (£15) sold
 * with seats, and Standing (£8) without.
 */
export async function producerWithSeatedEvent(box: TestBoxOffice, opts: { name?: string } = {}) {
  const spec = smallTheatreSeats();
  const p = await producerWithEvent(box, {
    ...(opts.name ? { name: opts.name } : {}),
    ticketTypes: [
      { name: 'Stalls', priceMinor: 2500, currency: 'GBP', capacity: seatsForSale(spec, 'Stalls'), zone: 'Stalls' },
      { name: 'Balcony', priceMinor: 1500, currency: 'GBP', capacity: seatsForSale(spec, 'Balcony'), zone: 'Balcony' },
      { name: 'Standing', priceMinor: 800, currency: 'GBP', capacity: 20 },
    ],
  });
  const repo = seatRepo(box.db);
  await repo.replaceSeatMap(p.event.venueId, spec);
  const seats = await repo.seatsOfVenue(p.event.venueId);
  const [stalls, balcony, standing] = p.performance.ticketTypeIds as [string, string, string];
  /** A seat by "Stalls C5". */
  const seat = (name: string): PlacedSeat => {
    const m = /^(\w+) ([A-Z]+)(\d+)$/.exec(name);
    const found = m && seats.find((s) => s.section === m[1] && s.row === m[2] && s.number === m[3]);
    if (!found) throw new Error(`no seat ${name}`);
    return found;
  };
  return { ...p, venueId: p.event.venueId, seats, seat, types: { stalls, balcony, standing } };
}
