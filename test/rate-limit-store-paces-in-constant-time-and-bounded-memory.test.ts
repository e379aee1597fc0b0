/**
 * The in-memory pacing store stays as cheap at 60,000 hits in a window as at 60: hits live in a bounded number of
 * time buckets per scope, a reservation looks at a bounded number of them (counted, never timed), scopes idle for
 * over a window are dropped, and the bucketing never lets more than the limit into any window while pacing within
 * one bucket (1% of the window) of exact.
 */
import { ManualClock } from '../src/clock';
import { BUCKETS_PER_WINDOW, MAX_BUCKETS, MemoryRateLimitStore } from '../src/rate-limit/store';

const WINDOW = 60_000;

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('60,000 hits in the window live in at most MAX_BUCKETS buckets per scope, and a reservation looks at a bounded few', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  // Limits unknown (record only), as before the first 10016: the case that kept one record per call and scope.
  const unknown = [{ scope: 'I', limit: Infinity }, { scope: 'I/u', limit: Infinity }, { scope: 's1', limit: Infinity }];
  let granted = 0;
  for (let i = 0; i < 60_000; i++) {
    if ((await store.reserve(unknown, 1, WINDOW)).granted) granted++;
    clock.advance(1);
  }
  expect(granted).toBe(60_000);
  for (const scope of ['I', 'I/u', 's1']) {
    const stats = store.inspect(scope)!;
    expect(stats.used).toBe(60_000);
    expect(stats.buckets).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(stats.capacity).toBeLessThanOrEqual(MAX_BUCKETS);
  }

  // One more, in steady state (one bucket leaves as time moves on): a couple of buckets per scope.
  clock.advance(WINDOW / BUCKETS_PER_WINDOW);
  let before = store.bucketsVisited;
  expect((await store.reserve(unknown, 1, WINDOW)).granted).toBe(true);
  expect(store.bucketsVisited - before).toBeLessThanOrEqual(3 * 3);

  // A refused reservation with the limit known now: finding when room frees reads at most every bucket once.
  before = store.bucketsVisited;
  const refused = await store.reserve([{ scope: 'I', limit: 59_000 }], 1, WINDOW);
  expect(refused.granted).toBe(false);
  expect(store.bucketsVisited - before).toBeLessThanOrEqual(1 + MAX_BUCKETS);
});

test('over ten windows at one call per millisecond the work per reservation stays flat', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  const entries = [{ scope: 'I', limit: 1_000_000 }, { scope: 'I/u', limit: Infinity }];
  const visitsPerWindow: number[] = [];
  for (let w = 0; w < 10; w++) {
    const before = store.bucketsVisited;
    for (let i = 0; i < WINDOW; i++) {
      await store.reserve(entries, 1, WINDOW);
      clock.advance(1);
    }
    visitsPerWindow.push((store.bucketsVisited - before) / WINDOW);
    expect(store.inspect('I')!.buckets).toBeLessThanOrEqual(MAX_BUCKETS);
  }
  // About one bucket read per scope and call (the oldest, still live), whatever the number of hits held.
  for (const v of visitsPerWindow) expect(v).toBeLessThan(2 * entries.length + 0.1);
  expect(visitsPerWindow[9]).toBeLessThanOrEqual(visitsPerWindow[1] + 0.01);
});

test('scopes idle for over a window are dropped; a pause in force or a recent episode is kept', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock, { episodeRetentionInMs: 120_000 });
  // 1,000 sessions come and go (one call each), as with re-logins over a long run.
  for (let i = 0; i < 1_000; i++) await store.reserve([{ scope: 'I', limit: 10_000 }, { scope: `s${i}`, limit: 100 }], 1, 1_000);
  await store.pause('paused', 10_000);
  await store.pause('episode', 0);
  expect(store.scopeCount).toBe(1_003);
  clock.advance(2_001);
  await store.reserve([{ scope: 'I', limit: 10_000 }], 1, 1_000);
  expect(store.inspect('s0')).toBeUndefined();
  expect(store.scopeCount).toBe(3); // I, paused, episode
  expect((await store.getPause('paused')).remainingInMs).toBe(7_999);
  expect((await store.getPause('episode')).episodeAgeInMs).toBe(2_001);
  clock.advance(120_000); // the episode's retention has passed, the other pause's (10 s + 120 s) has not
  await store.reserve([{ scope: 'I', limit: 10_000 }], 1, 1_000);
  expect(store.scopeCount).toBe(2);
  expect(store.inspect('episode')).toBeUndefined();
  clock.advance(10_000);
  await store.reserve([{ scope: 'I', limit: 10_000 }], 1, 1_000);
  expect(store.scopeCount).toBe(1);
  expect(await store.getPause('episode')).toEqual({ remainingInMs: 0 });
});

