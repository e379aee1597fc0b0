/**
 * Maps node-soap's loosely typed parse result to the SDK's public camelCase types. node-soap gives numbers as
 * strings or numbers depending on whether it resolved the schema type, a single list item as an object, empty
 * elements as '' and nil elements as missing or as `{ attributes: { 'i:nil': 'true' } }`: all of that ends here.
 */
import { ResponseFormatError } from '../errors';
import type {
  AccountSummary, EntityLockSummary, EntityLockSummaryItem, LockEntity, LockType, ProjectorLock, PwsMessage, PwsResult,
  RateLimitSnapshot, StolenLock, UserSummary,
} from '../types';
import type { OperationName } from './operations';

type Raw = Record<string, unknown>;

const isNil = (v: unknown): boolean => {
  if (v === undefined || v === null || v === '') return true;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v as Raw).filter((k) => k !== 'attributes' && k !== '$attributes');
    return keys.length === 0;
  }
  return false;
};

export const obj = (v: unknown): Raw | undefined => (isNil(v) || typeof v !== 'object' ? undefined : (v as Raw));

export function list(container: unknown, item: string): Raw[] {
  const c = obj(container);
  if (!c) return [];
  const v = c[item];
  if (isNil(v)) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is Raw => typeof x === 'object' && x !== null);
}

export const str = (v: unknown): string | undefined => (v === undefined || v === null || typeof v === 'object' ? undefined : String(v));

export function int(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const bool = (v: unknown): boolean => {
  const s = str(v);
  return s === 'true' || s === '1';
};

/** Int64 as a decimal string; a JS number from an unconfigured parser would already be rounded, so it is refused. */
function uid(v: unknown): string | undefined {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new ResponseFormatError('An Int64 Uid arrived rounded', { code: 'ResponseFormat' });
  return str(v);
}

function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function message(m: Raw): PwsMessage {
  return prune({
    additionalErrorText: str(m.AdditionalErrorText),
    errorCode: str(m.ErrorCode),
    errorNumber: int(m.ErrorNumber),
    errorText: str(m.ErrorText),
    type: str(m.Type) ?? 'Information',
    referenceId1: int(m.ReferenceId1),
    referenceId2: int(m.ReferenceId2),
  });
}

export const messages = (container: unknown): PwsMessage[] => list(container, 'PwsMessage').map(message);

export function user(v: unknown): UserSummary | undefined {
  const u = obj(v);
  if (!u) return undefined;
  return prune({
    userDisplayName: str(u.UserDisplayName), userId: int(u.UserId), userReferenceSystemId: str(u.UserReferenceSystemId),
    userUid: uid(u.UserUid), emailAddress: str(u.EmailAddress), firstName: str(u.FirstName), lastName: str(u.LastName),
    middleName: str(u.MiddleName),
  });
}

export function account(v: unknown): AccountSummary | undefined {
  const a = obj(v);
  if (!a) return undefined;
  return prune({ accountCode: str(a.AccountCode), accountId: int(a.AccountId), accountUid: uid(a.AccountUid), name: str(a.Name) });
}

export function entity(v: unknown): LockEntity {
  const e = obj(v) ?? {};
  return prune({ entityCode: str(e.EntityCode), entityId: int(e.EntityId), entityUid: uid(e.EntityUid), lockType: (str(e.LockType) ?? '') as LockType });
}

export function lockSummaryItem(i: Raw): EntityLockSummaryItem {
  return prune({
    lockCount: int(i.LockCount) ?? 0,
    lockHolderUserIdentity: user(i.LockHolderUserIdentity),
    mostRecentLockAcquisitionTimestamp: str(i.MostRecentLockAcquisitionTimestamp) ?? '',
  });
}

export function lockHolders(container: unknown): EntityLockSummary[] {
  return list(container, 'PwsEntityLockSummary').map((s) => ({
    entityIdentity: entity(s.EntityIdentity),
    entityLockSummary: list(s.EntityLockSummary, 'PwsEntityLockSummaryItem').map(lockSummaryItem),
  }));
}

export function locks(container: unknown): ProjectorLock[] {
  return list(container, 'PwsProjectorLock').map((l) => prune({
    entityIdentity: entity(l.EntityIdentity),
    entityTimestamp: str(l.EntityTimestamp),
    lockStolenFlag: bool(l.LockStolenFlag),
    stolenLocks: list(l.StolenLocks, 'PwsEntityLockSummaryItem').map(lockSummaryItem),
  }));
}

export function stolenLock(v: unknown): StolenLock | undefined {
  const s = obj(v);
  if (!s) return undefined;
  return prune({ lockStolenByUser: user(s.LockStolenByUser), projectorLockSetId: int(s.ProjectorLockSetId) ?? 0 });
}

export function snapshot(v: unknown): RateLimitSnapshot | undefined {
  const s = obj(v);
  if (!s) return undefined;
  return {
    enabledFlag: bool(s.EnabledFlag),
    installationHitCount: int(s.InstallationHitCount) ?? 0,
    installationRateLimit: int(s.InstallationRateLimit) ?? 0,
    rollingWindowSeconds: int(s.RollingWindowSeconds) ?? 0,
    sessionHitCount: int(s.SessionHitCount) ?? 0,
    sessionRateLimit: int(s.SessionRateLimit) ?? 0,
    userHitCount: int(s.UserHitCount) ?? 0,
    userRateLimit: int(s.UserRateLimit) ?? 0,
  };
}

/** The base members every response has; a result without Status or ServerTimestampUtc is not a PWS answer. */
export function baseResult(operation: OperationName, r: Raw): PwsResult {
  const status = str(r.Status);
  const serverTimestampUtc = str(r.ServerTimestampUtc);
  if (!status || serverTimestampUtc === undefined) {
    throw new ResponseFormatError(`${operation}: the response has no Status or ServerTimestampUtc`, { code: 'ResponseFormat', operation });
  }
  const all = messages(r.Messages);
  return { status, messages: all, warnings: all.filter((m) => m.type === 'Warning'), responseId: int(r.ResponseId) ?? 0, serverTimestampUtc };
}
