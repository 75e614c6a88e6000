import { describe, expect, it } from 'vitest';
import { mayAs } from './policy.ts';
import { SLUG_PATTERN, mayAssignRole, passwordProblem, removesLastOwner } from './team.ts';

describe('team rules', () => {
  it('lets only an owner hand out, change or take away the owner role', () => {
    expect(mayAssignRole('owner', 'viewer', 'owner')).toBe(true);
    expect(mayAssignRole('admin', 'viewer', 'owner')).toBe(false);
    expect(mayAssignRole('admin', 'owner', 'admin')).toBe(false);
    expect(mayAssignRole('admin', 'owner', null)).toBe(false);
    expect(mayAssignRole('admin', null, 'box_office')).toBe(true);
    expect(mayAssignRole('admin', 'door', null)).toBe(true);
    expect(mayAssignRole('box_office', null, 'viewer')).toBe(false);
  });

  it('keeps the last owner', () => {
    expect(removesLastOwner(1, 'owner', null)).toBe(true);
    expect(removesLastOwner(1, 'owner', 'admin')).toBe(true);
    expect(removesLastOwner(2, 'owner', null)).toBe(false);
    expect(removesLastOwner(1, 'admin', null)).toBe(false);
    expect(removesLastOwner(1, 'owner', 'owner')).toBe(false);
  });

  it('refuses short passwords and passwords made of the email address', () => {
    expect(passwordProblem('short', 'ann@example.com')).toMatch(/at least 12/);
    expect(passwordProblem('ann@example.com!!', 'ann@example.com')).toMatch(/email/);
    expect(passwordProblem('xxAnnabelle-2027', 'annabelle@example.com')).toMatch(/email/);
    expect(passwordProblem('correct horse battery', 'annabelle@example.com')).toBeNull();
    expect(passwordProblem('x'.repeat(1001), 'a@b.c')).toMatch(/too long/);
  });

  it('accepts slugs of letters, digits and single hyphens only', () => {
    for (const ok of ['abc', 'the-old-vic', 'a1-b2']) expect(SLUG_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['ab', '-abc', 'abc-', 'a--b', 'Abc', 'a b c', 'a'.repeat(41)]) expect(SLUG_PATTERN.test(bad), bad).toBe(false);
  });

  it('keeps an unverified account from reaching people outside the team', () => {
    expect(mayAs({ role: 'owner', verified: false }, 'buyers.email')).toBe(false);
    expect(mayAs({ role: 'owner', verified: false }, 'events.publish')).toBe(false);
    expect(mayAs({ role: 'owner', verified: false }, 'team.manage')).toBe(false);
    expect(mayAs({ role: 'owner', verified: false }, 'orders.read')).toBe(true);
    expect(mayAs({ role: 'owner', verified: true }, 'buyers.email')).toBe(true);
    expect(mayAs({ role: 'viewer', verified: true }, 'team.manage')).toBe(false);
  });
});
