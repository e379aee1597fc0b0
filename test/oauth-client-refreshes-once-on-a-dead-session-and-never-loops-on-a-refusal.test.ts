/**
 * Failure handling of the OAuth client, over real HTTP against the simulator: a dead session (-101 / 10004 /
 * FailSessionInvalid) costs exactly one refresh and one repeat; concurrent first calls share one acquisition; a
 * caller's abort ends only its own wait; a refused client secret or refresh token is an AuthenticationError sent
 * once, never looped, and blocks further acquisitions until setOAuth().
 */
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { ConfigurationError, isAbortedError, isAuthenticationError, isSessionInvalidError } from '../src/errors';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
let sim: Simulator;
let clock: ManualClock;
const clients: ProjectorClient[] = [];

beforeEach(async () => {
  clock = new ManualClock({ autoAdvance: true });
  sim = await startSimulator({ clock });
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await sim.close();
});

const refreshToken = () => sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
function client(oauth: Partial<ConstructorParameters<typeof ProjectorClient>[0]['oauth']> = {}) {
  const c = new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId, clientSecret, refreshToken: refreshToken(), ...oauth } });
  clients.push(c);
  return c;
}
const ops = () => sim.log.map((e) => `${e.operation}:${e.outcome}${e.errorNumber ? `:${e.errorNumber}` : ''}`);

test('ten concurrent first calls share one acquisition', async () => {
  const c = client();
  await Promise.all(Array.from({ length: 10 }, () => c.call('PwsTestRateLimiter', {})));
  expect(sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token')).toHaveLength(1);
  expect(c.oauthStats).toMatchObject({ acquisitions: 1, waits: 10 });
});

test('a session that died is refreshed once and the call repeated once', async () => {
  const c = client();
  await c.call('PwsTestRateLimiter', {});
  sim.invalidateAllSessions();
  sim.clearLog();
  await expect(c.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  expect(ops()).toEqual(['PwsTestRateLimiter:fail:-101', 'PwsAcquireOauth2Token:ok', 'PwsTestRateLimiter:ok']);

  // A session that dies again at once is an error, not a loop.
  sim.clearLog();
  sim.handle('PwsTestRateLimiter', () => ({ Status: 'FailSessionInvalid', Messages: [{ ErrorNumber: 10004, ErrorCode: 'InvalidSessionTicket', Type: 'Error' }] }));
  const error = await c.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isSessionInvalidError(error)).toBe(true);
  expect(ops()).toEqual(['PwsTestRateLimiter:fail:10004', 'PwsAcquireOauth2Token:ok', 'PwsTestRateLimiter:fail:10004']);
});

test('an aborted caller stops waiting at once; the acquisition goes on for the others', async () => {
  // Real time here: the acquisition must still be under way when the first caller gives up.
  const real = await startSimulator();
  const c = new ProjectorClient({ endpoint: real.url, oauth: { clientId, clientSecret, refreshToken: real.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }) } });
  clients.push(c);
  real.setLatency('PwsAcquireOauth2Token', 300);
  const controller = new AbortController();
  const first = c.call('PwsTestRateLimiter', {}, { abortSignal: controller.signal }).catch((e: unknown) => e);
  const second = c.call('PwsTestRateLimiter', {});
  await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  expect(isAbortedError(await first)).toBe(true);
  await expect(second).resolves.toMatchObject({ Status: 'Ok' });
  expect(real.log.filter((e) => e.operation === 'PwsAcquireOauth2Token').map((e) => e.outcome)).toEqual(['ok']);
  await c.close();
  await real.close();
});

test('a wrong client secret is one AuthenticationError, sent once; setOAuth lifts the block', async () => {
  const rt = refreshToken();
  const c = client({ clientSecret: 'not-the-secret', refreshToken: rt });
  const first = await c.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(first)).toBe(true);
  expect(first).toMatchObject({ code: 'InvalidClient', errorNumber: 10030, operation: 'PwsAcquireOauth2Token', retryable: false });
  const second = await c.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(second)).toBe(true);
  expect(second).toMatchObject({ code: 'InvalidClient', requestSent: false });
  expect(ops()).toEqual(['PwsAcquireOauth2Token:fail:10030']);

  c.setOAuth({ clientId, clientSecret, refreshToken: rt });
  await expect(c.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
});

test('a refresh token that was rotated away (or revoked) is refused once, and the family is gone', async () => {
  const rt = refreshToken();
  const a = client({ refreshToken: rt });
  await a.call('PwsTestRateLimiter', {}); // rotates rt away
  const b = client({ refreshToken: rt });
  const error = await b.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'InvalidGrant', errorNumber: 10031 });
  await b.call('PwsTestRateLimiter', {}).catch(() => undefined);
  expect(sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token').map((e) => e.outcome)).toEqual(['ok', 'fail']);
  // Reuse detection revoked the family: a's session ended, and its refresh fails too.
  expect(sim.oauth.count('reuse-detected')).toBe(1);
  const after = await a.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(after)).toBe(true);
});

test('bad oauth settings are configuration errors that never quote the secret', () => {
  expect(() => new ProjectorClient({ endpoint: sim.url, oauth: { clientId: 'nope', clientSecret: 's3cr3t-value', refreshToken: 'r' } })).toThrow(/clientId must be/);
  expect(() => new ProjectorClient({ endpoint: sim.url, oauth: { clientId, clientSecret: '', refreshToken: 'r' } })).toThrow(/clientSecret/);
  let refused: unknown;
  try {
    new ProjectorClient({ endpoint: sim.url, oauth: { clientId, clientSecret: 's3cr3t-value', refreshToken: '' } });
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(ConfigurationError);
  expect((refused as Error).message).toMatch(/oauth\.refreshToken must be a non-empty string/);
  expect((refused as Error).message).not.toContain('s3cr3t-value');
  expect(() => new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'a', password: 'b' }, oauth: { clientId, clientSecret: 'x', refreshToken: 'y' } })).toThrow(/either credentials or oauth/);
});
