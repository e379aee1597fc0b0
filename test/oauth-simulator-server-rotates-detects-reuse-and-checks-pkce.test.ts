/**
 * The simulator's OAuth authorization server as a state machine, on a ManualClock: codes with PKCE (S256 and
 * plain) and exact redirect URIs, single use; the refresh grant with rotation and reuse detection (a rotated-away
 * token revokes the whole family and ends its access tokens); lifetimes of access tokens (ExpiresInSeconds,
 * TimeoutMinutes), refresh tokens and codes; RFC 7009 revocation; RedirectUrl for an account hosted elsewhere.
 * The HTTP side is tested with the client (oauth-client-*.test.ts).
 */
import { ManualClock } from '../src/clock';
import { codeChallengeOf, createPkcePair } from '../src/oauth/pkce';
import { DEFAULT_ACCOUNT } from '../src/simulator/defaults';
import { DEMO_OAUTH_CLIENT, OAuthServer, type AcquireRequest, type OAuthOutcome } from '../src/simulator/oauth';

const C = DEMO_OAUTH_CLIENT;
const ctx = { redirect: {}, authority: '127.0.0.1:9' };
const directory = {
  findAccount: (code: string) => (code.toLowerCase() === 'demo' ? DEFAULT_ACCOUNT : undefined),
  findUser: (code: string, user: string) => (code.toLowerCase() === 'demo' ? DEFAULT_ACCOUNT.users.find((u) => u.userName === user) : undefined),
};
const REDIRECT = C.redirectUris[0];

function setup(settings = {}) {
  const clock = new ManualClock();
  return { clock, oauth: new OAuthServer(clock, directory, settings) };
}
const refresh = (oauth: OAuthServer, RefreshToken: string, more: Partial<AcquireRequest> = {}) =>
  oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'refresh_token', RefreshToken, ...more }, ctx);
const ok = (o: OAuthOutcome) => {
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${o.message.errorCode}: ${o.message.errorText}`);
  return o.result;
};
const errorOf = (o: OAuthOutcome) => (o.kind === 'fail' ? `${o.message.errorNumber} ${o.message.errorCode}` : 'ok');

test('a code minted through the authorization URL is exchanged once, with the PKCE verifier and the same redirect URI', () => {
  const { oauth } = setup();
  const pkce = createPkcePair();
  const url = `https://app.projectorpsa.com/oauth2authorize/DEMO?response_type=code&client_id=${C.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s1&code_challenge=${pkce.codeChallenge}&code_challenge_method=S256`;
  const { code, state, redirectTo } = oauth.approve(url, 'alice@example.com');
  expect(state).toBe('s1');
  expect(new URL(redirectTo).searchParams.get('code')).toBe(code);
  const exchange = (more: Partial<AcquireRequest>) =>
    oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'code', Code: code, RedirectUri: REDIRECT, CodeVerifier: pkce.codeVerifier, ...more }, ctx);
  expect(errorOf(exchange({ CodeVerifier: undefined }))).toBe('10031 InvalidGrant');
  expect(errorOf(exchange({ CodeVerifier: createPkcePair().codeVerifier }))).toBe('10031 InvalidGrant');
  expect(errorOf(exchange({ RedirectUri: 'http://127.0.0.1:8765/other' }))).toBe('10031 InvalidGrant');
  expect(errorOf(exchange({ ClientSecret: 'wrong' }))).toBe('10030 InvalidClient');
  const tokens = ok(exchange({}));
  expect(tokens).toMatchObject({ ExpiresInSeconds: 3600, TimeoutMinutes: 20, MaxLifetimeMinutes: 480, TokenType: 'Bearer', SoapServiceAuthority: '127.0.0.1:9' });
  expect(tokens.AccessToken).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(oauth.resolve(tokens.AccessToken)).toMatchObject({ session: { user: { userName: 'alice@example.com' } } });
  // Used twice: refused, and what the first exchange produced is revoked (RFC 6749 4.1.2).
  expect(errorOf(exchange({}))).toBe('10031 InvalidGrant');
  expect(oauth.resolve(tokens.AccessToken)).toEqual({ error: 'ended' });
  expect(errorOf(refresh(oauth, tokens.RefreshToken!))).toBe('10031 InvalidGrant');
});

test('plain PKCE and codes without a challenge work; codes expire after 10 minutes', () => {
  const { oauth, clock } = setup();
  const verifier = createPkcePair().codeVerifier;
  const plain = oauth.mintAuthorizationCode({ clientId: C.clientId, userName: 'bob@example.com', redirectUri: REDIRECT, codeChallenge: verifier, codeChallengeMethod: 'plain' });
  expect(ok(oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'code', Code: plain, RedirectUri: REDIRECT, CodeVerifier: verifier }, ctx)).AccessToken).toBeDefined();
  const late = oauth.mintAuthorizationCode({ clientId: C.clientId, userName: 'bob@example.com', redirectUri: REDIRECT });
  clock.advance(10 * 60_000);
  expect(errorOf(oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'code', Code: late, RedirectUri: REDIRECT }, ctx))).toBe('10031 InvalidGrant');
  expect(codeChallengeOf(verifier)).not.toBe(verifier);
  expect(() => oauth.mintAuthorizationCode({ clientId: C.clientId, userName: 'alice@example.com', redirectUri: 'https://evil.example/cb' })).toThrow(/redirect_uri/);
});

