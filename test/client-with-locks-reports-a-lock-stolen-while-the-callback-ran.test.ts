/**
 * withLocks never hides a theft: when Bob steals Alice's lock set while her callback runs, the release finds it
 * stolen and withLocks rejects with LockStolenError naming Bob (`stolenBy`) and carrying what the callback returned
 * (`result`), since that work no longer held the lock. Without a theft it returns the callback's value and releases.
 */
import { LockConflictError, LockStolenError } from '../src/errors';
import { BOB, PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 };

describe('withLocks and stolen locks', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('Bob steals the set while the callback runs: LockStolenError with stolenBy and the callback result', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    let aliceSet = 0;
    let bobSet = 0;
    const err = await alice
      .withLocks(acquire, async (set) => {
        aliceSet = set.lockSetId;
        const conflict = await bob.acquireLocks(acquire).catch((e: unknown) => e);
        expect(conflict).toBeInstanceOf(LockConflictError);
        bobSet = (await bob.acquireLocks({ ...acquire, locksToSteal: (conflict as LockConflictError).lockHolders })).lockSetId;
        return { saved: 'P001468-001' };
      })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LockStolenError);
    const e = err as LockStolenError;
    expect(e).toMatchObject({ code: 'LockStolen', operation: 'PwsReleaseProjectorLocks', retryable: false });
    expect(e.stolenBy).toMatchObject({ emailAddress: BOB.userName });
    expect(e.lockTaker).toMatchObject({ lockStolenByUser: { emailAddress: BOB.userName } });
    expect(e.result).toEqual({ saved: 'P001468-001' });
    expect(e.message).toContain(String(aliceSet));
    // The release did go out (once), and the lock is Bob's: Alice cannot take it back without stealing.
    expect(rig.sim.log.filter((x) => x.operation === 'PwsReleaseProjectorLocks')).toHaveLength(1);
    await expect(alice.acquireLocks(acquire)).rejects.toBeInstanceOf(LockConflictError);
    await expect(bob.releaseLocks(bobSet)).resolves.toMatchObject({ alreadyReleased: false });
  });

  test('without a theft it returns the callback value and the lock is free afterwards', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    await expect(alice.withLocks(acquire, (set) => set.lockSetId)).resolves.toBeGreaterThan(0);
    const bobs = await bob.acquireLocks(acquire);
    await bob.releaseLocks(bobs.lockSetId);
  });

  test("a callback that throws gets its own error back, stolen or not, and the set is released", async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    const boom = new Error('save failed');
    await expect(alice.withLocks(acquire, () => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      alice.withLocks(acquire, async () => {
        const conflict = (await bob.acquireLocks(acquire).catch((e: unknown) => e)) as LockConflictError;
        await bob.acquireLocks({ ...acquire, locksToSteal: conflict.lockHolders });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(rig.sim.log.filter((x) => x.operation === 'PwsReleaseProjectorLocks')).toHaveLength(2);
  });
});
