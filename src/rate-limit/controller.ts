/**
 * One controller per installation, shareable between the clients of that installation. It owns the three things
 * every attempt passes through before it is sent: the pause gate (closed by any 10016), the per-user concurrency
 * cap, and pacing under the known thresholds. The retry loop (src/retry.ts) decides when to close the gate.
 */
import type { Clock } from '../clock';
import { Telemetry } from '../telemetry';
import { normalizeLogger, type AreaLogger, type LoggerInput } from '../logger';
import { AbortedError, RateLimitError, TransportError, type RateLimitCounts } from '../errors';
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
  debug?(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
}

/** What a wait before an attempt may be cut short by. */
export interface WaitContext {
  operation: OperationName;
  signal?: AbortSignal;
  /** Clock ms; a wait that cannot end before it fails at once. */
  deadlineAt?: number;
  /** Set by the retry loop after this call's own 10016: its pause was announced already, as 'rate-limited'. */
  quietGate?: boolean;
  /** The client's `operations[operation].weight`, if it sets one (see weightOf). */
  weight?: number;
}

/** Why a call waits before it is sent (RateLimitedInfo.reason). */
export type WaitReason = 'paused' | 'queued' | 'pacing';

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
  private readonly logger: AreaLogger;
  private readonly slots = new Map<string, Semaphore>();

  constructor(options: RateLimitOptions & { clock: Clock; logger?: RateLimitLogger | LoggerInput }) {
    this.clock = options.clock;
    // pino- and console-style loggers alike (see logger.ts); retries are logged under projector:retry.
    this.logger = normalizeLogger(options.logger as LoggerInput | undefined, 'rate-limit');
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
    if (changed) this.logger.info('rate limit: thresholds learned', { ...known });
  }

  /** @internal Learns whatever thresholds a 10016 message carried. */
  learnFromCounts(counts: RateLimitCounts, windowInMs?: number): void {
    this.learnLimits({ installation: counts.installationLimit, user: counts.userLimit, session: counts.sessionLimit, windowInMs });
  }

  /** A successful response carried a 10016 warning (warning mode): learn the thresholds, so pacing slows us, and tell the hook. */
  async onWarning(operation: OperationName, counts: RateLimitCounts, scopes: CallScopes): Promise<void> {
    this.learnFromCounts(counts);
    this.logger.warn('rate limit: warning from Projector', { operation, installation: scopes.installation, ...counts });
    const episode = await this.store.getPause(scopes.installation);
    // The call already ran, so a veto has nothing to stop; the return value is ignored.
    await this.emitRateLimited({ operation, attempt: 1, waitInMs: 0, elapsedInMs: episode.episodeAgeInMs ?? 0, counts: { ...counts }, mode: 'Warning', reason: 'warning' });
  }

  /**
   * The hits one call counts, the only place a weight is resolved: the client's own `operations[operation].weight`,
   * else `rateLimit.weights[operation]`, else `defaultWeight`.
   */
  weightOf(operation: OperationName, override?: number): number {
    return override ?? this.options.weights[operation] ?? this.options.defaultWeight;
  }

  /** Calls of this user scope currently holding a slot. */
  inFlight(userScope: string): number {
    return this.slots.get(userScope)?.inFlight ?? 0;
  }

  /**
   * @internal Gate, then slot, then pacing; re-checks the gate so nothing is sent while it is closed. A call that has
   * to wait for room in a pacing window gives its slot back while it waits (and queues again after), so slots are
   * only ever held by calls about to be sent or on the wire: a queue wait lasts as long as the exchanges ahead of it,
   * never as long as someone else's pacing.
   */
  async admit(scopes: CallScopes, ctx: WaitContext): Promise<Admission> {
    const startedAt = this.clock.now();
    let episodeOpen = false;
    for (;;) {
      if (ctx.signal?.aborted) throw this.aborted(ctx, ctx.signal.reason);
      episodeOpen = (await this.waitForGate(scopes.installation, ctx)) || episodeOpen;
      const queuedAt = this.clock.now();
      const release = await this.takeSlot(scopes.user, ctx);
      let paceInMs = 0;
      try {
        const queuedInMs = this.clock.now() - queuedAt;
        if (queuedInMs > 0) {
          // Known only once it is over (a slot frees when a call ahead settles): reported, not vetoable.
          this.noteWait('queued', queuedInMs, ctx);
          await this.emitRateLimited({ operation: ctx.operation, attempt: 1, waitInMs: queuedInMs, elapsedInMs: queuedAt - startedAt, counts: {}, mode: 'Error', reason: 'queued' });
        }
        if (this.options.pacing) paceInMs = await this.reserve(scopes, ctx);
        if (paceInMs === 0) {
          const gate = await this.store.getPause(scopes.installation);
          if (gate.episodeAgeInMs !== undefined) episodeOpen = true;
          if (gate.remainingInMs <= 0) return { release, waitedInMs: this.clock.now() - startedAt, episodeOpen };
        }
      } catch (error) {
        release();
        throw error;
      }
      // Not sent after all (the gate closed meanwhile, or the window is full): free the slot while waiting.
      release();
      if (paceInMs > 0) await this.waitForPacing(paceInMs, ctx, this.clock.now() - startedAt);
    }
  }

  /** @internal Closes the gate of a scope for at least pauseInMs (pass 0 to only open the episode). */
  async closeGate(scope: string, pauseInMs: number, meta?: object): Promise<PauseState> {
    const state = await this.store.pause(scope, pauseInMs);
    if (pauseInMs > 0) this.logger.warn('rate limit: pausing all calls', { scope, pauseInMs: state.remainingInMs, ...meta });
    return state;
  }

  /** @internal */
  async endEpisode(scope: string): Promise<void> {
    try {
      await this.store.endEpisode(scope);
    } catch (error) {
      // Losing this only makes a later give-up come sooner; it must not fail a call that succeeded.
      this.logger.warn('rate limit: could not end the episode', { scope, error: String((error as Error)?.name ?? error) });
    }
  }

  /** @internal Returns false when the hook vetoed. */
  async emitRateLimited(info: RateLimitedInfo): Promise<boolean> {
    return (await this.options.onRateLimited?.(info)) !== false;
  }

  /** @internal Returns false when the hook vetoed. */
  async emitRetry(info: RetryInfo): Promise<boolean> {
    // Retries are logged at info; only codes and numbers, never the error's text (it may quote server input).
    this.logger.for('retry').info('retrying', { operation: info.operation, attempt: info.attempt, waitInMs: info.waitInMs, reason: info.reason, code: info.error.code });
    Telemetry.retried(info.reason, info.waitInMs, info.attempt, String(info.error.code));
    if (info.reason !== 'rate-limited') Telemetry.waited(info.reason, info.waitInMs);
    return (await this.options.onRetry?.(info)) !== false;
  }

  /** @internal Sleeps on the clock; aborts at once; fails at once when the wait would pass the deadline. */
  async wait(ms: number, ctx: WaitContext): Promise<void> {
    this.checkDeadline(ms, ctx);
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
      this.checkDeadline(gate.remainingInMs, ctx);
      if (!ctx.quietGate) await this.announce('paused', gate.remainingInMs, ctx, gate.episodeAgeInMs ?? 0);
      await this.wait(gate.remainingInMs, ctx);
    }
  }

  /** Logs a wait; long ones at info, so a slow call is never silent. */
  private noteWait(reason: WaitReason, waitInMs: number, ctx: WaitContext): void {
    const meta = { operation: ctx.operation, reason, waitInMs };
    Telemetry.waited(reason, waitInMs);
    if (waitInMs >= 1_000) this.logger.info('rate limit: waiting before sending', meta);
    else this.logger.debug('rate limit: waiting before sending', meta);
  }

  /** Tells the logger and the hook about a wait that is about to start; a veto ends the call with a RateLimitError. */
  private async announce(reason: WaitReason, waitInMs: number, ctx: WaitContext, elapsedInMs: number): Promise<void> {
    this.noteWait(reason, waitInMs, ctx);
    const go = await this.emitRateLimited({ operation: ctx.operation, attempt: 1, waitInMs, elapsedInMs, counts: {}, mode: 'Error', reason });
    if (!go) throw this.gaveUp(ctx, `a hook vetoed waiting ${waitInMs} ms (${reason})`);
  }

  private gaveUp(ctx: WaitContext, why: string): RateLimitError {
    return new RateLimitError(`${ctx.operation} was not sent: ${why}`, { code: 'RequestExceededRateLimit', operation: ctx.operation, requestSent: false, retryable: true });
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
    if (ctx.deadlineAt !== undefined && this.clock.now() >= ctx.deadlineAt) {
      releaseAndForget();
      throw this.deadlineReached(ctx);
    }
    return releaseAndForget;
  }

  /**
   * Reserves this call's weight in every scope's rolling window. Returns 0 when granted, else how long until old hits
   * age out enough for it (nothing is reserved then).
   */
  private async reserve(scopes: CallScopes, ctx: WaitContext): Promise<number> {
    const { limits, safetyFactor } = this.options;
    const cap = (limit?: number) => (limit === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(limit * safetyFactor)));
    // Unknown limits still record hits (limit Infinity), so pacing is right as soon as a threshold is learned.
    const entries = [
      { scope: scopes.installation, limit: cap(limits.installation) },
      { scope: scopes.user, limit: cap(limits.user) },
      ...(scopes.session ? [{ scope: scopes.session, limit: cap(limits.session) }] : []),
    ];
    const r = await this.store.reserve(entries, this.weightOf(ctx.operation, ctx.weight), limits.windowInMs ?? DEFAULT_WINDOW_IN_MS);
    return r.granted ? 0 : Math.max(1, r.waitInMs);
  }

  /**
   * One pacing wait, announced to the logger and the hook. A wait longer than giveUpAfterInMs (the window would not
   * free up in time) is a RateLimitError at once; one that would pass the call's deadline is its Timeout at once.
   */
  private async waitForPacing(waitInMs: number, ctx: WaitContext, elapsedInMs: number): Promise<void> {
    if (waitInMs > this.options.giveUpAfterInMs) {
      throw this.gaveUp(ctx, `pacing under the known limits would hold it ${waitInMs} ms, past giveUpAfterInMs (${this.options.giveUpAfterInMs} ms)`);
    }
    this.checkDeadline(waitInMs, ctx);
    await this.announce('pacing', waitInMs, ctx, elapsedInMs);
    await this.wait(waitInMs, ctx);
  }

  /** A wait that would end past the call's deadline fails now, before anyone is told it starts. */
  private checkDeadline(waitInMs: number, ctx: WaitContext): void {
    if (ctx.deadlineAt !== undefined && this.clock.now() + waitInMs >= ctx.deadlineAt) throw this.deadlineReached(ctx);
  }

  private aborted(ctx: WaitContext, reason: unknown): AbortedError {
    return new AbortedError(`${ctx.operation} was aborted before it was sent`, { code: 'Aborted', operation: ctx.operation, requestSent: false, cause: reason });
  }

  private deadlineReached(ctx: WaitContext): TransportError {
    return new TransportError(`${ctx.operation} could not be sent before its deadline`, { code: 'Timeout', operation: ctx.operation, requestSent: false, retryable: true });
  }
}
