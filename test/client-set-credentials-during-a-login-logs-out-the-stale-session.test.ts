/**
 * setCredentials() while a login is on the server: that login answers for the old user, so its session is stale.
 * It is logged out, the login goes on as the new user, and the calls waiting for it run as the new user (the
 * simulator's log names the user of every request). A failed login of the old user does not block the new one.
 */
import type { ProjectorClient } from '../src/client';
import { BOB } from './support/client';
import { startManualRig, until, watch, type ManualRig } from './support/manual-rig';

const LOGIN_IN_MS = 1_000;

describe('setCredentials during a login in flight', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig();
    rig.sim.setLatency('PwsAuthenticate', LOGIN_IN_MS);
  });
  afterEach(() => rig.close());

  const logins = () => rig.sent('PwsAuthenticate');

  /** Lets the login on the server answer, once it is there. */
  async function answerLogin(count: number): Promise<void> {
    await until(() => logins().length === count && rig.clock.pendingSleepers === 1);
    rig.clock.advance(LOGIN_IN_MS);
  }

  /** A call whose login is on the server when the client switches to Bob; resolves when the call has succeeded. */
  async function switchToBobDuringLogin(client: ProjectorClient): Promise<void> {
    const call = watch(client.testRateLimiter());
    await until(() => logins().length === 1 && rig.clock.pendingSleepers === 1);
    client.setCredentials(BOB);
    await answerLogin(1);
    await answerLogin(2);
    await call.done;
    expect(call.error).toBeUndefined();
  }

  test("the old user's session is logged out and the waiting call runs as the new user", async () => {
    const client = rig.client();
    await switchToBobDuringLogin(client);

    expect(logins().map((e) => [e.userName, e.outcome])).toEqual([['alice@example.com', 'ok'], [BOB.userName, 'ok']]);
    const logouts = rig.sent('PwsUnauthenticate');
    expect(logouts.map((e) => [e.userName, e.outcome])).toEqual([['alice@example.com', 'ok']]);
    expect(rig.sent('PwsTestRateLimiter').map((e) => e.userName)).toEqual([BOB.userName]);
    // Only Bob's session is alive, and it is the one the client goes on with.
    expect(rig.sim.issuedTickets()).toHaveLength(1);
    await client.testRateLimiter();
    expect(rig.sent('PwsTestRateLimiter').map((e) => e.userName)).toEqual([BOB.userName, BOB.userName]);
    expect(logins()).toHaveLength(2);
  });

  test("a bad password of the old user does not block the new credentials", async () => {
    const client = rig.client({ credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'wrong' } });
    await switchToBobDuringLogin(client);
    expect(logins().map((e) => [e.userName, e.outcome])).toEqual([['alice@example.com', 'fail'], [BOB.userName, 'ok']]);
    expect(rig.sent('PwsTestRateLimiter').map((e) => e.userName)).toEqual([BOB.userName]);
  });
});
