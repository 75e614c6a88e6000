import {
  type AuthenticationResponseJSON, type RegistrationResponseJSON, type AuthenticatorTransport,
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { PasskeyVerifier } from '../../app/ports.ts';

/**
 * WebAuthn with @simplewebauthn/server (ADR 0013), for one origin: the relying party is the box
 * office's host name (BASE_URL's). Passkeys are discoverable credentials with user verification
 * required, so a passkey alone logs in (something you have, unlocked by something you know or are),
 * and no attestation is asked for (nobody's device is turned away, nothing about it is kept).
 */
export function simpleWebAuthn(baseUrl: string, rpName = 'Marquee'): PasskeyVerifier {
  const url = new URL(baseUrl);
  const origin = url.origin;
  const rpID = url.hostname;
  const transports = (t: string[]) => t as AuthenticatorTransport[];

  return {
    async registrationOptions(o) {
      const options = await generateRegistrationOptions({
        rpName, rpID, userName: o.userName, userDisplayName: o.displayName, userID: new TextEncoder().encode(o.userId),
        attestationType: 'none',
        excludeCredentials: o.exclude.map((c) => ({ id: c.id, transports: transports(c.transports) })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      return { options, challenge: options.challenge };
    },
    async verifyRegistration(response, expectedChallenge) {
      try {
        const r = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON, expectedChallenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
        });
        if (!r.verified) return null;
        const c = r.registrationInfo.credential;
        return { credentialId: c.id, publicKey: Buffer.from(c.publicKey).toString('base64url'), counter: c.counter, transports: c.transports ?? [] };
      } catch {
        // A malformed or forged answer is simply not verified.
        return null;
      }
    },
    async authenticationOptions() {
      const options = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
      return { options, challenge: options.challenge };
    },
    readAssertion(response) {
      const r = response as Partial<AuthenticationResponseJSON> | null;
      const challenge = challengeOf(r?.response?.clientDataJSON);
      return typeof r?.id === 'string' && r.id.length <= 1400 && challenge ? { credentialId: r.id, challenge } : null;
    },
    readAttestationChallenge(response) {
      return challengeOf((response as Partial<RegistrationResponseJSON> | null)?.response?.clientDataJSON);
    },
    async verifyAuthentication(response, expectedChallenge, credential) {
      try {
        const r = await verifyAuthenticationResponse({
          response: response as AuthenticationResponseJSON, expectedChallenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
          credential: { id: credential.id, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: credential.counter, transports: transports(credential.transports) },
        });
        return r.verified ? { newCounter: r.authenticationInfo.newCounter } : null;
      } catch {
        return null;
      }
    },
  };
}

/** The challenge inside clientDataJSON (base64url JSON), or null. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 10_000) return null;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length <= 200 ? data.challenge : null;
  } catch {
    return null;
  }
}
