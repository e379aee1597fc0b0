/**
 * An abortSignal ends the call with AbortedError the moment it fires, whether the call is paused at the gate,
 * queued for a concurrency slot or pacing; nothing more is sent and no virtual time passes.
 */
import { ManualClock } from '../src/clock';
import { AbortedError, RateLimitError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/carol@example.com' });
const rateLimited = () => new RateLimitError('Rate limit exceeded', { code: 'RequestExceededRateLimit', errorNumber: 10016, requestSent: false });

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

test('abort during a rate-limit pause rejects at once', async () => {
  const clock = new ManualClock();
  const controller = new RateLimitController({ clock });
  const abort = new AbortController();
  let sent = 0;
  const outcome = executeAgainst(controller, { operation: 'PwsReleaseProjectorLocks', idempotent: true, scopes, signal: abort.signal }, async () => {
    sent++;
    throw rateLimited();
  }).catch((e) => e);
  await until(() => clock.pendingSleepers > 0); // paused at the gate
  const pausedAt = clock.now();
  abort.abort(new Error('user cancelled'));
  const error = await outcome;
  expect(error).toBeInstanceOf(AbortedError);
  expect(error).toMatchObject({ code: 'Aborted', operation: 'PwsReleaseProjectorLocks', attempts: 1, requestSent: false });
  expect((error.cause as Error).message).toBe('user cancelled');
  expect(clock.now()).toBe(pausedAt);
  expect(sent).toBe(1);
  expect(clock.pendingSleepers).toBe(0); // its sleep was cancelled, not left behind
});

test('abort while queued for a concurrency slot rejects at once and frees nothing it did not hold', async () => {
  const clock = new ManualClock();
  const controller = new RateLimitController({ clock, pacing: false });
  const hold: Array<() => void> = [];
  const busy = Array.from({ length: 3 }, () =>
    executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, () => new Promise<string>((r) => hold.push(() => r('done')))),
  );
  await until(() => hold.length === 3);
  const abort = new AbortController();
  let queuedCallSent = false;
  const queued = executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes, signal: abort.signal }, async () => {
    queuedCallSent = true;
    return 'never';
  }).catch((e) => e);
  await new Promise((r) => setImmediate(r));
  abort.abort();
  const error = await queued;
  expect(error).toBeInstanceOf(AbortedError);
  expect(error.attempts).toBe(0);
  expect(queuedCallSent).toBe(false);
  expect(controller.inFlight('DEMO/carol@example.com')).toBe(3);
  hold.forEach((release) => release());
  await expect(Promise.all(busy)).resolves.toEqual(['done', 'done', 'done']);
  expect(controller.inFlight('DEMO/carol@example.com')).toBe(0);
});

test('abort while pacing rejects at once', async () => {
  const clock = new ManualClock();
  const controller = new RateLimitController({ clock, limits: { user: 2, windowInMs: 10_000 }, safetyFactor: 1 });
  const call = (signal?: AbortSignal) => executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes, signal }, async () => 'ok');
  await call();
  await call();
  const abort = new AbortController();
  const third = call(abort.signal).catch((e) => e);
  await until(() => clock.pendingSleepers > 0); // window full: pacing waits for the oldest hit to age out
  abort.abort();
  expect(await third).toBeInstanceOf(AbortedError);
});

test('an already aborted signal sends nothing', async () => {
  const controller = new RateLimitController({ clock: new ManualClock() });
  let sent = false;
  const error = await executeAgainst(controller, { operation: 'PwsAuthenticate', idempotent: true, scopes, signal: AbortSignal.abort() }, async () => {
    sent = true;
  }).catch((e) => e);
  expect(error).toBeInstanceOf(AbortedError);
  expect(sent).toBe(false);
});
