/**
 * Pacing over HTTP: once the thresholds are known (testRateLimiter snapshot, a 10016 error or a 10016 warning) the
 * client spaces its calls so that a steady workload above the limit stays under it, on the simulator's own count.
 */
import type { RateLimitedInfo } from '../src/rate-limit/options';
import type { RequestLogEntry } from '../src/simulator';
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const WINDOW_IN_MS = 60_000;
const check = { locks: [{ entityIdentity: PROJECT }] };

/** The most requests the simulator saw in any rolling window ending at one of the given entries' arrival. */
function busiestWindow(log: readonly RequestLogEntry[], from: readonly RequestLogEntry[]): number {
  return Math.max(0, ...from.map((e) => log.filter((x) => x.receivedAt > e.receivedAt - WINDOW_IN_MS && x.receivedAt <= e.receivedAt).length));
}

describe('pacing', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('with limits learned from testRateLimiter, 120 calls against a limit of 30 see no 10016 at all', async () => {
    const client = rig.client({ deadlineInMs: 600_000 });
    rig.sim.setRateLimit({ sessionLimit: 30 });
    const snapshot = await client.testRateLimiter();
    expect(snapshot.snapshot?.sessionRateLimit).toBe(30);
    expect(client.rateLimitController.knownLimits).toMatchObject({ session: 30, windowInMs: WINDOW_IN_MS });

    const startedAt = rig.clock.now();
    const results = await Promise.all(Array.from({ length: 120 }, () => client.checkLocks(check)));
    expect(results.every((r) => r.status === 'Ok')).toBe(true);
    const log = rig.sim.log.filter((e) => e.ticketHash !== undefined);
    expect(log.filter((e) => e.outcome !== 'ok')).toEqual([]);
    expect(busiestWindow(log, log)).toBeLessThanOrEqual(30);
    // It did have to spread the load: 121 hits under 30 per window cannot fit in fewer than four windows.
    expect(rig.clock.now() - startedAt).toBeGreaterThanOrEqual(3 * WINDOW_IN_MS);
  });

  test('with limits unknown, the first 10016 teaches them and every later window is free of refusals', async () => {
    const client = rig.client({ deadlineInMs: 600_000 });
    await client.authenticate();
    rig.sim.setRateLimit({ sessionLimit: 30 });
    rig.sim.clearLog();
    const results = await Promise.all(Array.from({ length: 120 }, () => client.checkLocks(check)));
    expect(results).toHaveLength(120);
    const log = rig.sim.log;
    const refused = log.filter((e) => e.outcome === 'rate-limited');
    expect(refused.length).toBeGreaterThan(0);
    expect(client.rateLimitController.knownLimits.session).toBe(30);
    // Refusals only in the first window (those in flight when the limit was hit); none once pacing knew the limit.
    const firstRefusal = Math.min(...refused.map((e) => e.receivedAt));
    expect(refused.every((e) => e.receivedAt < firstRefusal + WINDOW_IN_MS)).toBe(true);
    expect(refused.length).toBeLessThanOrEqual(3);
    expect(log.filter((e) => e.outcome === 'ok')).toHaveLength(120);
  });

  test('warning mode: calls succeed carrying the 10016 warning, the hook sees mode "Warning", and the client slows down', async () => {
    const seen: RateLimitedInfo[] = [];
    const client = rig.client({ deadlineInMs: 600_000, rateLimit: { onRateLimited: (i) => void seen.push(i) } });
    await client.authenticate();
    rig.sim.setRateLimit({ mode: 'Warning', sessionLimit: 20 });
    rig.sim.clearLog();

    const results = await Promise.all(Array.from({ length: 60 }, () => client.checkLocks(check)));
    expect(results.every((r) => r.status === 'Ok' || r.status === 'OkWithWarnings')).toBe(true);
    const warned = results.filter((r) => r.warnings.some((w) => w.errorNumber === 10016));
    expect(warned.length).toBeGreaterThan(0);
    expect(warned[0].status).toBe('OkWithWarnings');
    expect(warned[0].warnings.find((w) => w.errorNumber === 10016)).toMatchObject({ type: 'Warning', errorCode: 'RequestExceededRateLimit' });
    // The hook also hears of the pacing waits that follow; the warnings themselves are reason 'warning'.
    const warnings = seen.filter((i) => i.reason === 'warning');
    expect(warnings).toHaveLength(warned.length);
    expect(warnings.every((i) => i.mode === 'Warning' && i.waitInMs === 0 && i.counts.sessionLimit === 20)).toBe(true);
    expect(seen.filter((i) => i.reason !== 'warning').every((i) => i.mode === 'Error' && i.waitInMs > 0)).toBe(true);

    const log = rig.sim.log;
    expect(log.filter((e) => e.outcome === 'warning')).toHaveLength(warned.length);
    // Only calls already in flight when the first warning arrived went over; after that the rate stays under 20.
    expect(warned.length).toBeLessThanOrEqual(3);
    const lastWarning = Math.max(...log.filter((e) => e.outcome === 'warning').map((e) => e.receivedAt));
    const after = log.filter((e) => e.receivedAt > lastWarning);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((e) => e.outcome === 'ok')).toBe(true);
    const windowsAfter = after.map((e) => log.filter((x) => x.receivedAt > e.receivedAt - WINDOW_IN_MS && x.receivedAt <= e.receivedAt && x.receivedAt > lastWarning).length);
    expect(Math.max(...windowsAfter)).toBeLessThanOrEqual(20);
  });
});
