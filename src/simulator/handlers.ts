/**
 * The seven built-in operations. Each reads its validated request tree and returns either a normal result (status,
 * messages, the operation's own `a:` members) or a PwsFault. Session checks, throttling and rate limiting
 * happen before these run (see pipeline.ts); error channels are listed in catalogue.ts.
 */
import { MAX_LOCK_DURATION_SECONDS, MAX_LOCKS_PER_REQUEST, MIN_LOCK_DURATION_SECONDS } from './defaults';
import { MSG, type SimMessage } from './catalogue';
import { child, childrenNamed, intOf, textOf, type XNode } from './request-parser';
import type { LockFailure, LockIdentityInput, LockManager, StealInput } from './locks';
import { userView } from './locks';
import type { SimulatedFault } from './scripted';
import type { Session } from './sessions';
import { projectorLocksXml, sharedMember, stolenLockXml, userRefXml, userSummaryXml, type PwsFaultView, type RequestStatus } from './templates';
import { el } from './xml-writer';
import type { CounterSnapshot, SimAccount, SimEntity } from './types';

export type HandlerResult =
  | { kind: 'response'; status: RequestStatus; messages: SimMessage[]; derived: string }
  | { kind: 'fault'; fault: Omit<PwsFaultView, 'responseId' | 'serviceName'>; faultString: string }
  /** A result in call shape, written by the schema (scripted.ts); `messages` go after the result's own. */
  | { kind: 'scripted'; value: Record<string, unknown>; messages: SimMessage[] }
  | { kind: 'scripted-fault'; fault: SimulatedFault };

export const fail = (message: SimMessage, derived = ''): HandlerResult => ({ kind: 'response', status: 'Fail', messages: [message], derived });
const ok = (derived = '', messages: SimMessage[] = []): HandlerResult => ({
  kind: 'response',
  status: messages.some((m) => m.type === 'Warning') ? 'OkWithWarnings' : 'Ok',
  messages,
  derived,
});

export function lockFailure(f: LockFailure, derived = ''): HandlerResult {
  if (f.kind === 'fail') return fail(f.message, derived);
  if (f.kind === 'stolen') {
    return { kind: 'fault', faultString: f.message.errorText, fault: { messages: [f.message], lockTaker: f.taker, allowLocksToBeStolen: true } };
  }
  const message = MSG.entityAlreadyLocked();
  return {
    kind: 'fault',
    faultString: message.errorText,
    fault: { messages: [message], lockHolderUser: f.firstHolder, lockHolders: f.holders, allowLocksToBeStolen: f.allowSteal },
  };
}

export function authenticateResult(account: SimAccount, session: Session, documentServerUrl: string): HandlerResult {
  const u = userView(session.user);
  const accountRef = `${el('b:AccountCode', account.accountCode)}<b:AccountId i:nil="true"/>${el('b:AccountUid', account.accountUid ?? '0')}`;
  return ok(
    `<a:RedirectUrl i:nil="true"/>${el('a:SessionTicket', session.ticket)}` +
      `${sharedMember('AccountIdentity', accountRef)}${sharedMember('UserIdentity', userRefXml(u, 'b:'))}` +
      `${el('a:SuperUserFlag', session.user.superUser ?? false)}${el('a:DocumentServerUrl', documentServerUrl)}` +
      `${sharedMember('Account', `${accountRef}${el('b:Name', account.name ?? account.accountCode)}`)}` +
      `${sharedMember('User', userSummaryXml(u, 'b:'))}`,
  );
}

export const AUTHENTICATE_EMPTY_MEMBERS =
  '<a:SessionTicket i:nil="true"/>' + ['AccountIdentity', 'UserIdentity'].map((n) => sharedMember(n, undefined)).join('') +
  '<a:SuperUserFlag>false</a:SuperUserFlag><a:DocumentServerUrl i:nil="true"/>' + ['Account', 'User'].map((n) => sharedMember(n, undefined)).join('');

export const redirectResult = (url: string): HandlerResult => ok(`${el('a:RedirectUrl', url)}${AUTHENTICATE_EMPTY_MEMBERS}`);
export const authenticateFailure = (message: SimMessage): HandlerResult => fail(message, `<a:RedirectUrl i:nil="true"/>${AUTHENTICATE_EMPTY_MEMBERS}`);

/** The `a:` members each operation sends when it fails before producing its own result (all nil / zero). */
export const EMPTY_DERIVED: Record<string, string> = {
  PwsAuthenticate: `<a:RedirectUrl i:nil="true"/>${AUTHENTICATE_EMPTY_MEMBERS}`,
  PwsUnauthenticate: '',
  PwsAcquireProjectorLocks: `${sharedMember('Locks', undefined)}<a:ProjectorLockSetId>0</a:ProjectorLockSetId>`,
  PwsCheckProjectorLocks: sharedMember('Locks', undefined),
  PwsRenewProjectorLocks: '',
  PwsReleaseProjectorLocks: sharedMember('StolenLock', undefined),
  PwsTestRateLimiter: sharedMember('RateLimitSnapshot', undefined),
};

function identityOf(n: XNode | undefined): LockIdentityInput {
  const id = child(n, 'EntityIdentity');
  return { entityCode: textOf(id, 'EntityCode'), entityUid: textOf(id, 'EntityUid')?.trim(), lockType: textOf(id, 'LockType')?.trim() };
}

