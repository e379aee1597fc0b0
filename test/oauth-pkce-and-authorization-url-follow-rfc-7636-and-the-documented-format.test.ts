/**
 * The browser step's helpers: PKCE S256 per RFC 7636 (its appendix B vector), the authorization URL in the format
 * we chose (a guess from a third-party guide: /oauth2authorize/<AccountCode> with the standard OAuth parameters),
 * and reading the redirect back with a state check.
 */
import { isConfigurationError } from '../src/errors';
import { authorizationUrl, parseAuthorizationCallback } from '../src/oauth/authorize-url';
import { codeChallengeOf, createPkcePair } from '../src/oauth/pkce';

const CLIENT_ID = '3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f';

test('S256 matches RFC 7636 appendix B, and fresh pairs are 43-character base64url verifiers', () => {
  expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const a = createPkcePair();
  const b = createPkcePair();
  expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(a.codeVerifier).not.toBe(b.codeVerifier);
  expect(a.codeChallenge).toBe(codeChallengeOf(a.codeVerifier));
  expect(a.codeChallengeMethod).toBe('S256');
  expect(() => codeChallengeOf('too-short')).toThrow(TypeError);
});

test('the authorization URL carries the account code in the path and the standard parameters, encoded', () => {
  const url = new URL(
    authorizationUrl({
      accountCode: 'revcorp-doc',
      clientId: CLIENT_ID,
      redirectUri: 'https://app.example.com/oauth/callback?x=1&y=2',
      scope: ['read', 'write'],
      state: 's t&ate',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    }),
  );
  expect(url.origin).toBe('https://app.projectorpsa.com');
  expect(url.pathname).toBe('/oauth2authorize/revcorp-doc');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: 'https://app.example.com/oauth/callback?x=1&y=2',
    scope: 'read write',
    state: 's t&ate',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
});

test('bad input is a ConfigurationError that names the field and never echoes values', () => {
  const base = { accountCode: 'DEMO', clientId: CLIENT_ID, redirectUri: 'https://a.example/cb' };
  for (const [patch, field] of [
    [{ accountCode: 'has space' }, 'accountCode'],
    [{ accountCode: 'x'.repeat(31) }, 'accountCode'],
    [{ clientId: 'not-a-guid' }, 'clientId'],
    [{ redirectUri: 'relative/path' }, 'redirectUri'],
    [{ redirectUri: 'https://a.example/cb#frag' }, 'redirectUri'],
    [{ authorizeBaseUrl: 'http://evil.example' }, 'authorizeBaseUrl'],
    [{ codeChallenge: 'short' }, 'codeChallenge'],
  ] as const) {
    let error: unknown;
    try {
      authorizationUrl({ ...base, ...patch });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect((error as Error).message).toContain(field);
  }
  expect(authorizationUrl({ ...base, authorizeBaseUrl: 'http://127.0.0.1:9000' })).toMatch(/^http:\/\/127\.0\.0\.1:9000\/oauth2authorize\/DEMO\?/);
});

test('the redirect is read back with its state checked', () => {
  expect(parseAuthorizationCallback('https://a.example/cb?code=abc&state=xyz', 'xyz')).toEqual({ code: 'abc', state: 'xyz' });
  expect(() => parseAuthorizationCallback('https://a.example/cb?code=abc&state=other', 'xyz')).toThrow(/state does not match/);
  expect(() => parseAuthorizationCallback('https://a.example/cb?error=access_denied', 'xyz')).toThrow(/refused \(access_denied\)/);
  expect(() => parseAuthorizationCallback('https://a.example/cb?state=xyz')).toThrow(/no code/);
});
