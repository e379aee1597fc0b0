/**
 * Time is injected everywhere (client, gate, pacing, simulator) so that 5 s pauses, 60 s windows and session or
 * lock expiry can be tested in milliseconds. Production code uses `systemClock`; tests use `ManualClock`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told to (`advance`, `set`) or, with `autoAdvance`, when every pending sleeper
 * is waiting on it: then it jumps to the earliest deadline after a real macrotask, which lets in-flight I/O
 * (HTTP on loopback) settle first. Tests of a 60 s give-up therefore take milliseconds and are deterministic
 * in the virtual time they observe.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private tickScheduled = false;
  readonly autoAdvance: boolean;

  constructor(options: { startAt?: number; autoAdvance?: boolean } = {}) {
    this.current = options.startAt ?? Date.UTC(2026, 0, 1);
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  /** Number of pending sleepers; useful to wait until a client has entered a pause. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve: () => undefined };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal!));
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      if (ms <= 0) this.fireDue();
      else this.scheduleTick();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose deadline has passed, in deadline order. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(epochMs: number): void {
    if (epochMs < this.current) throw new RangeError('ManualClock cannot go backwards');
    this.current = epochMs;
    this.fireDue();
  }

  private fireDue(): void {
    const due = this.sleepers.filter((s) => s.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
  }

  private scheduleTick(): void {
    if (!this.autoAdvance || this.tickScheduled) return;
    this.tickScheduled = true;
    // setTimeout (not setImmediate) so that loopback HTTP round trips already under way can complete first.
    setTimeout(() => {
      this.tickScheduled = false;
      if (this.sleepers.length === 0) return;
      const next = Math.min(...this.sleepers.map((s) => s.at));
      if (next > this.current) this.current = next;
      this.fireDue();
      if (this.sleepers.length > 0) this.scheduleTick();
    }, 2);
  }
}
