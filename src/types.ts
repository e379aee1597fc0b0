/**
 * Public types. `call` speaks the WSDL's own shapes (RequestOf / ResultOf, PascalCase, generated); the convenience
 * methods speak the camelCase shapes below. Uids are Int64 on the wire and stay decimal strings so that values
 * beyond 2^53 are never rounded.
 */
import type { OperationName, Operations, WireTypes } from './soap/operations';
import { LOCK_TYPES as VENDOR_LOCK_TYPES } from './soap/vendor-rules';
import type { Truncation } from './truncation';

export type { OperationName, Operations, WireTypes, Truncation };

/** What `call(operation, request)` takes: the WSDL's request type, less RequestId and SessionTicket (the SDK fills them in). */
export type RequestOf<Op extends OperationName> = Omit<Operations[Op]['request'], 'RequestId' | 'SessionTicket'>;

/** The members every PWS answer carries, as `call` guarantees them (it refuses an answer without them). */
export interface ResultBase {
  /** Every message, informational ones included; [] when none. */
  Messages: WireTypes.PwsMessage[];
  /** Echoes the call's RequestId (checked by the SDK). */
  ResponseId: number;
  Status: RequestStatus;
  /** Exactly as the server sent it (7 fractional digits, `Z`). */
  ServerTimestampUtc: string;
  /**
   * Set only when the server cut a list short (Warning 104 RowCountExceeded, which leaves Status Ok): the rows
   * beyond its cap are not here. `throwOnTruncation` turns this into a TruncatedResultError.
   */
  $truncated?: Truncation;
}

/** What `call(operation, ...)` resolves with: the WSDL's result type with exact run-time values, plus the base members. */
export type ResultOf<Op extends OperationName> = Operations[Op]['result'] & ResultBase;

export type MessageType = 'Information' | 'Warning' | 'Error' | 'FatalError';
export type RequestStatus = 'Ok' | 'OkWithWarnings' | 'Fail' | 'FailSessionInvalid';

/** One PwsMessage. `type` is kept as sent, so an unknown severity from a newer server is not lost. */
export interface PwsMessage {
  additionalErrorText?: string;
  errorCode?: string;
  errorNumber?: number;
  errorText?: string;
  type: MessageType | string;
  /** xs:string in the vendor's contract (an id, a code or a name, depending on the message). */
  referenceId1?: string;
  referenceId2?: string;
}

/** Members every PWS response carries. */
export interface PwsResult {
  status: RequestStatus | string;
  /** Every message of the response, informational ones included. */
  messages: PwsMessage[];
  /** The messages of type Warning (a subset of `messages`). */
  warnings: PwsMessage[];
  responseId: number;
  /** Exactly as the server sent it (7 fractional digits, `Z`); parse it yourself if you need a Date. */
  serverTimestampUtc: string;
}

export interface UserRef {
  userDisplayName?: string;
  userId?: number;
  userReferenceSystemId?: string;
  userUid?: string;
}

export interface UserSummary extends UserRef {
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  middleName?: string;
}

export interface AccountRef {
  accountCode?: string;
  accountId?: number;
  accountUid?: string;
}

export interface AccountSummary extends AccountRef {
  name?: string;
}

/** Lock types Projector accepts: engagement, contract line item, project, role, rate types/tasks, cost plan, cost baseline, invoice. */
export type LockType = 'E' | 'C' | 'P' | 'R' | 'RT' | 'CP' | 'CB' | 'I';
export const LOCK_TYPES: readonly LockType[] = VENDOR_LOCK_TYPES;

/** PwsProjectorLockEntity: `entityCode` and/or `entityUid` identify the entity. */
export interface LockEntity {
  entityCode?: string;
  entityId?: number;
  entityUid?: string | bigint;
  lockType: LockType;
}

export interface LockRequest {
  entityIdentity: LockEntity;
  /** Base64 optimistic-locking stamp, echoed unchanged. */
  entityTimestamp?: string;
}

export interface EntityLockSummaryItem {
  lockCount: number;
  lockHolderUserIdentity?: UserRef;
  /** Exactly as sent by the server; send it back unchanged when stealing. */
  mostRecentLockAcquisitionTimestamp: string;
}

/** One blocking lock, as PwsFault.LockHolders reports it; pass it back unchanged as `locksToSteal`. */
export interface EntityLockSummary {
  entityIdentity: LockEntity;
  entityLockSummary: EntityLockSummaryItem[];
}

export interface ProjectorLock {
  entityIdentity: LockEntity;
  entityTimestamp?: string;
  lockStolenFlag: boolean;
  stolenLocks: EntityLockSummaryItem[];
}

export interface StolenLock {
  lockStolenByUser?: UserSummary;
  projectorLockSetId: number;
}

export interface RateLimitSnapshot {
  enabledFlag: boolean;
  installationHitCount: number;
  installationRateLimit: number;
  rollingWindowSeconds: number;
  sessionHitCount: number;
  sessionRateLimit: number;
  userHitCount: number;
  userRateLimit: number;
}

export interface AuthenticateResult extends PwsResult {
  account?: AccountSummary;
  accountIdentity?: AccountRef;
  user?: UserSummary;
  userIdentity?: UserRef;
  superUserFlag: boolean;
  documentServerUrl?: string;
  /** The endpoint the session lives on (after following any RedirectUrl). */
  endpoint: string;
}

export interface AcquireLocksRequest {
  locks: LockRequest[];
  durationInSeconds: number;
  /** Add the locks to this existing lock set instead of creating a new one. */
  lockSetId?: number;
  /** The `lockHolders` of a LockConflictError, unchanged, to steal those locks. */
  locksToSteal?: EntityLockSummary[];
}

export interface AcquireLocksResult extends PwsResult {
  lockSetId: number;
  locks: ProjectorLock[];
}

export interface CheckLocksRequest {
  locks?: LockRequest[];
  lockSetId?: number;
  locksToSteal?: EntityLockSummary[];
}

export interface CheckLocksResult extends PwsResult {
  locks: ProjectorLock[];
}

export type RenewLocksResult = PwsResult;

export interface ReleaseLocksResult extends PwsResult {
  lockSetId: number;
  /** True when the server answered 50476 LockAlreadyReleased (a warning, not a failure). */
  alreadyReleased: boolean;
  /** Set when someone else had stolen the lock set before this release: the lock was theirs, not released by you. */
  stolenBy?: UserSummary;
  stolenLock?: StolenLock;
}

export interface TestRateLimiterRequest {
  simulateInstallationHitsAfter?: number;
  simulateInstallationHitsBefore?: number;
  simulateSessionHitsAfter?: number;
  simulateSessionHitsBefore?: number;
  simulateUserHitsAfter?: number;
  simulateUserHitsBefore?: number;
}

export interface TestRateLimiterResult extends PwsResult {
  snapshot?: RateLimitSnapshot;
}

export type UnauthenticateResult = PwsResult & { alreadyLoggedOut: boolean };
