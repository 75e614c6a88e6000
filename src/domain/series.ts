import { type Result, fail, ok } from './errors.ts';
import { zonedTimeToUtc } from './time.ts';

/** A recurring series of performances: these weekdays at this wall-clock time, between two dates (both included), in the venue's zone. */
export interface SeriesRule {
  /** "YYYY-MM-DD" in the venue's zone. */
  from: string;
  until: string;
  /** 0 = Sunday … 6 = Saturday, as Date.getUTCDay. */
  weekdays: readonly number[];
  /** "HH:MM" on the venue's wall clock; the UTC time moves when the clocks change, the wall time does not. */
  time: string;
  timeZone: string;
}

/** The most performances one series may create. */
export const MAX_SERIES = 200;
/** The longest a series may span, so that a typo in the year cannot loop for ages. */
const MAX_SPAN_DAYS = 3 * 366;
const DAY = 86_400_000;

/** Every start of the series, in order, as UTC instants; a failure when the rule makes no series or too long a one. */
export function seriesDates(rule: SeriesRule, max = MAX_SERIES): Result<Date[]> {
  const start = Date.parse(`${rule.from}T00:00:00Z`);
  const end = Date.parse(`${rule.until}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end)) return fail('invalid_input', 'Enter the first and last dates of the series.', { field: 'from' });
  if (end < start) return fail('invalid_input', 'The last date is before the first date.', { field: 'until' });
  if ((end - start) / DAY > MAX_SPAN_DAYS) return fail('invalid_input', 'A series spans at most three years.', { field: 'until' });
  if (rule.weekdays.length === 0) return fail('invalid_input', 'Choose at least one day of the week.', { field: 'weekdays' });
  const dates: Date[] = [];
  for (let day = start; day <= end; day += DAY) {
    if (!rule.weekdays.includes(new Date(day).getUTCDay())) continue;
    const date = new Date(day).toISOString().slice(0, 10);
    const at = zonedTimeToUtc(date, rule.time, rule.timeZone);
    if (!at) return fail('invalid_input', `${rule.time} does not exist on ${date} in ${rule.timeZone} (the clocks go forward); choose another time.`, { field: 'time' });
    dates.push(at);
    if (dates.length > max) return fail('invalid_input', `That is more than ${max} performances; shorten the series.`, { field: 'until' });
  }
  if (dates.length === 0) return fail('invalid_input', 'None of the chosen days falls between these dates.', { field: 'weekdays' });
  return ok(dates);
}
