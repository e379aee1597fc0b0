/**
 * Failover for a shared rate-limit store: a Redis outage must never stop the SDK, nor make a call hang. Each
 * shared command gets a short deadline; the first failure switches the process to its in-process store (one
 * warning), and a background probe, at most once per interval, switches it back when Redis answers again.
 *
 * The local store keeps this process's own hits even while the shared store is healthy, so pacing does not
 * start from an empty window when Redis goes away; a pause set locally during an outage still holds after
 * recovery, because reads merge both stores.
 */
import type { Clock } from '../clock';
import type { MemoryRateLimitStore, PauseState, RateLimitStore } from './store';

export interface FallbackLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
}

export interface ProbeableStore extends RateLimitStore {
  probe(): Promise<void>;
}

export interface FallbackOptions {
  clock: Clock;
  commandTimeoutInMs: number;
  probeIntervalInMs: number;
  logger?: FallbackLogger;
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

  constructor(
    readonly shared: ProbeableStore,
    readonly local: MemoryRateLimitStore,
    private readonly options: FallbackOptions,
  ) {
    this.kind = shared.kind;
  }

  /** True while calls run on the in-process store because the shared one failed. */
  get degraded(): boolean {
    return this.#degraded;
  }

  async getPause(scope: string): Promise<PauseState> {
    const shared = await this.attempt(() => this.shared.getPause(scope));
    const local = await this.local.getPause(scope);
    return shared ? merge(shared, local) : local;
  }

  async pause(scope: string, pauseInMs: number): Promise<PauseState> {
    const shared = await this.attempt(() => this.shared.pause(scope, pauseInMs));
    return shared ? merge(shared, await this.local.getPause(scope)) : this.local.pause(scope, pauseInMs);
  }

  async endEpisode(scope: string): Promise<void> {
    await this.attempt(() => this.shared.endEpisode(scope));
    await this.local.endEpisode(scope);
  }

  async reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }> {
    const shared = await this.attempt(() => this.shared.reserve(entries, weight, windowInMs));
    if (!shared) return this.local.reserve(entries, weight, windowInMs);
    if (shared.granted) {
      const record = entries.map((e) => ({ scope: e.scope, limit: Number.POSITIVE_INFINITY }));
      await this.local.reserve(record, weight, windowInMs);
    }
    return shared;
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
    this.options.logger?.warn(`rate limit: the shared ${this.kind} store failed; using the in-process gate until it answers again`, { reason });
  }

  private probeSoon(): void {
    const now = this.options.clock.now();
    if (this.#probing || now < this.#nextProbeAt) return;
    this.#nextProbeAt = now + this.options.probeIntervalInMs;
    this.#probing = withTimeout(this.shared.probe(), this.options.commandTimeoutInMs)
      .then(
        () => {
          this.#degraded = false;
          this.options.logger?.info?.(`rate limit: the shared ${this.kind} store answers again; back on the shared gate`);
        },
        () => undefined,
      )
      .finally(() => {
        this.#probing = undefined;
      });
  }
}
