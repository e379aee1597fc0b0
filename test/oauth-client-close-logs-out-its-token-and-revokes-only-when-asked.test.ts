/**
 * The end of an OAuth client's life: close() logs out the access token the client acquired itself (it created that
 * session) and leaves the refresh token alone; revokeRefreshToken() revokes it only when asked, after which
 * acquisitions are blocked until setOAuth(). A client of a shared store never logs out the fleet's token.
 */
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { isAuthenticationError } from '../src/errors';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
let sim: Simulator;
const clock = new ManualClock({ autoAdvance: true });

beforeEach(async () => {
  sim = await startSimulator({ clock });
});
afterEach(() => sim.close());

function client(refreshToken: string, onRefreshToken?: (t: string) => void) {
  return new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId, clientSecret, refreshToken, onRefreshToken } });
}

test('close() logs out the access token it acquired and never revokes the refresh token', async () => {
  let newest = sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
  const c = client(newest, (t) => (newest = t));
  await c.call('PwsTestRateLimiter', {});
  await c.close();
  expect(sim.log.map((e) => e.operation)).toEqual(['PwsAcquireOauth2Token', 'PwsTestRateLimiter', 'PwsUnauthenticate']);
  expect(sim.oauth.accessTokens()[0].endedBy).toBe('logout');
  expect(sim.oauth.count('revoked')).toBe(0);
  const next = client(newest);
  await expect(next.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  await next.close();
});

test('a client that never called anything closes without a request', async () => {
  const c = client(sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }));
  await c.close();
  expect(sim.log).toHaveLength(0);
});

test('revokeRefreshToken() revokes it on the server and blocks further acquisitions until setOAuth()', async () => {
  let newest = sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
  const c = client(newest, (t) => (newest = t));
  await c.call('PwsTestRateLimiter', {});
  await c.revokeRefreshToken();
  expect(sim.oauth.count('revoked')).toBe(1);
  const error = await c.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'RefreshTokenRevoked', requestSent: false });
  const again = client(newest);
  expect(isAuthenticationError(await again.call('PwsTestRateLimiter', {}).catch((e: unknown) => e))).toBe(true);
  await again.close();

  c.setOAuth({ clientId, clientSecret, refreshToken: sim.oauth.issueRefreshToken({ clientId, userName: 'bob@example.com' }) });
  await expect(c.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  await c.close();
});
