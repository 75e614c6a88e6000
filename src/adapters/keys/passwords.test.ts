import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH } from '../../app/auth.ts';
import { ARGON2ID_OWASP, argon2idHasher, scryptHasher } from './passwords.ts';

const hasher = argon2idHasher();

describe('argon2id password hasher', () => {
  it('stores argon2id in the PHC format with OWASP parameters and a fresh salt each time', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify(stored, '')).toBe(false);
  });

  it('normalises the password (NFKC), as the scrypt hasher did', async () => {
    const stored = await hasher.hash('caf\u00e9');
    expect(await hasher.verify(stored, 'cafe\u0301')).toBe(true);
  });

  it('still verifies the scrypt hashes stored before it', async () => {
    const old = await scryptHasher().hash('an old password');
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await hasher.verify(old, 'an old password')).toBe(true);
    expect(await hasher.verify(old, 'another password')).toBe(false);
  });

  it('matches no password against a malformed or unknown stored hash', async () => {
    for (const stored of ['', 'plain:pw', '$argon2id$v=19$m=19456,t=2,p=1$bad', 'scrypt$16384$8$1$', '$2b$10$abcdefghijklmnopqrstuv']) {
      expect(await hasher.verify(stored, 'pw')).toBe(false);
    }
  });

  it('asks for a re-hash of scrypt hashes and of argon2 hashes weaker than its parameters, not of its own', async () => {
    expect(hasher.needsRehash(await scryptHasher().hash('pw'))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    const weaker = [
      { ...ARGON2ID_OWASP, memoryCost: 4096 },
      { ...ARGON2ID_OWASP, timeCost: 1 },
    ];
    for (const params of weaker) expect(hasher.needsRehash(await argon2idHasher(params).hash('pw'))).toBe(true);
    // A stronger hash (raised elsewhere) is not weakened back.
    expect(hasher.needsRehash(await argon2idHasher({ ...ARGON2ID_OWASP, timeCost: 3 }).hash('pw'))).toBe(false);
    // Stronger parameters make today's hashes weak.
    expect(argon2idHasher({ ...ARGON2ID_OWASP, memoryCost: 65536 }).needsRehash(await hasher.hash('pw'))).toBe(true);
    // Other argon2 variants, and garbage, are re-hashed.
    expect(hasher.needsRehash('$argon2i$v=19$m=19456,t=2,p=1$rqsXNmPcGi7s+PI0w0snwQ$3xNCGRzu0nbZMkE2boF1CNwuHn4E7wS1v1DmoP+rS/o')).toBe(true);
    expect(hasher.needsRehash('$argon2id$v=19$nonsense')).toBe(true);
  });

  it('keeps the log-in dummy hash (verified for unknown emails) at the current parameters, so both paths cost the same', async () => {
    expect(hasher.needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await hasher.verify(DUMMY_PASSWORD_HASH, '')).toBe(false);
  });
});
