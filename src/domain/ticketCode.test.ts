import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TICKET_ID_BYTES, decodeTicketCode, ed25519FromSeed, encodeTicketCode } from './ticketCode.ts';

const newTicketId = () => randomBytes(TICKET_ID_BYTES).toString('base64url');
const keys = ed25519FromSeed(randomBytes(32));
const otherKeys = ed25519FromSeed(randomBytes(32));

/** Replace the character at i with a different base64url character. */
function flip(code: string, i: number, shift = 1): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const replacement = alphabet[(alphabet.indexOf(code[i]!) + shift) % alphabet.length]!;
  return code.slice(0, i) + replacement + code.slice(i + 1);
}

describe('encodeTicketCode / decodeTicketCode', () => {
  it('round-trips a v1 code', () => {
    const ticketId = newTicketId();
    const code = encodeTicketCode({ ticketId, performanceNumber: 42 }, keys.privateKey);
    const decoded = decodeTicketCode(code, keys.publicKey);
    expect(decoded).toEqual({ ok: true, value: { ticketId, performanceNumber: 42 } });
    if (!decoded.ok) return;
    expect(decoded.value.validFrom).toBeUndefined();
    expect(decoded.value.validUntil).toBeUndefined();
    expect(decoded.reason).toBeUndefined();
  });

  it('round-trips a v2 code with a validity window', () => {
    const ticketId = newTicketId();
    const validFrom = new Date('2026-06-15T18:00:00Z');
    const validUntil = new Date('2026-06-15T23:30:00Z');
    const code = encodeTicketCode({ ticketId, performanceNumber: 7, validFrom, validUntil }, keys.privateKey);
    expect(decodeTicketCode(code, keys.publicKey)).toEqual({ ok: true, value: { ticketId, performanceNumber: 7, validFrom, validUntil } });
  });

  it('round-trips the extremes of the performance number', () => {
    for (const performanceNumber of [0, 1, 0xffffffff]) {
      const ticketId = newTicketId();
      const decoded = decodeTicketCode(encodeTicketCode({ ticketId, performanceNumber }, keys.privateKey), keys.publicKey);
      expect(decoded).toEqual({ ok: true, value: { ticketId, performanceNumber } });
    }
  });

  it('round-trips many random ticket ids', () => {
    for (let i = 0; i < 50; i++) {
      const ticketId = newTicketId();
      const decoded = decodeTicketCode(encodeTicketCode({ ticketId, performanceNumber: i }, keys.privateKey), keys.publicKey);
      expect(decoded.ok && decoded.value.ticketId).toBe(ticketId);
    }
  });

  it('truncates window times to whole seconds', () => {
    const ticketId = newTicketId();
    const code = encodeTicketCode(
      { ticketId, performanceNumber: 1, validFrom: new Date('2026-06-15T18:00:00.999Z'), validUntil: new Date('2026-06-15T23:00:00.001Z') },
      keys.privateKey,
    );
    const decoded = decodeTicketCode(code, keys.publicKey);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.validFrom).toEqual(new Date('2026-06-15T18:00:00.000Z'));
    expect(decoded.value.validUntil).toEqual(new Date('2026-06-15T23:00:00.000Z'));
  });

  it('fills an open end of the window: from the epoch, until the end of uint32 time', () => {
    const ticketId = newTicketId();
    const validFrom = new Date('2026-06-15T18:00:00Z');
    const onlyFrom = decodeTicketCode(encodeTicketCode({ ticketId, performanceNumber: 1, validFrom }, keys.privateKey), keys.publicKey);
    expect(onlyFrom).toEqual({ ok: true, value: { ticketId, performanceNumber: 1, validFrom, validUntil: new Date(0xffffffff * 1000) } });

    const validUntil = new Date('2026-06-15T23:00:00Z');
    const onlyUntil = decodeTicketCode(encodeTicketCode({ ticketId, performanceNumber: 1, validUntil }, keys.privateKey), keys.publicKey);
    expect(onlyUntil).toEqual({ ok: true, value: { ticketId, performanceNumber: 1, validFrom: new Date(0), validUntil } });
  });

  it('makes v1 codes exactly 104 characters and v2 codes at most 116, in the base64url alphabet', () => {
    const v1 = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 3 }, keys.privateKey);
    expect(v1).toHaveLength(104);
    expect(v1).toMatch(/^[A-Za-z0-9_-]+$/);
    const v2 = encodeTicketCode(
      { ticketId: newTicketId(), performanceNumber: 3, validFrom: new Date('2026-01-01T00:00:00Z'), validUntil: new Date('2026-01-02T00:00:00Z') },
      keys.privateKey,
    );
    expect(v2.length).toBeLessThanOrEqual(116);
    expect(v2).toHaveLength(115);
    expect(v2).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('accepts surrounding whitespace, as a scanner may add', () => {
    const ticketId = newTicketId();
    const code = encodeTicketCode({ ticketId, performanceNumber: 5 }, keys.privateKey);
    expect(decodeTicketCode(` ${code}\n`, keys.publicKey)).toEqual({ ok: true, value: { ticketId, performanceNumber: 5 } });
  });

  it('rejects a ticket id that is not 9 bytes', () => {
    expect(() => encodeTicketCode({ ticketId: randomBytes(8).toString('base64url'), performanceNumber: 1 }, keys.privateKey)).toThrow(RangeError);
    expect(() => encodeTicketCode({ ticketId: randomBytes(10).toString('base64url'), performanceNumber: 1 }, keys.privateKey)).toThrow(RangeError);
    expect(() => encodeTicketCode({ ticketId: '', performanceNumber: 1 }, keys.privateKey)).toThrow(RangeError);
  });

  it('rejects a performance number outside uint32', () => {
    expect(() => encodeTicketCode({ ticketId: newTicketId(), performanceNumber: -1 }, keys.privateKey)).toThrow(RangeError);
    expect(() => encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 2 ** 32 }, keys.privateKey)).toThrow(RangeError);
  });

  it.each([
    ['v1', {}],
    ['v2', { validFrom: new Date('2026-06-15T18:00:00Z'), validUntil: new Date('2026-06-15T23:00:00Z') }],
  ])('gives bad_signature for a %s code signed by another key', (_v, window) => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 1, ...window }, otherKeys.privateKey);
    const decoded = decodeTicketCode(code, keys.publicKey);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe('bad_signature');
    expect(decoded.code).toBe('bad_signature');
  });

  it.each([
    ['v1', {}, 14],
    ['v2', { validFrom: new Date('2026-06-15T18:00:00Z'), validUntil: new Date('2026-06-15T23:00:00Z') }, 22],
  ])('never accepts a %s code with one character of the signed body changed', (_v, window, bodyBytes) => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 99, ...window }, keys.privateKey);
    // Every character that encodes at least one body bit.
    const bodyChars = Math.ceil((bodyBytes * 8) / 6);
    for (let i = 0; i < bodyChars; i++) {
      for (const shift of [1, 17, 32, 63]) {
        const tampered = flip(code, i, shift);
        expect(tampered).not.toBe(code);
        const decoded = decodeTicketCode(tampered, keys.publicKey);
        expect(decoded.ok, `position ${i} shift ${shift}`).toBe(false);
        if (decoded.ok) continue;
        expect(['bad_signature', 'malformed']).toContain(decoded.reason);
      }
    }
  });

  it('gives bad_signature when the ticket id or performance number is changed but the version is kept', () => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 99 }, keys.privateKey);
    // Character 5 lies inside the ticket id; the first character (the version) is untouched.
    const decoded = decodeTicketCode(flip(code, 5), keys.publicKey);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe('bad_signature');
  });

  it('never accepts a v1 code with one character of the signature changed', () => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 99 }, keys.privateKey);
    for (let i = 19; i < code.length; i++) {
      const decoded = decodeTicketCode(flip(code, i), keys.publicKey);
      expect(decoded.ok, `position ${i}`).toBe(false);
      if (decoded.ok) continue;
      expect(decoded.reason).toBe('bad_signature');
    }
  });

  it('gives malformed for a changed version byte', () => {
    const raw = Buffer.from(encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 1 }, keys.privateKey), 'base64url');
    for (const version of [0, 2, 3, 0xff]) {
      raw[0] = version;
      const decoded = decodeTicketCode(raw.toString('base64url'), keys.publicKey);
      expect(decoded.ok).toBe(false);
      if (decoded.ok) continue;
      expect(decoded.reason).toBe('malformed');
      expect(decoded.code).toBe('invalid_input');
    }
  });

  it('gives malformed for a truncated or extended code', () => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 1 }, keys.privateKey);
    for (const bad of [code.slice(0, -4), code.slice(0, 60), `${code}AAAA`]) {
      const decoded = decodeTicketCode(bad, keys.publicKey);
      expect(decoded.ok).toBe(false);
      if (decoded.ok) continue;
      expect(decoded.reason).toBe('malformed');
    }
  });

  it.each([
    '',
    '   ',
    'hello',
    'not a ticket code at all!',
    'https://example.org/tickets/abc',
    'A'.repeat(104),
    'A'.repeat(115),
    'x'.repeat(201),
    '!'.repeat(104),
    '{"ticketId":"abc","performanceNumber":1}',
  ])('gives malformed for garbage %j', (garbage) => {
    const decoded = decodeTicketCode(garbage, keys.publicKey);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe('malformed');
    expect(decoded.code).toBe('invalid_input');
  });

  it('gives malformed for standard base64 with padding', () => {
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 1 }, keys.privateKey);
    const standard = Buffer.from(code, 'base64url').toString('base64');
    const decoded = decodeTicketCode(`${standard}=`, keys.publicKey);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe('malformed');
  });
});

