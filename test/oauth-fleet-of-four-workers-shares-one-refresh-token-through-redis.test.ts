/**
 * Many workers, one OAuth client: four forked worker processes share one client id and one refresh token through
 * a real, private redis-server, with access tokens scaled down to 2 s (the simulator runs on real time here) and
 * rotation on every refresh. They run for several token lifetimes; in the middle, redis-server is killed while a
 * refresh is under way (SIGKILL, no persistence: it comes back empty). Proven from the simulator's side: no worker
 * ever presented a rotated-away refresh token (no reuse detected, no family revoked, no refusal), no call failed,
 * no expired access token was used, and the newest refresh token was never lost (it still works afterwards).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';
import type { OAuthWorkerConfig, OAuthWorkerMessage, OAuthWorkerReport } from './support/oauth-worker';
import { TS_EXEC_ARGV } from './support/ts-child';

const WORKERS = 4;
const LIFETIME_IN_SECONDS = 2;
const DURATION_IN_MS = 9_000;
const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;

describeWithRedis('four worker processes share one OAuth client through Redis', () => {
  let redis: RedisServer;
  let sim: Simulator;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({ rateLimit: { mode: 'Disabled' }, maxActiveRequestsPerUser: 64, oauth: { accessTokenLifetimeInSeconds: LIFETIME_IN_SECONDS } });
  });
  afterAll(async () => {
    children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    await sim?.close();
    await redis?.stop();
  });

  test('no rotated-away token is ever presented, also across a redis-server kill during a refresh', async () => {
    const initial = sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
    // A refresh takes a while, so the kill surely lands inside one.
    sim.setLatency('PwsAcquireOauth2Token', 150);
    const reports: OAuthWorkerReport[] = [];
    const rotations: { version: number; refreshToken: string }[] = [];
    const ready: Promise<void>[] = [];
    const done: Promise<void>[] = [];
    for (let id = 0; id < WORKERS; id++) {
      const child = fork(path.join(__dirname, 'support', 'oauth-worker.ts'), [], { execArgv: [...TS_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      const config: OAuthWorkerConfig = {
        id, endpoint: sim.url, clientId, clientSecret, refreshToken: initial, redisUrl: redis.url, keyPrefix: '{fleet-oauth}:',
        durationInMs: DURATION_IN_MS, leaseInMs: 6_000, pollIntervalInMs: 25, concurrency: 2,
      };
      child.send(config);
      ready.push(new Promise((resolve) => child.on('message', (m: OAuthWorkerMessage) => m.type === 'ready' && resolve())));
      done.push(
        new Promise((resolve, reject) => {
          child.on('message', (m: OAuthWorkerMessage) => {
            if (m.type === 'report') reports.push(m.report);
            else if (m.type === 'rotated') rotations.push({ version: m.version, refreshToken: m.refreshToken });
            else if (m.type === 'error') reject(new Error(`worker ${id}: ${m.message}`));
          });
          child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${id} exited with ${code}`))));
        }),
      );
    }
    const finished = Promise.all(done);
    finished.catch(() => undefined); // awaited below; a worker killed after a failed expectation must not crash jest
    await Promise.race([Promise.all(ready), finished]);
    const startedAt = Date.now();
    children.forEach((c) => c.send('go'));

    // Mid-run: wait for a refresh in flight after the first lifetime, kill redis-server inside it, bring it back.
    let killedAt = 0;
    while (Date.now() - startedAt < (DURATION_IN_MS * 2) / 3) {
      const inFlight = sim.log.some((e) => e.operation === 'PwsAcquireOauth2Token' && e.finishedAt === undefined && e.receivedAt > startedAt + LIFETIME_IN_SECONDS * 1000);
      if (inFlight) {
        await redis.kill();
        killedAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(killedAt).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 600));
    await redis.start();
    await finished;
    const elapsed = Date.now() - startedAt;

    // The simulator's view: never a rotated-away or refused refresh token, never a revoked family.
    expect(sim.oauth.count('reuse-detected')).toBe(0);
    expect(sim.oauth.count('family-revoked')).toBe(0);
    expect(sim.oauth.count('refused')).toBe(0);
    const acquisitions = sim.log.filter((e) => e.operation === 'PwsAcquireOauth2Token');
    expect(acquisitions.every((e) => e.outcome === 'ok')).toBe(true);
    // No failed call, and no expired access token on the wire.
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(0);
    const uses = sim.log.filter((e) => e.ticketHash && e.operation === 'PwsTestRateLimiter');
    for (const e of uses) {
      const token = sim.oauth.accessTokenByHash(e.ticketHash!);
      expect(token).toBeDefined();
      expect(e.receivedAt).toBeLessThan(token!.expiresAt);
      expect(e.outcome).toBe('ok');
    }
    // Refreshes stayed near one per lifetime for the whole fleet (not one per worker).
    const lifetimes = elapsed / (LIFETIME_IN_SECONDS * 1000);
    expect(acquisitions.length).toBeLessThanOrEqual(Math.ceil(lifetimes * 1.6) + 2);
    // The newest refresh token reached a hook, and it still works.
    const newest = rotations.sort((a, b) => a.version - b.version).at(-1)!;
    expect(rotations.length).toBe(acquisitions.length);
    const after = new ProjectorClient({ endpoint: sim.url, oauth: { clientId, clientSecret, refreshToken: newest.refreshToken } });
    await expect(after.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
    await after.close();
    expect(sim.oauth.count('reuse-detected')).toBe(0);

    const calls = reports.reduce((n, r) => n + r.ok, 0);
    const waits = reports.map((r) => r.stats?.waits ?? 0);
    const longest = Math.max(...reports.map((r) => r.stats?.longestWaitInMs ?? 0));
    const waited = reports.reduce((n, r) => n + (r.stats?.waitedInMs ?? 0), 0);
    const leaseBusy = reports.reduce((n, r) => n + (r.stats?.leaseBusy ?? 0), 0);
    const adopted = reports.reduce((n, r) => n + (r.stats?.adopted ?? 0), 0);
    console.log(
      `oauth fleet: ${WORKERS} workers, ${calls} calls in ${(elapsed / 1000).toFixed(1)} s (${lifetimes.toFixed(1)} lifetimes), ` +
        `${acquisitions.length} refreshes (${(acquisitions.length / lifetimes).toFixed(2)} per lifetime), waits per worker ${waits.join('/')} (${waited} ms in all, longest ${longest} ms), ` +
        `tokens adopted from Redis ${adopted}, lease busy ${leaseBusy}, redis down ${600} ms during a refresh`,
    );
  }, 60_000);
});
