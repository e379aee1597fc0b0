/**
 * Rate-limit and retry options, with the defaults and the reasons for them. The vendor's policy (pause all calls,
 * at least 5 s, keep trying until 60 s after the first failure) sets minPause and giveUpAfter; the rest are ours.
 */
import type { Clock } from '../clock';
import { ConfigurationError, ProjectorError, type RateLimitCounts } from '../errors';
import type { OperationName } from '../soap/operations';
import { MemoryRateLimitStore, type RateLimitStore } from './store';

export interface KnownLimits {
  installation?: number;
  user?: number;
  session?: number;
  windowInMs?: number;
}

export interface RateLimitOptions {
  /** Shortest pause after a 10016; default 5_000 (vendor: at least 5 s). */
  minPauseInMs?: number;
  /** Longest single pause; default 20_000, so a 60 s episode still gets several tries. */
  maxPauseInMs?: number;
  /**
   * Give up this long after the episode's first 10016; default 60_000 (vendor: keep trying until 60 s). It also caps
   * the pacing waits of one call: a call that pacing would hold longer fails at once with a RateLimitError.
   */
  giveUpAfterInMs?: number;
  /**
   * Growth of the pause cap per 10016 of one call; default 2. Jitter is "full jitter on top of minPause": pause n
   * is uniform in [minPause, min(maxPause, minPause * factor^n)], so it never drops under the vendor's minimum.
   */
  backoffFactor?: number;
  /** Calls in flight per user; default 3 (Projector refuses a user's 5th; one slot is left for the browser). */
  maxConcurrentPerUser?: number;
  /** Delay before retrying a "too many active requests" refusal; default 1_000. */
  busyRetryDelayInMs?: number;
  /** Space calls under known limits; default true. */
  pacing?: boolean;
  /** Thresholds known in advance (others are learned from 10016 messages or a testRateLimiter snapshot). */
  limits?: KnownLimits;
  /** Hits per call; the vendor's weight table is unknown, so every operation counts 1 unless told otherwise. */
  weights?: Partial<Record<OperationName, number>>;
  defaultWeight?: number;
  /**
   * Pace to this fraction of a known limit; default 0.95. Our own count cannot see other clients or the user's
   * browser, and the server's window edges differ slightly from ours, so a small margin avoids tipping over.
   */
  safetyFactor?: number;
  /** Default: a new MemoryRateLimitStore on the controller's clock. */
  store?: RateLimitStore;
  /** Sees every rate-limit pause (and warning); return false to give up now. */
  onRateLimited?: (info: RateLimitedInfo) => boolean | void | Promise<boolean | void>;
  /** Sees every retry; return false to stop retrying and surface the error. */
  onRetry?: (info: RetryInfo) => boolean | void | Promise<boolean | void>;
  /** Base delay of transport retries (doubled, with jitter); default 200. */
  transportRetryDelayInMs?: number;
  /** Most attempts for a call that keeps failing in transport; default 3. */
  maxTransportAttempts?: number;
  /** Source of jitter in [0, 1); default Math.random. Injectable so tests are deterministic. */
  random?: () => number;
}

export interface RateLimitedInfo {
  operation: OperationName;
  attempt: number;
  waitInMs: number;
  /** Time since the episode's first 10016. */
  elapsedInMs: number;
  counts: RateLimitCounts;
  /** The installation's rate-limiting mode, spelled as Projector's Management Portal (and the simulator) spell it. */
  mode: 'Error' | 'Warning';
  /**
   * Why the call waits: 'rate-limited' (its own 10016), 'paused' (the gate another call's 10016 closed), 'queued'
   * (for a per-user slot; reported after the wait), 'pacing' (staying under known limits), 'warning' (a 10016 warning
   * on a successful call; nothing waits).
   */
  reason: 'rate-limited' | 'paused' | 'queued' | 'pacing' | 'warning';
}

export interface RetryInfo {
  operation: OperationName;
  attempt: number;
  waitInMs: number;
  reason: 'rate-limited' | 'busy' | 'transport';
  error: ProjectorError;
}

export type ResolvedRateLimitOptions = Required<
  Omit<RateLimitOptions, 'limits' | 'weights' | 'store' | 'onRateLimited' | 'onRetry'>
> &
  Pick<RateLimitOptions, 'onRateLimited' | 'onRetry'> & {
    limits: KnownLimits;
    weights: Partial<Record<OperationName, number>>;
    store: RateLimitStore;
  };

export const DEFAULT_WINDOW_IN_MS = 60_000;

export function resolveRateLimitOptions(options: RateLimitOptions, clock: Clock): ResolvedRateLimitOptions {
  const minPauseInMs = options.minPauseInMs ?? 5_000;
  const resolved: ResolvedRateLimitOptions = {
    minPauseInMs,
    maxPauseInMs: Math.max(minPauseInMs, options.maxPauseInMs ?? 20_000),
    giveUpAfterInMs: options.giveUpAfterInMs ?? 60_000,
    backoffFactor: options.backoffFactor ?? 2,
    maxConcurrentPerUser: options.maxConcurrentPerUser ?? 3,
    busyRetryDelayInMs: options.busyRetryDelayInMs ?? 1_000,
    pacing: options.pacing ?? true,
    limits: { ...options.limits },
    weights: { ...options.weights },
    defaultWeight: options.defaultWeight ?? 1,
    safetyFactor: options.safetyFactor ?? 0.95,
    store: options.store ?? new MemoryRateLimitStore(clock),
    onRateLimited: options.onRateLimited,
    onRetry: options.onRetry,
    transportRetryDelayInMs: options.transportRetryDelayInMs ?? 200,
    maxTransportAttempts: options.maxTransportAttempts ?? 3,
    random: options.random ?? Math.random,
  };
  const invalid = (what: string) => new ConfigurationError(`Invalid rate-limit option: ${what}`, { code: 'Configuration', requestSent: false });
  if (!(resolved.maxConcurrentPerUser >= 1)) throw invalid('maxConcurrentPerUser must be at least 1');
  if (!(resolved.safetyFactor > 0 && resolved.safetyFactor <= 1)) throw invalid('safetyFactor must be in (0, 1]');
  if (!(resolved.backoffFactor >= 1)) throw invalid('backoffFactor must be at least 1');
  if (!(resolved.minPauseInMs >= 0 && resolved.giveUpAfterInMs >= 0)) throw invalid('durations must not be negative');
  return resolved;
}
