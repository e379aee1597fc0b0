/**
 * The issue's "done when": a job configured with only `oauth` (no password anywhere) runs for five token lifetimes
 * on a ManualClock against the simulator, over real HTTP, with no failed call and no expired token on the wire,
 * proven from the simulator's own log (every request's ticket hash against the lifetime the OAuth server gave that
 * token). Refreshes happen ahead of expiry while calls go on; one acquisition serves concurrent callers; every
 * rotated refresh token reaches onRefreshToken, and a restart from the persisted token carries on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { isAuthenticationError } from '../src/errors';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';

const LIFETIME_IN_SECONDS = 3600;
const HOURS = 5;

let sim: Simulator;
let clock: ManualClock;
let dir: string;

beforeEach(async () => {
  clock = new ManualClock({ autoAdvance: true });
  sim = await startSimulator({ clock, rateLimit: { mode: 'Disabled' }, oauth: { accessTokenLifetimeInSeconds: LIFETIME_IN_SECONDS } });
  dir = mkdtempSync(path.join(tmpdir(), 'projector-oauth-'));
});
afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every request that carried one of the OAuth server's access tokens, with that token's lifetime. */
function tokenUses(s: Simulator) {
  return s.log.filter((e) => e.ticketHash).map((e) => ({ entry: e, token: s.oauth.accessTokenByHash(e.ticketHash!) }));
}

test(`a job with only oauth runs ${HOURS} token lifetimes: no failed call, no expired token on the wire`, async () => {
  const file = path.join(dir, 'refresh-token');
  writeFileSync(file, sim.oauth.issueRefreshToken({ clientId: DEMO_OAUTH_CLIENT.clientId, userName: 'alice@example.com' }));
  const delivered: number[] = [];
  const client = new ProjectorClient({
    endpoint: sim.url,
    clock,
    oauth: {
      clientId: DEMO_OAUTH_CLIENT.clientId,
      clientSecret: DEMO_OAUTH_CLIENT.clientSecret,
      refreshToken: readFileSync(file, 'utf8'),
      onRefreshToken: (token, info) => {
        writeFileSync(file, token);
        delivered.push(info.version);
      },
    },
  });
  const startedAt = clock.now();
  const until = startedAt + HOURS * 3_600_000;
  let calls = 0;
  let failed = 0;
  // Three lanes at different paces, so calls also arrive while a refresh is under way.
  const lane = async (everyInMs: number) => {
    while (clock.now() < until) {
      try {
        await client.call('PwsTestRateLimiter', {});
        calls++;
      } catch {
        failed++;
      }
      await clock.sleep(everyInMs);
    }
  };
  await Promise.all([lane(45_000), lane(60_000), lane(97_000)]);
  const stats = client.oauthStats!;
  await client.close();

  expect(failed).toBe(0);
  const uses = tokenUses(sim).filter((u) => u.entry.operation !== 'PwsUnauthenticate');
  expect(uses.length).toBe(calls);
  // Every call carried a token of the OAuth server, received before that token's expiry, and succeeded.
  for (const { entry, token } of uses) {
    expect(token).toBeDefined();
    expect(entry.receivedAt).toBeLessThan(token!.expiresAt);
    expect(entry.outcome).toBe('ok');
  }
  expect(sim.log.filter((e) => e.errorNumber === -101 || e.errorNumber === 10004)).toHaveLength(0);

  const acquisitions = sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token');
  expect(acquisitions.every((e) => e.outcome === 'ok')).toBe(true);
  expect(stats.acquisitions).toBe(acquisitions.length);
  // One acquisition per token life, started ahead of expiry (the default margin: 5 min of a 60 min token).
  const perLifetime = acquisitions.length / HOURS;
  expect(perLifetime).toBeGreaterThanOrEqual(1);
  expect(perLifetime).toBeLessThanOrEqual(1.3);
  expect(stats.refreshesAhead).toBe(acquisitions.length - 1);
  // Only the very first calls had to wait (for the first token, one acquisition for all three lanes).
  expect(stats.waits).toBeLessThanOrEqual(3);
  // Every refresh rotated, and every new refresh token reached the hook.
  expect(stats.rotations).toBe(acquisitions.length);
  expect(delivered).toHaveLength(acquisitions.length);
  expect(sim.oauth.count('reuse-detected')).toBe(0);
  // close() logged out the last access token, the one this client created.
  expect(sim.oauth.accessTokens().at(-1)!.endedBy).toBe('logout');
  console.log(`oauth job: ${calls} calls over ${HOURS} lifetimes, ${acquisitions.length} acquisitions (${perLifetime.toFixed(2)} per lifetime), waits ${stats.waits} (longest ${stats.longestWaitInMs} ms), refreshes ahead ${stats.refreshesAhead}`);

  // Restart: a new client from the persisted token carries on; the original token is rotated away long ago.
  const restarted = new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId: DEMO_OAUTH_CLIENT.clientId, clientSecret: DEMO_OAUTH_CLIENT.clientSecret, refreshToken: readFileSync(file, 'utf8') } });
  await expect(restarted.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  await restarted.close();
  expect(sim.oauth.count('reuse-detected')).toBe(0);
}, 60_000);

test('a failing onRefreshToken is reported, never loses the new token, and is offered it again', async () => {
  const rt = sim.oauth.issueRefreshToken({ clientId: DEMO_OAUTH_CLIENT.clientId, userName: 'alice@example.com' });
  const seen: { token: string; reason: string }[] = [];
  const errors: Error[] = [];
  const logged: string[] = [];
  let fail = true;
  const client = new ProjectorClient({
    endpoint: sim.url,
    clock,
    logger: { error: (m: string) => logged.push(m), warn: () => undefined, info: () => undefined },
    oauth: {
      clientId: DEMO_OAUTH_CLIENT.clientId,
      clientSecret: DEMO_OAUTH_CLIENT.clientSecret,
      refreshToken: rt,
      onRefreshToken: (token, info) => {
        seen.push({ token, reason: info.reason });
        if (fail) {
          fail = false;
          throw new Error(`disk full while writing ${token}`);
        }
      },
      onError: (e) => errors.push(e),
    },
  });
  await expect(client.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  expect(logged.some((l) => /onRefreshToken failed/.test(l))).toBe(true);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: 'RefreshTokenHookFailed' });
  expect(String(errors[0].message)).not.toContain(seen[0].token);
  // The next call offers the same (still current) token again, without another acquisition.
  await client.call('PwsTestRateLimiter', {});
  await client.close();
  expect(seen.map((s) => s.reason)).toEqual(['rotated', 'redelivery']);
  expect(seen[1].token).toBe(seen[0].token);
  expect(sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token')).toHaveLength(1);
  // The new token works after a restart; the old one is rotated away.
  const again = new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId: DEMO_OAUTH_CLIENT.clientId, clientSecret: DEMO_OAUTH_CLIENT.clientSecret, refreshToken: seen[0].token } });
  await expect(again.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  await again.close();
  const stale = new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId: DEMO_OAUTH_CLIENT.clientId, clientSecret: DEMO_OAUTH_CLIENT.clientSecret, refreshToken: rt } });
  const error = await stale.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(error)).toBe(true);
  await stale.close();
});
