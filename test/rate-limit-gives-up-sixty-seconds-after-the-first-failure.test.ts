/**
 * When Projector keeps answering 10016, the call is retried with growing, jittered pauses (never under 5 s) until
 * 60 s after the episode's first failure, then fails with a RateLimitError that carries the parsed counts.
 */
import { ManualClock } from '../src/clock';
import { ProjectorServiceError, RateLimitError } from '../src/errors';
import { rateLimitPauseInMs } from '../src/rate-limit/backoff';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/bob@example.com' });
const TEXT = 'Rate limit exceeded. Installation hits 2401 of 2400, user hits 1700 of 1800, session hits 1201 of 1200 in the last 60 seconds.';

// Mapped the way the facade maps a PwsFault 10016 that it did not parse: counts only in the message text.
const fault = () =>
  new ProjectorServiceError('Rate limit exceeded', {
    code: 'RequestExceededRateLimit',
    errorNumber: 10016,
    requestSent: false,
    messages: [{ type: 'Error', errorCode: 'RequestExceededRateLimit', errorNumber: 10016, errorText: TEXT }],
  });

test('pauses stay within [5 s, cap], grow with each failure and are trimmed to land on the give-up time', () => {
  const policy = { minPauseInMs: 5_000, maxPauseInMs: 20_000, giveUpAfterInMs: 60_000, backoffFactor: 2 };
  expect(rateLimitPauseInMs(0, 0, policy, () => 0.999)).toBe(5_000);
  expect(rateLimitPauseInMs(1, 5_000, policy, () => 0)).toBe(5_000);
  expect(rateLimitPauseInMs(1, 5_000, policy, () => 1)).toBe(10_000);
  expect(rateLimitPauseInMs(2, 15_000, policy, () => 0.5)).toBe(12_500);
  expect(rateLimitPauseInMs(6, 15_000, policy, () => 1)).toBe(20_000);
  expect(rateLimitPauseInMs(4, 52_000, policy, () => 1)).toBe(8_000);
  expect(rateLimitPauseInMs(4, 58_000, policy, () => 1)).toBe(5_000); // never under the vendor's minimum
  expect(rateLimitPauseInMs(4, 60_000, policy, () => 1)).toBeUndefined();
  for (let i = 0; i < 200; i++) {
    const p = rateLimitPauseInMs(i % 8, (i * 300) % 60_000, policy, Math.random)!;
    expect(p).toBeGreaterThanOrEqual(5_000);
    expect(p).toBeLessThanOrEqual(20_000);
  }
});

test('an installation that stays over the limit ends in RateLimitError 60 s after the first failure', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, random: () => 1 });
  const sentAt: number[] = [];
  const error: RateLimitError = await executeAgainst(controller, { operation: 'PwsAcquireProjectorLocks', idempotent: false, scopes }, async () => {
    sentAt.push(clock.now() - t0);
    throw fault();
  }).catch((e) => e);

  // random = 1 takes the top of each jitter range: 5, 10, 20, 20 s, then the last 5 s up to the 60 s mark.
  expect(sentAt).toEqual([0, 5_000, 15_000, 35_000, 55_000, 60_000]);
  expect(clock.now() - t0).toBe(60_000);
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error).toMatchObject({
    code: 'RequestExceededRateLimit',
    errorNumber: 10016,
    operation: 'PwsAcquireProjectorLocks',
    attempts: 6,
    waitedInMs: 60_000,
    requestSent: false,
    counts: { installationHits: 2401, installationLimit: 2400, userHits: 1700, userLimit: 1800, sessionHits: 1201, sessionLimit: 1200 },
  });
  expect(error.cause).toBeInstanceOf(ProjectorServiceError);
  // What the message taught is kept for pacing.
  expect(controller.knownLimits).toEqual({ installation: 2400, user: 1800, session: 1200, windowInMs: 60_000 });
});

test('a call joining an episode late gives up at the episode deadline, not 60 s after its own failure', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, random: () => 0, pacing: false });
  await controller.store.pause('DEMO', 0); // another call's 10016 opened the episode...
  clock.advance(50_000); // ...50 s ago
  const sentAt: number[] = [];
  const error = await executeAgainst(controller, { operation: 'PwsReleaseProjectorLocks', idempotent: true, scopes }, async () => {
    sentAt.push(clock.now() - t0);
    throw fault();
  }).catch((e) => e);
  expect(error).toBeInstanceOf(RateLimitError);
  expect(sentAt).toEqual([50_000, 55_000, 60_000]);
});

test('an overall deadline shorter than the next pause gives up at once with the counts', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, random: () => 1 });
  let sent = 0;
  const error = await executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes, deadlineAt: t0 + 12_000 }, async () => {
    sent++;
    throw fault();
  }).catch((e) => e);
  expect(error).toBeInstanceOf(RateLimitError);
  expect(sent).toBe(2); // at 0 and 5 s; the next pause (10 s) would end after the deadline
  expect(clock.now() - t0).toBe(5_000);
  expect(error.counts.sessionHits).toBe(1201);
});

test('an episode left open by a call that gave up does not make a much later 10016 fail at once', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock, random: () => 0 });
  // A call of another client on the same store is vetoed at once: the gate closes and nobody ends the episode.
  const vetoing = new RateLimitController({ clock, store: controller.store, onRateLimited: () => false });
  await expect(executeAgainst(vetoing, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => { throw fault(); })).rejects.toBeInstanceOf(RateLimitError);
  clock.advance(10 * 60_000);
  const t1 = clock.now();
  const sentAt: number[] = [];
  const result = await executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => {
    sentAt.push(clock.now() - t1);
    if (sentAt.length === 1) throw fault();
    return 'checked';
  });
  expect(result).toBe('checked');
  expect(sentAt).toEqual([0, 5_000]);
});

test('a pause that would end exactly at the call deadline is not waited out: now >= deadline is expired', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock, random: () => 0 }); // pauses of exactly 5 s
  const start = clock.now();
  let sent = 0;
  const outcome = await executeAgainst(controller, { operation: 'PwsReleaseProjectorLocks', scopes, deadlineAt: start + 5_000 }, () => {
    sent++;
    throw fault();
  }).catch((e: unknown) => e);
  expect(outcome).toBeInstanceOf(RateLimitError);
  expect(sent).toBe(1);
  // Failed at once: waiting 5 s to land on the deadline would leave no time to send.
  expect(clock.now() - start).toBe(0);
});
