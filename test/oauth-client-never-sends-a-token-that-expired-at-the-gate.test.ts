/**
 * An OAuth access token is checked after the call has waited at the gate, not only before: a call that took a token
 * with 4 s left and then waited out a 5 s rate-limit pause does not send it (that would cost a FailSessionInvalid, a
 * refresh and a resend); it gets a fresh token and sends that. Proven from the simulator's log: every request that
 * carried an access token arrived before that token's expiry, and no call failed.
 */
import { SimulatedFault } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';
import { PROJECT } from './support/client';
import { startManualRig, until, watch, type ManualRig } from './support/manual-rig';

const LIFETIME_IN_SECONDS = 60;

describe('an OAuth token and a wait at the gate', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig({ oauth: { accessTokenLifetimeInSeconds: LIFETIME_IN_SECONDS } });
  });
  afterEach(() => rig.close());

  test('a token that expires during a rate-limit pause is never sent; the calls go out with a new one', async () => {
    const client = rig.client({
      credentials: undefined,
      accountCode: 'DEMO',
      rateLimit: { random: () => 0 },
      oauth: {
        clientId: DEMO_OAUTH_CLIENT.clientId,
        clientSecret: DEMO_OAUTH_CLIENT.clientSecret,
        refreshToken: rig.sim.oauth.issueRefreshToken({ clientId: DEMO_OAUTH_CLIENT.clientId, userName: 'alice@example.com' }),
        // Handed out until 1 s before expiry, and no refresh ahead before that: the case the issue describes.
        refreshAheadInMs: 1_000,
        minRemainingInMs: 1_000,
      },
    });
    await client.testRateLimiter();
    const [first] = rig.sim.oauth.accessTokens();
    rig.clock.advance(first.expiresAt - rig.clock.now() - 4_000);

    // One 10016 closes the gate for 5 s (minPause, no jitter), past the token's expiry.
    let rejected = false;
    rig.sim.handle('PwsCheckProjectorLocks', () => {
      if (rejected) return {};
      rejected = true;
      throw new SimulatedFault({ messages: [{ errorNumber: 10016, errorCode: 'RequestExceededRateLimit', errorText: 'Request exceeded rate limit.' }] });
    });
    const paused = watch(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] }));
    await until(() => rig.clock.pendingSleepers === 1);
    // This call takes the token (4 s left, usable) and then waits at the closed gate.
    const waiting = watch(client.testRateLimiter());
    await until(() => rig.clock.pendingSleepers === 2);
    rig.clock.advance(5_000);
    await Promise.all([paused.done, waiting.done]);

    expect(paused.error).toBeUndefined();
    expect(waiting.error).toBeUndefined();
    const uses = rig.sim.log.filter((e) => e.ticketHash && e.operation !== 'PwsUnauthenticate');
    for (const e of uses) expect(e.receivedAt).toBeLessThan(rig.sim.oauth.accessTokenByHash(e.ticketHash!)!.expiresAt);
    expect(rig.sim.log.filter((e) => e.outcome === 'fail' || e.errorNumber === -101 || e.errorNumber === 10004)).toHaveLength(0);
    // One refresh served both calls; each was sent once after the pause, with the new token.
    expect(rig.sent('PwsAcquireOauth2Token')).toHaveLength(2);
    const second = rig.sim.oauth.accessTokens()[1];
    expect(rig.sent('PwsTestRateLimiter').map((e) => e.ticketHash)).toEqual([first.ticketHash, second.ticketHash]);
    expect(rig.sent('PwsCheckProjectorLocks').map((e) => e.ticketHash)).toEqual([first.ticketHash, second.ticketHash]);
  });
});
