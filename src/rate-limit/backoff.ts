/** Pure wait computations: how long to pause after a 10016, a busy refusal or a transport failure. */

export interface PausePolicy {
  minPauseInMs: number;
  maxPauseInMs: number;
  giveUpAfterInMs: number;
  backoffFactor: number;
}

/**
 * The pause after this call's n-th 10016 (n from 0): full jitter between minPause and the exponential cap, so
 * concurrent callers spread out yet never retry sooner than the vendor's minimum. The pause is trimmed so the
 * next try lands at the give-up time rather than past it: by then the whole rolling window has turned over, so
 * that last try is the one most likely to succeed. Returns undefined when the episode is already past give-up.
 */
export function rateLimitPauseInMs(n: number, episodeAgeInMs: number, policy: PausePolicy, random: () => number): number | undefined {
  const leftInMs = policy.giveUpAfterInMs - episodeAgeInMs;
  if (leftInMs <= 0) return undefined;
  const capInMs = Math.min(policy.maxPauseInMs, policy.minPauseInMs * policy.backoffFactor ** n);
  const jittered = policy.minPauseInMs + clamp01(random()) * Math.max(0, capInMs - policy.minPauseInMs);
  return Math.round(Math.max(policy.minPauseInMs, Math.min(jittered, leftInMs)));
}

/** Transport retries: base * 2^(n-1), with jitter in [50%, 100%] so that a reconnect storm spreads out. */
export function transportDelayInMs(n: number, baseInMs: number, random: () => number): number {
  const capInMs = baseInMs * 2 ** Math.max(0, n - 1);
  return Math.round(capInMs / 2 + (clamp01(random()) * capInMs) / 2);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
