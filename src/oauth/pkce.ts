/**
 * PKCE (RFC 7636) for the authorization-code step: Projector recommends it strongly and supports S256
 * (reference §3.1a). The verifier stays with whoever exchanges the code; only its challenge travels in the URL.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): send it with the code exchange, keep it out of URLs and logs. */
  codeVerifier: string;
  /** base64url(SHA-256(codeVerifier)): goes into the authorization URL. */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether a string is a valid RFC 7636 code verifier (43..128 unreserved characters). */
export const isCodeVerifier = (value: unknown): value is string => typeof value === 'string' && VERIFIER.test(value);

/** The S256 challenge of a verifier. */
export function codeChallengeOf(codeVerifier: string): string {
  if (!isCodeVerifier(codeVerifier)) throw new TypeError('a PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** A fresh verifier and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: codeChallengeOf(codeVerifier), codeChallengeMethod: 'S256' };
}
