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

/**
 * Hits are counted in time buckets, this many per window. A bucket leaves the window when its newest hit does,
 * so a hit is held at most window/BUCKETS_PER_WINDOW (0.6 s of a 60 s window) longer than its own expiry: pacing
 * stays conservative (never more than the limit in any window) and at most 1% slower than exact. Hits made at
 * one instant are exact.
 */
export const BUCKETS_PER_WINDOW = 100;
/** A window spans at most BUCKETS_PER_WINDOW + 2 buckets (a partial one at each end); more are merged. */
export const MAX_BUCKETS = BUCKETS_PER_WINDOW + 2;

/**
 * The hits of one scope: a ring of at most MAX_BUCKETS buckets (first hit, newest hit, weight), oldest first,
 * and their running total. Memory is bounded whatever the call rate, and a reservation costs O(1) amortized
 * (each bucket is dropped once), O(MAX_BUCKETS) at worst.
 */
class HitWindow {
  /** Slot i holds [firstAt, lastAt, weight] at 3i..3i+2; grows by doubling up to MAX_BUCKETS slots. */
  private slots = new Float64Array(3 * 4);
  private head = 0;
  size = 0;
  used = 0;

  get capacity(): number {
    return this.slots.length / 3;
  }

  private at(i: number): number {
    return 3 * ((this.head + i) % this.capacity);
  }

  lastAt(i: number): number {
    return this.slots[this.at(i) + 1];
  }

  weight(i: number): number {
    return this.slots[this.at(i) + 2];
  }

  get newestAt(): number {
    return this.size ? this.lastAt(this.size - 1) : Number.NEGATIVE_INFINITY;
  }

  /** Drops the buckets whose newest hit has left the window; returns how many buckets it looked at. */
  trim(now: number, windowInMs: number): number {
    let looked = 0;
    while (this.size > 0) {
      looked++;
      const i = this.at(0);
      if (this.slots[i + 1] > now - windowInMs) break;
      this.used -= this.slots[i + 2];
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
    if (this.size === 0) this.used = 0; // no drift from fractional weights
    return looked;
  }

  add(now: number, weight: number, windowInMs: number): void {
    this.used += weight;
    const width = windowInMs / BUCKETS_PER_WINDOW;
    if (this.size > 0) {
      const i = this.at(this.size - 1);
      // Into the newest bucket while it is young enough, or when the ring is full (the window grew since these
      // buckets were made): stamping the merged hits with `now` only holds them longer, never shorter.
      if (now - this.slots[i] < width || this.size === MAX_BUCKETS) {
        this.slots[i + 1] = Math.max(this.slots[i + 1], now);
        this.slots[i + 2] += weight;
        return;
      }
    }
    if (this.size === this.capacity) this.grow();
    const i = this.at(this.size);
    this.slots[i] = now;
    this.slots[i + 1] = now;
    this.slots[i + 2] = weight;
    this.size++;
  }

  private grow(): void {
    const capacity = Math.min(MAX_BUCKETS, this.capacity * 2);
    const slots = new Float64Array(3 * capacity);
    for (let k = 0; k < this.size; k++) slots.set(this.slots.subarray(this.at(k), this.at(k) + 3), 3 * k);
    this.slots = slots;
    this.head = 0;
  }
}

interface ScopeState {
  pausedUntil: number;
  episodeStartedAt?: number;
  hits: HitWindow;
  /** The window of the last reservation: how long the scope's hits matter, for the idle sweep. */
  windowInMs: number;
}

export interface MemoryStoreOptions {
  /**
   * How long an open episode outlives its pause when nothing ends it (say every call gave up), as the Redis
   * store's key TTL does; after that an idle scope is dropped. @default 120000
   */
  episodeRetentionInMs?: number;
}

/** @internal What a scope holds, for tests and tooling. */
export interface ScopeStats {
  buckets: number;
  /** Buckets' memory allocated (slots), at most MAX_BUCKETS. */
  capacity: number;
  /** Weight currently counted in the window. */
  used: number;
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  private readonly scopes = new Map<string, ScopeState>();
  private readonly episodeRetentionInMs: number;
  private nextSweepAt = Number.NEGATIVE_INFINITY;
  /** @internal Buckets looked at by reservations and sweeps so far: the work done, counted rather than timed. */
  bucketsVisited = 0;