function readSteal(rq: XNode): StealInput[] {
  return childrenNamed(child(rq, 'LocksToSteal'), 'PwsEntityLockSummary').map((s) => ({
    entity: identityOf(s),
    items: childrenNamed(child(s, 'EntityLockSummary'), 'PwsEntityLockSummaryItem').map((i) => ({
      lockCount: intOf(i, 'LockCount'),
      holderUid: textOf(child(i, 'LockHolderUserIdentity'), 'UserUid')?.trim(),
      timestamp: textOf(i, 'MostRecentLockAcquisitionTimestamp')?.trim(),
    })),
  }));
}

type Wanted = { entity: SimEntity; lockType: string }[];

function readWanted(rq: XNode, locks: LockManager, required: boolean): Wanted | SimMessage {
  const items = childrenNamed(child(rq, 'Locks'), 'PwsProjectorLockRequest');
  if ((required && items.length < 1) || items.length > MAX_LOCKS_PER_REQUEST) {
    return MSG.invalidValue(`Locks must contain between 1 and ${MAX_LOCKS_PER_REQUEST} items (got ${items.length}).`);
  }
  const steal = childrenNamed(child(rq, 'LocksToSteal'), 'PwsEntityLockSummary');
  if (steal.length > MAX_LOCKS_PER_REQUEST) return MSG.invalidValue(`LocksToSteal must contain at most ${MAX_LOCKS_PER_REQUEST} items.`);
  const wanted: Wanted = [];
  for (const item of items) {
    const r = locks.resolve(identityOf(item));
    if ('kind' in r) return (r as { message: SimMessage }).message;
    wanted.push(r);
  }
  return wanted;
}

function durationOf(rq: XNode): number | SimMessage {
  const d = intOf(rq, 'LockDurationSeconds');
  if (d === undefined || d < MIN_LOCK_DURATION_SECONDS || d > MAX_LOCK_DURATION_SECONDS) {
    return MSG.invalidValue(`LockDurationSeconds must be between ${MIN_LOCK_DURATION_SECONDS} and ${MAX_LOCK_DURATION_SECONDS}.`);
  }
  return d;
}

const isMessage = (v: unknown): v is SimMessage => typeof v === 'object' && v !== null && 'errorNumber' in v;

export function acquireLocks(rq: XNode, session: Session, locks: LockManager): HandlerResult {
  const empty = EMPTY_DERIVED.PwsAcquireProjectorLocks;
  const duration = durationOf(rq);
  if (isMessage(duration)) return fail(duration, empty);
  const wanted = readWanted(rq, locks, true);
  if (isMessage(wanted)) return fail(wanted, empty);
  const r = locks.acquire(session.account, session.user, { durationInSeconds: duration, wanted, steal: readSteal(rq), lockSetId: intOf(rq, 'ProjectorLockSetId') });
  if ('kind' in r) return lockFailure(r, empty);
  return ok(`${sharedMember('Locks', projectorLocksXml(r.locks, 'b:'))}${el('a:ProjectorLockSetId', r.lockSetId)}`);
}

export function checkLocks(rq: XNode, session: Session, locks: LockManager): HandlerResult {
  const empty = EMPTY_DERIVED.PwsCheckProjectorLocks;
  const lockSetId = intOf(rq, 'ProjectorLockSetId');
  const wanted = readWanted(rq, locks, lockSetId === undefined);
  if (isMessage(wanted)) return fail(wanted, empty);
  const r = locks.check(session.account, session.user, { wanted, lockSetId });
  if ('kind' in r) return lockFailure(r, empty);
  return ok(sharedMember('Locks', projectorLocksXml(r.locks, 'b:')));
}

export function renewLocks(rq: XNode, session: Session, locks: LockManager): HandlerResult {
  const duration = durationOf(rq);
  if (isMessage(duration)) return fail(duration);
  const lockSetId = intOf(rq, 'ProjectorLockSetId');
  if (lockSetId === undefined) return fail(MSG.lockNotFound());
  const r = locks.renew(session.account, session.user, lockSetId, duration);
  return 'kind' in r ? lockFailure(r) : ok();
}

export function releaseLocks(rq: XNode, session: Session, locks: LockManager): HandlerResult {
  const empty = EMPTY_DERIVED.PwsReleaseProjectorLocks;
  const lockSetId = intOf(rq, 'ProjectorLockSetId');
  if (lockSetId === undefined) return fail(MSG.lockNotFound(), empty);
  const r = locks.release(session.account, session.user, lockSetId);
  if ('kind' in r) return lockFailure(r, empty);
  return ok(sharedMember('StolenLock', r.stolen && stolenLockXml(r.stolen, 'b:')), r.warning ? [r.warning] : []);
}

export function snapshotResult(enabled: boolean, counts: CounterSnapshot, s: { installationLimit: number; userLimit: number; sessionLimit: number; windowInMs: number }): HandlerResult {
  return ok(
    sharedMember(
      'RateLimitSnapshot',
      `${el('b:EnabledFlag', enabled)}${el('b:InstallationHitCount', counts.installation)}${el('b:InstallationRateLimit', s.installationLimit)}` +
        `${el('b:RollingWindowSeconds', Math.round(s.windowInMs / 1000))}${el('b:SessionHitCount', counts.session)}` +
        `${el('b:SessionRateLimit', s.sessionLimit)}${el('b:UserHitCount', counts.user)}${el('b:UserRateLimit', s.userLimit)}`,
    ),
  );
}

