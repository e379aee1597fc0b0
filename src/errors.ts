/**
 * The SDK's error hierarchy. Every value the SDK throws is a ProjectorError; subclasses exist only where a
 * caller acts differently. Errors never carry passwords or session tickets: messages are built from server
 * text that the mapping function (map-error.ts) has already redacted, and `toJSON`/inspect show a safe view.
 */
import { inspect } from 'node:util';
import type { EntityLockSummary, PwsMessage, RequestStatus, UserRef, UserSummary, StolenLock } from './types';
import type { OperationName } from './soap/operations';
import type { Truncation } from './truncation';

/** Stable machine-readable codes: Projector's ErrorCode where the server gave one, else one of the SDK's own. */
export type ErrorCode =
  | 'InvalidSession'
  | 'InvalidSessionTicket'
  | 'RequestExceededRateLimit'
  | 'SpecifiedLockNotFound'
  | 'EntityAlreadyLocked'
  | 'AuthenticationFailed'
  | 'AuthenticationBlocked'
  | 'TooManyActiveRequests'
  | 'TransportError'
  | 'OutcomeUnknown'
  | 'Timeout'
  | 'Aborted'
  | 'ResponseFormat'
  | 'InvalidInput'
  | 'Configuration'
  | (string & {});

export interface ProjectorErrorOptions {
  code: ErrorCode;
  errorNumber?: number;
  messages?: PwsMessage[];
  operation?: OperationName;
  requestId?: number;
  status?: RequestStatus | string;
  /** Whether trying the same call again may succeed (the SDK has already retried what it safely could). */
  retryable?: boolean;
  /** Whether the request (or part of it) reached the network. False means the server cannot have acted on it. */
  requestSent?: boolean;
  attempts?: number;
  cause?: unknown;
}

export class ProjectorError extends Error {
  override readonly name: string = 'ProjectorError';
  readonly code: ErrorCode;
  readonly errorNumber?: number;
  readonly messages: PwsMessage[];
  operation?: OperationName;
  requestId?: number;
  readonly status?: RequestStatus | string;
  retryable: boolean;
  requestSent: boolean;
  attempts: number;

  constructor(message: string, options: ProjectorErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.errorNumber = options.errorNumber;
    this.messages = options.messages ?? [];
    this.operation = options.operation;
    this.requestId = options.requestId;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.requestSent = options.requestSent ?? true;
    this.attempts = options.attempts ?? 1;
  }

  toJSON(): Record<string, unknown> {
    const { name, message, code, errorNumber, messages, operation, requestId, status, retryable, requestSent, attempts } = this;
    return { name, message, code, errorNumber, messages, operation, requestId, status, retryable, requestSent, attempts };
  }

