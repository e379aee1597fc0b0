/**
 * The state behind the rate-limit gate and pacing. In-process by default; a shared (Redis) store lets several
 * processes of one installation honour one gate. The interface speaks in relative durations only, so a shared
 * store can use its own server time and hosts with skewed clocks still agree.
 */
import type { Clock } from '../clock';

export interface PauseState {
  /** How long the gate stays closed from now; 0 when open. */
  remainingInMs: number;
  /** Time since the first 10016 of the current episode; undefined when no episode is open. */
  episodeAgeInMs?: number;
}

export interface RateLimitStore {
  /** 'memory' | 'redis' */
  readonly kind: string;
  getPause(scope: string): Promise<PauseState>;
  /** Extends the pause to max(existing end, now + pauseInMs); starts the episode if none is open. */
  pause(scope: string, pauseInMs: number): Promise<PauseState>;
  /** Called after a success that followed a pause. Keeps the episode while a pause is still in force. */
  endEpisode(scope: string): Promise<void>;
  /** All-or-nothing reservation of `weight` hits in every scope's rolling window under its limit. */
  reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }>;
  close?(): Promise<void>;
}

interface Hit {
  at: number;
  weight: number;
}

interface ScopeState {
  pausedUntil: number;
  episodeStartedAt?: number;
  hits: Hit[];
  /** Sum of `hits` weights, kept as hits come and go so a reservation costs O(expired hits), not O(window). */
  used: number;
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  private readonly scopes = new Map<string, ScopeState>();

  constructor(private readonly clock: Clock) {}

  private state(scope: string): ScopeState {
    let s = this.scopes.get(scope);
    if (!s) {
      s = { pausedUntil: 0, hits: [], used: 0 };
      this.scopes.set(scope, s);
    }
    return s;
  }

  private view(s: ScopeState, now: number): PauseState {
    return {
      remainingInMs: Math.max(0, s.pausedUntil - now),
      episodeAgeInMs: s.episodeStartedAt === undefined ? undefined : now - s.episodeStartedAt,
    };
  }

  async getPause(scope: string): Promise<PauseState> {
    const s = this.scopes.get(scope);
    return s ? this.view(s, this.clock.now()) : { remainingInMs: 0 };
  }

  async pause(scope: string, pauseInMs: number): Promise<PauseState> {
    const now = this.clock.now();
    const s = this.state(scope);
    s.pausedUntil = Math.max(s.pausedUntil, now + Math.max(0, pauseInMs));
    s.episodeStartedAt ??= now;
    return this.view(s, now);
  }

  async endEpisode(scope: string): Promise<void> {
    const s = this.scopes.get(scope);
    // A concurrent 10016 may have re-closed the gate after this call's success: that episode is still live.
    if (s && s.pausedUntil <= this.clock.now()) s.episodeStartedAt = undefined;
  }

  /** Drops hits older than the window from the front (hits are in time order) and keeps the running total. */
  private trim(s: ScopeState, now: number, windowInMs: number): void {
    let drop = 0;
    while (drop < s.hits.length && s.hits[drop].at <= now - windowInMs) s.used -= s.hits[drop++].weight;
    if (drop > 0) s.hits.splice(0, drop);
  }

  async reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }> {
    const now = this.clock.now();
    let waitInMs = 0;
    for (const { scope, limit } of entries) {
      const s = this.state(scope);
      this.trim(s, now, windowInMs);
      const used = s.used;
      // A call heavier than the whole limit could never fit: let it through once the window is empty.
      if (used + weight <= limit || used === 0) continue;
      // Find the oldest prefix whose expiry frees enough room (or empties the window).
      let freed = 0;
      let until = now + 1;
      for (const h of s.hits) {
        freed += h.weight;
        until = h.at + windowInMs;
        if (used - freed + weight <= limit) break;
      }
      waitInMs = Math.max(waitInMs, until - now);
    }
    if (waitInMs > 0) return { granted: false, waitInMs };
    for (const { scope } of entries) {
      const s = this.state(scope);
      s.hits.push({ at: now, weight });
      s.used += weight;
    }
    return { granted: true, waitInMs: 0 };
  }
}
