/**
 * The token source's state machine on a ManualClock, with the simulator's OAuth server as the backend behind a
 * stand-in for the client's pipeline (the HTTP path is tested in oauth-client-*.test.ts): refresh ahead of expiry
 * without stalling calls, single flight, rotation handed to the hook; and two sources sharing a real Redis store,
 * including Redis dying while one of them refreshes. The OAuth server's reuse detection is the judge.
 */
import Redis from 'ioredis';
import { ManualClock } from '../src/clock';
import { ProjectorServiceError, isSessionInvalidError } from '../src/errors';
import { debugLogger } from '../src/logger';
import type { OAuthCaller } from '../src/oauth/acquire';
import { RedisTokenStore } from '../src/oauth/redis-token-store';
import { OAuthTokenSource } from '../src/oauth/token-source';
import { DEFAULT_ACCOUNT } from '../src/simulator/defaults';
import { DEMO_OAUTH_CLIENT, OAuthServer } from '../src/simulator/oauth';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
const ENDPOINT = 'http://127.0.0.1:1/OpsProjectorWcfSvc/PwsProjectorServices.svc';
const directory = {
  findAccount: () => DEFAULT_ACCOUNT,
  findUser: (_: string, user: string) => DEFAULT_ACCOUNT.users.find((u) => u.userName === user),
};

/** The pipeline's stand-in: answers from the OAuth server; `hold()` keeps the next acquisition open until released. */
function caller(oauth: OAuthServer) {
  let endpoint = ENDPOINT;
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let entered: (() => void) | undefined;
  const c = {
    acquisitions: 0,
    get endpoint() {
      return endpoint;
    },
    moveTo: (e: string) => void (endpoint = e),
    allowInsecureHttp: false,
    hold() {
      gate = new Promise<void>((r) => (open = r));
      return { entered: new Promise<void>((r) => (entered = r)), release: () => open?.() };
    },
    async call(operation: string, request: Record<string, unknown>) {
      if (operation !== 'PwsAcquireOauth2Token') throw new Error(`unexpected ${operation}`);
      c.acquisitions++;
      if (gate) {
        const g = gate;
        gate = undefined;
        entered?.();
        await g;
      }
      const o = oauth.acquire(request, { redirect: {}, authority: '127.0.0.1:1' });
      if (o.kind === 'fail') {
        throw new ProjectorServiceError(`PwsAcquireOauth2Token failed: ${o.message.errorCode}`, { code: o.message.errorCode, errorNumber: o.message.errorNumber, operation: 'PwsAcquireOauth2Token', retryable: false });
      }
      return { ...o.result, Status: 'Ok', Messages: [], ResponseId: 1, ServerTimestampUtc: '2026-01-01T00:00:00.0000000Z' };
    },
  };
  return c as typeof c & OAuthCaller;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function source(clock: ManualClock, c: OAuthCaller, refreshToken: string, more: Partial<ConstructorParameters<typeof OAuthTokenSource>[0]> = {}) {
  return new OAuthTokenSource({ clientId, clientSecret, refreshToken, ...more }, { caller: c, clock, logger: debugLogger('oauth', ''), deadlineInMs: 120_000 });
}

test('one token per lifetime, refreshed ahead in the background while calls go on, single flight, every rotation to the hook', async () => {
  const clock = new ManualClock();
  const oauth = new OAuthServer(clock, directory, { accessTokenLifetimeInSeconds: 3600 });
  const c = caller(oauth);
  const delivered: string[] = [];
  const s = source(clock, c, oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }), { onRefreshToken: (t) => void delivered.push(t) });
  const first = await Promise.all(Array.from({ length: 5 }, () => s.current()));
  expect(new Set(first.map((g) => g.ticket)).size).toBe(1);
  expect(first[0].created).toBe(true);
  expect(c.acquisitions).toBe(1);
  // Used every 11 minutes (the session idles out after 20); at 55 min (5 min before expiry) the current token is
  // still handed out, and a refresh runs behind it.
  for (let i = 0; i < 4; i++) {
    clock.advance(11 * 60_000);
    expect((await s.current()).ticket).toBe(first[0].ticket);
  }
  clock.advance(11 * 60_000);
  const during = await s.current();
  expect(during.ticket).toBe(first[0].ticket);
  await tick();
  expect(c.acquisitions).toBe(2);
  const after = await s.current();
  expect(after.ticket).not.toBe(first[0].ticket);
  expect(s.stats).toMatchObject({ acquisitions: 2, rotations: 2, refreshesAhead: 1, waits: 5 });
  expect(delivered).toHaveLength(2);
  // A token idle for TimeoutMinutes, or past its use-until time, is never handed out: the call waits for a new one.
  clock.advance(20 * 60_000);
  const idle = await s.current();
  expect(idle.ticket).not.toBe(after.ticket);
  for (let i = 0; i < 5; i++) {
    clock.advance(10 * 60_000);
    await s.current();
    await tick();
  }
  expect(s.stats.waits).toBe(6);
  clock.advance(6 * 60_000); // 56 min after the last acquisition: in the refresh window, still usable
  expect((await s.current()).ticket).toBe(idle.ticket);
  await tick();
  expect(s.stats).toMatchObject({ waits: 6, refreshesAhead: 2, acquisitions: 4 });
  expect(oauth.count('reuse-detected')).toBe(0);
});

