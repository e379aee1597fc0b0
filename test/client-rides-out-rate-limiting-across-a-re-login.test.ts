/**
 * Session renewal and rate limiting compose: a session that dies during a pause is renewed only once the gate
 * opens, and a re-login that is itself rate limited pauses like any call, holding the calls behind it.
 */
import { ALICE, PROJECT, authCount, startRig } from './support/client';
import type { Rig } from './support/client';

const check = { locks: [{ entityIdentity: PROJECT }] };
const AUTH = 'PwsAuthenticate';

describe('re-login under rate limiting', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('the session dies while the gate is closed: the re-login waits for the gate, then the call succeeds', async () => {
    let pausedUntil = 0;
    const client = rig.client({
      rateLimit: {
        onRateLimited: (i) => {
          pausedUntil = rig.clock.now() + i.waitInMs;
          rig.sim.invalidateAllSessions(); // the session ends while every call is paused
        },
      },
    });
    await client.checkLocks(check);
    rig.sim.setRateLimit({ sessionLimit: 1 });
    rig.sim.clearLog();

    await expect(client.checkLocks(check)).resolves.toMatchObject({ status: 'Ok' });
    const log = rig.sim.log.map((e) => ({ op: e.operation, outcome: e.outcome, at: e.receivedAt }));
    expect(log.map((e) => `${e.op}:${e.outcome}`)).toEqual([
      'PwsCheckProjectorLocks:rate-limited',
      'PwsCheckProjectorLocks:fail', // retried after the pause: the session is gone
      `${AUTH}:ok`,
      'PwsCheckProjectorLocks:ok', // the new session has its own (empty) session counter
    ]);
    expect(pausedUntil).toBeGreaterThanOrEqual(log[0].at + 5_000);
    expect(log.slice(1).every((e) => e.at >= pausedUntil)).toBe(true);
    expect(authCount(rig.sim)).toBe(1);
  });

  test('a rate-limited re-login pauses, retries after >= 5 s, and holds the calls that arrive meanwhile', async () => {
    const client = rig.client({ rateLimit: { random: () => 0 } });
    await client.checkLocks(check);
    await client.checkLocks(check);
    // The user already has 3 hits; a 4 s window lets them age out during the 5 s pause.
    rig.sim.setRateLimit({ userLimit: 3, windowInMs: 4_000 });
    rig.sim.invalidateAllSessions();
    rig.sim.clearLog();

    const first = client.checkLocks(check);
    // A second call joins while the login is paused: it neither logs in again nor goes out before the gate opens.
    while (!rig.sim.log.some((e) => e.operation === AUTH)) await new Promise((r) => setTimeout(r, 1));
    const second = client.checkLocks(check);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);

    const log = rig.sim.log;
    const auths = log.filter((e) => e.operation === AUTH);
    expect(auths.map((e) => e.outcome)).toEqual(['rate-limited', 'ok']);
    expect(auths[0].userName).toBe(ALICE.userName);
    expect(auths[1].receivedAt).toBeGreaterThanOrEqual(auths[0].finishedAt! + 5_000);
    const checks = log.filter((e) => e.operation === 'PwsCheckProjectorLocks');
    expect(checks.map((e) => e.outcome)).toEqual(['fail', 'ok', 'ok']);
    expect(checks.slice(1).every((e) => e.receivedAt >= auths[1].receivedAt && e.ticketHash === auths[1].ticketHash)).toBe(true);
  });
});
