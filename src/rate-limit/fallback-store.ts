/**
 * Failover for a shared rate-limit store: a Redis outage must never stop the SDK, nor make a call hang. Each
 * shared command gets a short deadline; the first failure switches the process to its in-process store (one
 * warning), and a background probe, at most once per interval, switches it back when Redis answers again.
 *
 * The local store keeps this process's own hits even while the shared store is healthy, so pacing does not
 * start from an empty window when Redis goes away. It also mirrors every shared pause this process sets or reads,
 * so a Redis that dies mid-pause does not reopen the gate in the middle of the episode. A pause set locally during
 * an outage still holds after recovery, because reads merge both stores.
 *
 * While degraded, each process paces every scope to its share of the limit: the limit divided by the processes
 * that were live in the scope just before the outage (as the shared store last reported them; 1 when it never
 * said). Without that, N processes would each pace to the whole limit and together send N times too much.
 */
import type { Clock } from '../clock';
import { normalizeLogger, type AreaLogger, type LoggerInput } from '../logger';
import type { MemoryRateLimitStore, PauseState, RateLimitStore } from './store';

export interface FallbackLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
}

export interface ProbeableStore extends RateLimitStore {
  probe(): Promise<void>;
  /** Processes that shared a scope at the last reservation there (this one included); undefined when unknown. */
  liveProcesses?(scope: string): number | undefined;
}

export interface FallbackOptions {
  clock: Clock;
  commandTimeoutInMs: number;
  probeIntervalInMs: number;
  logger?: FallbackLogger;
  /**
   * While degraded, hits stay in the local window this much longer than the window. `redisStore()` passes the
   * shared window's arrival allowance plus the command timeout: a call reserved on Redis just before it failed
   * may wait that long for its next command before it is sent, so it reaches Projector that much later.
   * @default 0
   */
  windowAllowanceInMs?: number;
}

class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError';
}

function withTimeout<T>(work: Promise<T>, timeoutInMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(`no answer within ${timeoutInMs} ms`)), timeoutInMs);
    timer.unref?.();
  });
  // A late failure of an abandoned command must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function merge(shared: PauseState, local: PauseState): PauseState {
  const ages = [shared.episodeAgeInMs, local.episodeAgeInMs].filter((a): a is number => a !== undefined);
  return { remainingInMs: Math.max(shared.remainingInMs, local.remainingInMs), episodeAgeInMs: ages.length ? Math.max(...ages) : undefined };
}

export class FallbackRateLimitStore implements RateLimitStore {
  readonly kind: string;
  #degraded = false;
  #nextProbeAt = 0;
  #probing?: Promise<void>;
  /** pino- and console-style loggers alike; silent unless given (or DEBUG=projector:rate-limit). */
  private readonly log: AreaLogger;

  constructor(
    readonly shared: ProbeableStore,
    readonly local: MemoryRateLimitStore,
    private readonly options: FallbackOptions,
  ) {
    this.kind = shared.kind;
    this.log = normalizeLogger(options.logger as LoggerInput | undefined, 'rate-limit');
  }

  /** True while calls run on the in-process store because the shared one failed. */
  get degraded(): boolean {
    return this.#degraded;
  }

  async getPause(scope: string): Promise<PauseState> {
    const shared = await this.attempt(() => this.shared.getPause(scope));
    if (shared) await this.keep(scope, shared);
    const local = await this.local.getPause(scope);
    return shared ? merge(shared, local) : local;
  }

  async pause(scope: string, pauseInMs: number): Promise<PauseState> {
    const shared = await this.attempt(() => this.shared.pause(scope, pauseInMs));
    if (!shared) return this.local.pause(scope, pauseInMs);
    await this.keep(scope, shared);
    return merge(shared, await this.local.getPause(scope));
  }

  /** Mirrors a shared pause locally; an episode another process ended ends here too, once no local pause holds. */
  private async keep(scope: string, shared: PauseState): Promise<void> {
    if (shared.episodeAgeInMs === undefined && shared.remainingInMs <= 0) await this.local.endEpisode(scope);
    else this.local.mirror(scope, shared);
  }

  async endEpisode(scope: string): Promise<void> {
    await this.attempt(() => this.shared.endEpisode(scope));
    await this.local.endEpisode(scope);
  }

  async reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }> {
    const shared = await this.attempt(() => this.shared.reserve(entries, weight, windowInMs));
    if (!shared) return this.local.reserve(entries.map((e) => ({ scope: e.scope, limit: this.share(e.scope, e.limit) })), weight, windowInMs + (this.options.windowAllowanceInMs ?? 0));
    if (shared.granted) {
      const record = entries.map((e) => ({ scope: e.scope, limit: Number.POSITIVE_INFINITY }));
      await this.local.reserve(record, weight, windowInMs);
    }
    return shared;
  }

  /** This process's share of a scope's limit while degraded: at least 1, and Infinity stays Infinity (record only). */
  share(scope: string, limit: number): number {
    const processes = Math.max(1, this.shared.liveProcesses?.(scope) ?? 1);
    return Number.isFinite(limit) ? Math.max(1, Math.floor(limit / processes)) : limit;
  }

  /** Waits for a probe in flight; the Redis client itself belongs to the caller, who closes it. */
  async close(): Promise<void> {
    await this.#probing;
  }

  private async attempt<T>(command: () => Promise<T>): Promise<T | undefined> {
    if (this.#degraded) {
      this.probeSoon();
      return undefined;
    }
    try {
      return await withTimeout(command(), this.options.commandTimeoutInMs);
    } catch (error) {
      this.degrade(error);
      return undefined;
    }
  }

  private degrade(error: unknown): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#nextProbeAt = this.options.clock.now() + this.options.probeIntervalInMs;
    // Only the error's name and message: never the client's options, which may hold a password.
    const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : typeof error;
    this.log.warn(`rate limit: the shared ${this.kind} store failed; using the in-process gate until it answers again`, { reason });
  }

  private probeSoon(): void {
    const now = this.options.clock.now();
    if (this.#probing || now < this.#nextProbeAt) return;
    this.#nextProbeAt = now + this.options.probeIntervalInMs;
    this.#probing = withTimeout(this.shared.probe(), this.options.commandTimeoutInMs)
      .then(
        () => {
          this.#degraded = false;
          this.log.info(`rate limit: the shared ${this.kind} store answers again; back on the shared gate`);
        },
        () => undefined,
      )
      .finally(() => {
        this.#probing = undefined;
      });
  }
}
