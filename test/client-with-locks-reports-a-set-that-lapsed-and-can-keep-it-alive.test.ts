/**
 * A lock set that lapsed while the withLocks callback ran lost mutual exclusion just as a stolen one did: Bob could
 * lock the entity meanwhile. withLocks rejects with LockLapsedError (a LockStolenError, code LockLapsed) carrying the
 * callback's result. With `keepAlive` the set is renewed every half duration, so slow work keeps it; the first failed
 * renewal stops the renewals, aborts the callback's signal with that failure, and is the `cause` of what withLocks
 * throws. The clock moves only when the test says so (the callbacks move it), so every renewal is at a known time.
 */
import { LockConflictError, LockLapsedError, LockNotFoundError, LockStolenError } from '../src/errors';
import { SimulatedFault } from '../src/simulator';
import { BOB, PROJECT } from './support/client';
import { startManualRig, until, type ManualRig } from './support/manual-rig';

const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 };

describe('withLocks and a set that lapses', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig();
  });
  afterEach(() => rig.close());

  const renewals = () => rig.sent('PwsRenewProjectorLocks').length;

  test('work that outlasts the set: LockLapsedError with the result, and Bob holds the entity', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    let bobSet = 0;
    const err = await alice
      .withLocks(acquire, async () => {
        rig.clock.advance(61_000);
        // The set has lapsed: Bob locks the entity without stealing anything.
        bobSet = (await bob.acquireLocks(acquire)).lockSetId;
        return { saved: 'P001468-001' };
      })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LockLapsedError);
    expect(err).toBeInstanceOf(LockStolenError);
    const e = err as LockLapsedError;
    expect(e).toMatchObject({ code: 'LockLapsed', operation: 'PwsReleaseProjectorLocks', requestSent: true, retryable: false });
    expect(e.result).toEqual({ saved: 'P001468-001' });
    expect(e.stolenBy).toBeUndefined();
    expect(e.messages.map((m) => m.errorNumber)).toContain(50476);
    expect(e.cause).toBeUndefined();
    expect(rig.sent('PwsReleaseProjectorLocks')).toHaveLength(1);
    await expect(alice.acquireLocks(acquire)).rejects.toBeInstanceOf(LockConflictError);
    await bob.releaseLocks(bobSet);
  });

  test('keepAlive renews every half duration while the work runs: 100 s of work under a 60 s set, Bob locked out', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    const value = await alice.withLocks(
      acquire,
      async (_set, { signal }) => {
        // 20 s steps; the keep-alive sleeps 30 s after acquiring and after each renewal: renewals at 40 s and 80 s.
        for (const expected of [0, 1, 1, 2, 2]) {
          rig.clock.advance(20_000);
          // Renewed as many times as expected, and the keep-alive asleep again (its answer has arrived).
          await until(() => renewals() === expected && rig.clock.pendingSleepers === 1);
          expect(signal.aborted).toBe(false);
        }
        const conflict = await bob.acquireLocks(acquire).catch((e: unknown) => e);
        expect(conflict).toBeInstanceOf(LockConflictError);
        return 'done';
      },
      { keepAlive: true },
    );
    expect(value).toBe('done');
    expect(renewals()).toBe(2);
    expect(rig.sent('PwsReleaseProjectorLocks')).toHaveLength(1);
    // Released cleanly: the entity is free now.
    await bob.releaseLocks((await bob.acquireLocks(acquire)).lockSetId);
  });

  test('a stolen set: the failed renewal stops the keep-alive, aborts the signal, and is the cause of LockStolenError', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    let reason: unknown;
    const err = await alice
      .withLocks(
        acquire,
        async (_set, { signal }) => {
          const conflict = (await bob.acquireLocks(acquire).catch((e: unknown) => e)) as LockConflictError;
          await bob.acquireLocks({ ...acquire, locksToSteal: conflict.lockHolders });
          rig.clock.advance(30_000);
          await until(() => signal.aborted);
          reason = signal.reason;
          // The keep-alive has stopped: nothing is scheduled, so no renewal follows however long the work goes on.
          expect(rig.clock.pendingSleepers).toBe(0);
          rig.clock.advance(120_000);
          return 'partial';
        },
        { keepAlive: true },
      )
      .catch((e: unknown) => e);

    expect(reason).toBeInstanceOf(LockStolenError);
    expect(reason).toMatchObject({ operation: 'PwsRenewProjectorLocks' });
    expect(err).toBeInstanceOf(LockStolenError);
    expect(err).not.toBeInstanceOf(LockLapsedError);
    expect(err).toMatchObject({ code: 'LockStolen', result: 'partial', stolenBy: { emailAddress: BOB.userName } });
    expect((err as LockStolenError).cause).toBe(reason);
    expect(renewals()).toBe(1);
  });

  test('a renewal the server refuses: the set lapses, and LockLapsedError names the renewal failure as its cause', async () => {
    rig.sim.handle('PwsRenewProjectorLocks', () => {
      throw new SimulatedFault({ messages: [{ errorNumber: 50475, errorCode: 'SpecifiedLockNotFound', errorText: 'The specified lock was not found.' }] });
    });
    const alice = rig.client();
    const err = await alice
      .withLocks(
        acquire,
        async (_set, { signal }) => {
          rig.clock.advance(30_000);
          await until(() => signal.aborted);
          rig.clock.advance(40_000);
          return 42;
        },
        { keepAlive: true },
      )
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LockLapsedError);
    expect(err).toMatchObject({ code: 'LockLapsed', result: 42 });
    expect((err as LockLapsedError).cause).toBeInstanceOf(LockNotFoundError);
    expect((err as LockLapsedError).message).toMatch(/keep-alive renewal failed \(SpecifiedLockNotFound\)/);
    expect(renewals()).toBe(1);
  });
});
