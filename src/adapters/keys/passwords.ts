import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { type Algorithm, hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../app/ports.ts';

/** Argon2id's cost: memory in KiB, passes, lanes. */
export interface Argon2Params { memoryCost: number; timeCost: number; parallelism: number }

/** OWASP's Password Storage Cheat Sheet, first argon2id configuration: 19 MiB, 2 passes, 1 lane (ADR 0004). */
export const ARGON2ID_OWASP: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

// The package declares its enums `const`, which isolated modules cannot read; these are their values.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0x13 = 1;

/**
 * Argon2id (@node-rs/argon2), stored in the PHC format `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
 * Still verifies the scrypt hashes stored before it (`scrypt$N$r$p$salt$hash`), and reports them,
 * like argon2 hashes weaker than `params`, as needing a re-hash at the next log-in.
 */
export function argon2idHasher(params: Argon2Params = ARGON2ID_OWASP): PasswordHasher {
  const legacy = scryptHasher();
  return {
    hash(password) {
      return argon2Hash(password.normalize('NFKC'), { ...params, algorithm: ARGON2ID, outputLen: 32 });
    },
    async verify(stored, password) {
      try {
        if (stored.startsWith('scrypt$')) return await legacy.verify(stored, password);
        if (stored.startsWith('$argon2')) return await argon2Verify(stored, password.normalize('NFKC'));
        return false;
      } catch {
        return false; // a malformed stored hash matches no password
      }
    },
    needsRehash(stored) {
      if (!stored.startsWith('$argon2id$')) return true;
      try {
        const o = parseOptions(stored);
        return o.algorithm !== ARGON2ID || o.version !== ARGON2_VERSION_0x13 || o.outputLen < 32 || o.saltLen < 16
          || o.memoryCost < params.memoryCost || o.timeCost < params.timeCost || o.parallelism < params.parallelism;
      } catch {
        return true;
      }
    },
  };
}

/** scrypt from node:crypto, stored as scrypt$N$r$p$salt$hash: the hasher before argon2id, kept to verify old hashes. */
export function scryptHasher(cost = 16384): PasswordHasher {
  const derive = (password: string, salt: Buffer, N: number, r: number, p: number) =>
    new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 128 * N * r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
    );
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, cost, 8, 1);
      return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    },
    async verify(stored, password) {
      const [alg, n, r, p, salt, hash] = stored.split('$');
      if (alg !== 'scrypt' || !salt || !hash) return false;
      const expected = Buffer.from(hash, 'base64url');
      const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
    needsRehash() {
      return true;
    },
  };
}