  /** util.inspect shows the same safe view as toJSON, plus the stack; the raw cause is summarised, not dumped. */
  [inspect.custom](): string {
    const cause = this.cause instanceof Error ? `${this.cause.name}: ${this.cause.message}` : this.cause === undefined ? undefined : typeof this.cause;
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect({ ...this.toJSON(), cause }, { depth: 4 })}`;
  }
}

/** Bad credentials or a blocked login. Never retried: repeated failures lock the Projector account for up to 24 h. */
export class AuthenticationError extends ProjectorError {
  override readonly name: string = 'AuthenticationError';
}

/** The session died and one re-login did not help, or the caller's ticket provider cannot give a new one. */
export class SessionInvalidError extends ProjectorError {
  override readonly name: string = 'SessionInvalidError';
}

export interface RateLimitCounts {
  installationHits?: number;
  installationLimit?: number;
  userHits?: number;
  userLimit?: number;
  sessionHits?: number;
  sessionLimit?: number;
}

/** Projector kept answering 10016 until the give-up time (by default 60 s after the first failure). */
export class RateLimitError extends ProjectorError {
  override readonly name: string = 'RateLimitError';
  /** Hit counts and thresholds parsed from the last 10016 message, where it had them. */
  counts: RateLimitCounts = {};
  /** Total time spent paused for this call, in ms. */
  waitedInMs = 0;
}

/** 50475 SpecifiedLockNotFound: the lock set id is unknown to the server (or has expired). */
export class LockNotFoundError extends ProjectorError {
  override readonly name: string = 'LockNotFoundError';
}

/** 50469 EntityAlreadyLocked: pass `lockHolders` as `locksToSteal` to take the locks over, if allowed. */
export class LockConflictError extends ProjectorError {
  override readonly name: string = 'LockConflictError';
  lockHolders: EntityLockSummary[] = [];
  lockHolderUserIdentity?: UserRef;
  /** False for locks owned by Projector's internal processes: those cannot be stolen. */
  allowLocksToBeStolen = true;
}

/**
 * A lock of yours was stolen: a save asserted it (PwsFault.LockTaker), or `withLocks` found at release that someone
 * had taken the set while its callback ran (`stolenBy`, and the callback's `result`, which may rest on work that
 * no longer held the lock).
 */
export class LockStolenError extends ProjectorError {
  override readonly name: string = 'LockStolenError';
  lockTaker?: StolenLock;
  /** Who took the lock set (withLocks). */
  stolenBy?: UserSummary;
  /** What the withLocks callback returned before the theft was noticed. */
  result?: unknown;
}

/**
 * `withLocks` found at release that its lock set had lapsed while the callback ran (50476 already released): the
 * set's duration ran out, so anyone could have taken the entities meanwhile. Mutual exclusion was lost just as with
 * a theft, so it is a LockStolenError (code `LockLapsed`, no `stolenBy`: nobody is known to have taken it), and
 * handlers written for thefts redo the work here too. `cause` is the failed keep-alive renewal, if there was one.
 */
export class LockLapsedError extends LockStolenError {
  override readonly name: string = 'LockLapsedError';
}

/** The network failed (refused, reset, DNS, TLS, timeout, HTTP error page) and the SDK could not safely recover. */
export class TransportError extends ProjectorError {
  override readonly name: string = 'TransportError';
  /** HTTP status, when a response arrived. */
  httpStatus?: number;
  /** The server's Retry-After (503/429), converted to a delay in ms, when it sent one. */
  retryAfterInMs?: number;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), httpStatus: this.httpStatus, retryAfterInMs: this.retryAfterInMs };
  }
}

/**
 * A non-idempotent call (e.g. acquireLocks) was written to the network but no answer arrived: the server may or
 * may not have run it. The SDK does not retry it; check the state (e.g. checkLocks) before trying again.
 */
export class OutcomeUnknownError extends TransportError {
  override readonly name: string = 'OutcomeUnknownError';
}

/** The response was not a well-formed, expected PWS answer (HTML, truncated XML, wrong ResponseId, DOCTYPE...). */
export class ResponseFormatError extends ProjectorError {
  override readonly name: string = 'ResponseFormatError';
}

/** The caller's input cannot be sent (out of range, characters XML 1.0 cannot carry, ...). Nothing was sent. */
export class InvalidInputError extends ProjectorError {
  override readonly name: string = 'InvalidInputError';
}

/** The client's options cannot work (a bad endpoint, no way to log in, an invalid option). Raised by the constructor. */
export class ConfigurationError extends ProjectorError {
  override readonly name: string = 'ConfigurationError';
}

/** The call was cancelled through its abortSignal (or the client was closed). */
export class AbortedError extends ProjectorError {
  override readonly name: string = 'AbortedError';
}

/** Any other error Projector reported (a PwsFault, or Status Fail with an Error message). */
export class ProjectorServiceError extends ProjectorError {
  override readonly name: string = 'ProjectorServiceError';
}

/**
 * The server cut a list short (Warning 104 RowCountExceeded, Status Ok) and the caller asked for an error rather
 * than a marked result (`throwOnTruncation`). The call succeeded: `partialResult` holds what arrived, `$truncated`
 * included. Not retryable as is: the same request gets the same cut; narrow the filters instead.
 */
export class TruncatedResultError extends ProjectorError {
  override readonly name: string = 'TruncatedResultError';
  /** The answer as the call would have returned it (left out of toJSON and inspect: it can be large). */
  readonly partialResult: Record<string, unknown>;
  readonly truncation: Truncation;

  constructor(message: string, options: ProjectorErrorOptions & { partialResult: Record<string, unknown>; truncation: Truncation }) {
    super(message, options);
    this.partialResult = options.partialResult;
    this.truncation = options.truncation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), truncation: this.truncation };
  }
}

export const isProjectorError = (e: unknown): e is ProjectorError => e instanceof ProjectorError;
export const isAuthenticationError = (e: unknown): e is AuthenticationError => e instanceof AuthenticationError;
export const isSessionInvalidError = (e: unknown): e is SessionInvalidError => e instanceof SessionInvalidError;
export const isRateLimitError = (e: unknown): e is RateLimitError => e instanceof RateLimitError;
export const isLockNotFoundError = (e: unknown): e is LockNotFoundError => e instanceof LockNotFoundError;
export const isLockConflictError = (e: unknown): e is LockConflictError => e instanceof LockConflictError;
export const isLockStolenError = (e: unknown): e is LockStolenError => e instanceof LockStolenError;
export const isLockLapsedError = (e: unknown): e is LockLapsedError => e instanceof LockLapsedError;
export const isTransportError = (e: unknown): e is TransportError => e instanceof TransportError;
export const isOutcomeUnknownError = (e: unknown): e is OutcomeUnknownError => e instanceof OutcomeUnknownError;
export const isResponseFormatError = (e: unknown): e is ResponseFormatError => e instanceof ResponseFormatError;
export const isInvalidInputError = (e: unknown): e is InvalidInputError => e instanceof InvalidInputError;
export const isConfigurationError = (e: unknown): e is ConfigurationError => e instanceof ConfigurationError;
export const isAbortedError = (e: unknown): e is AbortedError => e instanceof AbortedError;
export const isProjectorServiceError = (e: unknown): e is ProjectorServiceError => e instanceof ProjectorServiceError;
export const isTruncatedResultError = (e: unknown): e is TruncatedResultError => e instanceof TruncatedResultError;
