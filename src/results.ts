/**
 * The convenience methods' camelCase shapes (src/types.ts), mapped from and to the generic path's PascalCase values.
 * The mapping is mechanical (first letter case) plus a few renames the convenience API chose; values are already
 * exact, since the codec typed them by the schema model.
 */
import type {
  AcquireLocksRequest, AcquireLocksResult, AuthenticateResult, CheckLocksRequest, CheckLocksResult, EntityLockSummary, ProjectorLock, PwsMessage,
  PwsResult, RateLimitSnapshot, ReleaseLocksResult, StolenLock, TestRateLimiterRequest, TestRateLimiterResult,
} from './types';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function recase(value: unknown, key: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => recase(v, key));
  if (!isPlain(value)) return value;
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[key(k)] = recase(v, key);
  return out;
}

/** `{ UserUid: '1' }` -> `{ userUid: '1' }`, deeply. */
export const camelize = <T>(value: unknown): T => recase(value, (k) => k.charAt(0).toLowerCase() + k.slice(1)) as T;
/** `{ userUid: '1' }` -> `{ UserUid: '1' }`, deeply. */
export const pascalize = (value: unknown): unknown => recase(value, (k) => k.charAt(0).toUpperCase() + k.slice(1));

export function toPublicMessages(list: unknown): PwsMessage[] {
  return (Array.isArray(list) ? list : []).map((m) => {
    const message = camelize<PwsMessage>(m);
    message.type ??= 'Information';
    return message;
  });
}

export function baseOf(r: Plain): PwsResult {
  const messages = toPublicMessages(r.Messages);
  return {
    status: String(r.Status),
    messages,
    warnings: messages.filter((m) => m.type === 'Warning'),
    responseId: Number(r.ResponseId ?? 0),
    serverTimestampUtc: String(r.ServerTimestampUtc ?? ''),
  };
}

const locks = (list: unknown): ProjectorLock[] =>
  camelize<ProjectorLock[]>(list ?? []).map((l) => ({ ...l, lockStolenFlag: l.lockStolenFlag ?? false, stolenLocks: l.stolenLocks ?? [] }));

// ---------------------------------------------------------------------------------------------- requests

const steal = (list: EntityLockSummary[] | undefined) => (list && list.length > 0 ? pascalize(list) : undefined);

export const acquireRequest = (r: AcquireLocksRequest): Plain => {
  const { durationInSeconds, lockSetId, locksToSteal, ...rest } = r ?? ({} as AcquireLocksRequest);
  return { ...(pascalize(rest) as Plain), LockDurationSeconds: durationInSeconds, ProjectorLockSetId: lockSetId, LocksToSteal: steal(locksToSteal) };
};

export const checkRequest = (r: CheckLocksRequest): Plain => {
  const { lockSetId, locksToSteal, ...rest } = r ?? ({} as CheckLocksRequest);
  return { ...(pascalize(rest) as Plain), ProjectorLockSetId: lockSetId, LocksToSteal: steal(locksToSteal) };
};

export const testRateLimiterRequest = (r: TestRateLimiterRequest): Plain => pascalize(r ?? {}) as Plain;

// ---------------------------------------------------------------------------------------------- results

export const acquireResult = (r: Plain): AcquireLocksResult => ({ ...baseOf(r), lockSetId: Number(r.ProjectorLockSetId ?? 0), locks: locks(r.Locks) });

export const checkResult = (r: Plain): CheckLocksResult => ({ ...baseOf(r), locks: locks(r.Locks) });

/** 50476 LockAlreadyReleased is a success; a StolenLock says someone else had taken the set. */
export function releaseResult(r: Plain, lockSetId: number): ReleaseLocksResult {
  const base = baseOf(r);
  const result: ReleaseLocksResult = { ...base, lockSetId, alreadyReleased: base.messages.some((m) => m.errorNumber === LOCK_ALREADY_RELEASED) };
  if (r.StolenLock) {
    const stolenLock = camelize<StolenLock>(r.StolenLock);
    stolenLock.projectorLockSetId ??= 0;
    result.stolenLock = stolenLock;
    result.stolenBy = stolenLock.lockStolenByUser;
  }
  return result;
}

export function testRateLimiterResult(r: Plain): TestRateLimiterResult {
  if (!r.RateLimitSnapshot) return baseOf(r);
  const s = camelize<Partial<RateLimitSnapshot>>(r.RateLimitSnapshot);
  const n = (v: number | undefined) => v ?? 0;
  const snapshot: RateLimitSnapshot = {
    enabledFlag: s.enabledFlag ?? false,
    installationHitCount: n(s.installationHitCount), installationRateLimit: n(s.installationRateLimit),
    rollingWindowSeconds: n(s.rollingWindowSeconds), sessionHitCount: n(s.sessionHitCount), sessionRateLimit: n(s.sessionRateLimit),
    userHitCount: n(s.userHitCount), userRateLimit: n(s.userRateLimit),
  };
  return { ...baseOf(r), snapshot };
}

export function authenticateResult(r: Plain, endpoint: string): AuthenticateResult {
  const c = camelize<Plain>(r);
  return {
    ...baseOf(r),
    account: c.account as AuthenticateResult['account'],
    accountIdentity: c.accountIdentity as AuthenticateResult['accountIdentity'],
    user: c.user as AuthenticateResult['user'],
    userIdentity: c.userIdentity as AuthenticateResult['userIdentity'],
    superUserFlag: c.superUserFlag === true,
    documentServerUrl: c.documentServerUrl as string | undefined,
    endpoint,
  };
}

export const LOCK_ALREADY_RELEASED = 50476;
