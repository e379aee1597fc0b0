import { LockConflictError, LockNotFoundError, InvalidInputError, isLockConflictError } from '../src/errors';
import { BOB, PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

describe('lock operations', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('acquire, check, renew and release a lock set; a second release is a success marked alreadyReleased', async () => {
    const client = rig.client();
    const set = await client.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 120 });
    expect(set.lockSetId).toBeGreaterThan(0);
    expect(set.locks[0].entityIdentity).toMatchObject({ entityUid: PROJECT.entityUid, lockType: 'P' });
    await expect(client.checkLocks({ lockSetId: set.lockSetId })).resolves.toMatchObject({ status: 'Ok' });
    await expect(client.renewLocks(set.lockSetId, 300)).resolves.toMatchObject({ status: 'Ok' });
    const released = await client.releaseLocks(set.lockSetId);
    expect(released).toMatchObject({ alreadyReleased: false, lockSetId: set.lockSetId });
    expect(released.stolenBy).toBeUndefined();
    const again = await client.releaseLocks(set.lockSetId);
    expect(again.alreadyReleased).toBe(true);
    expect(again.warnings.map((w) => w.errorNumber)).toContain(50476);
  });

  test('an unknown lock set is LockNotFoundError', async () => {
    const client = rig.client();
    const err = await client.releaseLocks(987654).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockNotFoundError);
    expect(err).toMatchObject({ errorNumber: 50475, operation: 'PwsReleaseProjectorLocks', retryable: false });
  });

  test('a conflict is LockConflictError whose holders steal the lock; the victim then sees who took it', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    const aliceSet = await alice.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 });
    const conflict = await bob.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 }).catch((e: unknown) => e);
    expect(isLockConflictError(conflict)).toBe(true);
    const holders = (conflict as LockConflictError).lockHolders;
    expect(holders).toHaveLength(1);
    expect(holders[0].entityLockSummary[0].mostRecentLockAcquisitionTimestamp).toMatch(/\.\d{7}Z$/);
    const stolen = await bob.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600, locksToSteal: holders });
    expect(stolen.locks[0].lockStolenFlag).toBe(true);
    const release = await alice.releaseLocks(aliceSet.lockSetId);
    expect(release.stolenBy?.emailAddress).toBe(BOB.userName);
    expect(release.stolenLock?.projectorLockSetId).toBe(aliceSet.lockSetId);
    await bob.releaseLocks(stolen.lockSetId);
  });

  test('withLocks releases the lock set when the function throws, and returns its value otherwise', async () => {
    const client = rig.client();
    await expect(client.withLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 }, async () => {
      throw new Error('job failed');
    })).rejects.toThrow('job failed');
    const releases = rig.sim.log.filter((e) => e.operation === 'PwsReleaseProjectorLocks');
    expect(releases).toHaveLength(1);
    expect(releases[0].outcome).toBe('ok');
    const value = await client.withLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 }, (set) => set.lockSetId);
    expect(value).toBeGreaterThan(0);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsReleaseProjectorLocks')).toHaveLength(2);
  });

  test('bad input is InvalidInputError and nothing is sent', async () => {
    const client = rig.client();
    await expect(client.acquireLocks({ locks: [{ entityIdentity: { ...PROJECT, lockType: 'X' as never } }], durationInSeconds: 60 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 86401 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client.acquireLocks({ locks: [], durationInSeconds: 60 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client.releaseLocks(1.5)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'a\u0001b', lockType: 'P' } }], durationInSeconds: 60 })).rejects.toBeInstanceOf(InvalidInputError);
    expect(rig.sim.log).toHaveLength(0);
  });

  test('Uids beyond 2^53 go out and come back exact', async () => {
    const client = rig.client();
    const set = await client.acquireLocks({ locks: [{ entityIdentity: { entityUid: 1152921504607429941n, lockType: 'P' } }], durationInSeconds: 60 });
    expect(set.locks[0].entityIdentity.entityUid).toBe('1152921504607429941');
    await client.releaseLocks(set.lockSetId);
  });
});
