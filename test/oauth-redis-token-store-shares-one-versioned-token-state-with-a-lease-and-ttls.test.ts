/**
 * The OAuth token store against a real, private redis-server: a first start seeds once (whatever races it), only
 * one process holds the refresh lease, a publish releases it and can never put an older version back, refusals
 * and revocations are visible to every process, every key carries a TTL (the access token's is its lifetime), and
 * a dead server is a prompt, secret-free failure.
 */
import Redis from 'ioredis';
import { RedisTokenStore } from '../src/oauth/redis-token-store';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const CLIENT = '3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f';

describeWithRedis('RedisTokenStore on a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const connect = () => {
    const c = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, disconnectTimeout: 100 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  let n = 0;
  const fresh = (client = connect(), extra: Partial<ConstructorParameters<typeof RedisTokenStore>[0]> = {}) =>
    new RedisTokenStore({ client, keyPrefix: `{o${++n}}:`, leaseInMs: 5_000, ...extra });

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  });

  test('eight processes seeding at once store one refresh token, and only one of them gets the lease', async () => {
    const prefix = '{race}:';
    const stores = Array.from({ length: 8 }, () => new RedisTokenStore({ client: connect(), keyPrefix: prefix, leaseInMs: 5_000 }));
    const seeded = await Promise.all(stores.map((s, i) => s.seed(CLIENT, `rt-from-process-${i}`, 0)));
    expect(new Set(seeded.map((s) => s.refreshToken)).size).toBe(1);
    const leases = await Promise.all(stores.map((s, i) => s.lease(CLIENT, `p${i}`)));
    expect(leases.filter(Boolean)).toHaveLength(1);
    const holder = `p${leases.indexOf(true)}`;
    expect((await stores[0].read(CLIENT))!.leaseHolder).toBe(holder);
    // Releasing someone else's lease does nothing; the holder's release frees it.
    await stores[0].releaseLease(CLIENT, 'not-the-holder');
    expect((await stores[0].read(CLIENT))!.leaseHolder).toBe(holder);
    await stores[0].releaseLease(CLIENT, holder);
    expect((await stores[0].read(CLIENT))!.leaseHolder).toBeUndefined();
  });

  test('a publish stores the new version and access token with TTLs, releases the lease, and an older version is refused', async () => {
    const redis = connect();
    const store = fresh(redis);
    await store.seed(CLIENT, 'rt-0', 0);
    expect(await store.lease(CLIENT, 'a')).toBe(true);
    const now = Date.now();
    const published = await store.publish(CLIENT, {
      owner: 'a',
      version: 1,
      refreshToken: 'rt-1',
      access: { accessToken: 'at-1', expiresAt: now + 60_000, endpoint: 'https://secure3.example/OpsProjectorWcfSvc/PwsProjectorServices.svc', lifetimeInMs: 60_000, idleTimeoutInMs: 1_200_000 },
      accessTtlInMs: 60_000,
    });
    expect(published).toBe(true);
    const state = (await store.read(CLIENT))!;
    expect(state).toMatchObject({ refreshToken: 'rt-1', version: 1, access: { accessToken: 'at-1', expiresAt: now + 60_000, lifetimeInMs: 60_000, idleTimeoutInMs: 1_200_000, version: 1 } });
    expect(state.leaseHolder).toBeUndefined();
    expect(state.access!.ttlInMs).toBeGreaterThan(59_000);
    const keys = store.keys(CLIENT);
    expect(await redis.pttl(keys.access)).toBeGreaterThan(59_000);
    expect(await redis.pttl(keys.access)).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(keys.state)).toBeGreaterThan(29 * 24 * 3_600_000);
    // A late writer with an older version cannot put its refresh token back.
    expect(await store.publish(CLIENT, { version: 1, refreshToken: 'rt-stale' })).toBe(false);
    expect(await store.publish(CLIENT, { version: 0, refreshToken: 'rt-stale' })).toBe(false);
    expect((await store.read(CLIENT))!.refreshToken).toBe('rt-1');
    // A lease taken while nobody holds one expires on its own (the holder may die).
    expect(await store.lease(CLIENT, 'b')).toBe(true);
    expect(await redis.pttl(keys.lease)).toBeGreaterThan(4_000);
  });

  test('the access token key expires with the token', async () => {
    const store = fresh();
    await store.seed(CLIENT, 'rt-0', 0);
    await store.publish(CLIENT, { version: 1, refreshToken: 'rt-1', access: { accessToken: 'at', expiresAt: Date.now() + 150, endpoint: 'e', lifetimeInMs: 150, idleTimeoutInMs: 0 }, accessTtlInMs: 150 });
    expect((await store.read(CLIENT))!.access?.accessToken).toBe('at');
    await new Promise((r) => setTimeout(r, 250));
    const state = (await store.read(CLIENT))!;
    expect(state.access).toBeUndefined();
    expect(state.refreshToken).toBe('rt-1');
  });

  test('a refusal and a revocation are recorded for every process; an operator reset starts the next version', async () => {
    const store = fresh();
    await store.seed(CLIENT, 'rt-0', 3);
    expect(await store.lease(CLIENT, 'a')).toBe(true);
    await store.fail(CLIENT, 'a', { version: 3, code: 'InvalidGrant', errorNumber: 10031 });
    let state = (await store.read(CLIENT))!;
    expect(state.failure).toEqual({ version: 3, code: 'InvalidGrant', errorNumber: 10031 });
    expect(state.leaseHolder).toBeUndefined();
    state = await store.reset(CLIENT, 'rt-new');
    expect(state).toMatchObject({ refreshToken: 'rt-new', version: 4 });
    expect(state.failure).toBeUndefined();
    await store.revoke(CLIENT);
    state = (await store.read(CLIENT))!;
    expect(state).toMatchObject({ revoked: true, refreshToken: '', version: 5 });
    expect(state.access).toBeUndefined();
  });

  test('a dead server fails each command within the timeout, without quoting any argument', async () => {
    const other = await startRedis();
    const client = new Redis(other.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, connectTimeout: 200, disconnectTimeout: 100 });
    client.on('error', () => undefined);
    clients.push(client);
    const store = new RedisTokenStore({ client, keyPrefix: '{dead}:', commandTimeoutInMs: 300 });
    await store.seed(CLIENT, 'rt-secret-value', 0);
    other.freeze();
    const started = Date.now();
    const error = await store.read(CLIENT).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(2_000);
    other.thaw();
    await other.kill();
    const error2 = await store.publish(CLIENT, { version: 9, refreshToken: 'rt-secret-value' }).catch((e: Error) => e);
    expect(String(error2)).not.toContain('rt-secret-value');
    expect(String(error)).not.toContain('rt-secret-value');
    await other.stop();
  });
});
