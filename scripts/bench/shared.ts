/**
 * `npm run bench -- shared`: N worker processes x M releases against one installation limit on the simulator
 * (window scaled to 2 s, limit 120), first with the Redis store (one shared gate and pacing window), then with
 * in-process gates (each worker paces to the whole limit on its own). Needs a redis-server binary; the bench
 * starts a private one. Wall time is measured from `go` (set-up excluded) against the theoretical minimum
 * ceil(N*M*weight/limit) * window.
 */
import { startSimulator } from '../../src/simulator';
import { fleetAccount, fleetEntities, startFleet } from '../../test/support/shared-fleet';
import { redisServerAvailable, startRedis } from '../../test/support/redis';

const WORKERS = 4;
const RELEASES = 120;
const WINDOW_IN_MS = 2_000;
const LIMIT = 120;
const WEIGHT = 1;
/** The vendor's 5 s minimum pause and 60 s give-up, scaled to the 2 s window (x 1/30), with a floor for latency. */
const SCALED = { minPauseInMs: 250, maxPauseInMs: 700, giveUpAfterInMs: 30_000 };

interface Row {
  mode: string;
  wallInMs: number;
  minimumInMs: number;
  ratio: number;
  rejected: number;
  rejectedPerWindow: number;
  failed: number;
  /** Workers that fell back to their local gate at some point (should be 0 in the Redis run). */
  degraded: number;
}

async function measure(mode: 'redis' | 'local', redisUrl: string | undefined): Promise<Row> {
  const sim = await startSimulator({
    accounts: [fleetAccount(WORKERS)],
    entities: fleetEntities(WORKERS),
    rateLimit: { windowInMs: WINDOW_IN_MS, installationLimit: LIMIT, userLimit: 100_000, sessionLimit: 100_000, defaultWeight: WEIGHT },
  });
  try {
    const fleet = await startFleet(sim, {
      workers: WORKERS,
      releases: RELEASES,
      redisUrl,
      keyPrefix: `{bench-${process.pid}-${mode}}:`,
      rateLimit: { ...SCALED, limits: { installation: LIMIT, windowInMs: WINDOW_IN_MS } },
    });
    const { reports, startedAt, finishedAt } = await fleet.go();
    const wallInMs = finishedAt - startedAt;
    const minimumInMs = Math.ceil((WORKERS * RELEASES * WEIGHT) / LIMIT) * WINDOW_IN_MS;
    const rejected = sim.log.filter((e) => e.outcome === 'rate-limited' && e.receivedAt >= startedAt).length;
    const failed = reports.reduce((sum, r) => sum + r.failed, 0);
    for (const r of reports) for (const e of r.errors.slice(0, 3)) console.log(`  worker ${r.id}: ${e}`);
    const degraded = reports.filter((r) => r.warnings.some((w) => /store failed/.test(w))).length;
    return { mode, wallInMs, minimumInMs, ratio: wallInMs / minimumInMs, rejected, rejectedPerWindow: rejected / Math.max(1, wallInMs / WINDOW_IN_MS), failed, degraded };
  } finally {
    await sim.close();
  }
}

export async function run(): Promise<string> {
  if (!redisServerAvailable()) throw new Error('the shared bench needs a redis-server binary (apt-get install -y redis-server)');
  const redis = await startRedis();
  const rows: Row[] = [];
  try {
    rows.push(await measure('redis', redis.url));
    rows.push(await measure('local', undefined));
  } finally {
    await redis.stop();
  }
  console.log(`${WORKERS} workers x ${RELEASES} releases, installation limit ${LIMIT} per ${WINDOW_IN_MS} ms window, weight ${WEIGHT}`);
  console.table(
    rows.map((r) => ({
      gates: r.mode === 'redis' ? 'shared (Redis)' : 'in-process',
      'wall ms': r.wallInMs,
      'minimum ms': r.minimumInMs,
      ratio: r.ratio.toFixed(3),
      rejected: r.rejected,
      'rejected/window': r.rejectedPerWindow.toFixed(2),
      failed: r.failed,
      'fell back': r.mode === 'redis' ? r.degraded : '-',
    })),
  );
  const [shared, local] = rows;
  return `shared: ratio=${shared.ratio.toFixed(3)} rejected_per_window=${shared.rejectedPerWindow.toFixed(2)} failed=${shared.failed} local_ratio=${local.ratio.toFixed(3)} local_rejected_per_window=${local.rejectedPerWindow.toFixed(2)}`;
}
