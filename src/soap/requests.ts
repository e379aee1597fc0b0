/**
 * Turns validated camelCase input into the objects node-soap serialises. node-soap writes elements in the
 * order of the object's keys, not the schema's, and WCF silently drops out-of-order elements: so every
 * builder here lists members in XSD order (base members first), and only validated primitives reach it.
 */
import { InputValidator } from '../validate';
import { LOCK_TYPES } from '../types';
import type { AcquireLocksRequest, CheckLocksRequest, EntityLockSummary, LockEntity, LockRequest, TestRateLimiterRequest } from '../types';
import type { OperationName } from './operations';

type Node = Record<string, unknown>;

/**
 * node-soap passes a string that looks like a CDATA section through unescaped (an injection path). Such a string is
 * re-encoded as CDATA sections that carry exactly the same text, so the envelope stays well-formed.
 */
export function safeText(value: string): string {
  if (value.startsWith('<![CDATA[') && value.endsWith(']]>')) return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
  return value;
}

const compact = (node: Node): Node => {
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) if (v !== undefined) out[k] = typeof v === 'string' ? safeText(v) : v;
  return out;
};

function base(requestId: number, sessionTicket: string | undefined): Node {
  return { RequestId: requestId, SessionTicket: sessionTicket };
}

function entity(v: InputValidator, field: string, raw: unknown): Node {
  const e = v.object(field, raw) as Partial<LockEntity>;
  const code = v.text(`${field}.entityCode`, e.entityCode, { maxLength: 24 });
  const uid = v.uid(`${field}.entityUid`, e.entityUid);
  if (code === undefined && uid === undefined) v.fail(field, 'needs an entityCode or an entityUid');
  const lockType = v.text(`${field}.lockType`, e.lockType, { required: true });
  if (!(LOCK_TYPES as readonly string[]).includes(lockType!)) v.fail(`${field}.lockType`, `must be one of ${LOCK_TYPES.join(', ')}`);
  return compact({ EntityCode: code, EntityId: v.int(`${field}.entityId`, e.entityId), EntityUid: uid, LockType: lockType });
}

function lockRequests(v: InputValidator, field: string, raw: unknown, required: boolean): Node | undefined {
  const list = v.list<LockRequest>(field, raw, { required });
  if (!list) return undefined;
  return {
    PwsProjectorLockRequest: list.map((item, i) => {
      const r = v.object(`${field}[${i}]`, item) as Partial<LockRequest>;
      return compact({
        EntityIdentity: entity(v, `${field}[${i}].entityIdentity`, r.entityIdentity),
        EntityTimestamp: v.text(`${field}[${i}].entityTimestamp`, r.entityTimestamp),
      });
    }),
  };
}

function userRef(v: InputValidator, field: string, raw: unknown): Node | undefined {
  if (raw === undefined || raw === null) return undefined;
  const u = v.object(field, raw);
  return compact({
    UserDisplayName: v.text(`${field}.userDisplayName`, u.userDisplayName),
    UserId: v.int(`${field}.userId`, u.userId),
    UserReferenceSystemId: v.text(`${field}.userReferenceSystemId`, u.userReferenceSystemId),
    UserUid: v.uid(`${field}.userUid`, u.userUid),
  });
}

function locksToSteal(v: InputValidator, field: string, raw: unknown): Node | undefined {
  const list = v.list<EntityLockSummary>(field, raw);
  if (!list || list.length === 0) return undefined;
  return {
    PwsEntityLockSummary: list.map((item, i) => {
      const s = v.object(`${field}[${i}]`, item) as Partial<EntityLockSummary>;
      const items = v.list<Node>(`${field}[${i}].entityLockSummary`, s.entityLockSummary, { required: true })!;
      return {
        EntityIdentity: entity(v, `${field}[${i}].entityIdentity`, s.entityIdentity),
        EntityLockSummary: {
          PwsEntityLockSummaryItem: items.map((it, j) => {
            const f = `${field}[${i}].entityLockSummary[${j}]`;
            // The timestamp goes back exactly as the server sent it: a steal must match the current lock state.
            const ts = v.text(`${f}.mostRecentLockAcquisitionTimestamp`, it.mostRecentLockAcquisitionTimestamp, { required: true })!;
            if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)?$/.test(ts)) v.fail(`${f}.mostRecentLockAcquisitionTimestamp`, 'must be an xs:dateTime string as the server sent it');
            return compact({
              LockCount: v.int(`${f}.lockCount`, it.lockCount, { required: true, min: 0 }),
              LockHolderUserIdentity: userRef(v, `${f}.lockHolderUserIdentity`, it.lockHolderUserIdentity),
              MostRecentLockAcquisitionTimestamp: ts,
            });
          }),
        },
      };
    }),
  };
}

