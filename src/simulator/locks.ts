/**
 * Projector locks: exclusive per (installation, entity, lock type), grouped in lock sets that are acquired,
 * checked, renewed and released as one unit, owned by a user (not a session, so a re-login can still release
 * them). Expiry is evaluated lazily against the simulator clock. Stealing needs LocksToSteal to match the
 * blocking locks exactly as PwsFault.LockHolders reported them.
 */
import type { Clock } from '../clock';
import { LOCK_TYPES } from '../types';
import { MSG, type SimMessage } from './catalogue';
import type { EntityLockSummaryView, EntityView, LockSummaryItemView, ProjectorLockView, StolenLockView, UserView } from './templates';
import { timestamp } from './xml-writer';
import type { SimAccount, SimEntity, SimUser } from './types';

export interface LockIdentityInput {
  entityCode?: string;
  entityUid?: string;
  lockType?: string;
}

export interface StealInput {
  entity: LockIdentityInput;
  items: { lockCount?: number; holderUid?: string; timestamp?: string }[];
}

interface Held {
  entity: SimEntity;
  lockType: string;
  acquiredAt: number;
  stolen: LockSummaryItemView[];
}

interface LockSet {
  id: number;
  accountKey: string;
  owner: SimUser;
  held: Map<string, Held>;
  expiresAt: number;
  released: boolean;
  stolenBy?: SimUser;
}

export type LockFailure =
  | { kind: 'fail'; message: SimMessage }
  | { kind: 'conflict'; holders: EntityLockSummaryView[]; firstHolder: UserView; allowSteal: boolean }
  | { kind: 'stolen'; message: SimMessage; taker: StolenLockView };

export const userView = (u: SimUser): UserView => ({
  displayName: u.displayName ?? u.userName,
  referenceSystemId: u.referenceSystemId,
  userUid: u.userUid ?? '0',
  emailAddress: u.userName,
  firstName: u.firstName,
  lastName: u.lastName,
  middleName: u.middleName,
});

const entityView = (e: SimEntity, lockType: string): EntityView => ({ entityCode: e.entityCode, entityUid: e.entityUid, lockType });

export class LockManager {
  private readonly sets = new Map<number, LockSet>();
  /** `${account}|${uid}|${type}` -> the set holding it (may be stale: always check liveness). */
  private readonly holders = new Map<string, LockSet>();
  private nextId: number;

  constructor(private readonly clock: Clock, private readonly entities: SimEntity[], firstId: number) {
    this.nextId = firstId;
  }

  /** 10126 for a bad lock type, 50024 for an unknown entity (or a code and uid that name different entities). */
  resolve(input: LockIdentityInput): { entity: SimEntity; lockType: string } | LockFailure {
    if (!input.lockType || !(LOCK_TYPES as readonly string[]).includes(input.lockType)) {
      return { kind: 'fail', message: MSG.invalidLockType(input.lockType ?? '') };
    }
    if (input.entityCode === undefined && input.entityUid === undefined) {
      return { kind: 'fail', message: MSG.invalidValue('EntityCode or EntityUid is required in EntityIdentity.') };
    }
    const entity = this.entities.find(
      (e) => (input.entityUid === undefined || BigInt(input.entityUid) === BigInt(e.entityUid)) && (input.entityCode === undefined || input.entityCode === e.entityCode),
    );
    return entity ? { entity, lockType: input.lockType } : { kind: 'fail', message: MSG.entityNotFound() };
  }

  private live(set: LockSet | undefined): set is LockSet {
    return !!set && !set.released && this.clock.now() < set.expiresAt;
  }

  private holderOf(accountKey: string, entity: SimEntity, lockType: string): LockSet | undefined {
    const set = this.holders.get(`${accountKey}|${entity.entityUid}|${lockType}`);
    return this.live(set) && set.held.has(`${entity.entityUid}|${lockType}`) ? set : undefined;
  }

  private summary(set: LockSet, entity: SimEntity, lockType: string): EntityLockSummaryView {
    const held = set.held.get(`${entity.entityUid}|${lockType}`)!;
    return { entity: entityView(entity, lockType), items: [{ lockCount: 1, holder: userView(set.owner), mostRecentAcquisitionAt: held.acquiredAt }] };
  }

  private ownSet(account: SimAccount, user: SimUser, id: number | undefined): LockSet | undefined {
    const set = id === undefined ? undefined : this.sets.get(id);
    return set && set.accountKey === account.accountCode.toLowerCase() && set.owner.userName.toLowerCase() === user.userName.toLowerCase() ? set : undefined;
  }

  /** The caller's live lock set named in a request (none named: undefined), or the failure to answer with. */
  private existingSet(account: SimAccount, user: SimUser, lockSetId: number | undefined): LockSet | LockFailure | undefined {
    if (lockSetId === undefined) return undefined;
    const set = this.ownSet(account, user, lockSetId);
    if (!set || !this.live(set)) return { kind: 'fail', message: MSG.lockNotFound() };
    if (set.stolenBy) return this.stolenFailure(set);
    return set;
  }

  private blockers(account: SimAccount, wanted: { entity: SimEntity; lockType: string }[], own?: LockSet) {
    const found: { set: LockSet; entity: SimEntity; lockType: string }[] = [];
    for (const w of wanted) {
      const holder = this.holderOf(account.accountCode.toLowerCase(), w.entity, w.lockType);
      if (holder && holder !== own) found.push({ set: holder, ...w });
    }
    return found;
  }

