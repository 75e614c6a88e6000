import { describe, expect, it } from 'vitest';
import { VERDICT_LABEL, outsideWindow } from './checkIn.ts';

describe('outsideWindow', () => {
  const from = new Date('2026-06-15T18:00:00Z');
  const until = new Date('2026-06-15T23:00:00Z');
  const at = (ms: number) => new Date(ms);

  it('is never outside when there is no window', () => {
    expect(outsideWindow(new Date('1970-01-01T00:00:00Z'))).toBe(false);
    expect(outsideWindow(new Date('2100-01-01T00:00:00Z'), undefined, undefined)).toBe(false);
  });

  it('is inside between from and until', () => {
    expect(outsideWindow(new Date('2026-06-15T20:00:00Z'), from, until)).toBe(false);
  });

  it('includes both boundaries', () => {
    expect(outsideWindow(at(from.getTime()), from, until)).toBe(false);
    expect(outsideWindow(at(until.getTime()), from, until)).toBe(false);
  });

  it('is outside just before from and just after until', () => {
    expect(outsideWindow(at(from.getTime() - 1), from, until)).toBe(true);
    expect(outsideWindow(at(until.getTime() + 1), from, until)).toBe(true);
    expect(outsideWindow(new Date('2026-06-14T20:00:00Z'), from, until)).toBe(true);
    expect(outsideWindow(new Date('2026-06-16T20:00:00Z'), from, until)).toBe(true);
  });

  it('checks only the start when there is no end', () => {
    expect(outsideWindow(at(from.getTime() - 1), from)).toBe(true);
    expect(outsideWindow(at(from.getTime()), from)).toBe(false);
    expect(outsideWindow(new Date('2100-01-01T00:00:00Z'), from)).toBe(false);
  });

  it('checks only the end when there is no start', () => {
    expect(outsideWindow(at(until.getTime() + 1), undefined, until)).toBe(true);
    expect(outsideWindow(at(until.getTime()), undefined, until)).toBe(false);
    expect(outsideWindow(new Date('1970-01-01T00:00:00Z'), undefined, until)).toBe(false);
  });

  it('is always outside an empty window whose end precedes its start', () => {
    expect(outsideWindow(new Date('2026-06-15T20:00:00Z'), until, from)).toBe(true);
    expect(outsideWindow(at(from.getTime()), until, from)).toBe(true);
  });
});

describe('VERDICT_LABEL', () => {
  it('has a distinct, non-empty label for every verdict', () => {
    const kinds = ['valid', 'already_checked_in', 'bad_signature', 'wrong_event', 'invalid_ticket', 'unknown'] as const;
    expect(Object.keys(VERDICT_LABEL).sort()).toEqual([...kinds].sort());
    for (const k of kinds) expect(VERDICT_LABEL[k].length).toBeGreaterThan(0);
    expect(new Set(Object.values(VERDICT_LABEL)).size).toBe(kinds.length);
  });
});
