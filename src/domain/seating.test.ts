import { describe, expect, it } from 'vitest';
import { type SeatSpec, bestTogether, checkSeatMap, generateSection, nextSectionTop, rowLabels, sectionsOf, seatName, seatShortName } from './seating.ts';

const section = (over: Partial<Parameters<typeof generateSection>[0]> = {}) =>
  generateSection({ section: 'Stalls', firstRow: 'A', lastRow: 'C', firstSeat: 1, lastSeat: 6, zone: 'Stalls', notForSale: [], top: 0, ...over });

function seatsOf(result: ReturnType<typeof generateSection>): SeatSpec[] {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('seat maps', () => {
  it('names rows A to Z and on to AA, and refuses rows out of order', () => {
    expect(rowLabels('A', 'E')).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(rowLabels('y', 'ab')).toEqual(['Y', 'Z', 'AA', 'AB']);
    expect(rowLabels('C', 'A')).toBeNull();
    expect(rowLabels('1', '3')).toBeNull();
  });

  it('generates a centred block of rows, front row first, with the seats named not for sale', () => {
    const seats = seatsOf(section({ notForSale: ['a1', 'C6'] }));
    expect(seats).toHaveLength(18);
    expect(seats.filter((s) => !s.forSale).map(seatShortName)).toEqual(['A1', 'C6']);
    const rowA = seats.filter((s) => s.row === 'A');
    expect(rowA.map((s) => s.x)).toEqual([-75, -45, -15, 15, 45, 75]);
    expect(new Set(rowA.map((s) => s.y))).toEqual(new Set([0]));
    expect(seats.find((s) => s.row === 'C')!.y).toBeGreaterThan(rowA[0]!.y);
    expect(seatName(rowA[2]!)).toBe('Stalls, row A, seat 3');
    expect(section({ notForSale: ['D1'] })).toMatchObject({ ok: false, message: 'There is no seat D1 in rows A–C, seats 1–6.' });
    expect(section({ firstSeat: 5, lastSeat: 2 })).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('puts a new section behind the seats there are, and refuses a seat named twice or two seats in one place', () => {
    const stalls = seatsOf(section());
    const circle = seatsOf(section({ section: 'Circle', top: nextSectionTop(stalls) }));
    expect(Math.min(...circle.map((s) => s.y))).toBeGreaterThan(Math.max(...stalls.map((s) => s.y)));
    expect(checkSeatMap([...stalls, ...circle]).ok).toBe(true);
    expect(checkSeatMap([...stalls, { ...stalls[0]!, x: 999 }])).toMatchObject({ ok: false, message: 'Stalls, row A, seat 1 is in the map twice.' });
    expect(checkSeatMap([...stalls, { ...stalls[0]!, number: '99' }])).toMatchObject({ ok: false, message: 'Stalls, row A, seat 99 is at the same place (-75,0) as another seat.' });
    expect(sectionsOf([...circle, ...stalls]).map((s) => [s.name, s.rows.map((r) => r.label).join('')])).toEqual([['Stalls', 'ABC'], ['Circle', 'ABC']]);
  });
});

describe('the best seats together', () => {
  const seats = seatsOf(section({ notForSale: ['A3'] }));
  const all = () => true;

  it('takes the front-most row that has the seats side by side, as near its middle as they go', () => {
    // Row A has A3 not for sale: A4–A6 is the only block of three in it, and it is in front.
    expect(bestTogether(seats, all, 3)!.map(seatShortName)).toEqual(['A4', 'A5', 'A6']);
    // Four together do not fit in row A; row B, centred.
    expect(bestTogether(seats, all, 4)!.map(seatShortName)).toEqual(['B2', 'B3', 'B4', 'B5']);
    // Two: A4–A5 and A5–A6 are as far from the middle; the leftmost wins.
    expect(bestTogether(seats, all, 2)!.map(seatShortName)).toEqual(['A4', 'A5']);
  });

  it('never splits a block across a taken seat, a row or a zone, and says when nothing fits', () => {
    const taken = new Set(['B3']);
    const free = (s: SeatSpec) => !taken.has(seatShortName(s));
    expect(bestTogether(seats, free, 4)!.map(seatShortName)).toEqual(['C2', 'C3', 'C4', 'C5']);
    expect(bestTogether(seats, all, 7)).toBeNull();
    expect(bestTogether(seats, all, 0)).toBeNull();
    const mixed = seats.map((s) => (s.row === 'A' ? { ...s, zone: 'Premium' } : s));
    expect(bestTogether(mixed, all, 2, 'Stalls')!.map(seatShortName)).toEqual(['B3', 'B4']);
  });
});
