import { describe, expect, it } from 'vitest';
import { decodeSubjectLink, encodeSubjectLink, erasedEmail, isErasedEmail, monthsBefore } from './subject.ts';

describe('subject links', () => {
  const now = new Date('2027-03-01T12:00:00Z');
  it('round-trips the address and the expiry, lower-cased', () => {
    const text = encodeSubjectLink({ email: ' Ada@Example.org ', expiresAt: new Date('2027-03-01T13:00:00Z') });
    expect(decodeSubjectLink(text, now)).toEqual({ ok: true, link: { email: 'ada@example.org', expiresAt: new Date('2027-03-01T13:00:00Z') } });
  });
  it('refuses an expired link, and one expiring this very second', () => {
    expect(decodeSubjectLink(encodeSubjectLink({ email: 'a@b.c', expiresAt: new Date('2027-03-01T11:59:59Z') }), now)).toEqual({ ok: false, reason: 'expired' });
    expect(decodeSubjectLink(encodeSubjectLink({ email: 'a@b.c', expiresAt: now }), now)).toEqual({ ok: false, reason: 'expired' });
  });
  it('refuses anything else', () => {
    for (const bad of ['', 'null', '[]', '{"v":2,"e":"a@b.c","x":9999999999}', '{"v":1,"e":"nobody","x":9999999999}', '{"v":1,"e":"a@b.c","x":"9"}']) {
      expect(decodeSubjectLink(bad, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('erased addresses', () => {
  it('are unique per order and recognisable', () => {
    expect(erasedEmail('o1')).not.toBe(erasedEmail('o2'));
    expect(isErasedEmail(erasedEmail('7b1e'))).toBe(true);
    expect(isErasedEmail('erased@example.org')).toBe(false);
  });
});

describe('monthsBefore', () => {
  it('steps back calendar months in UTC, clamping the day', () => {
    expect(monthsBefore(new Date('2027-03-31T10:00:00Z'), 1)).toEqual(new Date('2027-02-28T10:00:00Z'));
    expect(monthsBefore(new Date('2028-03-31T10:00:00Z'), 1)).toEqual(new Date('2028-02-29T10:00:00Z'));
    expect(monthsBefore(new Date('2027-03-15T00:00:00Z'), 24)).toEqual(new Date('2025-03-15T00:00:00Z'));
    expect(monthsBefore(new Date('2027-01-10T00:00:00Z'), 13)).toEqual(new Date('2025-12-10T00:00:00Z'));
  });
});
