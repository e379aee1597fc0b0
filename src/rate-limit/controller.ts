/**
 * One controller per installation, shareable between the clients of that installation. It owns the three things
 * every attempt passes through before it is sent: the pause gate (closed by any 10016), the per-user concurrency
 * cap, and pacing under the known thresholds. The retry loop (src/retry.ts) decides when to close the gate.
 */
import type { Clock } from '../clock';
import { AbortedError, TransportError, type RateLimitCounts } from '../errors';
import type { OperationName } from '../soap/operations';
import { DEFAULT_WINDOW_IN_MS, resolveRateLimitOptions, type KnownLimits, type RateLimitOptions, type RateLimitedInfo, type ResolvedRateLimitOptions, type RetryInfo } from './options';
import { Semaphore } from './semaphore';
import type { PauseState, RateLimitStore } from './store';

export interface CallScopes {
  /** e.g. 'DEMO' */
  installation: string;
  /** e.g. 'DEMO/alice@example.com' */
  user: string;
  /** A hash of the session ticket, never the ticket itself. */
  session?: string;
}

export interface RateLimitLogger {
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
}

/** What a wait before an attempt may be cut short by. */
export interface WaitContext {
  operation: OperationName;
  signal?: AbortSignal;
  /** Clock ms; a wait that cannot end before it fails at once. */
  deadlineAt?: number;
}

export interface Admission {
  /** Frees the concurrency slot; call when the attempt settles. */
  release(): void;
  /** Time spent at the gate, in the slot queue and pacing. */
  waitedInMs: number;
  /** A rate-limit episode was open when the attempt was admitted: a success should end it. */
  episodeOpen: boolean;
}

export class RateLimitController {
  readonly clock: Clock;
  readonly options: ResolvedRateLimitOptions;
  private readonly logger?: RateLimitLogger;
  private readonly slots = new Map<string, Semaphore>();

