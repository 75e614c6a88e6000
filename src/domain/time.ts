/** Times are stored in UTC and shown in the venue's time zone. */
export function formatInZone(at: Date, timeZone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A wall-clock time in the venue's zone with its UTC offset, e.g. "2027-03-31 19:30 +01:00":
 * unambiguous, sortable as text, and read the same by a spreadsheet and a person.
 */
export function localTimeWithOffset(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset',
    }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  // 'longOffset' gives "GMT+01:00", or just "GMT" at UTC.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${offset}`;
}

/** The wall-clock parts of an instant in a zone, as a UTC timestamp (used to find the zone's offset). */
function wallClockAsUtc(at: Date, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at).map((x) => [x.type, x.value]),
  );
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
}

/** An instant as a `datetime-local` form value ("2027-03-31T19:30") in the zone. */
export function toLocalInput(at: Date, timeZone: string): string {
  return new Date(wallClockAsUtc(at, timeZone)).toISOString().slice(0, 16);
}

/**
 * A `datetime-local` value ("2027-03-31T19:30") read in the zone, as an instant; null when it is
 * not such a value. A time that a clock change skips or repeats is read with one of the offsets around it.
 */
export function fromLocalInput(value: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 16) !== value.trim()) return null;
  // Guess with the offset at the wall time read as UTC, then correct once with the offset at the guess.
  const guess = wall - (wallClockAsUtc(new Date(wall), timeZone) - wall);
  return new Date(wall - (wallClockAsUtc(new Date(guess), timeZone) - guess));
}