  private conflict(blockers: { set: LockSet; entity: SimEntity; lockType: string }[]): LockFailure {
    return {
      kind: 'conflict',
      holders: blockers.map((b) => this.summary(b.set, b.entity, b.lockType)),
      firstHolder: userView(blockers[0].set.owner),
      allowSteal: blockers.every((b) => b.entity.allowSteal !== false),
    };
  }

  private stolenFailure(set: LockSet): LockFailure {
    return { kind: 'stolen', message: MSG.lockStolen(set.id), taker: { thief: userView(set.stolenBy!), lockSetId: set.id } };
  }

  private matchesSteal(b: { set: LockSet; entity: SimEntity; lockType: string }, steal: StealInput[]): boolean {
    const current = this.summary(b.set, b.entity, b.lockType).items[0];
    return steal.some((s) => {
      const e = s.entity;
      const sameEntity =
        e.lockType === b.lockType &&
        (e.entityUid === undefined || BigInt(e.entityUid) === BigInt(b.entity.entityUid)) &&
        (e.entityCode === undefined || e.entityCode === b.entity.entityCode);
      return (
        sameEntity &&
        s.items.length === 1 &&
        s.items[0].lockCount === current.lockCount &&
        s.items[0].holderUid !== undefined &&
        BigInt(s.items[0].holderUid) === BigInt(current.holder.userUid) &&
        s.items[0].timestamp === timestamp(current.mostRecentAcquisitionAt)
      );
    });
  }

  acquire(
    account: SimAccount,
    user: SimUser,
    req: { durationInSeconds: number; wanted: { entity: SimEntity; lockType: string }[]; steal: StealInput[]; lockSetId?: number },
  ): { lockSetId: number; locks: ProjectorLockView[] } | LockFailure {
    const existing = this.existingSet(account, user, req.lockSetId);
    if (existing && 'kind' in existing) return existing;
    let set: LockSet | undefined = existing;
    const blockers = this.blockers(account, req.wanted, set);
    if (blockers.length) {
      const stealable = blockers.every((b) => b.entity.allowSteal !== false);
      if (!req.steal.length || !stealable || !blockers.every((b) => this.matchesSteal(b, req.steal))) return this.conflict(blockers);
    }
    const now = this.clock.now();
    if (!set) {
      set = { id: this.nextId++, accountKey: account.accountCode.toLowerCase(), owner: user, held: new Map(), expiresAt: 0, released: false };
      this.sets.set(set.id, set);
    }
    set.expiresAt = now + req.durationInSeconds * 1000;
    const views: ProjectorLockView[] = [];
    for (const w of req.wanted) {
      const key = `${w.entity.entityUid}|${w.lockType}`;
      const blocker = blockers.find((b) => b.entity === w.entity && b.lockType === w.lockType);
      const stolen = blocker ? this.summary(blocker.set, w.entity, w.lockType).items : [];
      if (blocker) {
        blocker.set.held.delete(key);
        blocker.set.stolenBy = user;
      }
      const held: Held = set.held.get(key) ?? { entity: w.entity, lockType: w.lockType, acquiredAt: now, stolen };
      held.acquiredAt = now;
      set.held.set(key, held);
      this.holders.set(`${set.accountKey}|${key}`, set);
      views.push({ entity: entityView(w.entity, w.lockType), entityTimestamp: w.entity.entityTimestamp, lockStolenFlag: stolen.length > 0, stolenLocks: stolen });
    }
    return { lockSetId: set.id, locks: views };
  }

  check(
    account: SimAccount,
    user: SimUser,
    req: { wanted: { entity: SimEntity; lockType: string }[]; lockSetId?: number },
  ): { locks: ProjectorLockView[] } | LockFailure {
    const existing = this.existingSet(account, user, req.lockSetId);
    if (existing && 'kind' in existing) return existing;
    const set: LockSet | undefined = existing;
    const blockers = this.blockers(account, req.wanted, set);
    if (blockers.length) return this.conflict(blockers);
    const listed = req.wanted.length ? req.wanted : [...(set?.held.values() ?? [])];
    return {
      locks: listed.map((w) => ({ entity: entityView(w.entity, w.lockType), entityTimestamp: w.entity.entityTimestamp, lockStolenFlag: false, stolenLocks: [] })),
    };
  }

  renew(account: SimAccount, user: SimUser, lockSetId: number, durationInSeconds: number): { ok: true } | LockFailure {
    const set = this.ownSet(account, user, lockSetId);
    if (!set) return { kind: 'fail', message: MSG.lockNotFound() };
    if (set.stolenBy) return this.stolenFailure(set);
    if (!this.live(set)) return { kind: 'fail', message: MSG.cannotRenewReleased(lockSetId) };
    set.expiresAt = this.clock.now() + durationInSeconds * 1000;
    return { ok: true };
  }

  release(account: SimAccount, user: SimUser, lockSetId: number): { stolen?: StolenLockView; warning?: SimMessage } | LockFailure {
    const set = this.ownSet(account, user, lockSetId);
    if (!set) return { kind: 'fail', message: MSG.lockNotFound() };
    if (set.released) return { warning: MSG.lockAlreadyReleased(lockSetId) };
    // A stolen set reports its taker on the first release, even after its duration ran out.
    const wasLive = this.live(set);
    set.released = true;
    if (set.stolenBy) return { stolen: { thief: userView(set.stolenBy), lockSetId } };
    return wasLive ? {} : { warning: MSG.lockAlreadyReleased(lockSetId) };
  }
}
