/**
 * A pause this process saw on Redis (set by its own 10016, or by another process of the installation) still holds
 * when redis-server dies in the middle of it: the fallback gate keeps the remaining pause instead of reopening at
 * once. Real redis-server (killed with SIGKILL), simulator and client on one ManualClock moved by hand, so the
 * simulator's arrival times are the client's send times.
 */
import Redis from 'ioredis';
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { redisStore } from '../src/rate-limit/redis-store';
import { startSimulator, type Simulator } from '../src/simulator';
import { ALICE, PROJECT } from './support/client';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const PAUSE_IN_MS = 30_000;
const SLACK_IN_MS = 1_000;
const check = { locks: [{ entityIdentity: PROJECT }] };

/** Real-time polling for a state the client reaches by itself (a pending sleeper on the manual clock). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not reached within 2 s');
}

describeWithRedis('a pause seen on Redis survives the death of redis-server', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let clock: ManualClock;
  let connection: Redis;
  let client: ProjectorClient;
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    await redis.start().catch(() => undefined);
    clock = new ManualClock();
    sim = await startSimulator({ clock });
    connection = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    const store = redisStore({ client: connection, keyPrefix: `{keep-pause-${++run}}:`, clock, commandTimeoutInMs: 100 });
    client = new ProjectorClient({
      endpoint: sim.url, credentials: ALICE, clock, deadlineInMs: 600_000,
      rateLimit: { store, pacing: false, minPauseInMs: PAUSE_IN_MS, maxPauseInMs: PAUSE_IN_MS, giveUpAfterInMs: 120_000, random: () => 0 },
    });
    await client.authenticate();
  });
  afterEach(async () => {
    await client.close();
    connection.disconnect();
    await sim.close();
  });
  afterAll(() => redis?.stop());

  const arrivals = (startedAt: number) => sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks' && e.outcome === 'ok').map((e) => e.receivedAt - startedAt);

  /** Kills Redis 10 s into the pause, starts another call then, and checks nothing is sent before the pause ends. */
  async function killRedisAndCallAgain(startedAt: number, first: Promise<unknown>): Promise<void> {
    await redis.kill();
    clock.advance(10_000);
    const second = client.checkLocks(check);
    // Either it waits at the gate (a second sleeper) or it was sent at once, mid-pause.
    await until(() => clock.pendingSleepers >= 2 || arrivals(startedAt).length > 0);
    expect(arrivals(startedAt)).toEqual([]);
    // Redis counts the pause on its own (real) clock, so it may end a few ms sooner on the client's clock.
    clock.advance(PAUSE_IN_MS - 10_000 - SLACK_IN_MS);
    expect(arrivals(startedAt)).toEqual([]);
    clock.advance(SLACK_IN_MS);
    await Promise.all([first, second]);
    expect(arrivals(startedAt).every((t) => t >= PAUSE_IN_MS - SLACK_IN_MS)).toBe(true);
    expect(arrivals(startedAt)).toHaveLength(2);
  }

  test('its own 10016 paused the installation through Redis', async () => {
    sim.setRateLimit({ sessionLimit: 0 });
    const startedAt = clock.now();
    const first = client.checkLocks(check);
    await until(() => clock.pendingSleepers >= 1);
    expect(sim.log.filter((e) => e.outcome === 'rate-limited')).toHaveLength(1);
    sim.setRateLimit({ sessionLimit: 10_000 });
    await killRedisAndCallAgain(startedAt, first);
  });

  test('another process of the installation paused it on Redis, and this one saw the pause', async () => {
    const other = new Redis(redis.url);
    await redisStore({ client: other, keyPrefix: `{keep-pause-${run}}:` }).pause('DEMO', PAUSE_IN_MS);
    other.disconnect();
    const startedAt = clock.now();
    const first = client.checkLocks(check);
    await until(() => clock.pendingSleepers >= 1);
    await killRedisAndCallAgain(startedAt, first);
  });
});