export interface AuthenticateInput {
  accountCode: string;
  userName: string;
  password: string;
  cultureName?: string;
  utcOffsetMinutes?: number;
}

export const buildRequest = {
  PwsAuthenticate(requestId: number, input: AuthenticateInput): Node {
    const v = new InputValidator('PwsAuthenticate');
    const accountCode = v.text('accountCode', input.accountCode, { required: true, maxLength: 30 })!;
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/.test(accountCode)) v.fail('accountCode', 'may contain only letters, digits, - and _, starting and ending with a letter or digit');
    return {
      serviceRequest: compact({
        RequestId: requestId,
        AccountCode: accountCode,
        CultureName: v.text('cultureName', input.cultureName, { maxLength: 15 }),
        Password: v.text('password', input.password, { required: true }),
        UserName: v.text('userName', input.userName, { required: true, maxLength: 100 }),
        UtcOffsetMinutes: v.int('utcOffsetMinutes', input.utcOffsetMinutes, { min: -1440, max: 1440 }),
      }),
    };
  },
  PwsUnauthenticate(requestId: number, ticket: string): Node {
    return { serviceRequest: compact(base(requestId, ticket)) };
  },
  PwsAcquireProjectorLocks(requestId: number, ticket: string, input: AcquireLocksRequest): Node {
    const v = new InputValidator('PwsAcquireProjectorLocks');
    const i = v.object('request', input) as Partial<AcquireLocksRequest>;
    return {
      serviceRequest: compact({
        ...base(requestId, ticket),
        LockDurationSeconds: v.int('durationInSeconds', i.durationInSeconds, { required: true, min: 1, max: 86400 }),
        Locks: lockRequests(v, 'locks', i.locks, true),
        LocksToSteal: locksToSteal(v, 'locksToSteal', i.locksToSteal),
        ProjectorLockSetId: v.int('lockSetId', i.lockSetId, { min: 1 }),
      }),
    };
  },
  PwsCheckProjectorLocks(requestId: number, ticket: string, input: CheckLocksRequest): Node {
    const v = new InputValidator('PwsCheckProjectorLocks');
    const i = v.object('request', input) as Partial<CheckLocksRequest>;
    if (i.locks === undefined && i.lockSetId === undefined) v.fail('request', 'needs locks or a lockSetId');
    return {
      serviceRequest: compact({
        ...base(requestId, ticket),
        Locks: lockRequests(v, 'locks', i.locks, false),
        LocksToSteal: locksToSteal(v, 'locksToSteal', i.locksToSteal),
        ProjectorLockSetId: v.int('lockSetId', i.lockSetId, { min: 1 }),
      }),
    };
  },
  PwsRenewProjectorLocks(requestId: number, ticket: string, lockSetId: number, durationInSeconds: number): Node {
    const v = new InputValidator('PwsRenewProjectorLocks');
    return {
      serviceRequest: compact({
        ...base(requestId, ticket),
        LockDurationSeconds: v.int('durationInSeconds', durationInSeconds, { required: true, min: 1, max: 86400 }),
        ProjectorLockSetId: v.int('lockSetId', lockSetId, { required: true, min: 1 }),
      }),
    };
  },
  PwsReleaseProjectorLocks(requestId: number, ticket: string, lockSetId: number): Node {
    const v = new InputValidator('PwsReleaseProjectorLocks');
    return { serviceRequest: compact({ ...base(requestId, ticket), ProjectorLockSetId: v.int('lockSetId', lockSetId, { required: true, min: 1 }) }) };
  },
  PwsTestRateLimiter(requestId: number, ticket: string, input: TestRateLimiterRequest = {}): Node {
    const v = new InputValidator('PwsTestRateLimiter');
    const i = v.object('request', input) as TestRateLimiterRequest;
    const n = (f: keyof TestRateLimiterRequest) => v.int(f, i[f], { min: 0 });
    return {
      serviceRequest: compact({
        ...base(requestId, ticket),
        SimulateInstallationHitsAfter: n('simulateInstallationHitsAfter'),
        SimulateInstallationHitsBefore: n('simulateInstallationHitsBefore'),
        SimulateSessionHitsAfter: n('simulateSessionHitsAfter'),
        SimulateSessionHitsBefore: n('simulateSessionHitsBefore'),
        SimulateUserHitsAfter: n('simulateUserHitsAfter'),
        SimulateUserHitsBefore: n('simulateUserHitsBefore'),
      }),
    };
  },
} satisfies Record<OperationName, (...args: never[]) => Node>;
