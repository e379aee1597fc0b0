/**
 * One caller's wait on a shared promise: its abort or deadline ends only its own wait (a refresh under way is never
 * cancelled: stopping it after the request left could lose a rotated refresh token). The deadline is a plain timer,
 * as in SessionManager: a sleeper on a test clock would move that clock.
 */
import { AbortedError, TransportError } from '../errors';

const MAX_TIMER_IN_MS = 2 ** 31 - 1;

export function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError('The call was aborted while waiting for an OAuth access token', { code: 'Aborted', requestSent: false, cause: signal.reason });
}

export function deadlinePassed(): TransportError {
  return new TransportError('The call reached its deadline while waiting for an OAuth access token', { code: 'Timeout', requestSent: false, retryable: true });
}

export function waitFor<T>(promise: Promise<T>, signal?: AbortSignal, leaveAfterInMs?: number): Promise<T> {
  if (!signal && leaveAfterInMs === undefined) return promise;
  if (signal?.aborted) return Promise.reject(aborted(signal));
  if (leaveAfterInMs !== undefined && leaveAfterInMs <= 0) return Promise.reject(deadlinePassed());
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
    };
    const onAbort = () => {
      done();
      reject(aborted(signal!));
    };
    const timer = leaveAfterInMs !== undefined && leaveAfterInMs <= MAX_TIMER_IN_MS ? setTimeout(() => {
      done();
      reject(deadlinePassed());
    }, leaveAfterInMs) : undefined;
    timer?.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}