test('never more than the limit in any window, and within one bucket of exact pacing (randomized, ManualClock)', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = prng(seed);
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore(clock);
    const window = 1_000 + Math.floor(random() * 59_000);
    const limits: Record<string, number> = { I: 40 + Math.floor(random() * 400), 'I/a': 30 + Math.floor(random() * 200), 'I/b': 30 + Math.floor(random() * 200) };
    // The hits each scope was granted, in time order, with the index of the oldest still in the window.
    const granted: Record<string, { at: number[]; weight: number[]; oldest: number }> = {};
    for (const scope of Object.keys(limits)) granted[scope] = { at: [], weight: [], oldest: 0 };
    /** When enough recorded hits leave the window for `weight` more: exact, from the real hit times. */
    const exactWait = (scope: string, now: number, weight: number) => {
      const g = granted[scope];
      while (g.oldest < g.at.length && g.at[g.oldest] <= now - window) g.oldest++;
      let used = 0;
      for (let i = g.oldest; i < g.at.length; i++) used += g.weight[i];
      if (used + weight <= limits[scope] || used === 0) return 0;
      for (let i = g.oldest; i < g.at.length; i++) {
        used -= g.weight[i];
        if (used + weight <= limits[scope]) return g.at[i] + window - now;
      }
      return g.at[g.at.length - 1] + window - now;
    };
    const problems: string[] = [];
    // Two users behind one installation, always ready to call (saturated), at random instants.
    for (let step = 0; step < 6_000; step++) {
      const user = random() < 0.5 ? 'I/a' : 'I/b';
      const entries = [{ scope: 'I', limit: limits.I }, { scope: user, limit: limits[user] }];
      const weight = 1 + Math.floor(random() * 3);
      const exact = Math.max(...entries.map((e) => exactWait(e.scope, clock.now(), weight)));
      const r = await store.reserve(entries, weight, window);
      if (r.granted) {
        if (exact !== 0) problems.push(`seed ${seed} step ${step}: granted, exact wait ${exact}`);
        for (const e of entries) {
          granted[e.scope].at.push(clock.now());
          granted[e.scope].weight.push(weight);
        }
      } else {
        // Conservative, by at most one bucket's width.
        if (r.waitInMs < exact || r.waitInMs > exact + window / BUCKETS_PER_WINDOW) problems.push(`seed ${seed} step ${step}: wait ${r.waitInMs}, exact ${exact}`);
        if (random() < 0.5) clock.advance(r.waitInMs);
      }
      clock.advance(Math.floor(random() * random() * window * 0.02));
    }
    // The busiest window ends at a hit: check the window ending at every hit of every scope (two pointers).
    for (const [scope, g] of Object.entries(granted)) {
      let from = 0;
      let sum = 0;
      for (let i = 0; i < g.at.length; i++) {
        sum += g.weight[i];
        while (g.at[from] <= g.at[i] - window) sum -= g.weight[from++];
        if (sum > limits[scope]) problems.push(`seed ${seed}: ${sum} hits of ${scope} in the window ending at hit ${i} (limit ${limits[scope]})`);
      }
    }
    expect(problems).toEqual([]);
  }
});

test('a saturated client gets at least 99% of the limit per window (bucketing costs at most one bucket)', async () => {
  const random = prng(7);
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  const limit = 100;
  const startedAt = clock.now();
  let total = 0;
  // Demand of about twice the limit, at random instants; a refused call waits exactly as long as it is told.
  while (clock.now() - startedAt < 20 * WINDOW) {
    const r = await store.reserve([{ scope: 'I', limit }], 1, WINDOW);
    if (r.granted) {
      total++;
      clock.advance(Math.floor((random() * WINDOW) / limit));
    } else clock.advance(r.waitInMs);
  }
  const windows = (clock.now() - startedAt) / WINDOW;
  expect(total).toBeLessThanOrEqual(Math.ceil(windows) * limit);
  expect(total).toBeGreaterThanOrEqual(Math.floor(windows * limit * (1 - 1 / BUCKETS_PER_WINDOW)));
});
