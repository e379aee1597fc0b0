/**
 * Projector's rate limiter: weighted hits in a rolling window, counted per installation, per user and per
 * session; a call goes over when any counter exceeds its threshold. The hits of a call are counted when it
 * arrives, including calls then rejected (so a client that keeps hammering stays limited, and the 10016 text
 * reports e.g. "2401 of 2400"). Time comes from the simulator clock, so tests move windows without waiting.
 */
import type { Clock } from '../clock';
import type { OperationName } from '../soap/operations';
import { RATE_LIMIT_DEFAULTS } from './defaults';
import type { CounterSnapshot, RateLimitSettings } from './types';

class RollingCounter {
  private times: number[] = [];
  private weights: number[] = [];
  private head = 0;
  private sum = 0;

  add(at: number, weight: number): void {
    this.times.push(at);
    this.weights.push(weight);
    this.sum += weight;
  }

  total(now: number, windowInMs: number): number {
    const cutoff = now - windowInMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff) {
      this.sum -= this.weights[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
    return this.sum;
  }
}

export interface CounterKeys {
  installation: string;
  user?: string;
  session?: string;
}

export const counterKeys = (accountCode: string, userName?: string, ticket?: string): CounterKeys => ({
  installation: `i:${accountCode.toLowerCase()}`,
  user: userName === undefined ? undefined : `u:${accountCode.toLowerCase()}|${userName.toLowerCase()}`,
  session: ticket === undefined ? undefined : `s:${ticket}`,
});

export type Verdict = { kind: 'pass' | 'warn' | 'reject'; counts: CounterSnapshot };

export class RateLimiter {
  settings: RateLimitSettings;
  private readonly counters = new Map<string, RollingCounter>();

  constructor(private readonly clock: Clock, initial?: Partial<RateLimitSettings>) {
    this.settings = { ...RATE_LIMIT_DEFAULTS, ...initial, weights: { ...RATE_LIMIT_DEFAULTS.weights, ...initial?.weights } };
  }

  update(update: Partial<RateLimitSettings> | undefined): void {
    if (!update) return;
    this.settings = { ...this.settings, ...update, weights: { ...this.settings.weights, ...update.weights } };
  }

  weightOf(op: OperationName): number {
    return this.settings.weights[op] ?? this.settings.defaultWeight;
  }

  add(keys: CounterKeys, hits: Partial<CounterSnapshot>): void {
    const now = this.clock.now();
    const bump = (key: string | undefined, n: number | undefined) => {
      if (!key || !n) return;
      let c = this.counters.get(key);
      if (!c) this.counters.set(key, (c = new RollingCounter()));
      c.add(now, n);
    };
    bump(keys.installation, hits.installation);
    bump(keys.user, hits.user);
    bump(keys.session, hits.session);
  }

  counts(keys: CounterKeys): CounterSnapshot {
    const now = this.clock.now();
    const w = this.settings.windowInMs;
    const of = (key: string | undefined) => (key ? (this.counters.get(key)?.total(now, w) ?? 0) : 0);
    return { installation: of(keys.installation), user: of(keys.user), session: of(keys.session) };
  }

  /** Counts one call of `op` and says whether it may run. */
  admit(op: OperationName, keys: CounterKeys): Verdict {
    const weight = this.weightOf(op);
    this.add(keys, { installation: weight, user: weight, session: weight });
    const counts = this.counts(keys);
    const s = this.settings;
    const over = counts.installation > s.installationLimit || counts.user > s.userLimit || counts.session > s.sessionLimit;
    if (!over || s.mode === 'Disabled') return { kind: 'pass', counts };
    return { kind: s.mode === 'Error' ? 'reject' : 'warn', counts };
  }
}
