import { describe, expect, it } from 'vitest';
import { admittedCount, aheadOf, estimatedWaitMinutes, isAdmitted, queueKey, repace } from './waitingRoom.ts';

const opensAt = new Date('2027-03-01T10:00:00Z');
const at = (seconds: number) => new Date(opensAt.getTime() + seconds * 1000);
const room = (perMinute: number) => ({ opensAt, perMinute, rateFrom: opensAt, admittedAtRateFrom: 0 });

describe('waiting room pace', () => {
  it('admits nobody before or at the opening, then position p at (p + 1) / rate minutes', () => {
    expect(admittedCount(room(60), at(-30))).toBe(0);
    expect(admittedCount(room(60), at(0))).toBe(0);
    expect(admittedCount(room(60), at(1))).toBe(1);
    expect(admittedCount(room(60), at(59.999))).toBe(59);
    expect(admittedCount(room(2), at(29))).toBe(0);
    expect(admittedCount(room(2), at(30))).toBe(1);
    expect(isAdmitted(room(2), 0, at(30))).toBe(true);
    expect(isAdmitted(room(2), 1, at(30))).toBe(false);
  });

  it('estimates the wait in whole minutes, at least one, and counts the people ahead', () => {
    expect(estimatedWaitMinutes(room(1), 0, at(0))).toBe(1);
    expect(estimatedWaitMinutes(room(1), 4, at(0))).toBe(5);
    expect(estimatedWaitMinutes(room(10), 99, at(0))).toBe(10);
    expect(estimatedWaitMinutes(room(10), 99, at(595))).toBe(1);
    expect(estimatedWaitMinutes(room(10), 99, at(600))).toBe(0);
    expect(aheadOf(room(10), 99, at(60))).toBe(89);
    expect(aheadOf(room(10), 5, at(60))).toBe(0);
  });

  it('applies a new rate from its change: nobody admitted loses it, and nobody is admitted backwards', () => {
    const before = room(1);
    const change = at(300); // 5 admitted at 1 a minute
    const after = { ...before, perMinute: 1000, ...repace(before, { opensAt, perMinute: 1000 }, change) };
    expect(after).toMatchObject({ rateFrom: change, admittedAtRateFrom: 5 });
    expect(admittedCount(after, change)).toBe(5);
    expect(admittedCount(after, at(301))).toBe(5 + 16);
    const slower = { ...after, perMinute: 1, ...repace(after, { opensAt, perMinute: 1 }, at(301)) };
    expect(admittedCount(slower, at(301))).toBe(21);
    expect(estimatedWaitMinutes(slower, 21, at(301))).toBe(1);
    // The same rate keeps the pace; a new opening time, or a change before the opening, starts over.
    expect(repace(after, { opensAt, perMinute: 1000 }, at(900))).toEqual({ rateFrom: change, admittedAtRateFrom: 5 });
    expect(repace(after, { opensAt: at(3600), perMinute: 1000 }, at(900))).toEqual({ rateFrom: at(3600), admittedAtRateFrom: 0 });
    expect(repace(room(1), { opensAt, perMinute: 5 }, at(-10))).toEqual({ rateFrom: opensAt, admittedAtRateFrom: 0 });
  });

  it('starts a new queue for a new opening time only', () => {
    expect(queueKey({ eventId: 'e', opensAt })).toBe(queueKey({ eventId: 'e', opensAt: new Date(opensAt) }));
    expect(queueKey({ eventId: 'e', opensAt })).not.toBe(queueKey({ eventId: 'e', opensAt: at(60) }));
  });
});
