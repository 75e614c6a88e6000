import { type Result, fail, ok } from './errors.ts';

/**
 * Reserved seating (issue 4 §3). A venue's seat map is a list of seats, each in a section and a
 * row, with a position (x, y in map units; the stage is at the top, so a smaller y is nearer to
 * it), a price zone, and whether it is for sale. A ticket type with a zone is sold only with a
 * seat of that zone.
 */
export interface SeatSpec {
  readonly section: string;
  readonly row: string;
  readonly number: string;
  readonly x: number;
  readonly y: number;
  readonly zone: string;
  readonly forSale: boolean;
}

export interface PlacedSeat extends SeatSpec {
  readonly id: string;
}

export const MAX_SEATS_PER_MAP = 5000;

/** "C12": how a seat is named in short, on tickets and in messages. */
export function seatShortName(s: Pick<SeatSpec, 'row' | 'number'>): string {
  return `${s.row}${s.number}`;
}

/** "Stalls, row C, seat 12": a seat's full name, unambiguous across sections. */
export function seatName(s: Pick<SeatSpec, 'section' | 'row' | 'number'>): string {
  return `${s.section}, row ${s.row}, seat ${s.number}`;
}

/** The rows A, B, …, Z, AA, AB, … from `first` to `last`, or null when they are not letters in order. */
export function rowLabels(first: string, last: string): string[] | null {
  const index = (label: string): number | null => {
    if (!/^[A-Z]{1,2}$/.test(label)) return null;
    return [...label].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);
  };
  const label = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : String.fromCharCode(64 + Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));
  const a = index(first.toUpperCase());
  const b = index(last.toUpperCase());
  if (a === null || b === null || b < a) return null;
  return Array.from({ length: b - a + 1 }, (_, i) => label(a + i));
}

export const SEAT_SPACING = 30;
export const ROW_SPACING = 34;
export const SECTION_GAP = 40;

/**
 * A rectangular block of seats: rows `firstRow`–`lastRow`, seats `firstSeat`–`lastSeat` in each,
 * laid out below `top` and centred on x = 0. `notForSale` names seats as "C5" (row and number).
 */
export function generateSection(g: {
  section: string; firstRow: string; lastRow: string; firstSeat: number; lastSeat: number; zone: string; notForSale: readonly string[]; top: number;
}): Result<SeatSpec[]> {
  const rows = rowLabels(g.firstRow, g.lastRow);
  if (!rows) return fail('invalid_input', 'Rows go from a letter to a later letter, like A to J.');
  if (!Number.isInteger(g.firstSeat) || !Number.isInteger(g.lastSeat) || g.firstSeat < 1 || g.lastSeat < g.firstSeat || g.lastSeat - g.firstSeat >= 200) {
    return fail('invalid_input', 'Seats go from a number to a larger one, like 1 to 20 (200 seats a row at most).');
  }
  const perRow = g.lastSeat - g.firstSeat + 1;
  const blocked = new Set(g.notForSale.map((s) => s.trim().toUpperCase()).filter((s) => s !== ''));
  const seats: SeatSpec[] = [];
  for (const [r, row] of rows.entries()) {
    for (let i = 0; i < perRow; i++) {
      const number = String(g.firstSeat + i);
      const x = Math.round((i - (perRow - 1) / 2) * SEAT_SPACING);
      seats.push({ section: g.section, row, number, x, y: g.top + r * ROW_SPACING, zone: g.zone, forSale: !blocked.has(`${row}${number}`) });
      blocked.delete(`${row}${number}`);
    }
  }
  if (blocked.size > 0) return fail('invalid_input', `There is no seat ${[...blocked].join(', ')} in rows ${rows[0]}–${rows[rows.length - 1]}, seats ${g.firstSeat}–${g.lastSeat}.`);
  return ok(seats);
}

/** Where a new section goes: below every seat there is, with a gap. */
export function nextSectionTop(seats: readonly Pick<SeatSpec, 'y'>[]): number {
  return seats.length === 0 ? 0 : Math.max(...seats.map((s) => s.y)) + SECTION_GAP + ROW_SPACING;
}

/** A map is usable when no seat is named twice and no two seats share a position. */
export function checkSeatMap(seats: readonly SeatSpec[]): Result<SeatSpec[]> {
  if (seats.length > MAX_SEATS_PER_MAP) return fail('invalid_input', `A seat map has ${MAX_SEATS_PER_MAP} seats at most.`);
  const names = new Set<string>();
  const places = new Set<string>();
  for (const s of seats) {
    const name = `${s.section}\u0000${s.row}\u0000${s.number}`;
    if (names.has(name)) return fail('invalid_input', `${seatName(s)} is in the map twice.`);
    names.add(name);
    const place = `${s.x},${s.y}`;
    if (places.has(place)) return fail('invalid_input', `${seatName(s)} is at the same place (${place}) as another seat.`);
    places.add(place);
  }
  return ok([...seats]);
}

/** The map's sections (in order from the stage) with their rows (front first) and seats (left to right). */
export function sectionsOf<S extends SeatSpec>(seats: readonly S[]): { name: string; rows: { label: string; seats: S[] }[] }[] {
  const bySection = new Map<string, Map<string, S[]>>();
  const sorted = [...seats].sort((a, b) => a.y - b.y || a.x - b.x);
  for (const s of sorted) {
    const rows = bySection.get(s.section) ?? new Map<string, S[]>();
    bySection.set(s.section, rows);
    const row = rows.get(s.row) ?? [];
    rows.set(s.row, row);
    row.push(s);
  }
  return [...bySection].map(([name, rows]) => ({ name, rows: [...rows].map(([label, rowSeats]) => ({ label, seats: rowSeats })) }));
}

/**
 * The best `count` seats side by side, or null. Seats are "together" when they are next to each
 * other in one row of one section, with no seat (sold, held or not for sale) between them.
 * "Best" is one documented rule (ADR 0011): the row nearest the stage (smallest y) first; within
 * it, the block whose middle is nearest the middle of its row; then the leftmost.
 */
export function bestTogether<S extends SeatSpec>(seats: readonly S[], isFree: (s: S) => boolean, count: number, zone: string | null = null): S[] | null {
  if (!Number.isInteger(count) || count < 1) return null;
  let best: { seats: S[]; y: number; offset: number; x: number } | null = null;
  for (const section of sectionsOf(seats)) {
    for (const row of section.rows) {
      const middle = (row.seats[0]!.x + row.seats[row.seats.length - 1]!.x) / 2;
      for (let i = 0; i + count <= row.seats.length; i++) {
        const block = row.seats.slice(i, i + count);
        if (!block.every((s) => s.forSale && isFree(s) && (zone === null || s.zone === zone))) continue;
        const y = block[0]!.y;
        const offset = Math.abs((block[0]!.x + block[block.length - 1]!.x) / 2 - middle);
        const x = block[0]!.x;
        if (!best || y < best.y || (y === best.y && (offset < best.offset || (offset === best.offset && x < best.x)))) best = { seats: block, y, offset, x };
      }
    }
  }
  return best?.seats ?? null;
}