describe('ed25519FromSeed', () => {
  it('is deterministic for the same seed', () => {
    const seed = randomBytes(32);
    const a = ed25519FromSeed(seed);
    const b = ed25519FromSeed(Uint8Array.from(seed));
    expect(a.publicKey.export({ format: 'der', type: 'spki' })).toEqual(b.publicKey.export({ format: 'der', type: 'spki' }));
    expect(a.privateKey.export({ format: 'der', type: 'pkcs8' })).toEqual(b.privateKey.export({ format: 'der', type: 'pkcs8' }));
    // Ed25519 signatures are deterministic, so the same claims give the same code.
    const claims = { ticketId: newTicketId(), performanceNumber: 12 };
    expect(encodeTicketCode(claims, a.privateKey)).toBe(encodeTicketCode(claims, b.privateKey));
    expect(decodeTicketCode(encodeTicketCode(claims, a.privateKey), b.publicKey).ok).toBe(true);
  });

  it('gives a different key for a different seed', () => {
    const seed = randomBytes(32);
    const other = Buffer.from(seed);
    other[31] = other[31]! ^ 1;
    const a = ed25519FromSeed(seed);
    const b = ed25519FromSeed(other);
    expect(a.publicKey.export({ format: 'der', type: 'spki' })).not.toEqual(b.publicKey.export({ format: 'der', type: 'spki' }));
    const code = encodeTicketCode({ ticketId: newTicketId(), performanceNumber: 1 }, a.privateKey);
    const decoded = decodeTicketCode(code, b.publicKey);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe('bad_signature');
  });

  it('derives the RFC 8032 public key from its test seed', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const { privateKey, publicKey } = ed25519FromSeed(seed);
    expect(privateKey.asymmetricKeyType).toBe('ed25519');
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
    expect(publicKey.export({ format: 'jwk' }).x).toBe(
      Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64url'),
    );
  });

  it.each([0, 31, 33, 64])('rejects a seed of %i bytes', (n) => {
    expect(() => ed25519FromSeed(new Uint8Array(n))).toThrow(RangeError);
  });
});
