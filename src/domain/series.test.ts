import { describe, expect, it } from 'vitest';
import { minorToDecimal, parseMinor } from './money.ts';
import { seriesDates } from './series.ts';
import { isVenueTimeZone, wallClock, zonedTimeToUtc } from './time.ts';

describe('zonedTimeToUtc', () => {
  it('reads a wall-clock time in the zone, on both sides of a clock change', () => {
    expect(zonedTimeToUtc('2027-03-25', '19:30', 'Europe/London')?.toISOString()).toBe('2027-03-25T19:30:00.000Z');
    expect(zonedTimeToUtc('2027-04-01', '19:30', 'Europe/London')?.toISOString()).toBe('2027-04-01T18:30:00.000Z');
    expect(zonedTimeToUtc('2027-07-01', '20:00', 'America/New_York')?.toISOString()).toBe('2027-07-02T00:00:00.000Z');
  });
  it('has no instant for a time the clocks skip, and the first of a time that happens twice', () => {
    // 28 March 2027: London goes from 01:00 GMT to 02:00 BST.
    expect(zonedTimeToUtc('2027-03-28', '01:30', 'Europe/London')).toBeNull();
    // 31 October 2027: 01:30 happens on BST, then again on GMT.
    expect(zonedTimeToUtc('2027-10-31', '01:30', 'Europe/London')?.toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });
  it('refuses dates, times and zones that do not exist', () => {
    expect(zonedTimeToUtc('2027-02-30', '19:30', 'Europe/London')).toBeNull();
    expect(zonedTimeToUtc('2027-02-01', '25:00', 'Europe/London')).toBeNull();
    expect(zonedTimeToUtc('2027-02-01', '19:30', 'Mars/Olympus')).toBeNull();
  });
  it('takes IANA region names and UTC as venue zones, not abbreviations or offsets', () => {
    expect(['Europe/London', 'America/Argentina/Salta', 'Etc/GMT+1', 'UTC'].map(isVenueTimeZone)).toEqual([true, true, true, true]);
    expect(['EST', '+01:00', 'Europe/Atlantis', '', 'europe/london '].map(isVenueTimeZone)).toEqual([false, false, false, false, false]);
  });
  it('is the inverse of wallClock', () => {
    const at = zonedTimeToUtc('2027-10-31', '19:30', 'Europe/Berlin')!;
    expect(wallClock(at, 'Europe/Berlin')).toEqual({ date: '2027-10-31', time: '19:30' });
  });
});

describe('seriesDates', () => {
  it('keeps 19:30 on the wall clock every Tuesday and Thursday across the change to summer time', () => {
    const r = seriesDates({ from: '2027-03-21', until: '2027-04-01', weekdays: [2, 4], time: '19:30', timeZone: 'Europe/London' });
    expect(r.ok && r.value.map((d) => d.toISOString())).toEqual([
      '2027-03-23T19:30:00.000Z', '2027-03-25T19:30:00.000Z', '2027-03-30T18:30:00.000Z', '2027-04-01T18:30:00.000Z',
    ]);
  });
  it('refuses an empty, reversed or too long series', () => {
    expect(seriesDates({ from: '2027-03-22', until: '2027-03-22', weekdays: [2], time: '19:30', timeZone: 'Europe/London' })).toMatchObject({ ok: false, details: { field: 'weekdays' } });
    expect(seriesDates({ from: '2027-03-22', until: '2027-03-01', weekdays: [2], time: '19:30', timeZone: 'Europe/London' })).toMatchObject({ ok: false, details: { field: 'until' } });
    expect(seriesDates({ from: '2027-01-01', until: '2028-12-31', weekdays: [0, 1, 2, 3, 4, 5, 6], time: '19:30', timeZone: 'Europe/London' }, 200))
      .toMatchObject({ ok: false, message: 'That is more than 200 performances; shorten the series.' });
    expect(seriesDates({ from: '2027-03-28', until: '2027-03-28', weekdays: [0], time: '01:30', timeZone: 'Europe/London' })).toMatchObject({ ok: false, details: { field: 'time' } });
  });
});

describe('parseMinor', () => {
  it('reads decimals exactly in the currency’s digits', () => {
    expect(parseMinor('12', 'GBP')).toBe(1200);
    expect(parseMinor('12.5', 'GBP')).toBe(1250);
    expect(parseMinor('0.29', 'EUR')).toBe(29);
    expect(parseMinor('1500', 'JPY')).toBe(1500);
    expect(parseMinor('12.345', 'GBP')).toBeNull();
    expect(parseMinor('-1', 'GBP')).toBeNull();
    expect(parseMinor('1e3', 'GBP')).toBeNull();
    expect(minorToDecimal(1250, 'GBP')).toBe('12.50');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
  });
});
