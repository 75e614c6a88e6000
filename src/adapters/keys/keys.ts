import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Keys } from '../../app/ports.ts';
import { ed25519FromSeed } from '../../domain/ticketCode.ts';

/**
 * All keys derive from one 32-byte master secret (HKDF-style, with HMAC-SHA256 and a label):
 * an Ed25519 ticket-signing key per producer, the order-link tokens, the test provider's callback key.
 * Nothing derived is stored, so there is one secret to keep and to back up.
 */
export function keysFromSecret(secret: Buffer): Keys & { derive(label: string): Buffer } {
  if (secret.length < 32) throw new Error('the master secret must be at least 32 bytes');
  const derive = (label: string) => createHmac('sha256', secret).update(label).digest();
  const cache = new Map<string, ReturnType<typeof ed25519FromSeed>>();
  return {
    derive,
    ticketSigningKey(producerId) {
      let pair = cache.get(producerId);
      if (!pair) {
        pair = ed25519FromSeed(derive(`ticket-signing:v1:${producerId}`));
        cache.set(producerId, pair);
      }
      return pair;
    },
    orderLinkToken(orderId) {
      return createHmac('sha256', derive('order-link:v1')).update(orderId).digest('base64url').slice(0, 32);
    },
    sealToken(purpose, plaintext) {
      // AES-256-GCM, a fresh 96-bit nonce each time: iv | ciphertext | tag, base64url.
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', derive(`sealed-token:v1:${purpose}`), iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    openToken(purpose, token) {
      if (!/^[A-Za-z0-9_-]{38,2000}$/.test(token)) return null;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 12 + 16 + 1) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', derive(`sealed-token:v1:${purpose}`), raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
    subjectRef(email) {
      return createHmac('sha256', derive('subject-ref:v1')).update(email.trim().toLowerCase()).digest('base64url').slice(0, 32);
    },
    derivedToken(purpose, id) {
      return createHmac('sha256', derive(`derived-token:v1:${purpose}`)).update(id).digest('base64url');
    },
  };
}

/** Reads the master secret from a file, creating it (mode 600) on first start. */
export function loadOrCreateSecret(path: string): Buffer {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim();
    const secret = Buffer.from(text, 'base64url');
    if (secret.length < 32) throw new Error(`${path} does not hold a 32-byte base64url secret`);
    return secret;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secret;
}
