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

/** The wall-clock date and time of `at` in `timeZone`: "YYYY-MM-DD" and "HH:MM" (the value of a date and a time input). */
export function wallClock(at: Date, timeZone: string): { date: string; time: string } {
  const local = localTimeWithOffset(at, timeZone);
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at)).map((x) => [x.type, x.value]),
  );
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time ("YYYY-MM-DD", "HH:MM") in `timeZone`, or null when that time
 * does not exist there (it falls in the hour the clocks skip in spring). A time that happens twice
 * (the hour repeated in autumn) is its first occurrence, the one still on summer time.
 */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t || !isValidTimeZone(timeZone)) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 16) !== `${date}T${time}`) return null;
  // The offsets a day before and after cover both sides of any change; the earlier instant that reads back as the wall time wins.
  const candidates = [wall - offsetAt(wall - 86_400_000, timeZone), wall - offsetAt(wall + 86_400_000, timeZone), wall - offsetAt(wall, timeZone)]
    .filter((c) => c + offsetAt(c, timeZone) === wall)
    .sort((a, b) => a - b);
  return candidates.length === 0 ? null : new Date(candidates[0]!);
}

/** A zone a venue may have: an IANA region name (Europe/London, America/Argentina/Salta) or UTC; not an abbreviation (EST) or an offset (+01:00). */
export function isVenueTimeZone(tz: string): boolean {
  return (tz === 'UTC' || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(tz)) && isValidTimeZone(tz);
}

/** The last second of a calendar day (YYYY-MM-DD) on the wall clock of `timeZone`, as a UTC instant. */
export function endOfLocalDay(day: string, timeZone: string): Date {
  // 23:59 exists on every day in every zone in use; UTC is only the fallback for a malformed zone.
  const lastMinute = zonedTimeToUtc(day, '23:59', timeZone) ?? new Date(`${day}T23:59:00Z`);
  return new Date(lastMinute.getTime() + 59_000);
}
