/**
 * Aborting a write after it went on the wire does not undo it: the server may run it (here it does, and the lock it
 * acquired is held). The caller gets OutcomeUnknownError (requestSent: true) whose `cause` is the abort, so it knows
 * to check the state before repeating. A read aborted on the wire is an ordinary AbortedError: repeating it is safe.
 */
import { AbortedError, LockConflictError, OutcomeUnknownError } from '../src/errors';
import { BOB, PROJECT } from './support/client';
import { startManualRig, until, watch, type ManualRig } from './support/manual-rig';

const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 };

describe('abort after sending', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig();
  });
  afterEach(() => rig.close());

  test('an acquire aborted on the wire is OutcomeUnknownError with the abort as cause; the lock was taken', async () => {
    const alice = rig.client();
    await alice.authenticate();
    rig.sim.setLatency('PwsAcquireProjectorLocks', 1_000);
    const abort = new AbortController();
    const call = watch(alice.acquireLocks(acquire, { abortSignal: abort.signal }));
    await until(() => rig.sent('PwsAcquireProjectorLocks').length === 1 && rig.clock.pendingSleepers === 1);

    const reason = new Error('job cancelled');
    abort.abort(reason);
    await call.done;
    expect(call.error).toBeInstanceOf(OutcomeUnknownError);
    expect(call.error).toMatchObject({ code: 'OutcomeUnknown', requestSent: true, retryable: false, operation: 'PwsAcquireProjectorLocks' });
    const cause = (call.error as OutcomeUnknownError).cause;
    expect(cause).toBeInstanceOf(AbortedError);
    expect((cause as AbortedError).cause).toBe(reason);

    // The server ran it: the entity is locked, which is why the outcome had to be reported as unknown.
    rig.clock.advance(1_000);
    await until(() => rig.sent('PwsAcquireProjectorLocks')[0].finishedAt !== undefined);
    rig.sim.setLatency('PwsAcquireProjectorLocks', 0);
    await expect(rig.client({ credentials: BOB }).acquireLocks(acquire)).rejects.toBeInstanceOf(LockConflictError);
  });

  test('a read aborted on the wire stays an AbortedError', async () => {
    const alice = rig.client();
    await alice.authenticate();
    rig.sim.setLatency('PwsCheckProjectorLocks', 1_000);
    const abort = new AbortController();
    const call = watch(alice.checkLocks({ locks: [{ entityIdentity: PROJECT }] }, { abortSignal: abort.signal }));
    await until(() => rig.sent('PwsCheckProjectorLocks').length === 1 && rig.clock.pendingSleepers === 1);
    abort.abort();
    await call.done;
    expect(call.error).toBeInstanceOf(AbortedError);
    expect(call.error).toMatchObject({ code: 'Aborted', requestSent: true });
    rig.clock.advance(1_000);
  });
});
