/**
 * Session tickets: 16 random bytes in Base64; valid until logout, idle timeout or absolute lifetime (on the
 * simulator clock). A ticket this instance issued that has ended answers -101 InvalidSession; a ticket it never
 * issued answers 10004 InvalidSessionTicket; both in-band with Status FailSessionInvalid.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator sessions', () => {
  let sim: Simulator;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock, session: { idleTimeoutInMs: 10 * 60_000, maxLifetimeInMs: 60 * 60_000 } });
  });
  afterEach(() => sim.close());

  const check = (ticket: string) => callRaw(sim.url, 'PwsTestRateLimiter', `<req:RequestId>5</req:RequestId><req:SessionTicket>${ticket}</req:SessionTicket>`);
  const errorOf = async (ticket: string) => {
    const res = await check(ticket);
    return { http: res.status, status: textOfFirst(res.body, 'Status'), number: textOfFirst(res.body, 'ErrorNumber'), code: textOfFirst(res.body, 'ErrorCode'), responseId: textOfFirst(res.body, 'ResponseId') };
  };

  it('issues distinct 16-byte Base64 tickets that work until logout, then answer -101', async () => {
    const a = await loginRaw(sim.url);
    const b = await loginRaw(sim.url);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
    expect((await errorOf(a)).status).toBe('Ok');
    const logout = await callRaw(sim.url, 'PwsUnauthenticate', `<req:SessionTicket>${a}</req:SessionTicket>`);
    expect(textOfFirst(logout.body, 'Status')).toBe('Ok');
    expect(await errorOf(a)).toEqual({ http: 200, status: 'FailSessionInvalid', number: '-101', code: 'InvalidSession', responseId: '5' });
    expect((await errorOf(b)).status).toBe('Ok');
    // A second logout of the same ticket is refused the same way.
    const again = await callRaw(sim.url, 'PwsUnauthenticate', `<req:SessionTicket>${a}</req:SessionTicket>`);
    expect(textOfFirst(again.body, 'ErrorNumber')).toBe('-101');
  });

  it('answers 10004 for a ticket it never issued and for a missing ticket', async () => {
    expect(await errorOf('ARpTzROQ1vcU4qOWebXLww==')).toMatchObject({ status: 'FailSessionInvalid', number: '10004', code: 'InvalidSessionTicket' });
    const none = await callRaw(sim.url, 'PwsReleaseProjectorLocks', '<req:ProjectorLockSetId>1</req:ProjectorLockSetId>');
    expect(textOfFirst(none.body, 'ErrorNumber')).toBe('10004');
  });

  it('ends a session after the idle timeout, but not while it is used', async () => {
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 3; i++) {
      clock.advance(9 * 60_000);
      expect((await errorOf(t)).status).toBe('Ok');
    }
    clock.advance(10 * 60_000 + 1);
    expect((await errorOf(t)).number).toBe('-101');
  });

  it('ends a session at its absolute lifetime even when it is busy', async () => {
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 6; i++) {
      clock.advance(9 * 60_000);
      expect((await errorOf(t)).status).toBe('Ok');
    }
    clock.advance(6 * 60_000 + 1);
    expect((await errorOf(t)).number).toBe('-101');
  });

  it('lets tests end one session or all of them server-side', async () => {
    const a = await loginRaw(sim.url);
    const b = await loginRaw(sim.url, 'bob@example.com');
    sim.invalidateSession(a);
    expect((await errorOf(a)).number).toBe('-101');
    expect((await errorOf(b)).status).toBe('Ok');
    sim.invalidateAllSessions();
    expect((await errorOf(b)).number).toBe('-101');
    const fresh = await loginRaw(sim.url, 'bob@example.com');
    expect((await errorOf(fresh)).status).toBe('Ok');
  });
});
