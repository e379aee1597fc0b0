/**
 * Pacing: the client counts its own weighted hits in a rolling window and, once a threshold is known (given or
 * learned from a 10016), spaces calls so a steady workload stays under it and sees no 10016 after the first window.
 */
import { ManualClock } from '../src/clock';
import { RateLimitError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';
import type { ScriptedOperation } from './support/scripted';

const WINDOW = 10_000;

/** A fake Projector that counts accepted weighted hits per user in a rolling window and rejects over the limit. */
function limitedServer(clock: ManualClock, limit: number, weights: Partial<Record<ScriptedOperation, number>> = {}) {
  const hits: { at: number; weight: number }[] = [];
  const log: { at: number; outcome: 'ok' | '10016' }[] = [];
  const inWindow = (now: number) => hits.filter((h) => h.at > now - WINDOW && h.at <= now).reduce((s, h) => s + h.weight, 0);
  return {
    log,
    inWindow,
    async handle(operation: ScriptedOperation) {
      const now = clock.now();
      const weight = weights[operation] ?? 1;
      const used = inWindow(now);
      if (used + weight > limit) {
        log.push({ at: now, outcome: '10016' });
        const e = new RateLimitError('Rate limit exceeded', { code: 'RequestExceededRateLimit', errorNumber: 10016, requestSent: false });
        e.counts = { userHits: used + weight, userLimit: limit };
        throw e;
      }
      hits.push({ at: now, weight });
      log.push({ at: now, outcome: 'ok' });
      await clock.sleep(10);
      return operation;
    },
  };
}

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/judy@example.com' });

test('with a known limit, a burst of 250 weighted calls never exceeds it and never sees a 10016', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const server = limitedServer(clock, 100, { PwsAcquireProjectorLocks: 2 });
  const controller = new RateLimitController({ clock, limits: { user: 100, windowInMs: WINDOW }, weights: { PwsAcquireProjectorLocks: 2 } });
  const ops: ScriptedOperation[] = Array.from({ length: 250 }, (_, i) => (i % 5 === 0 ? 'PwsAcquireProjectorLocks' : 'PwsCheckProjectorLocks'));
  const done = await Promise.all(ops.map((operation) => executeAgainst(controller, { operation, idempotent: operation !== 'PwsAcquireProjectorLocks', scopes }, () => server.handle(operation))));
  expect(done).toEqual(ops);
  expect(server.log.filter((l) => l.outcome === '10016')).toEqual([]);
  // Sliding over every request start, the accepted weight in the window stays within 95% of the limit.
  const peak = Math.max(...server.log.map((l) => server.inWindow(l.at)));
  expect(peak).toBeLessThanOrEqual(95);
  expect(peak).toBeGreaterThan(80); // and pacing does not leave most of the window unused
});

test('with an unknown limit, the first 10016 teaches it and a steady load sees no 10016 after the first window', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const server = limitedServer(clock, 100);
  const controller = new RateLimitController({ clock, limits: { windowInMs: WINDOW } });
  // A steady producer: 400 calls, issued 40 per second, far above the 10 per second the server allows.
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < 400; i++) {
    if (i > 0 && i % 40 === 0) await clock.sleep(1_000);
    calls.push(executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, () => server.handle('PwsCheckProjectorLocks')));
  }
  await Promise.all(calls);
  const faults = server.log.filter((l) => l.outcome === '10016');
  expect(faults.length).toBeGreaterThan(0); // the limit had to be discovered
  expect(faults.every((f) => f.at - t0 < WINDOW)).toBe(true);
  expect(controller.knownLimits.user).toBe(100);
  expect(server.log.filter((l) => l.outcome === 'ok')).toHaveLength(400);
});

test('pacing off: nothing is counted or delayed', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, pacing: false, limits: { user: 5, windowInMs: WINDOW } });
  await Promise.all(Array.from({ length: 30 }, () => executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => 1)));
  expect(clock.now()).toBe(t0);
});
