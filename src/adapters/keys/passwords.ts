import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../app/ports.ts';

/** scrypt from node:crypto, stored as scrypt$N$r$p$salt$hash. */
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
  };
}
