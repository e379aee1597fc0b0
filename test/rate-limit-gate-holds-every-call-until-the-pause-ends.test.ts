/**
 * A 10016 closes the installation's gate: no attempt of any call starts until the pause is over, the first retry
 * comes at least 5 s after the failure, every call completes exactly once, and a success ends the episode.
 * Through the production path: pipeline.execute with an in-process server (exact times), and the client over HTTP.
 */
import { ManualClock } from '../src/clock';
import { RateLimitError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';
import { startScripted, type Scripted } from './support/scripted';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/alice@example.com', session: 'sess-1' });

/** Projector's 10016 as the error mapping makes it from a PwsFault. */
function rateLimited(): RateLimitError {
  return new RateLimitError('Rate limit exceeded', {
    code: 'RequestExceededRateLimit',
    errorNumber: 10016,
    requestSent: false,
    messages: [{ type: 'Error', errorCode: 'RequestExceededRateLimit', errorNumber: 10016, errorText: 'Rate limit exceeded. Installation hits 2401 of 2400, user hits 1700 of 1800, session hits 1201 of 1200 in the last 60 seconds.' }],
  });
}

let rig: Scripted | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

test('no attempt starts while the gate is closed, and failed calls are retried once it opens', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, random: () => 0.5, pacing: false });
  // The server is over its limit for requests arriving in the first 3 s; each request takes 100 ms.
  const overLimitUntil = t0 + 3_000;
  const arrivals: { call: number; at: number; gateRemainingInMs: number; outcome: string }[] = [];
  const executedOnServer: number[] = [];

  const results = await Promise.all(
    Array.from({ length: 12 }, (_, call) =>
      executeAgainst(controller, { operation: 'PwsReleaseProjectorLocks', scopes }, async () => {
        const at = clock.now();
        const gate = await controller.store.getPause('DEMO');
        const rejected = at < overLimitUntil;
        arrivals.push({ call, at, gateRemainingInMs: gate.remainingInMs, outcome: rejected ? '10016' : 'ok' });
        await clock.sleep(100);
        if (rejected) throw rateLimited();
        executedOnServer.push(call);
        return call;
      }),
    ),
  );

  expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
  expect([...executedOnServer].sort((a, b) => a - b)).toEqual(results); // none lost, none run twice
  expect(arrivals.every((a) => a.gateRemainingInMs === 0)).toBe(true);

  const failures = arrivals.filter((a) => a.outcome === '10016');
  expect(failures.length).toBeGreaterThan(0);
  const firstFailureAt = Math.min(...failures.map((a) => a.at)) + 100;
  const lastFailureAt = Math.max(...failures.map((a) => a.at)) + 100;
  const retries = arrivals.filter((a) => a.at > firstFailureAt);
  expect(retries.length).toBeGreaterThan(0);
  // Nothing reached the server between the failure and the end of its (at least 5 s) pause.
  expect(Math.min(...retries.map((a) => a.at))).toBeGreaterThanOrEqual(lastFailureAt + 5_000);
  // Only the calls in flight when the gate closed were ever rejected (the cap lets 3 through at once).
  expect(failures.length).toBeLessThanOrEqual(3);

  // The successes after the pause ended the episode.
  expect(await controller.store.getPause('DEMO')).toEqual({ remainingInMs: 0, episodeAgeInMs: undefined });
});

test('a call that starts while another call has closed the gate waits without being sent', async () => {
  const clock = new ManualClock();
  const sentAt: number[] = [];
  const t0 = clock.now();
  rig = await startScripted({ PwsAcquireProjectorLocks: () => void sentAt.push(clock.now() - t0) }, { rateLimit: { pacing: false } }, clock);
  await rig.client.rateLimitController.store.pause('DEMO', 7_000);
  const done = rig.call('PwsAcquireProjectorLocks');
  for (let i = 0; i < 20 && clock.pendingSleepers === 0; i++) await new Promise((r) => setImmediate(r));
  expect(clock.pendingSleepers).toBe(1);
  clock.advance(6_999);
  await new Promise((r) => setImmediate(r));
  expect(sentAt).toEqual([]);
  clock.advance(1);
  await expect(done).resolves.toMatchObject({ Status: 'Ok' });
  expect(sentAt).toEqual([7_000]);
});
