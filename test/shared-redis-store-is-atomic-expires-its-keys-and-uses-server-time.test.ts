/**
 * The Redis store against a real, private redis-server: reservations from many connections at once never
 * exceed the limit (the Lua scripts are atomic), a reservation is all-or-nothing over its scopes, hits live in a
 * bounded number of buckets, the pause and episode follow the in-memory store's contract, every key carries a TTL,
 * deadlines use the server's clock, and each reservation says how many processes are live in its scopes.
 */
import Redis from 'ioredis';
import { ManualClock } from '../src/clock';
import { RedisRateLimitStore, redisStore } from '../src/rate-limit/redis-store';
import { MAX_BUCKETS } from '../src/rate-limit/store';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

describeWithRedis('RedisRateLimitStore on a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const connect = () => {
    const c = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  let prefixCounter = 0;
  const freshStore = (client: Redis, keyPrefix = `{t${++prefixCounter}}:`) => new RedisRateLimitStore({ client, keyPrefix });
  const serverNow = async (c: Redis) => {
    const [s, us] = await c.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  });

  test('concurrent reservations from 8 connections grant exactly the limit, never more', async () => {
    const keyPrefix = '{atomic}:';
    const stores = Array.from({ length: 8 }, () => freshStore(connect(), keyPrefix));
    const entries = [{ scope: 'DEMO', limit: 50 }];
    // 8 x 20 attempts at once, each weight 1, in a 60 s window: only 50 fit.
    const results = await Promise.all(stores.flatMap((s) => Array.from({ length: 20 }, () => s.reserve(entries, 1, 60_000))));
    expect(results.filter((r) => r.granted)).toHaveLength(50);
    const refused = results.filter((r) => !r.granted);
    expect(refused).toHaveLength(110);
    expect(refused.every((r) => r.waitInMs > 0 && r.waitInMs <= 60_000 + 100)).toBe(true); // window + arrival allowance
    expect(Number(await connect().hget(stores[0].keys('DEMO').weights, 'used'))).toBe(50);
    // Eight processes were live in the scope: each was told so.
    expect(stores.map((s) => s.liveProcesses('DEMO'))).toContain(8);
  });

  test('weights count, and a reservation is all-or-nothing over its scopes', async () => {
    const store = freshStore(connect());
    expect((await store.reserve([{ scope: 'I', limit: 10 }], 7, 60_000)).granted).toBe(true);
    // The user scope has room, the installation has not: neither records the hit.
    const refused = await store.reserve([{ scope: 'I', limit: 10 }, { scope: 'I/u', limit: 100 }], 4, 60_000);
    expect(refused.granted).toBe(false);
    expect(await connect().zcard(store.keys('I/u').buckets)).toBe(0);
    expect(await connect().hget(store.keys('I/u').weights, 'used')).toBeNull();
    expect((await store.reserve([{ scope: 'I', limit: 10 }, { scope: 'I/u', limit: 100 }], 3, 60_000)).granted).toBe(true);
    // An unknown limit (Infinity) records without refusing, so pacing is right as soon as the limit is learned.
    expect((await store.reserve([{ scope: 'I/u', limit: Number.POSITIVE_INFINITY }], 500, 60_000)).granted).toBe(true);
    expect((await store.reserve([{ scope: 'I/u', limit: 400 }], 1, 60_000)).granted).toBe(false);
  });

  test('thousands of hits spread over more than a window live in at most MAX_BUCKETS buckets, and the count stays right', async () => {
    const redis = connect();
    const store = freshStore(redis);
    const entries = [{ scope: 'B', limit: Number.POSITIVE_INFINITY }];
    const window = 400; // + 100 ms arrival allowance: buckets of 5 ms
    const BUCKET_IN_MS = 5;
    const granted: number[] = [];
    // However fast the machine: go on until the hits have touched twice as many 5 ms buckets as a store may keep
    // (so they span several windows), counting what was done rather than how much fitted into some wall-clock time.
    const touched = new Set<number>();
    while (touched.size < 2 * MAX_BUCKETS) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => store.reserve(entries, 1, window)));
      const at = Date.now();
      granted.push(...batch.map(() => at));
      touched.add(Math.floor(at / BUCKET_IN_MS));
    }
    expect(granted.length).toBeGreaterThanOrEqual(2 * MAX_BUCKETS);
    // Read before the store is: every hit it still holds was granted (and timed here) after this minus the window.
    const readAt = Date.now();
    const { buckets: bucketsKey, weights } = store.keys('B');
    const buckets = await redis.zcard(bucketsKey);
    expect(buckets).toBeGreaterThan(10);
    expect(buckets).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(await redis.hlen(weights)).toBe(buckets + 1); // one weight per bucket, and the total
    // The total is the sum of the buckets, and about the hits of the last 500 ms (a bucket's worth conservative).
    const fields = await redis.hgetall(weights);
    const sum = Object.entries(fields).filter(([k]) => k !== 'used').reduce((a, [, v]) => a + Number(v), 0);
    expect(Number(fields.used)).toBe(sum);
    const recent = granted.filter((t) => t > readAt - 500 - 50).length;
    expect(sum).toBeLessThanOrEqual(recent + 50);
  });

  test('each process is live in the scopes it reserves in until its TTL passes', async () => {
    const keyPrefix = '{live}:';
    const a = new RedisRateLimitStore({ client: connect(), keyPrefix, liveProcessTtlInMs: 300 });
    const b = new RedisRateLimitStore({ client: connect(), keyPrefix, liveProcessTtlInMs: 300 });
    expect(a.liveProcesses('I')).toBeUndefined();
    await a.reserve([{ scope: 'I', limit: 10 }], 1, 1_000);
    expect(a.liveProcesses('I')).toBe(1);
    await b.reserve([{ scope: 'I', limit: 10 }, { scope: 'I/b', limit: 10 }], 1, 1_000);
    expect([b.liveProcesses('I'), b.liveProcesses('I/b')]).toEqual([2, 1]);
    // A refused reservation still counts as being live.
    expect((await a.reserve([{ scope: 'I', limit: 2 }], 1, 1_000)).granted).toBe(false);
    expect(a.liveProcesses('I')).toBe(2);
    await new Promise((r) => setTimeout(r, 350)); // b goes quiet past the TTL
    await a.reserve([{ scope: 'I', limit: 10 }], 1, 1_000);
    expect(a.liveProcesses('I')).toBe(1);
  });

  test('a full window refuses until its oldest hits age out, then grants again', async () => {
    const store = freshStore(connect());
    const entries = [{ scope: 'W', limit: 2 }];
    expect((await store.reserve(entries, 1, 300)).granted).toBe(true);
    expect((await store.reserve(entries, 1, 300)).granted).toBe(true);
    const refused = await store.reserve(entries, 1, 300);
    expect(refused.granted).toBe(false);
    // A scaled window: wait what the store says, then the oldest hit has left it.
    await new Promise((r) => setTimeout(r, refused.waitInMs + 5));
    expect((await store.reserve(entries, 1, 300)).granted).toBe(true);
  });

  test('pause extends to the latest end, keeps the first failure, and endEpisode waits for the pause to end', async () => {
    const store = freshStore(connect());
    expect(await store.getPause('DEMO')).toEqual({ remainingInMs: 0, episodeAgeInMs: undefined });
    const opened = await store.pause('DEMO', 0);
    expect(opened.remainingInMs).toBe(0);
    expect(opened.episodeAgeInMs).toBeGreaterThanOrEqual(0);
    const long = await store.pause('DEMO', 5_000);
    const shorter = await store.pause('DEMO', 1_000);
    expect(long.remainingInMs).toBeGreaterThan(4_000);
    expect(shorter.remainingInMs).toBeGreaterThan(1_000); // the later end wins
    await store.endEpisode('DEMO'); // still paused: the episode stays
    expect((await store.getPause('DEMO')).episodeAgeInMs).toBeGreaterThanOrEqual(0);

    const brief = freshStore(connect());
    await brief.pause('X', 30);
    await new Promise((r) => setTimeout(r, 40));
    expect((await brief.getPause('X')).remainingInMs).toBe(0);
    await brief.endEpisode('X');
    expect(await brief.getPause('X')).toEqual({ remainingInMs: 0, episodeAgeInMs: undefined });
  });

  test('every key it writes has a TTL of about window or pause plus retention', async () => {
    const redis = connect();
    const store = new RedisRateLimitStore({ client: redis, keyPrefix: '{ttl}:', episodeRetentionInMs: 10_000 });
    await store.pause('DEMO', 2_000);
    await store.reserve([{ scope: 'DEMO', limit: 5 }, { scope: 'DEMO/u', limit: 5 }, { scope: 'sess', limit: Number.POSITIVE_INFINITY }], 1, 4_000);
    const keys = await redis.keys('{ttl}:*');
    const scopes = ['DEMO', 'DEMO/u', 'sess'];
    expect(keys.sort()).toEqual(['{ttl}:pause:DEMO', ...['buckets', 'live', 'weights'].flatMap((kind) => scopes.map((scope) => `{ttl}:${kind}:${scope}`))].sort());
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      // pause: pause + retention; live processes: max(10 s, twice the window); buckets, weights: window + arrival allowance + slack
      expect(ttl).toBeLessThanOrEqual(key.includes(':pause:') ? 12_000 : key.includes(':live:') ? 10_000 : 4_000 + 100 + 1_000);
    }
  });

  test('deadlines are measured on the Redis server clock, whatever the local clock says', async () => {
    const redis = connect();
    const store = freshStore(redis);
    // A host whose clock is 20 years off (and frozen) shares the gate with the same numbers.
    const skewed = redisStore({ client: redis, keyPrefix: store.keys('').pause.replace(/pause:$/, ''), clock: new ManualClock({ startAt: Date.UTC(2005, 0, 1) }) });
    const before = await serverNow(redis);
    await store.pause('DEMO', 3_000);
    const after = await serverNow(redis);
    const seen = await skewed.getPause('DEMO');
    expect(skewed.degraded).toBe(false);
    expect(seen.remainingInMs).toBeGreaterThan(2_000);
    expect(seen.remainingInMs).toBeLessThanOrEqual(3_000);
    const until = Number(await redis.hget(store.keys('DEMO').pause, 'until'));
    expect(until).toBeGreaterThanOrEqual(before + 3_000);
    expect(until).toBeLessThanOrEqual(after + 3_000);
    await store.reserve([{ scope: 'DEMO', limit: 5 }], 1, 1_000);
    const [, score] = await redis.zrange(store.keys('DEMO').buckets, 0, 0, 'WITHSCORES');
    expect(Number(score)).toBeGreaterThanOrEqual(before);
    expect(Number(score)).toBeLessThanOrEqual(await serverNow(redis));
  });

  test('a flushed script cache is reloaded transparently', async () => {
    const redis = connect();
    const store = freshStore(redis);
    await store.getPause('DEMO');
    await redis.script('FLUSH');
    await expect(store.pause('DEMO', 100)).resolves.toMatchObject({ episodeAgeInMs: expect.any(Number) });
  });
});
