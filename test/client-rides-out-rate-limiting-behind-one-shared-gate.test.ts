/**
 * The client over real HTTP against the simulator's rate limiter (ManualClock, no real waiting): a 10016 closes one
 * gate for every call, nothing is sent while it is closed, retries wait at least 5 s, every call completes exactly
 * once, and an installation that stays over its limit ends in RateLimitError at the 60 s give-up.
 */
import { AbortedError, RateLimitError } from '../src/errors';
import type { RateLimitedInfo, RetryInfo } from '../src/rate-limit/options';
import type { RequestLogEntry } from '../src/simulator';
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const RELEASE = 'PwsReleaseProjectorLocks';

/** A lock set released once: releasing it again answers 50476 (a success), the cheapest repeatable call. */
async function releasedLockSet(rig: Rig, client: ReturnType<Rig['client']>): Promise<number> {
  const set = await client.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 });
  await client.releaseLocks(set.lockSetId);
  rig.sim.clearLog();
  return set.lockSetId;
}

const byRequestId = (log: readonly RequestLogEntry[]) => {
  const map = new Map<number, RequestLogEntry[]>();
  for (const e of log) if (e.requestId !== undefined) map.set(e.requestId, [...(map.get(e.requestId) ?? []), e]);
  return map;
};

describe('rate limiting over HTTP', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('a burst of 200 releases over the session limit: each completes exactly once, none sent while the gate is closed', async () => {
    const waits: { at: number; waitInMs: number; reason: RateLimitedInfo['reason'] }[] = [];
    // 200 calls under 50 per 60 s need at least four windows: the deadline must cover them.
    const client = rig.client({ deadlineInMs: 600_000, rateLimit: { onRateLimited: (i) => void waits.push({ at: rig.clock.now(), waitInMs: i.waitInMs, reason: i.reason }) } });
    const lockSetId = await releasedLockSet(rig, client);
    rig.sim.setRateLimit({ sessionLimit: 50 });

    const results = await Promise.all(Array.from({ length: 200 }, () => client.releaseLocks(lockSetId)));
    expect(results.every((r) => r.alreadyReleased && r.lockSetId === lockSetId)).toBe(true);

    const log = rig.sim.log.filter((e) => e.operation === RELEASE);
    const calls = byRequestId(log);
    expect(calls.size).toBe(200);
    for (const entries of calls.values()) {
      // Exactly one final outcome per call; everything else the server refused before running it.
      expect(entries.filter((e) => e.outcome === 'ok' || e.outcome === 'warning')).toHaveLength(1);
      expect(entries.every((e) => e.outcome === 'ok' || e.outcome === 'warning' || e.outcome === 'rate-limited')).toBe(true);
      // Each retry of a refused call comes at least 5 s (simulator clock) after its refusal.
      for (let k = 1; k < entries.length; k++) expect(entries[k].receivedAt).toBeGreaterThanOrEqual(entries[k - 1].finishedAt! + 5_000);
    }
    const refused = log.filter((e) => e.outcome === 'rate-limited');
    expect(refused.length).toBeGreaterThan(0);
    // The hook hears of every wait; the pauses after a call's own 10016 are those with reason 'rate-limited'.
    const pauses = waits.filter((w) => w.reason === 'rate-limited');
    expect(pauses.length).toBe(refused.length);
    expect(waits.some((w) => w.reason === 'pacing')).toBe(true);
    expect(pauses.every((p) => p.waitInMs >= 5_000 || p.waitInMs === 0)).toBe(true);
    // While a pause is in force only requests already on the wire when it began may arrive (at most the
    // other two slots of the concurrency cap).
    for (const p of pauses) {
      const during = log.filter((e) => e.receivedAt > p.at && e.receivedAt < p.at + p.waitInMs);
      expect(during.length).toBeLessThanOrEqual(2);
    }
    // The session limit was learned from the 10016 text, so pacing keeps later windows free of refusals.
    expect(client.rateLimitController.knownLimits.session).toBe(50);
  });

  test('an installation that stays over its limit ends in RateLimitError at the 60 s give-up, with the parsed counts', async () => {
    const retries: RetryInfo[] = [];
    // random 1 takes the top of every jitter range, so the pauses are the documented caps: 5, 10, 20, 20 s, then trimmed.
    const client = rig.client({ rateLimit: { random: () => 1, onRetry: (i) => void retries.push(i) } });
    const lockSetId = await releasedLockSet(rig, client);
    // A 120 s window keeps the simulated hits in force past the 60 s give-up.
    rig.sim.setRateLimit({ windowInMs: 120_000 });
    await client.testRateLimiter({ simulateInstallationHitsAfter: 10_000 });
    rig.sim.clearLog();

    const startedAt = rig.clock.now();
    const err = await client.releaseLocks(lockSetId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e).toMatchObject({ code: 'RequestExceededRateLimit', errorNumber: 10016, operation: RELEASE, retryable: true, requestSent: false });
    const sent = rig.sim.log.filter((x) => x.operation === RELEASE);
    expect(sent.every((x) => x.outcome === 'rate-limited')).toBe(true);
    // Attempts at 0, 5, 15, 35, 55 and 60 s after the first refusal.
    expect(sent.map((x) => x.receivedAt - startedAt)).toEqual([0, 5_000, 15_000, 35_000, 55_000, 60_000]);
    expect(e.attempts).toBe(6);
    expect(e.waitedInMs).toBe(60_000);
    expect(retries.map((r) => r.waitInMs)).toEqual([5_000, 10_000, 20_000, 20_000, 5_000]);
    expect(e.counts).toMatchObject({ installationLimit: 2400, userLimit: 1800, sessionLimit: 1200 });
    expect(e.counts.installationHits).toBeGreaterThan(2400);
    expect(e.requestId).toBe(sent[0].requestId);
    expect(e.cause).toBeInstanceOf(RateLimitError);
  });

  test('an abortSignal ends a rate-limit pause at once with AbortedError', async () => {
    let paused!: () => void;
    const inPause = new Promise<void>((resolve) => (paused = resolve));
    const client = rig.client({ rateLimit: { onRateLimited: () => paused() } });
    const lockSetId = await releasedLockSet(rig, client);
    rig.sim.setRateLimit({ sessionLimit: 0 });
    const abort = new AbortController();
    const call = client.releaseLocks(lockSetId, { abortSignal: abort.signal }).catch((e: unknown) => e);
    await inPause;
    const pausedAt = rig.clock.now();
    abort.abort(new Error('user cancelled'));
    const err = await call;
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ code: 'Aborted', operation: RELEASE, requestSent: false });
    // Aborted inside the first (>= 5 s) pause: virtual time never reached the retry, and nothing more was sent.
    expect(rig.clock.now() - pausedAt).toBeLessThan(5_000);
    expect(rig.sim.log.filter((x) => x.operation === RELEASE)).toHaveLength(1);
  });

  test('onRateLimited and onRetry see every rate-limit wait', async () => {
    const limited: RateLimitedInfo[] = [];
    const retried: RetryInfo[] = [];
    // This test is about what the hooks see, not about giving up: with 6 calls against 3 per 60 s, pacing can hold a
    // call that already had one 10016 for more than the default 60 s give-up time (which pacing time counts toward),
    // depending on how the concurrent calls interleave. A long give-up keeps every call in the run.
    const client = rig.client({
      deadlineInMs: 600_000,
      rateLimit: { random: () => 0, giveUpAfterInMs: 600_000, onRateLimited: (i) => void limited.push(i), onRetry: (i) => void retried.push(i) },
    });
    const lockSetId = await releasedLockSet(rig, client);
    rig.sim.setRateLimit({ sessionLimit: 3 });
    const ok = await Promise.all(Array.from({ length: 6 }, () => client.releaseLocks(lockSetId)));
    expect(ok.every((r) => r.alreadyReleased)).toBe(true);
    const refused = rig.sim.log.filter((x) => x.outcome === 'rate-limited');
    expect(refused.length).toBeGreaterThan(0);
    // Every wait reaches the hook (pauses at the closed gate, pacing, queueing too); the 10016s are 'rate-limited'.
    expect(limited.filter((i) => i.reason === 'rate-limited')).toHaveLength(refused.length);
    expect(retried.filter((r) => r.reason === 'rate-limited')).toHaveLength(refused.length);
    const own = limited.filter((i) => i.reason === 'rate-limited');
    expect(own.every((i) => i.mode === 'Error' && i.operation === RELEASE && i.counts.sessionLimit === 3)).toBe(true);
    expect(limited.every((i) => i.mode === 'Error' && i.operation === RELEASE && i.waitInMs > 0)).toBe(true);
    // random 0: the first pause is exactly the vendor's 5 s minimum.
    expect(own[0].waitInMs).toBe(5_000);
    expect(retried[0]).toMatchObject({ reason: 'rate-limited', waitInMs: own[0].waitInMs, operation: RELEASE });
  });

  test('onRateLimited returning false gives up at once with RateLimitError', async () => {
    const client = rig.client({ rateLimit: { pacing: false, onRateLimited: () => false } });
    const lockSetId = await releasedLockSet(rig, client);
    rig.sim.setRateLimit({ sessionLimit: 0 });
    const before = rig.clock.now();
    const err = await client.releaseLocks(lockSetId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ attempts: 1, waitedInMs: 0, requestSent: false, operation: RELEASE });
    expect(rig.clock.now()).toBe(before);
    expect(rig.sim.log.filter((x) => x.operation === RELEASE)).toHaveLength(1);
  });
});
