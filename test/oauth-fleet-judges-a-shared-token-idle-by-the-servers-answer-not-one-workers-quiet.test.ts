/**
 * Idleness with a shared token store: worker B goes quiet for longer than the session's TimeoutMinutes while worker
 * A keeps the fleet's access token busy. B must keep using that token (the server still accepts it) instead of
 * declaring it idle from its own last use, which would force a new acquisition and a rotation under the whole
 * fleet. When the whole fleet was quiet, the server's answer (FailSessionInvalid) makes one refresh and the call
 * still succeeds. Real redis-server, simulator and clients on one ManualClock.
 */
import Redis from 'ioredis';
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { redisTokenStore } from '../src/oauth/redis-token-store';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
const MINUTE = 60_000;

describeWithRedis('a shared OAuth token is judged idle by the fleet, not by one quiet worker', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let clock: ManualClock;
  const connections: Redis[] = [];
  const clients: ProjectorClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    clock = new ManualClock();
    // Access tokens live an hour and their sessions idle out after 20 minutes (the simulator's defaults).
    sim = await startSimulator({ clock });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    connections.splice(0).forEach((r) => r.disconnect());
    await sim.close();
  });
  afterAll(() => redis?.stop());

  function worker(refreshToken: string, keyPrefix: string): ProjectorClient {
    const connection = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    connections.push(connection);
    const c = new ProjectorClient({ endpoint: sim.url, clock, oauth: { clientId, clientSecret, refreshToken, store: redisTokenStore({ client: connection, keyPrefix }) } });
    clients.push(c);
    return c;
  }
  const acquisitions = () => sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token').length;

  /** Two workers of one client application on one store, both having made a call with the fleet's token. */
  async function twoBusyWorkers(keyPrefix: string): Promise<[ProjectorClient, ProjectorClient]> {
    const refreshToken = sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
    const pair: [ProjectorClient, ProjectorClient] = [worker(refreshToken, keyPrefix), worker(refreshToken, keyPrefix)];
    for (const w of pair) await w.call('PwsTestRateLimiter', {});
    return pair;
  }

  test('a worker quiet for longer than TimeoutMinutes uses the token the rest of the fleet kept busy', async () => {
    const [a, b] = await twoBusyWorkers('{idle-busy}:');
    expect(acquisitions()).toBe(1);
    // A works every 8 minutes; B says nothing for 24 (TimeoutMinutes is 20).
    for (let i = 0; i < 3; i++) {
      clock.advance(8 * MINUTE);
      await a.call('PwsTestRateLimiter', {});
    }
    await expect(b.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
    expect(acquisitions()).toBe(1);
    const tokens = sim.oauth.accessTokens();
    expect(tokens).toHaveLength(1);
    expect(tokens[0].endedBy).toBeUndefined();
    expect(a.oauthStats).toMatchObject({ acquisitions: 1 });
    expect(b.oauthStats).toMatchObject({ acquisitions: 0, adopted: 1 });
  });

  test('when the whole fleet was quiet, the server ends the session and one refresh serves the call', async () => {
    const [a, b] = await twoBusyWorkers('{idle-quiet}:');
    clock.advance(21 * MINUTE);
    await expect(b.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
    await expect(a.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
    expect(acquisitions()).toBe(2);
    expect(sim.oauth.accessTokens()[0].endedBy).toBe('idle');
    expect(sim.oauth.count('reuse-detected')).toBe(0);
  });
});