  constructor(
    private readonly clock: Clock,
    options: MemoryStoreOptions = {},
  ) {
    this.episodeRetentionInMs = Math.max(0, options.episodeRetentionInMs ?? 120_000);
  }

  private state(scope: string): ScopeState {
    let s = this.scopes.get(scope);
    if (!s) {
      s = { pausedUntil: 0, hits: new HitWindow(), windowInMs: 0 };
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
    this.sweepIfDue(now);
    const s = this.state(scope);
    s.pausedUntil = Math.max(s.pausedUntil, now + Math.max(0, pauseInMs));
    s.episodeStartedAt ??= now;
    return this.view(s, now);
  }

  /**
   * Takes over a pause another store reported (relative times, so clocks need not agree): the gate stays closed at
   * least as long, and the episode is at least as old.
   */
  mirror(scope: string, shared: PauseState): void {
    if (shared.remainingInMs <= 0 && shared.episodeAgeInMs === undefined) return;
    const now = this.clock.now();
    const s = this.state(scope);
    s.pausedUntil = Math.max(s.pausedUntil, now + shared.remainingInMs);
    if (shared.episodeAgeInMs !== undefined) s.episodeStartedAt = Math.min(s.episodeStartedAt ?? now, now - shared.episodeAgeInMs);
  }

  async endEpisode(scope: string): Promise<void> {
    const s = this.scopes.get(scope);
    // A concurrent 10016 may have re-closed the gate after this call's success: that episode is still live.
    if (s && s.pausedUntil <= this.clock.now()) s.episodeStartedAt = undefined;
  }

  async reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }> {
    const now = this.clock.now();
    this.sweepIfDue(now);
    let waitInMs = 0;
    for (const { scope, limit } of entries) {
      const s = this.state(scope);
      s.windowInMs = windowInMs;
      const hits = s.hits;
      this.bucketsVisited += hits.trim(now, windowInMs);
      const used = hits.used;
      // A call heavier than the whole limit could never fit: let it through once the window is empty.
      if (used + weight <= limit || used === 0) continue;
      // Find the oldest buckets whose expiry frees enough room (or empties the window): at most MAX_BUCKETS.
      let freed = 0;
      let until = now + 1;
      for (let i = 0; i < hits.size; i++) {
        this.bucketsVisited++;
        freed += hits.weight(i);
        until = hits.lastAt(i) + windowInMs;
        if (used - freed + weight <= limit) break;
      }
      waitInMs = Math.max(waitInMs, until - now);
    }
    if (waitInMs > 0) return { granted: false, waitInMs };
    for (const { scope } of entries) this.state(scope).hits.add(now, weight, windowInMs);
    return { granted: true, waitInMs: 0 };
  }

  /** @internal What one scope holds (undefined once it was dropped as idle). */
  inspect(scope: string): ScopeStats | undefined {
    const s = this.scopes.get(scope);
    return s && { buckets: s.hits.size, capacity: s.hits.capacity, used: s.hits.used };
  }

  /** @internal Number of scopes held. */
  get scopeCount(): number {
    return this.scopes.size;
  }

  /**
   * Drops the scopes that hold nothing any more: no hit in their window, no pause in force, no episode within
   * its retention. Runs at most once per window, so it costs O(1) per call amortized; a scope idle for over a
   * window is gone after at most two.
   */
  private sweepIfDue(now: number): void {
    if (now < this.nextSweepAt) return;
    let every = Number.POSITIVE_INFINITY;
    for (const [scope, s] of this.scopes) {
      if (s.windowInMs > 0) {
        this.bucketsVisited += s.hits.trim(now, s.windowInMs);
        every = Math.min(every, s.windowInMs);
      }
      const idle = s.hits.size === 0 && s.pausedUntil <= now;
      if (idle && (s.episodeStartedAt === undefined || now >= s.pausedUntil + this.episodeRetentionInMs)) this.scopes.delete(scope);
    }
    this.nextSweepAt = now + (Number.isFinite(every) ? every : 1_000);
  }
}
