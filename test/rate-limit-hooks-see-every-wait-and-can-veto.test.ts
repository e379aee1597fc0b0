/**
 * onRateLimited and onRetry see every wait (its length, the attempt, the episode's age, the counts) and can end
 * the retrying by returning false. A 10016 warning on a successful call raises onRateLimited in 'warning' mode.
 */
import { ManualClock } from '../src/clock';
import { ProjectorServiceError, RateLimitError, TransportError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import type { RateLimitedInfo, RetryInfo } from '../src/rate-limit/options';
import { executeWithRetry } from '../src/retry';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/dave@example.com', session: 'sess-9' });
const rateLimited = () => {
  const e = new RateLimitError('Rate limit exceeded', { code: 'RequestExceededRateLimit', errorNumber: 10016, requestSent: false });
  e.counts = { sessionHits: 1201, sessionLimit: 1200 };
  return e;
};

test('the hooks see every rate-limit pause, and the pauses add up to the time the call waited', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const seen: RateLimitedInfo[] = [];
  const retries: RetryInfo[] = [];
  const controller = new RateLimitController({ clock, random: () => 0.37, onRateLimited: (i) => void seen.push(i), onRetry: (i) => void retries.push(i) });
  let n = 0;
  const result = await executeWithRetry(controller, { operation: 'PwsReleaseProjectorLocks', idempotent: true, scopes }, async () => {
    if (++n <= 4) throw rateLimited();
    return 'released';
  });
  expect(result).toBe('released');
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
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock, onRateLimited: (i) => i.attempt < 2 });
  let sent = 0;
  const error = await executeWithRetry(controller, { operation: 'PwsAcquireProjectorLocks', idempotent: false, scopes }, async () => {
    sent++;
    throw rateLimited();
  }).catch((e) => e);
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error).toMatchObject({ attempts: 2, counts: { sessionHits: 1201, sessionLimit: 1200 } });
  expect(sent).toBe(2);
  // The server is still over its limit, so the gate stays closed for the other calls.
  expect((await controller.store.getPause('DEMO')).remainingInMs).toBeGreaterThanOrEqual(5_000);
});

test('onRetry sees transport and busy retries with their delays, and returning false surfaces the error', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const retries: RetryInfo[] = [];
  const controller = new RateLimitController({ clock, random: () => 1, onRetry: (i) => (retries.push(i), i.attempt < 3) });
  const transport = new TransportError('connection refused', { code: 'TransportError', requestSent: false, retryable: true });
  const busy = new ProjectorServiceError('You currently have 5 active requests, exceeding the threshold of 4', { code: 'TooManyActiveRequests' });
  const failures = [transport, busy, busy];
  const error = await executeWithRetry(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => {
    throw failures.shift();
  }).catch((e) => e);
  expect(retries.map((r) => [r.reason, r.attempt, r.waitInMs])).toEqual([
    ['transport', 1, 200],
    ['busy', 2, 1_000],
    ['busy', 3, 1_000],
  ]);
  expect(error).toBe(busy);
  expect(error.attempts).toBe(3);
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
