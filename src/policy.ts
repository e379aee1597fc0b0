/**
 * What the WSDL cannot say about an operation, written down once: whether it may be sent again after it may have
 * reached the server, whether it runs without a session, and its rate-limit weight.
 *
 * The re-send rule is data: the verb an operation's name starts with (`Pws<Verb>...`) says whether it only reads
 * (READ_VERBS: re-sent after a transport fault) or changes something (WRITE_VERBS: never re-sent once its request
 * may have arrived; OutcomeUnknownError instead). RESEND_EXCEPTIONS overrides the verb for named operations, each
 * with its reason. An operation with a verb in neither list, such as one added to the service later, is treated as
 * a write. A request that provably never left (refused connection, DNS, a stale pooled socket before writing), a
 * 10016 rejection and a "too many active requests" refusal are retried for any operation: the server did not run
 * those. A client's `operations: { PwsX: { idempotent } }` wins over all of this.
 */
import type { OperationName } from './soap/operations';

/** Verbs of operations that only read: running one twice changes nothing on the server. */
export const READ_VERBS: readonly string[] = ['Get', 'Search', 'Check', 'Test'];

/**
 * Verbs of operations that change data, as the vendor's 147 operations use them. Acquire (locks, an OAuth token
 * that rotates the refresh token) and Lock create something new on every run; Save, Set, Update, Add, Submit,
 * Apply, Create, Delete, Undelete, Purge, Rollback, Rename, Mark, Dismiss, Unlock and Revoke change state that a
 * late duplicate could change twice or change back. Renew too: the vendor does not say whether a renewal sets the
 * expiry or extends it, and a duplicate that extends it holds the locks longer than asked (after
 * OutcomeUnknownError, PwsCheckProjectorLocks tells whether to renew again).
 */
export const WRITE_VERBS: readonly string[] = [
  'Acquire', 'Add', 'Apply', 'Create', 'Delete', 'Dismiss', 'Lock', 'Mark', 'Purge', 'Rename', 'Renew', 'Revoke', 'Rollback',
  'Save', 'Set', 'Submit', 'Undelete', 'Unlock', 'Update',
];

export interface ResendException {
  resend: boolean;
  reason: string;
}

/** Operations whose verb alone says the wrong thing (or nothing), by name. */
export const RESEND_EXCEPTIONS: Readonly<Record<string, ResendException>> = {
  PwsAuthenticate: { resend: true, reason: 'a repeated login makes at most one more session, and the SDK keeps only the last' },
  PwsImpersonate: { resend: true, reason: 'like PwsAuthenticate: it starts a session and changes no data' },
  PwsUnauthenticate: { resend: true, reason: 'ending a session that has already ended answers -101, which the SDK reads as logged out' },
  PwsReleaseProjectorLocks: { resend: true, reason: 'a second release answers 50476 LockAlreadyReleased, which the SDK reads as success' },
  PwsExportIncrementalTimeFeed: { resend: true, reason: 'a read: the caller carries the position (Bookmark64), so a repeat returns the same rows' },
};

/** Sent without a SessionTicket: they create sessions. */
export const SESSIONLESS_OPERATIONS: ReadonlySet<string> = new Set(['PwsAuthenticate', 'PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken']);

export type ResendBasis = 'read verb' | 'write verb' | 'exception' | 'unknown verb';

export interface ResendDecision {
  resend: boolean;
  basis: ResendBasis;
  /** The verb the name starts with (`Get` for PwsGetUser), if any. */
  verb?: string;
}

/** Whether `operation` may be re-sent after its request may have reached the server, and why. */
export function resendDecision(operation: string): ResendDecision {
  const verb = /^Pws([A-Z][a-z]*)/.exec(operation)?.[1];
  const exception = RESEND_EXCEPTIONS[operation];
  if (exception) return { resend: exception.resend, basis: 'exception', verb };
  if (verb && READ_VERBS.includes(verb)) return { resend: true, basis: 'read verb', verb };
  if (verb && WRITE_VERBS.includes(verb)) return { resend: false, basis: 'write verb', verb };
  return { resend: false, basis: 'unknown verb', verb };
}

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
    idempotent: own?.idempotent ?? resendDecision(operation).resend,
    needsSession: !SESSIONLESS_OPERATIONS.has(operation),
    weight: own?.weight,
  };
}
