/**
 * Which failures are retried: a request that never left is retried for any operation; one that was written is
 * retried only for idempotent operations, and a write surfaces OutcomeUnknownError; a 10016 is retried for every
 * operation (the server never ran it); non-retryable transport failures and service errors are thrown as they are.
 */
import { ManualClock } from '../src/clock';
import { LockConflictError, OutcomeUnknownError, ProjectorError, RateLimitError, TransportError } from '../src/errors';
import { classify } from '../src/rate-limit/classify';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';
import type { ScriptedOperation } from './support/scripted';
import { resendDecision } from '../src/policy';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/kim@example.com' });
const notSent = () => new TransportError('connect ECONNREFUSED 127.0.0.1:1', { code: 'TransportError', requestSent: false, retryable: true });
const sentNoAnswer = () => {
  const e = new TransportError('socket hang up after the request was written', { code: 'TransportError', requestSent: true, retryable: true, requestId: 42 });
  e.httpStatus = 502;
  return e;
};
const permanent = () => new TransportError('certificate has expired', { code: 'TransportError', requestSent: false, retryable: false });
const rateLimited = () => new RateLimitError('Rate limit exceeded', { code: 'RequestExceededRateLimit', errorNumber: 10016, requestSent: false });
const conflict = () => new LockConflictError('Existing locks prevent acquisition', { code: 'EntityAlreadyLocked', errorNumber: 50469 });

/** Runs `operation` against a script of failures followed by a success; returns what was sent and how it ended. */
async function run(operation: ScriptedOperation, failures: Array<() => ProjectorError>) {
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock, random: () => 0 });
  const script = [...failures];
  let sent = 0;
  const outcome = await executeAgainst(controller, { operation, idempotent: resendDecision(operation).resend, scopes }, async () => {
    sent++;
    const next = script.shift();
    if (next) throw next();
    return 'ok';
  }).catch((e: ProjectorError) => e);
  return { sent, outcome };
}

test.each([
  ['not sent, write', 'PwsAcquireProjectorLocks', notSent],
  ['not sent, read', 'PwsCheckProjectorLocks', notSent],
  ['sent without answer, idempotent release', 'PwsReleaseProjectorLocks', sentNoAnswer],
  ['sent without answer, idempotent test rate limiter', 'PwsTestRateLimiter', sentNoAnswer],
  ['10016, write', 'PwsAcquireProjectorLocks', rateLimited],
  ['10016, renew', 'PwsRenewProjectorLocks', rateLimited],
] as const)('retried: %s', async (_, operation, failure) => {
  const { sent, outcome } = await run(operation, [failure]);
  expect(outcome).toBe('ok');
  expect(sent).toBe(2);
});

test.each([
  ['PwsAcquireProjectorLocks'],
  ['PwsRenewProjectorLocks'],
] as const)('a %s written without an answer surfaces OutcomeUnknownError, sent once', async (operation) => {
  const { sent, outcome } = await run(operation, [sentNoAnswer]);
  expect(sent).toBe(1);
  expect(outcome).toBeInstanceOf(OutcomeUnknownError);
  expect(outcome).toMatchObject({ code: 'OutcomeUnknown', operation, requestSent: true, retryable: false, httpStatus: 502, requestId: 42, attempts: 1 });
  expect((outcome as OutcomeUnknownError).cause).toBeInstanceOf(TransportError);
});

test('transport retries stop after 3 attempts, for sent idempotent and unsent calls alike', async () => {
  for (const failure of [notSent, sentNoAnswer]) {
    const { sent, outcome } = await run('PwsCheckProjectorLocks', [failure, failure, failure, failure]);
    expect(sent).toBe(3);
    expect(outcome).toBeInstanceOf(TransportError);
    expect(outcome).toMatchObject({ attempts: 3, operation: 'PwsCheckProjectorLocks' });
  }
});

test.each([
  ['a non-retryable transport failure', permanent],
  ['a service error (lock conflict)', conflict],
] as const)('%s is thrown as is, sent once, with attempts and operation', async (_, failure) => {
  const { sent, outcome } = await run('PwsAcquireProjectorLocks', [failure]);
  expect(sent).toBe(1);
  expect(outcome).toBeInstanceOf(failure().constructor);
  expect(outcome).toMatchObject({ attempts: 1, operation: 'PwsAcquireProjectorLocks' });
});

test('classify is pure and follows the table', () => {
  const write = { idempotent: false };
  const read = { idempotent: true };
  expect(classify(rateLimited(), write)).toBe('rate-limited');
  expect(classify(new ProjectorError('x', { code: 'Other', errorNumber: 10016 }), write)).toBe('rate-limited');
  expect(classify(new ProjectorError('busy', { code: 'TooManyActiveRequests' }), write)).toBe('busy');
  expect(classify(notSent(), write)).toBe('transport');
  expect(classify(sentNoAnswer(), read)).toBe('transport');
  expect(classify(sentNoAnswer(), write)).toBe('outcome-unknown');
  expect(classify(permanent(), read)).toBe('fatal');
  expect(classify(new OutcomeUnknownError('x', { code: 'OutcomeUnknown', retryable: true }), read)).toBe('fatal');
  expect(classify(conflict(), read)).toBe('fatal');
});

test("a retryable HTTP error's Retry-After sets the delay of the transport retry, capped at maxPause", async () => {
  for (const [retryAfterInMs, expected] of [[3_000, 3_000], [600_000, 20_000]]) {
    const clock = new ManualClock({ autoAdvance: true });
    const t0 = clock.now();
    const controller = new RateLimitController({ clock, random: () => 0 });
    const sentAt: number[] = [];
    await executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => {
      sentAt.push(clock.now() - t0);
      if (sentAt.length > 1) return 'ok';
      const e = new TransportError('HTTP 503', { code: 'TransportError', requestSent: true, retryable: true });
      e.httpStatus = 503;
      e.retryAfterInMs = retryAfterInMs;
      throw e;
    });
    expect(sentAt).toEqual([0, expected]);
  }
});
