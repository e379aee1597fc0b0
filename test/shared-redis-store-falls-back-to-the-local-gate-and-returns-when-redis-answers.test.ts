/**
 * Redis failing never stops the SDK: with the server killed or frozen, every store call still resolves (on the
 * in-process gate), one warning is logged for the outage, and once Redis answers again a probe (at most once per
 * interval, on the caller's clock) puts the process back on the shared gate, keeping any pause set meanwhile.
 * While degraded, each process paces to its share of a limit: divided by the processes live in the scope before.
 */
import Redis from 'ioredis';
import { ManualClock } from '../src/clock';
import { redisStore } from '../src/rate-limit/redis-store';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describeWithRedis('redisStore failover', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
  });
  beforeEach(async () => {
    await server.start();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
  });
  afterEach(() => redis.disconnect());
  afterAll(async () => {
    await server?.stop();
  });

  function build() {
    const clock = new ManualClock();
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger = { warn: (m: string, meta?: object) => warnings.push(`${m} ${JSON.stringify(meta)}`), info: (m: string) => infos.push(m) };
    const keyPrefix = `{f${Math.random().toString(36).slice(2)}}:`;
    const store = redisStore({ client: redis, keyPrefix, clock, logger, probeIntervalInMs: 2_000, commandTimeoutInMs: 100 });
    return { clock, warnings, infos, store, keyPrefix };
  }

  test('a killed Redis degrades to the local gate with one warning, and a probe brings the shared gate back', async () => {
    const { clock, warnings, infos, store, keyPrefix } = build();
    await store.pause('DEMO', 0); // shared episode open
    expect(store.degraded).toBe(false);
    await server.kill();

    // Every kind of call resolves while Redis is gone.
    const paused = await store.pause('DEMO', 60_000);
    expect(store.degraded).toBe(true);
    expect(paused.remainingInMs).toBe(60_000); // the local gate, on the caller's clock
    expect(await store.getPause('DEMO')).toEqual({ remainingInMs: 60_000, episodeAgeInMs: 0 });
    const entries = [{ scope: 'DEMO', limit: 2 }];
    expect((await store.reserve(entries, 1, 10_000)).granted).toBe(true);
    expect((await store.reserve(entries, 1, 10_000)).granted).toBe(true);
    // Window + the shared window's arrival allowance (100) + the command timeout (100).
    expect(await store.reserve(entries, 1, 10_000)).toEqual({ granted: false, waitInMs: 10_200 });
    await store.endEpisode('DEMO');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shared redis store failed/);

    await server.start();
    // Before the probe interval has passed on the caller's clock, nothing is sent to Redis.
    clock.advance(1_000);
    await store.getPause('DEMO');
    await tick(100);
    expect(store.degraded).toBe(true);
    // After it, a background probe runs (repeated until the client has reconnected).
    for (let i = 0; i < 20 && store.degraded; i++) {
      clock.advance(2_000);
      await store.getPause('DEMO');
      await tick();
    }
    expect(store.degraded).toBe(false);
    expect(infos).toEqual([expect.stringMatching(/answers again/)]);

    // Back on Redis: the pause set locally during the outage still holds, and new pauses are shared.
    expect((await store.getPause('DEMO')).remainingInMs).toBeGreaterThan(0);
    await store.pause('SHARED', 1_500);
    const other = redisStore({ client: redis, keyPrefix }); // another process of the installation
    expect((await other.getPause('SHARED')).remainingInMs).toBeGreaterThan(1_000);
    expect(warnings).toHaveLength(1);
  });

  test('while Redis is down, each process paces a scope to the limit divided by the processes live in it before', async () => {
    const clock = new ManualClock();
    const keyPrefix = `{share${Math.random().toString(36).slice(2)}}:`;
    // Three processes of one installation (each its own store and connection); two users.
    const connections = [redis, new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 }), new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 })];
    connections.forEach((c) => c.on('error', () => undefined));
    try {
      const stores = connections.map((client) => redisStore({ client, keyPrefix, clock, commandTimeoutInMs: 100, probeIntervalInMs: 60_000 }));
      const user = (i: number) => (i === 2 ? 'I/bob' : 'I/alice');
      const entries = (i: number) => [{ scope: 'I', limit: 90 }, { scope: user(i), limit: 40 }];
      for (let i = 0; i < 3; i++) expect((await stores[i].reserve(entries(i), 1, 10_000)).granted).toBe(true);
      // Each reads the live count back with its next reservation.
      for (let i = 0; i < 3; i++) await stores[i].reserve(entries(i), 1, 10_000);

      await server.kill();
      clock.advance(10_000); // a fresh window, all on the local gates
      const granted = await Promise.all(
        stores.map(async (s, i) => {
          let n = 0;
          while ((await s.reserve(entries(i), 1, 10_000)).granted) n++;
          return n;
        }),
      );
      expect(stores.every((s) => s.degraded)).toBe(true);
      // alice's two processes: 20 each (her share of 40); bob: 30 (the installation's share of 90). 70 <= 90.
      expect(granted).toEqual([20, 20, 30]);
      expect(granted.reduce((a, b) => a + b)).toBeLessThanOrEqual(90);
      expect(stores.map((s, i) => [s.share('I', 90), s.share(user(i), 40)])).toEqual([[30, 20], [30, 20], [30, 40]]);
    } finally {
      connections.slice(1).forEach((c) => c.disconnect());
    }
  });

  test('a Redis that accepts but never answers cannot make a call hang', async () => {
    const { warnings, store } = build();
    await store.getPause('DEMO');
    server.freeze();
    try {
      await expect(store.getPause('DEMO')).resolves.toEqual({ remainingInMs: 0, episodeAgeInMs: undefined });
      expect(store.degraded).toBe(true);
      await expect(store.reserve([{ scope: 'DEMO', limit: 1 }], 1, 1_000)).resolves.toEqual({ granted: true, waitInMs: 0 });
      expect(warnings).toEqual([expect.stringMatching(/failed.*CommandTimeoutError/)]);
    } finally {
      server.thaw();
    }
  });
});
