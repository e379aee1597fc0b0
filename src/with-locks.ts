/**
 * `withLocks`: acquire, run the caller's work, release, and never hide that mutual exclusion was lost. The release
 * is the only place the SDK learns what happened to the set while the work ran: stolen (StolenLock) or lapsed
 * (50476 already released: its duration ran out, so anyone could have locked the entities). Either way the work
 * did not hold the lock, so either way it is an error that carries the callback's result.
 *
 * keepAlive renews the set at half its duration while the work runs, so a set cannot lapse under slow work. The
 * first failed renewal stops it (renewing again would not tell the caller anything new, and a set that is gone
 * cannot come back); the failure aborts the callback's `signal` and becomes the `cause` of the error withLocks throws.
 */
import type { Clock } from './clock';
import { LockLapsedError, LockStolenError, type ProjectorError } from './errors';
import type { AreaLogger } from './logger';
import type { CallOptions } from './options';
import type { AcquireLocksRequest, AcquireLocksResult, ReleaseLocksResult } from './types';

export interface WithLocksOptions extends CallOptions {
  /**
   * Renew the lock set every half of `durationInSeconds` while the callback runs; the first failed renewal stops the
   * renewals and aborts the callback's `signal`. @default false
   */
  keepAlive?: boolean;
}

/** The second argument of a withLocks callback. */
export interface WithLocksContext {
  /** Aborted when a keep-alive renewal failed (`reason`: its error): the set may lapse, or be gone already. */
  readonly signal: AbortSignal;
}

/** What withLocks needs of the client. */
export interface LockCalls {
  clock: Clock;
  logger: AreaLogger;
  acquire(request: AcquireLocksRequest, options: CallOptions): Promise<AcquireLocksResult>;
  renew(lockSetId: number, durationInSeconds: number, options: CallOptions): Promise<unknown>;
  release(lockSetId: number): Promise<ReleaseLocksResult>;
}

export async function withLocks<T>(
  calls: LockCalls,
  request: AcquireLocksRequest,
  fn: (lockSet: AcquireLocksResult, context: WithLocksContext) => Promise<T> | T,
  options: WithLocksOptions,
): Promise<T> {
  const { keepAlive, ...callOptions } = options;
  const lockSet = await calls.acquire(request, callOptions);
  const keeper = keepAlive ? keepSetAlive(calls, lockSet.lockSetId, request.durationInSeconds) : undefined;
  let value: T;
  try {
    value = await fn(lockSet, { signal: keeper?.signal ?? new AbortController().signal });
  } catch (err) {
    await keeper?.stop();
    await releaseQuietly(calls, lockSet.lockSetId);
    throw err;
  }
  const renewalFailure = await keeper?.stop();
  // Not tied to the caller's abortSignal: an aborted job must still give its locks back.
  const released = await calls.release(lockSet.lockSetId);
  if (released.stolenLock) {
    const who = released.stolenBy?.userDisplayName ?? 'another user';
    const e = new LockStolenError(`Lock set ${lockSet.lockSetId} was stolen by ${who} while the withLocks callback ran`, {
      code: 'LockStolen', operation: 'PwsReleaseProjectorLocks', requestSent: true, retryable: false, cause: renewalFailure,
    });
    e.stolenBy = released.stolenBy;
    e.lockTaker = released.stolenLock;
    e.result = value;
    throw e;
  }
  if (released.alreadyReleased) {
    const why = renewalFailure ? `after its keep-alive renewal failed (${renewalFailure.code})` : `(its ${request.durationInSeconds} s ran out)`;
    const e = new LockLapsedError(`Lock set ${lockSet.lockSetId} lapsed while the withLocks callback ran ${why}: the work did not hold the lock`, {
      code: 'LockLapsed', operation: 'PwsReleaseProjectorLocks', requestSent: true, retryable: false, messages: released.messages, cause: renewalFailure,
    });
    e.result = value;
    throw e;
  }
  return value;
}

interface Keeper {
  signal: AbortSignal;
  /** Ends the renewals (waiting for one on the wire); resolves with the renewal failure, if one ended them. */
  stop(): Promise<ProjectorError | undefined>;
}

function keepSetAlive(calls: LockCalls, lockSetId: number, durationInSeconds: number): Keeper {
  const stopped = new AbortController();
  const failed = new AbortController();
  let failure: ProjectorError | undefined;
  const everyInMs = (durationInSeconds * 1000) / 2;
  const loop = (async () => {
    for (;;) {
      try {
        await calls.clock.sleep(everyInMs, stopped.signal);
      } catch {
        return;
      }
      try {
        // A renewal that ends after the set's remaining half has run out is too late to matter.
        await calls.renew(lockSetId, durationInSeconds, { deadlineInMs: everyInMs });
      } catch (err) {
        failure = err as ProjectorError;
        calls.logger.warn('keeping the lock set alive failed; no more renewals', { lockSetId, code: failure.code });
        failed.abort(failure);
        return;
      }
    }
  })();
  return {
    signal: failed.signal,
    async stop() {
      stopped.abort();
      await loop;
      return failure;
    },
  };
}

async function releaseQuietly(calls: LockCalls, lockSetId: number): Promise<void> {
  try {
    await calls.release(lockSetId);
  } catch (releaseError) {
    calls.logger.warn('releasing the lock set failed', { lockSetId, code: (releaseError as ProjectorError).code });
  }
}
