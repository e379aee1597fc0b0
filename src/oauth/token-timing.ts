/**
 * When an access token may be handed out and when it is refreshed, on the injected clock:
 *
 *   acquired ──── refreshAt ─────────── useUntil ──── expiresAt (ExpiresInSeconds, or MaxLifetimeMinutes if shorter)
 *              used by calls      │  used by calls, while       │  never handed out: calls wait for the new one
 *                                 │  ONE refresh runs behind    │
 *                                 └─ (single flight) ───────────┘
 *
 * A session also dies after TimeoutMinutes without use: a token idle that long (minus minRemainingInMs) counts as
 * expired too, when this process alone uses it (TokenKeeper.idle).
 */
import type { TokenAnswer } from './acquire';
import type { OAuthOptions } from './options';
import type { SharedAccess } from './store';

/** One access token as this process holds it. */
export interface Access {
  token: string;
  expiresAt: number;
  refreshAt: number;
  useUntil: number;
  lifetimeInMs: number;
  idleTimeoutInMs: number;
  minRemainingInMs: number;
  lastUsedAt: number;
  version: number;
  endpoint: string;
  created: boolean;
}

type Margins = Pick<OAuthOptions, 'refreshAheadInMs' | 'minRemainingInMs'>;

export function isIdle(a: Access, now: number): boolean {
  return a.idleTimeoutInMs > 0 && now >= a.lastUsedAt + a.idleTimeoutInMs - a.minRemainingInMs;
}

function timing(margins: Margins, expiresAt: number, lifetimeInMs: number): Pick<Access, 'refreshAt' | 'useUntil' | 'minRemainingInMs'> {
  if (!Number.isFinite(expiresAt) || lifetimeInMs <= 0) return { refreshAt: Number.POSITIVE_INFINITY, useUntil: Number.POSITIVE_INFINITY, minRemainingInMs: 0 };
  const ahead = Math.min(margins.refreshAheadInMs ?? Math.min(300_000, lifetimeInMs / 4), lifetimeInMs / 2);
  const minRemaining = Math.min(margins.minRemainingInMs ?? Math.min(60_000, lifetimeInMs / 10), ahead);
  return { refreshAt: expiresAt - ahead, useUntil: expiresAt - minRemaining, minRemainingInMs: minRemaining };
}

/** A token this process acquired itself. */
export function accessOf(margins: Margins, answer: TokenAnswer, version: number, created: boolean): Access {
  const lifetimes = [answer.expiresInSeconds * 1_000, answer.maxLifetimeMinutes * 60_000].filter((v) => v > 0);
  const lifetimeInMs = lifetimes.length ? Math.min(...lifetimes) : 0;
  const expiresAt = lifetimeInMs > 0 ? answer.startedAt + lifetimeInMs : Number.POSITIVE_INFINITY;
  return {
    token: answer.accessToken,
    expiresAt,
    lifetimeInMs,
    idleTimeoutInMs: answer.timeoutMinutes * 60_000,
    lastUsedAt: answer.startedAt,
    version,
    endpoint: answer.endpoint,
    created,
    ...timing(margins, expiresAt, lifetimeInMs),
  };
}

/** A shared token, trusting the earlier of its writer's expiry and the store's remaining TTL. */
export function sharedAccessOf(margins: Margins, s: SharedAccess, now: number): Access {
  const expiresAt = Math.min(s.expiresAt, now + s.ttlInMs);
  return {
    token: s.accessToken,
    expiresAt,
    lifetimeInMs: s.lifetimeInMs,
    idleTimeoutInMs: s.idleTimeoutInMs,
    lastUsedAt: now,
    version: s.version,
    endpoint: s.endpoint,
    created: false,
    ...timing(margins, expiresAt, s.lifetimeInMs || Math.max(0, expiresAt - now)),
  };
}
