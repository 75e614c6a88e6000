import { describe, expect, it } from 'vitest';
import { money } from './money.ts';
import { checkAnswers } from './question.ts';
import { endOfLocalDay } from './time.ts';
import { describeVoucher, normaliseCode, type VoucherRule, voucherDiscount } from './voucher.ts';

const rule = (over: Partial<VoucherRule> = {}): VoucherRule => ({
  id: 'v', producerId: 'p', eventId: 'e', code: 'SPRING', kind: 'percent', percentBp: 1000, amount: null, ticketTypeIds: null,
  maxUses: 2, validUntil: null, disabledAt: null, ...over,
});
const basket = { producerId: 'p', eventId: 'e', currency: 'GBP', ticketTypeIds: ['adult'] };
const now = new Date('2027-03-01T12:00:00Z');

describe('voucherDiscount', () => {
  it('gives the discount of a good code', () => {
    expect(voucherDiscount(rule(), basket, now, 1)).toEqual({ ok: true, value: { code: 'SPRING', discount: { kind: 'percent', percentBp: 1000, ticketTypeIds: null } } });
    expect(voucherDiscount(rule({ kind: 'fixed', percentBp: null, amount: money(500, 'GBP') }), basket, now, 0))
      .toMatchObject({ ok: true, value: { discount: { kind: 'fixed', amount: money(500, 'GBP') } } });
  });
  it.each([
    ['no code', null, 'unknown'],
    ["another producer's", rule({ producerId: 'q' }), 'unknown'],
    ["another event's", rule({ eventId: 'f' }), 'unknown'],
    ['switched off', rule({ disabledAt: now }), 'unknown'],
    ['past its end', rule({ validUntil: now }), 'expired'],
    ['for other tickets', rule({ ticketTypeIds: ['student'] }), 'not_applicable'],
    ['in another currency', rule({ kind: 'fixed', percentBp: null, amount: money(500, 'EUR') }), 'not_applicable'],
  ])('refuses a code %s', (_name, r, reason) => {
    expect(voucherDiscount(r, basket, now, 0)).toMatchObject({ ok: false, details: { voucher: reason } });
  });
  it('refuses a used-up code with a conflict, and counts only uses by others', () => {
    expect(voucherDiscount(rule(), basket, now, 2)).toMatchObject({ ok: false, code: 'conflict', details: { voucher: 'used_up' } });
    expect(voucherDiscount(rule(), basket, now, 1).ok).toBe(true);
  });
  it('reads codes upper-case without surrounding spaces, and describes them', () => {
    expect(normaliseCode('  spring-20 ')).toBe('SPRING-20');
    expect(describeVoucher(rule({ percentBp: 1250 }))).toBe('12.50 % off');
    expect(describeVoucher(rule({ kind: 'fixed', percentBp: null, amount: money(500, 'GBP') }))).toBe('£5.00 off');
  });
});

describe('checkAnswers', () => {
  const qs = [
    { id: 'a', kind: 'text' as const, label: 'Diet', required: true, choices: null },
    { id: 'b', kind: 'yes_no' as const, label: 'Step-free', required: false, choices: null },
    { id: 'c', kind: 'choice' as const, label: 'Seat', required: false, choices: ['Front', 'Back'] },
  ];
  it('keeps trimmed answers and leaves out blank optional ones', () => {
    expect(checkAnswers(qs, { a: ' vegan ', b: '', c: 'Back', z: 'not asked' })).toEqual({ ok: true, value: [{ questionId: 'a', answer: 'vegan' }, { questionId: 'c', answer: 'Back' }] });
  });
  it('names every problem: a missing required answer, a yes/no that is neither, a choice not offered, a text too long', () => {
    const r = checkAnswers(qs, { b: 'maybe', c: 'Balcony' });
    expect(r).toMatchObject({ ok: false, code: 'invalid_input', details: { answers: { a: 'Answer “Diet”.', b: expect.any(String), c: expect.any(String) } } });
    expect(checkAnswers(qs, { a: 'x'.repeat(501) })).toMatchObject({ ok: false, details: { answers: { a: expect.stringContaining('too long') } } });
  });
});

describe('endOfLocalDay', () => {
  it("is the day's last second on the zone's wall clock, in summer and in winter", () => {
    expect(endOfLocalDay('2027-07-01', 'Europe/London').toISOString()).toBe('2027-07-01T22:59:59.000Z');
    expect(endOfLocalDay('2027-01-15', 'Europe/London').toISOString()).toBe('2027-01-15T23:59:59.000Z');
    expect(endOfLocalDay('2027-03-28', 'Europe/Berlin').toISOString()).toBe('2027-03-28T21:59:59.000Z');
    expect(endOfLocalDay('2027-06-01', 'America/New_York').toISOString()).toBe('2027-06-02T03:59:59.000Z');
  });
});