  constructor(options: RateLimitOptions & { clock: Clock; logger?: RateLimitLogger }) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.options = resolveRateLimitOptions(options, options.clock);
  }

  get store(): RateLimitStore {
    return this.options.store;
  }

  /** The thresholds pacing currently uses (given, or learned). */
  get knownLimits(): Readonly<KnownLimits> {
    return { ...this.options.limits };
  }

  /** Learn thresholds (from a 10016 message's counts or a testRateLimiter snapshot). Non-positive values are ignored. */
  learnLimits(limits: KnownLimits): void {
    const known = this.options.limits;
    let changed = false;
    for (const key of ['installation', 'user', 'session', 'windowInMs'] as const) {
      const value = limits[key];
      if (typeof value === 'number' && Number.isFinite(value) && value > 0 && known[key] !== value) {
        known[key] = value;
        changed = true;
      }
    }
    if (changed) this.logger?.info('rate limit: thresholds learned', { ...known });
  }

  /** @internal Learns whatever thresholds a 10016 message carried. */
  learnFromCounts(counts: RateLimitCounts, windowInMs?: number): void {
    this.learnLimits({ installation: counts.installationLimit, user: counts.userLimit, session: counts.sessionLimit, windowInMs });
  }

  /** A successful response carried a 10016 warning (warning mode): learn the thresholds, so pacing slows us, and tell the hook. */
  async onWarning(operation: OperationName, counts: RateLimitCounts, scopes: CallScopes): Promise<void> {
    this.learnFromCounts(counts);
    this.logger?.warn('rate limit: warning from Projector', { operation, installation: scopes.installation, ...counts });
    const episode = await this.store.getPause(scopes.installation);
    // The call already ran, so a veto has nothing to stop; the return value is ignored.
    await this.emitRateLimited({ operation, attempt: 1, waitInMs: 0, elapsedInMs: episode.episodeAgeInMs ?? 0, counts: { ...counts }, mode: 'warning' });
  }

  weightOf(operation: OperationName): number {
    return this.options.weights[operation] ?? this.options.defaultWeight;
  }

  /** Calls of this user scope currently holding a slot. */
  inFlight(userScope: string): number {
    return this.slots.get(userScope)?.inFlight ?? 0;
  }

  /** @internal Gate, then slot, then pacing; re-checks the gate so nothing is sent while it is closed. */
  async admit(scopes: CallScopes, ctx: WaitContext): Promise<Admission> {
    const startedAt = this.clock.now();
    let episodeOpen = false;
    for (;;) {
      if (ctx.signal?.aborted) throw this.aborted(ctx, ctx.signal.reason);
      episodeOpen = (await this.waitForGate(scopes.installation, ctx)) || episodeOpen;
      const release = await this.takeSlot(scopes.user, ctx);
      try {
        if (this.options.pacing) await this.pace(scopes, ctx);
        const gate = await this.store.getPause(scopes.installation);
        if (gate.episodeAgeInMs !== undefined) episodeOpen = true;
        if (gate.remainingInMs > 0) {
          release();
          continue;
        }
        return { release, waitedInMs: this.clock.now() - startedAt, episodeOpen };
      } catch (error) {
        release();
        throw error;
      }
    }
  }

  /** @internal Closes the gate of a scope for at least pauseInMs (pass 0 to only open the episode). */
  async closeGate(scope: string, pauseInMs: number, meta?: object): Promise<PauseState> {
    const state = await this.store.pause(scope, pauseInMs);
    if (pauseInMs > 0) this.logger?.warn('rate limit: pausing all calls', { scope, pauseInMs: state.remainingInMs, ...meta });
    return state;
  }

  /** @internal */
  async endEpisode(scope: string): Promise<void> {
    try {
      await this.store.endEpisode(scope);
    } catch (error) {
      // Losing this only makes a later give-up come sooner; it must not fail a call that succeeded.
      this.logger?.warn('rate limit: could not end the episode', { scope, error: String((error as Error)?.name ?? error) });
    }
  }

  /** @internal Returns false when the hook vetoed. */
  async emitRateLimited(info: RateLimitedInfo): Promise<boolean> {
    return (await this.options.onRateLimited?.(info)) !== false;
  }

  /** @internal Returns false when the hook vetoed. */
  async emitRetry(info: RetryInfo): Promise<boolean> {
    // Retries are logged at info; only codes and numbers, never the error's text (it may quote server input).
    this.logger?.info('retrying', { operation: info.operation, attempt: info.attempt, delayInMs: info.delayInMs, reason: info.reason, code: info.error.code });
    return (await this.options.onRetry?.(info)) !== false;
  }

  /** @internal Sleeps on the clock; aborts at once; fails at once when the wait would pass the deadline. */
  async wait(ms: number, ctx: WaitContext): Promise<void> {
    if (ctx.deadlineAt !== undefined && this.clock.now() + ms > ctx.deadlineAt) throw this.deadlineReached(ctx);
    try {
      await this.clock.sleep(ms, ctx.signal);
    } catch (reason) {
      throw this.aborted(ctx, reason);
    }
  }

  /** Returns whether a rate-limit episode was open. */
  private async waitForGate(scope: string, ctx: WaitContext): Promise<boolean> {
    let episodeOpen = false;
    for (;;) {
      const gate = await this.store.getPause(scope);
      if (gate.episodeAgeInMs !== undefined) episodeOpen = true;
      if (gate.remainingInMs <= 0) return episodeOpen;
      await this.wait(gate.remainingInMs, ctx);
    }
  }

  private async takeSlot(userScope: string, ctx: WaitContext): Promise<() => void> {
    let sem = this.slots.get(userScope);
    if (!sem) {
      sem = new Semaphore(this.options.maxConcurrentPerUser);
      this.slots.set(userScope, sem);
    }
    let release: () => void;
    try {
      release = await sem.acquire(ctx.signal);
    } catch (reason) {
      throw this.aborted(ctx, reason);
    }
    const owner = sem;
    const releaseAndForget = () => {
      release();
      if (owner.inFlight === 0 && owner.waiting === 0 && this.slots.get(userScope) === owner) this.slots.delete(userScope);
    };
    // The deadline is checked once a slot is free rather than with a timer on the clock: a pending sleeper would
    // let ManualClock's autoAdvance jump to the deadline while the calls ahead are still on the wire.
    if (ctx.deadlineAt !== undefined && this.clock.now() > ctx.deadlineAt) {
      releaseAndForget();
      throw this.deadlineReached(ctx);
    }
    return releaseAndForget;
  }

  /** Reserves this call's weight in every scope's rolling window; sleeps until old hits age out when full. */
  private async pace(scopes: CallScopes, ctx: WaitContext): Promise<void> {
    const { limits, safetyFactor } = this.options;
    const cap = (limit?: number) => (limit === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(limit * safetyFactor)));
    // Unknown limits still record hits (limit Infinity), so pacing is right as soon as a threshold is learned.
    const entries = [
      { scope: scopes.installation, limit: cap(limits.installation) },
      { scope: scopes.user, limit: cap(limits.user) },
      ...(scopes.session ? [{ scope: scopes.session, limit: cap(limits.session) }] : []),
    ];
    const weight = this.weightOf(ctx.operation);
    for (;;) {
      const r = await this.store.reserve(entries, weight, limits.windowInMs ?? DEFAULT_WINDOW_IN_MS);
      if (r.granted) return;
      await this.wait(Math.max(1, r.waitInMs), ctx);
    }
  }

  private aborted(ctx: WaitContext, reason: unknown): AbortedError {
    return new AbortedError(`${ctx.operation} was aborted before it was sent`, { code: 'Aborted', operation: ctx.operation, requestSent: false, cause: reason });
  }

  private deadlineReached(ctx: WaitContext): TransportError {
    return new TransportError(`${ctx.operation} could not be sent before its deadline`, { code: 'Timeout', operation: ctx.operation, requestSent: false, retryable: true });
  }
}
