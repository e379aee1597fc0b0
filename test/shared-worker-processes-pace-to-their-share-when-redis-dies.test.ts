/**
 * When Redis dies under a fleet of worker processes, each falls back to its in-process gate and paces to its share
 * of the limit (the limit divided by the processes live in Redis just before the outage), so together they stay
 * within the installation limit: no window after the kill holds more calls than the limit, and the outage causes
 * no 10016. (Before, every process paced to the whole limit on its own: about three times the limit together.)
 * Real time (separate processes), with the window scaled to 1 s.
 */
import { startSimulator, type Simulator } from '../src/simulator';
import { FLEET_ACCOUNT, fleetAccount, fleetEntities, startFleet } from './support/shared-fleet';
import { describeWithRedis, startRedis, type RedisServer } from './support/redis';

const WORKERS = 3;
const RELEASES = 60;
const WINDOW_IN_MS = 1_000;
const LIMIT = 60;
const SCALED = { minPauseInMs: 300, maxPauseInMs: 600, giveUpAfterInMs: 20_000 };

describeWithRedis('worker processes when Redis dies', () => {
  let redis: RedisServer;
  let sim: Simulator;

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({
      accounts: [fleetAccount(WORKERS)],
      entities: fleetEntities(WORKERS),
      rateLimit: { windowInMs: WINDOW_IN_MS, installationLimit: LIMIT, userLimit: 10_000, sessionLimit: 10_000 },
    });
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });

  test('each paces to its share of the limit: no window after the kill holds more than the limit, and no 10016', async () => {
    const fleet = await startFleet(sim, {
      workers: WORKERS,
      releases: RELEASES,
      redisUrl: redis.url,
      keyPrefix: '{share}:',
      rateLimit: { ...SCALED, limits: { installation: LIMIT, windowInMs: WINDOW_IN_MS } },
    });
    const done = fleet.go();
    // Mid-run: about a sixth of the work done, every worker pacing through Redis.
    await fleet.whenCompleted((WORKERS * RELEASES) / 6);
    const killedAt = Date.now();
    await redis.kill();
    const { reports } = await done;

    expect(reports.map((r) => [r.ok, r.failed, r.errors])).toEqual(Array.from({ length: WORKERS }, () => [RELEASES, 0, []]));
    for (const r of reports) expect(r.degraded).toBe(true);

    const fleetCalls = sim.log.filter((e) => e.accountCode?.toUpperCase() === FLEET_ACCOUNT).map((e) => e.receivedAt).sort((a, b) => a - b);
    const afterKill = fleetCalls.filter((t) => t >= killedAt);
    expect(afterKill.length).toBeGreaterThan(2 * LIMIT); // the outage lasted several windows of work
    // The simulator's window ending at each call received after the kill (pre-kill calls still count in it).
    let busiest = 0;
    for (const t of afterKill) busiest = Math.max(busiest, fleetCalls.filter((u) => u > t - WINDOW_IN_MS && u <= t).length);
    // Rejections after the kill, in ms after it: none (before the fix: 30-40, the workers sent three times the limit).
    expect(sim.log.filter((e) => e.outcome === 'rate-limited' && e.receivedAt >= killedAt).map((e) => e.receivedAt - killedAt)).toEqual([]);
    expect(busiest).toBeLessThanOrEqual(LIMIT);
  }, 60_000); // worker start-up is slow on a loaded machine; the run itself takes ~5 s
});
