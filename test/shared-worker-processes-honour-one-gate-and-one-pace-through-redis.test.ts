/**
 * Three worker processes, each its own ProjectorClient with the Redis store, share one simulated installation
 * whose window is scaled to 1 s with a limit of 60 (real time: separate processes cannot share a ManualClock).
 * - A 10016 seen by any worker closes the gate for all: the simulator receives nothing inside a pause, apart from
 *   requests already in flight when it closed.
 * - With the limit known, a combined load three times the limit is paced: no 10016 after the first window.
 * - Killing Redis mid-run leaves every worker working on its local gate; every release runs exactly once.
 */
import { startSimulator, type Simulator } from '../src/simulator';
import { FLEET_ACCOUNT, fleetAccount, fleetEntities, startFleet, type FleetOptions } from './support/shared-fleet';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const WORKERS = 3;
const RELEASES = 40;
const WINDOW_IN_MS = 1_000;
const LIMIT = 60;
/** A request admitted just before the gate closed may still be on its way (loopback: a few ms). */
const IN_FLIGHT_GRACE_IN_MS = 50;
/** Scaled vendor policy: pauses of a fraction of the window; the give-up far enough out that nothing is dropped. */
const SCALED = { minPauseInMs: 300, maxPauseInMs: 600, giveUpAfterInMs: 20_000 };

describeWithRedis('worker processes sharing one installation through Redis', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    sim = await startSimulator({
      accounts: [fleetAccount(WORKERS)],
      entities: fleetEntities(WORKERS),
      rateLimit: { windowInMs: WINDOW_IN_MS, installationLimit: LIMIT, userLimit: 10_000, sessionLimit: 10_000 },
    });
  });
  afterEach(async () => {
    await sim.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const fleet = (rateLimit: FleetOptions['rateLimit']) =>
    startFleet(sim, { workers: WORKERS, releases: RELEASES, redisUrl: redis.url, keyPrefix: `{fleet${++run}}:`, rateLimit });

  const releasesRunPerUser = () => {
    const counts = new Map<string, number>();
    for (const e of sim.log) {
      if (e.operation === 'PwsReleaseProjectorLocks' && (e.outcome === 'ok' || e.outcome === 'warning')) counts.set(e.userName!, (counts.get(e.userName!) ?? 0) + 1);
    }
    return [...counts.values()];
  };

  test('when one worker gets 10016, no worker sends a request until the pause ends', async () => {
    // Limits unknown: the burst runs into the installation limit and the first 10016 closes the shared gate.
    const f = await fleet({ ...SCALED });
    const { reports } = await f.go();

    expect(reports.map((r) => [r.ok, r.failed])).toEqual(Array.from({ length: WORKERS }, () => [RELEASES, 0]));
    expect(releasesRunPerUser()).toEqual(Array.from({ length: WORKERS }, () => RELEASES));
    expect(sim.log.some((e) => e.outcome === 'rate-limited')).toBe(true);
    const pauses = reports.flatMap((r) => r.pauses);
    expect(pauses.length).toBeGreaterThan(0);

    const insidePause = sim.log.filter((e) => e.accountCode?.toUpperCase() === FLEET_ACCOUNT && pauses.some((p) => e.receivedAt >= p.at + IN_FLIGHT_GRACE_IN_MS && e.receivedAt < p.at + p.waitInMs));
    expect(insidePause).toEqual([]);
    // The pauses were real: requests came again after the last one ended (the retries).
    const lastPauseEnd = Math.max(...pauses.map((p) => p.at + p.waitInMs));
    expect(sim.log.filter((e) => e.receivedAt >= lastPauseEnd).length).toBeGreaterThan(0);
  });

  test('a steady combined load above the installation limit is paced: no 10016 after the first window', async () => {
    const f = await fleet({ ...SCALED, limits: { installation: LIMIT, windowInMs: WINDOW_IN_MS } });
    const { reports, startedAt } = await f.go();

    expect(reports.map((r) => [r.ok, r.failed])).toEqual(Array.from({ length: WORKERS }, () => [RELEASES, 0]));
    const released = sim.log.filter((e) => e.operation === 'PwsReleaseProjectorLocks');
    expect(released.length).toBeGreaterThanOrEqual(WORKERS * RELEASES); // more than twice the limit: pacing had work to do
    expect(sim.log.filter((e) => e.outcome === 'rate-limited' && e.receivedAt >= startedAt + WINDOW_IN_MS)).toEqual([]);
    expect(reports.every((r) => !r.degraded)).toBe(true);
  });

  test('killing Redis mid-run leaves every worker working on its local gate, and nothing is lost', async () => {
    const f = await fleet({ ...SCALED, limits: { installation: LIMIT, windowInMs: WINDOW_IN_MS } });
    const done = f.go();
    await f.whenCompleted(WORKERS * 10);
    await redis.kill();
    const { reports } = await done;
    await redis.start();

    expect(reports.map((r) => [r.ok, r.failed, r.errors])).toEqual(Array.from({ length: WORKERS }, () => [RELEASES, 0, []]));
    expect(releasesRunPerUser()).toEqual(Array.from({ length: WORKERS }, () => RELEASES)); // each ran exactly once
    for (const r of reports) {
      expect(r.degraded).toBe(true);
      expect(r.warnings.filter((w) => /shared redis store failed/.test(w))).toHaveLength(1);
    }
  });
});
