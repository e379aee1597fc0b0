/**
 * What the WSDL cannot say about an operation, written down once: whether it may be sent again after it may have
 * reached the server, whether it runs without a session, and its rate-limit weight.
 *
 * The re-send rule: an operation is re-sent after its request was written (a reset, a timeout, an unreadable answer)
 * only if it is listed here as idempotent, or a client says so in `operations`. Everything else, including every
 * operation the SDK has never heard of, surfaces OutcomeUnknownError instead, as acquire does. A request that provably
 * never left (refused connection, DNS, a stale pooled socket before writing), a 10016 rejection and a "too many
 * active requests" refusal are retried for any operation: the server did not run those.
 */
import type { OperationName } from './soap/operations';

/**
 * Safe to repeat: a repeated login makes at most one more session; logout, release, check and the rate-limiter test
 * leave the same state when run twice (a second release answers 50476, which the SDK reads as success).
 */
export const IDEMPOTENT_OPERATIONS: ReadonlySet<string> = new Set([
  'PwsAuthenticate',
  'PwsUnauthenticate',
  'PwsCheckProjectorLocks',
  'PwsReleaseProjectorLocks',
  'PwsTestRateLimiter',
]);

/** Sent without a SessionTicket: they create sessions. */
export const SESSIONLESS_OPERATIONS: ReadonlySet<string> = new Set(['PwsAuthenticate', 'PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken']);

/** Per-client overrides, `operations: { PwsSaveTimeCards: { idempotent: false, weight: 5 } }`. */
export interface OperationOverride {
  idempotent?: boolean;
  /** Rate-limit hits this operation counts (the vendor's weight table is not public). */
  weight?: number;
}

export interface OperationPolicy {
  idempotent: boolean;
  needsSession: boolean;
  weight?: number;
}

export function policyOf(operation: OperationName, overrides: Readonly<Record<string, OperationOverride>> | undefined): OperationPolicy {
  const own = overrides?.[operation];
  return {
    idempotent: own?.idempotent ?? IDEMPOTENT_OPERATIONS.has(operation),
    needsSession: !SESSIONLESS_OPERATIONS.has(operation),
    weight: own?.weight,
  };
}
