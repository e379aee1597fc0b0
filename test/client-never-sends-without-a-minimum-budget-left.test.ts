/**
 * A call is never sent with less than a minimum budget left (the connect timeout, the attempt timeout or a tenth of
 * the call's deadline, whichever is least): a write whose waits (here: a shared login that the server takes its time
 * over) end at, or just before, its deadline fails with a Timeout and `requestSent: false`, and the server never sees
 * it. Sending it with the 1 ms that was left would have made it OutcomeUnknownError for nothing.
 */
import { TransportError } from '../src/errors';
import { PROJECT } from './support/client';
import { startManualRig, until, watch, type ManualRig } from './support/manual-rig';

// Long enough that the login wait's own deadline (a real-time timer of the same length) never fires first.
const LOGIN_IN_MS = 10_000;
const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 };

describe('the minimum budget to send', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig();
    rig.sim.setLatency('PwsAuthenticate', LOGIN_IN_MS);
    // Answers only when the (manual) clock moves: a request sent with 1 ms left would time out after writing.
    rig.sim.setLatency('PwsAcquireProjectorLocks', 1);
  });
  afterEach(() => rig.close());

  /** An acquire with `deadlineInMs` whose login takes LOGIN_IN_MS of it. */
  async function acquireAfterLogin(deadlineInMs: number) {
    const client = rig.client();
    const call = watch(client.acquireLocks(acquire, { deadlineInMs }));
    await until(() => rig.sent('PwsAuthenticate').length === 1 && rig.clock.pendingSleepers === 1);
    rig.clock.advance(LOGIN_IN_MS);
    return call;
  }

  test.each([
    ['exactly at its deadline', LOGIN_IN_MS],
    ['with less than a tenth of its deadline left', LOGIN_IN_MS + 999],
  ])('a write whose waits end %s is not sent: Timeout, requestSent false', async (_what, deadlineInMs) => {
    const call = await acquireAfterLogin(deadlineInMs);
    await call.done;
    expect(call.error).toBeInstanceOf(TransportError);
    expect(call.error).toMatchObject({ code: 'Timeout', requestSent: false, retryable: true, operation: 'PwsAcquireProjectorLocks' });
    expect((call.error as Error).message).toMatch(/could not be sent before its deadline/);
    expect(rig.sent('PwsAcquireProjectorLocks')).toHaveLength(0);
  });

  test('with the budget left it is sent', async () => {
    const call = await acquireAfterLogin(LOGIN_IN_MS + 2_000);
    await until(() => rig.sent('PwsAcquireProjectorLocks').length === 1 && rig.clock.pendingSleepers === 1);
    rig.clock.advance(1);
    await call.done;
    expect(call.error).toBeUndefined();
    expect(call.value).toMatchObject({ status: 'Ok' });
  });
});