test('every refresh rotates; presenting a rotated-away token revokes the family and ends its access tokens', () => {
  const { oauth } = setup();
  const rt0 = oauth.issueRefreshToken({ clientId: C.clientId, userName: 'alice@example.com' });
  const first = ok(refresh(oauth, rt0));
  expect(first.RefreshToken).not.toBe(rt0);
  const second = ok(refresh(oauth, first.RefreshToken!));
  expect(oauth.resolve(first.AccessToken)).toHaveProperty('session');
  expect(oauth.resolve(second.AccessToken)).toHaveProperty('session');
  expect(oauth.count('rotated')).toBe(2);

  expect(errorOf(refresh(oauth, rt0))).toBe('10031 InvalidGrant');
  expect(oauth.count('reuse-detected')).toBe(1);
  expect(oauth.count('family-revoked')).toBe(1);
  expect(errorOf(refresh(oauth, second.RefreshToken!))).toBe('10031 InvalidGrant');
  expect(oauth.resolve(first.AccessToken)).toEqual({ error: 'ended' });
  expect(oauth.resolve(second.AccessToken)).toEqual({ error: 'ended' });
  expect(oauth.accessTokens().map((r) => r.endedBy)).toEqual(['family-revoked', 'family-revoked']);
  // Other families are untouched.
  const other = oauth.issueRefreshToken({ clientId: C.clientId, userName: 'bob@example.com' });
  expect(ok(refresh(oauth, other)).AccessToken).toBeDefined();
});

test('lifetimes run on the injected clock: ExpiresInSeconds, TimeoutMinutes idle, refresh token expiry', () => {
  const { oauth, clock } = setup({ accessTokenLifetimeInSeconds: 600, idleTimeoutMinutes: 5, refreshTokenLifetimeInMs: 3_600_000 });
  const rt = oauth.issueRefreshToken({ clientId: C.clientId, userName: 'alice@example.com' });
  const t = ok(refresh(oauth, rt));
  expect(t.ExpiresInSeconds).toBe(600);
  for (let i = 0; i < 2; i++) {
    clock.advance(4 * 60_000);
    expect(oauth.resolve(t.AccessToken)).toHaveProperty('session');
  }
  clock.advance(2 * 60_000); // 10 min after issue: expired although used 2 min ago
  expect(oauth.resolve(t.AccessToken)).toEqual({ error: 'ended' });
  expect(oauth.accessTokenByHash(oauth.accessTokens()[0].ticketHash)).toMatchObject({ endedBy: 'expired', expiresAt: oauth.accessTokens()[0].issuedAt + 600_000 });

  const t2 = ok(refresh(oauth, t.RefreshToken!));
  clock.advance(5 * 60_000 + 1);
  expect(oauth.resolve(t2.AccessToken)).toEqual({ error: 'ended' });
  expect(oauth.accessTokens()[1].endedBy).toBe('idle');

  clock.advance(3_600_000);
  expect(errorOf(refresh(oauth, t2.RefreshToken!))).toBe('10031 InvalidGrant');
  expect(oauth.resolve('never-issued')).toEqual({ error: 'unknown' });
});

test('rotation can be switched off per client; revocation is RFC 7009; a hosted-elsewhere account answers RedirectUrl', () => {
  const { oauth } = setup();
  const fixed = { ...C, clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', clientSecret: 'fixed-secret', rotateRefreshTokens: false };
  oauth.registerClient(fixed);
  const rt = oauth.issueRefreshToken({ clientId: fixed.clientId, userName: 'alice@example.com' });
  const r = ok(oauth.acquire({ ClientIdentifier: fixed.clientId, ClientSecret: fixed.clientSecret, GrantType: 'refresh_token', RefreshToken: rt }, ctx));
  expect(r.RefreshToken).toBe(rt);
  expect(ok(oauth.acquire({ ClientIdentifier: fixed.clientId, ClientSecret: fixed.clientSecret, GrantType: 'refresh_token', RefreshToken: rt }, ctx)).AccessToken).not.toBe(r.AccessToken);

  expect(oauth.revoke({ ClientIdentifier: fixed.clientId, ClientSecret: fixed.clientSecret, RefreshToken: 'unknown' })).toEqual({ kind: 'ok' });
  expect(oauth.revoke({ ClientIdentifier: fixed.clientId, ClientSecret: 'bad', RefreshToken: rt })).toMatchObject({ kind: 'fail', message: { errorNumber: 10030 } });
  expect(oauth.revoke({ ClientIdentifier: fixed.clientId, ClientSecret: fixed.clientSecret, RefreshToken: rt })).toEqual({ kind: 'ok' });
  expect(oauth.resolve(r.AccessToken)).toEqual({ error: 'ended' });
  expect(errorOf(oauth.acquire({ ClientIdentifier: fixed.clientId, ClientSecret: fixed.clientSecret, GrantType: 'refresh_token', RefreshToken: rt }, ctx))).toBe('10031 InvalidGrant');

  const elsewhere = oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'refresh_token', RefreshToken: 'x' }, { ...ctx, redirect: { demo: 'https://secure2.projectorpsa.com' } });
  expect(ok(elsewhere)).toMatchObject({ RedirectUrl: 'https://secure2.projectorpsa.com' });
  expect(ok(elsewhere).AccessToken).toBeUndefined();
  expect(errorOf(oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'password' }, ctx))).toBe('10032 UnsupportedGrantType');
  expect(errorOf(oauth.acquire({ ClientIdentifier: C.clientId, ClientSecret: C.clientSecret, GrantType: 'refresh_token' }, ctx))).toBe('10010 InvalidRequestValue');
});

test('events and records name tokens only by hash', () => {
  const { oauth } = setup();
  const rt = oauth.issueRefreshToken({ clientId: C.clientId, userName: 'alice@example.com' });
  const t = ok(refresh(oauth, rt));
  refresh(oauth, rt);
  const dump = JSON.stringify({ events: oauth.events, records: oauth.accessTokens() });
  for (const secret of [rt, t.RefreshToken!, t.AccessToken!, C.clientSecret]) expect(dump).not.toContain(secret);
});
