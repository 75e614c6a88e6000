import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { type Result, fail, ok } from './errors.ts';

/**
 * The QR payload: a compact binary record, signed with Ed25519, base64url-encoded.
 *
 *   v1: [0x01][ticket id: 9 bytes][performance number: uint32 BE][signature: 64 bytes]          = 78 bytes, 104 chars
 *   v2: v1's fields, then [valid from: uint32 unix s][valid until: uint32 unix s][signature]   = 86 bytes, 115 chars
 *
 * The signature covers every byte before it. A door device needs only the producer's public key.
 */
export const TICKET_ID_BYTES = 9;
const SIG_BYTES = 64;

export interface TicketClaims {
  readonly ticketId: string; // base64url of TICKET_ID_BYTES random bytes
  readonly performanceNumber: number;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
}

export function encodeTicketCode(claims: TicketClaims, privateKey: KeyObject): string {
  const id = Buffer.from(claims.ticketId, 'base64url');
  if (id.length !== TICKET_ID_BYTES || id.toString('base64url') !== claims.ticketId) throw new RangeError('ticket id must be 9 bytes in base64url');
  if (!Number.isInteger(claims.performanceNumber) || claims.performanceNumber < 0 || claims.performanceNumber > 0xffffffff) {
    throw new RangeError('performance number must be a 32-bit unsigned integer');
  }
  const windowed = claims.validFrom !== undefined || claims.validUntil !== undefined;
  const body = Buffer.alloc(1 + TICKET_ID_BYTES + 4 + (windowed ? 8 : 0));
  body[0] = windowed ? 2 : 1;
  id.copy(body, 1);
  body.writeUInt32BE(claims.performanceNumber, 1 + TICKET_ID_BYTES);
  if (windowed) {
    // An open end is written as the widest value (1970 or 2106), so it decodes as a window that never bites there.
    body.writeUInt32BE(Math.floor((claims.validFrom?.getTime() ?? 0) / 1000), 14);
    body.writeUInt32BE(Math.floor((claims.validUntil?.getTime() ?? 0xffffffff * 1000) / 1000), 18);
  }
  const signature = sign(null, body, privateKey);
  return Buffer.concat([body, signature]).toString('base64url');
}

export type DecodeFailure = 'malformed' | 'bad_signature';

export function decodeTicketCode(
  code: string,
  publicKey: KeyObject,
): Result<TicketClaims> & { reason?: DecodeFailure } {
  const trimmed = code.trim();
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(trimmed)) return { ...fail('invalid_input', 'That is not a Marquee ticket code.'), reason: 'malformed' };
  const raw = Buffer.from(trimmed, 'base64url');
  // One ticket, one spelling: trailing bits that base64url decoding would drop make a code malformed.
  if (raw.toString('base64url') !== trimmed) return { ...fail('invalid_input', 'That is not a Marquee ticket code.'), reason: 'malformed' };
  const version = raw[0];
  const bodyLength = version === 1 ? 14 : version === 2 ? 22 : -1;
  if (bodyLength < 0 || raw.length !== bodyLength + SIG_BYTES) {
    return { ...fail('invalid_input', 'That is not a Marquee ticket code.'), reason: 'malformed' };
  }
  const body = raw.subarray(0, bodyLength);
  if (!verify(null, body, publicKey, raw.subarray(bodyLength))) {
    return { ...fail('bad_signature', 'The ticket code is not signed by this producer.'), reason: 'bad_signature' };
  }
  const claims: TicketClaims = {
    ticketId: body.subarray(1, 1 + TICKET_ID_BYTES).toString('base64url'),
    performanceNumber: body.readUInt32BE(1 + TICKET_ID_BYTES),
    ...(version === 2
      ? { validFrom: new Date(body.readUInt32BE(14) * 1000), validUntil: new Date(body.readUInt32BE(18) * 1000) }
      : {}),
  };
  return ok(claims);
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410), so keys can be derived without a dependency.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519FromSeed(seed: Uint8Array): { privateKey: KeyObject; publicKey: KeyObject } {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
