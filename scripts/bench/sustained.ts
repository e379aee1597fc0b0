/**
 * `npm run bench -- sustained`: does pacing stay as cheap in the fourth window as in the first? Three lanes admit
 * calls through one RateLimitController (gate, slot, pacing: the path every attempt takes) as fast as they can,
 * with the in-memory store, for WINDOWS windows of WINDOW_IN_MS (scaled from 60 s so the run takes ~45 s). The
 * installation limit is known but never binding and the user and session limits are unknown (hits are recorded
 * only), as before the first 10016; the session changes every SESSION_EVERY_IN_MS, as with re-logins. Nothing
 * is sent: what is measured is the SDK's own per-call cost as the window fills and then slides.
 *
 * The machine is shared (two cores), so its other load comes and goes during a 40 s run. To keep that out of the
 * ratio, bursts on the long-running controller alternate with equal bursts on a reference controller that is
 * replaced every REFERENCE_EVERY_IN_MS (its window never fills); a window's throughput is the long-running
 * controller's over the reference's, the median over the window's pairs of adjacent bursts.
 * Reported: that throughput in the last window / the first (target >= 0.95), and the heap growth from the start
 * to the end of the run, measured while the long-running controller is alive (after GC: `npm run bench` runs node
 * with --expose-gc).
 */
import { systemClock } from '../../src/clock';
import { RateLimitController } from '../../src/rate-limit/controller';
import { round, table } from './stats';

const WINDOW_IN_MS = 10_000;
const WINDOWS = 4;
const LANES = 3;
const BURST = 1_200;
const SESSION_EVERY_IN_MS = 500;
const REFERENCE_EVERY_IN_MS = 1_000;
const WARMUP_IN_MS = 3_000;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const controllerFor = (windowInMs: number) => new RateLimitController({ clock: systemClock, limits: { installation: 1e12, windowInMs } });

/** BURST calls admitted (and released at once) over LANES concurrent lanes; returns the wall time it took. */
async function burst(controller: RateLimitController, session: string): Promise<number> {
  const scopes = { installation: 'BENCH', user: 'BENCH/alice@example.com', session };
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      for (let i = 0; i < BURST / LANES; i++) (await controller.admit(scopes, { operation: 'PwsTestRateLimiter' })).release();
    }),
  );
  return performance.now() - startedAt;
}

interface Window {
  calls: number;
  /** Wall time spent in the long-running controller's bursts. */
  inMs: number;
  referenceCalls: number;
  referenceInMs: number;
  /** Reference burst time / long-running burst time, for each pair of adjacent bursts. */
  pairs: number[];
}

/** Alternates bursts on the long-running controller and on the reference for `durationInMs`. */
async function drive(durationInMs: number, windowInMs: number): Promise<{ windows: Window[]; controller: RateLimitController }> {
  const controller = controllerFor(windowInMs);
  const windows: Window[] = Array.from({ length: Math.ceil(durationInMs / windowInMs) }, () => ({ calls: 0, inMs: 0, referenceCalls: 0, referenceInMs: 0, pairs: [] as number[] }));
  let reference = controllerFor(windowInMs);
  let referenceSince = 0;
  const startedAt = performance.now();
  for (;;) {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= durationInMs) break;
    const w = windows[Math.floor(elapsed / windowInMs)];
    const session = `s${Math.floor(elapsed / SESSION_EVERY_IN_MS)}`;
    const inMs = await burst(controller, session);
    w.inMs += inMs;
    w.calls += BURST;
    if (elapsed - referenceSince >= REFERENCE_EVERY_IN_MS) {
      reference = controllerFor(windowInMs);
      referenceSince = elapsed;
    }
    const referenceInMs = await burst(reference, session);
    w.referenceInMs += referenceInMs;
    w.referenceCalls += BURST;
    w.pairs.push(referenceInMs / inMs);
    // Let timers and I/O run now and then, as they would in a real process.
    await new Promise((r) => setImmediate(r));
  }
  return { windows, controller };
}

const perSecond = (calls: number, inMs: number) => (calls / inMs) * 1000;
/** The median over the window's pairs of adjacent bursts: a GC pause or a busy neighbour hits one pair, not the median. */
const relative = (w: Window) => [...w.pairs].sort((a, b) => a - b)[Math.floor(w.pairs.length / 2)];

export async function run(): Promise<string> {
  if (!gc) console.log('(no --expose-gc: heap growth is noisy; `npm run bench` passes it)');
  await drive(WARMUP_IN_MS, WARMUP_IN_MS / 4); // JIT warm-up (windows filled and sliding) on controllers of its own
  const heapBefore = heapUsed();
  const { windows, controller } = await drive(WINDOWS * WINDOW_IN_MS, WINDOW_IN_MS);
  // Measured while the controller (and its store) is still alive: what a long-running process holds.
  const heapGrowthMb = (heapUsed() - heapBefore) / MB;
  const ratio = relative(windows[windows.length - 1]) / relative(windows[0]);
  console.log(`${LANES} lanes admitting calls through one controller (${controller.store.kind} store) for ${WINDOWS} windows of ${WINDOW_IN_MS / 1000} s, a new session every ${SESSION_EVERY_IN_MS} ms\n`);
  console.log(
    table(
      ['window', 'calls', 'calls/s', 'us per call', 'reference calls/s', 'relative'],
      windows.map((w, i) => [i + 1, w.calls, Math.round(perSecond(w.calls, w.inMs)), round((w.inMs * 1000) / w.calls, 2), Math.round(perSecond(w.referenceCalls, w.referenceInMs)), round(relative(w), 3)]),
    ),
  );
  console.log(`\ngoal: last_window/first_window >= 0.95, heap growth bounded (no record per call)`);
  return `sustained: last_window/first_window=${ratio.toFixed(2)} heap_growth_mb=${heapGrowthMb.toFixed(1)}`;
}

if (require.main === module) run().then((line) => console.log(line), (e: unknown) => { console.error(e); process.exitCode = 1; });