test('invalidate() drops a dead token; the next call gets a new one', async () => {
  const clock = new ManualClock();
  const oauth = new OAuthServer(clock, directory);
  const c = caller(oauth);
  const s = source(clock, c, oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }));
  const a = await s.current();
  s.invalidate(a.ticket);
  const b = await s.current();
  expect(b.ticket).not.toBe(a.ticket);
  expect(c.acquisitions).toBe(2);
});

describeWithRedis('two sources sharing one client id through Redis', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  let n = 0;
  const store = (commandTimeoutInMs = 300) => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 20, connectTimeout: 300, disconnectTimeout: 50 });
    client.on('error', () => undefined);
    clients.push(client);
    return new RedisTokenStore({ client, keyPrefix: `{src${n}}:`, leaseInMs: 10_000, commandTimeoutInMs });
  };
  const ready = async () => {
    await Promise.all(clients.map((c) => (c.status === 'ready' ? undefined : new Promise((r) => c.once('ready', r)))));
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(() => void n++);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await redis?.stop();
  });

  test('one refresh serves both; the other adopts the token from Redis, never presenting an old refresh token', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const oauth = new OAuthServer(clock, directory, { accessTokenLifetimeInSeconds: 3600 });
    const rt = oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
    const ca = caller(oauth);
    const cb = caller(oauth);
    const a = source(clock, ca, rt, { store: store(), storePollIntervalInMs: 10 });
    const b = source(clock, cb, rt, { store: store(), storePollIntervalInMs: 10 });
    await ready();
    const [ga, gb] = await Promise.all([a.current(), b.current()]);
    expect(ga.ticket).toBe(gb.ticket);
    expect(ga.created || gb.created).toBe(false);
    expect(ca.acquisitions + cb.acquisitions).toBe(1);
    for (let i = 0; i < 12; i++) {
      clock.advance(10 * 60_000);
      await Promise.all([a.current(), b.current()]);
      await tick();
      await tick();
    }
    const total = ca.acquisitions + cb.acquisitions;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(total).toBeLessThanOrEqual(4); // 2 h: one token per 55 min, fleet-wide
    expect((await a.current()).ticket).toBe((await b.current()).ticket);
    expect(oauth.count('reuse-detected')).toBe(0);
  });

  test('Redis killed during a refresh: the refresher keeps and hands on the new token, the other waits, nobody reuses', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const oauth = new OAuthServer(clock, directory, { accessTokenLifetimeInSeconds: 3600 });
    const rt = oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
    const ca = caller(oauth);
    const cb = caller(oauth);
    const hookA: string[] = [];
    const a = source(clock, ca, rt, { store: store(), storePollIntervalInMs: 10, storeWaitInMs: 60_000, onRefreshToken: (t) => void hookA.push(t) });
    const b = source(clock, cb, rt, { store: store(), storePollIntervalInMs: 10, storeWaitInMs: 60_000 });
    await ready();
    const t0 = await a.current();
    expect((await b.current()).ticket).toBe(t0.ticket);

    // Both keep using the token (the session idles out after 20 min without calls).
    for (let i = 0; i < 4; i++) {
      clock.advance(11 * 60_000);
      await a.current();
      await b.current();
    }
    // a starts the refresh ahead of expiry (56 min) and is held inside the acquisition; Redis dies meanwhile.
    const held = ca.hold();
    clock.advance(12 * 60_000);
    expect((await a.current()).ticket).toBe(t0.ticket);
    await held.entered;
    await redis.kill();
    held.release();
    await tick();
    await tick();
    const t1 = await a.current();
    expect(t1.ticket).not.toBe(t0.ticket); // a got the new token although it could not publish it
    expect(hookA).toHaveLength(2); // first acquisition + the rotation during the outage

    // b still has a usable token (in its refresh window) and keeps it; past use-until it waits for Redis.
    expect((await b.current()).ticket).toBe(t0.ticket);
    clock.advance(3 * 60_000 + 30_000);
    await a.current();
    const waiting = b.current();
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      await tick();
    }
    await redis.start();
    // a publishes its state as soon as Redis answers (on its next call), b takes it.
    for (let i = 0; i < 50 && (await Promise.race([waiting.then(() => true), tick().then(() => false)])) === false; i++) {
      await a.current();
      clock.advance(10);
    }
    const tb = await waiting;
    expect(tb.ticket).toBe(t1.ticket);
    expect(cb.acquisitions).toBe(0);
    expect(oauth.count('reuse-detected')).toBe(0);
    expect(oauth.count('refused')).toBe(0);
    expect(b.stats.storeFailures).toBeGreaterThan(0);
  });

  test('a warm process never seeds an emptied store with its own (possibly rotated-away) token', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const oauth = new OAuthServer(clock, directory, { accessTokenLifetimeInSeconds: 3600 });
    const rt = oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
    const cb = caller(oauth);
    const b = source(clock, cb, rt, { store: store(), storePollIntervalInMs: 10, storeWaitInMs: 200 });
    await ready();
    await b.current();
    await redis.kill();
    await redis.start();
    await ready();
    clock.advance(59 * 60_000 + 30_000);
    const waiting = b.current().catch((e: unknown) => e);
    for (let i = 0; i < 30; i++) {
      clock.advance(10);
      await tick();
    }
    const error = await waiting;
    expect(isSessionInvalidError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'OAuthTokenUnavailable', retryable: true });
    expect(cb.acquisitions).toBe(1);
  });
});
