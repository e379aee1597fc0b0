/**
 * onRateLimited and onRetry see every wait (its length, the attempt, the episode's age, the counts) and can end
 * the retrying by returning false. A 10016 warning on a successful call raises onRateLimited in 'warning' mode.
 */
import { ManualClock } from '../src/clock';
import { ProjectorServiceError, RateLimitError, TransportError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import type { RateLimitedInfo, RetryInfo } from '../src/rate-limit/options';
import { BUSY_TEXT, busyFault, rateLimitFault, startScripted, type Scripted } from './support/scripted';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/dave@example.com', session: 'sess-9' });

let rig: Scripted | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

test('the hooks see every rate-limit pause, and the pauses add up to the time the call waited', async () => {
  const seen: RateLimitedInfo[] = [];
  const retries: RetryInfo[] = [];
  rig = await startScripted(
    { PwsReleaseProjectorLocks: (n) => { if (n <= 4) throw rateLimitFault(); } },
    { rateLimit: { random: () => 0.37, onRateLimited: (i) => void seen.push(i), onRetry: (i) => void retries.push(i) } },
  );
  const { clock } = rig;
  const t0 = clock.now();
  const result = await rig.call('PwsReleaseProjectorLocks');
  expect(result.Status).toBe('Ok');
  expect(rig.sent('PwsReleaseProjectorLocks')).toBe(5);
  expect(seen.map((i) => i.attempt)).toEqual([1, 2, 3, 4]);
  expect(seen.every((i) => i.mode === 'Error' && i.operation === 'PwsReleaseProjectorLocks' && i.counts.sessionLimit === 1200)).toBe(true);
  expect(seen.every((i) => i.waitInMs >= 5_000 && i.waitInMs <= 20_000)).toBe(true);
  const total = seen.reduce((sum, i) => sum + i.waitInMs, 0);
  expect(clock.now() - t0).toBe(total);
  // elapsedInMs is the episode's age when each pause began.
  expect(seen.map((i) => i.elapsedInMs)).toEqual(seen.map((_, k) => seen.slice(0, k).reduce((s, i) => s + i.waitInMs, 0)));
  expect(retries.map((r) => [r.reason, r.attempt, r.waitInMs])).toEqual(seen.map((i) => ['rate-limited', i.attempt, i.waitInMs]));
  expect(retries.every((r) => r.error instanceof RateLimitError)).toBe(true);
});

test('onRateLimited returning false gives up at once with a RateLimitError', async () => {
  rig = await startScripted({ PwsAcquireProjectorLocks: () => { throw rateLimitFault(); } }, { rateLimit: { onRateLimited: (i) => i.attempt < 2 } });
  const error = await rig.call('PwsAcquireProjectorLocks').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error).toMatchObject({ attempts: 2, counts: { sessionHits: 1201, sessionLimit: 1200 } });
  expect(rig.sent('PwsAcquireProjectorLocks')).toBe(2);
  // The server is still over its limit, so the gate stays closed for the other calls.
  expect((await rig.client.rateLimitController.store.getPause('DEMO')).remainingInMs).toBeGreaterThanOrEqual(5_000);
});

test('onRetry sees transport and busy retries with their delays, and returning false surfaces the error', async () => {
  const retries: RetryInfo[] = [];
  rig = await startScripted({ PwsCheckProjectorLocks: () => { throw busyFault(); } }, { rateLimit: { random: () => 1, onRetry: (i) => (retries.push(i), i.attempt < 3) } });
  // The first attempt meets a connection reset in front of the service (it never ran); then two busy refusals.
  rig.sim.injectFaults({ kind: 'reset-before-body' });
  const error = await rig.call('PwsCheckProjectorLocks').catch((e: unknown) => e);
  expect(retries.map((r) => [r.reason, r.attempt, r.waitInMs])).toEqual([
    ['transport', 1, 200],
    ['busy', 2, 1_000],
    ['busy', 3, 1_000],
  ]);
  expect(retries[0].error).toBeInstanceOf(TransportError);
  expect(error).toBeInstanceOf(ProjectorServiceError);
  expect(error).toMatchObject({ code: 'TooManyActiveRequests', errorNumber: 10017, attempts: 3 });
  expect(retries[2].error).toBe(error);
  expect((error as Error).message).toContain(BUSY_TEXT);
});

test('a 10016 warning raises the hook in warning mode and teaches the thresholds to pacing', async () => {
  const seen: RateLimitedInfo[] = [];
  const controller = new RateLimitController({ clock: new ManualClock(), onRateLimited: (i) => void seen.push(i) });
  await controller.onWarning('PwsCheckProjectorLocks', { userHits: 1801, userLimit: 1800, installationHits: 900, installationLimit: 2400 }, scopes());
  expect(seen).toEqual([
    { operation: 'PwsCheckProjectorLocks', attempt: 1, waitInMs: 0, elapsedInMs: 0, counts: { userHits: 1801, userLimit: 1800, installationHits: 900, installationLimit: 2400 }, mode: 'Warning', reason: 'warning' },
  ]);
  expect(controller.knownLimits).toEqual({ user: 1800, installation: 2400 });
});
