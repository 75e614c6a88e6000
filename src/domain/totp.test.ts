import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, otpauthUri, totpStep } from './totp.ts';

const ascii = (s: string) => Buffer.from(s, 'ascii');

describe('HOTP (RFC 4226, appendix D)', () => {
  it('gives the RFC test values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(ascii('12345678901234567890'), i))).toEqual(expected);
  });
});

describe('TOTP (RFC 6238, appendix B)', () => {
  const keys = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at %i s gives the RFC values for SHA-1, SHA-256 and SHA-512', (seconds, s1, s256, s512) => {
    const step = totpStep(new Date(seconds * 1000));
    expect(hotp(keys.sha1, step, 8, 'sha1')).toBe(s1);
    expect(hotp(keys.sha256, step, 8, 'sha256')).toBe(s256);
    expect(hotp(keys.sha512, step, 8, 'sha512')).toBe(s512);
  });
});

describe('base32', () => {
  it('encodes the RFC 4648 test values and decodes them back', () => {
    const cases: [string, string][] = [['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      expect(base32Encode(ascii(plain))).toBe(encoded);
      expect(base32Decode(encoded)?.toString('ascii')).toBe(plain);
    }
    expect(base32Decode('mzxw 6ytb oi==')?.toString('ascii')).toBe('foobar');
    expect(base32Decode('MZ1W')).toBeNull();
  });
});

describe('matchTotp', () => {
  const secret = newTotpSecret();
  const at = new Date('2027-03-01T12:00:10Z');
  const codeAt = (d: Date) => hotp(base32Decode(secret)!, totpStep(d));

  it('accepts the current code and the neighbouring steps, and no other', () => {
    expect(matchTotp(secret, codeAt(at), at, null)).toBe(totpStep(at));
    expect(matchTotp(secret, codeAt(new Date(at.getTime() - 30_000)), at, null)).toBe(totpStep(at) - 1);
    expect(matchTotp(secret, codeAt(new Date(at.getTime() + 30_000)), at, null)).toBe(totpStep(at) + 1);
    expect(matchTotp(secret, codeAt(new Date(at.getTime() - 90_000)), at, null)).toBeNull();
  });

  it('refuses a code of a step already used, or an earlier one', () => {
    expect(matchTotp(secret, codeAt(at), at, totpStep(at))).toBeNull();
    expect(matchTotp(secret, codeAt(new Date(at.getTime() - 30_000)), at, totpStep(at))).toBeNull();
    expect(matchTotp(secret, codeAt(at), at, totpStep(at) - 1)).toBe(totpStep(at));
  });

  it('refuses what is not six digits', () => {
    expect(matchTotp(secret, 'abcdef', at, null)).toBeNull();
    expect(matchTotp(secret, `${codeAt(at)}0`, at, null)).toBeNull();
  });

  it('writes the key URI with issuer, account and secret', () => {
    const uri = new URL(otpauthUri('Marquee', 'ann@example.org', 'JBSWY3DPEHPK3PXP'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(uri.searchParams.get('issuer')).toBe('Marquee');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Marquee:ann@example.org');
  });
});
