/**
 * The rate limiter: weighted hits in a rolling window, three counters (installation, user, session).
 * Error mode rejects before the service runs (HTTP 500 PwsFault 10016, counts and thresholds in the text);
 * Warning mode runs the call and adds a Warning 10016 (OkWithWarnings); Disabled never limits.
 * PwsTestRateLimiter returns the snapshot and applies simulated hits before / after the check.
 */
import { ManualClock } from '../src/clock';
import { RATE_LIMIT_DEFAULTS, rateLimitText, startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

const TEXT = /^Rate limit exceeded\. Installation hits (\d+) of (\d+), user hits (\d+) of (\d+), session hits (\d+) of (\d+) in the last ([\d.]+) seconds\.$/;

describe('simulator rate limiter', () => {
  let sim: Simulator;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock, rateLimit: { installationLimit: 8, userLimit: 6, sessionLimit: 4, windowInMs: 10_000 } });
  });
  afterEach(() => sim.close());

  const probe = (ticket: string, sim_ = '') => callRaw(sim.url, 'PwsTestRateLimiter', `<req:RequestId>11</req:RequestId><req:SessionTicket>${ticket}</req:SessionTicket>${sim_}`);
  const checkLocks = (ticket: string) =>
    callRaw(sim.url, 'PwsCheckProjectorLocks', `<req:RequestId>12</req:RequestId><req:SessionTicket>${ticket}</req:SessionTicket><req:ProjectorLockSetId>1</req:ProjectorLockSetId>`);

  it('documents its defaults: Error mode, 60 s, 2400/1800/1200, weight 1', () => {
    expect(RATE_LIMIT_DEFAULTS).toMatchObject({ mode: 'Error', windowInMs: 60_000, installationLimit: 2400, userLimit: 1800, sessionLimit: 1200, defaultWeight: 1 });
  });

  it('rejects the call that goes over, before it runs, with a 10016 PwsFault carrying counts and thresholds', async () => {
    const t = await loginRaw(sim.url); // 1 installation + 1 user hit, no session hit
    for (let i = 0; i < 4; i++) expect((await checkLocks(t)).status).toBe(200);
    const res = await checkLocks(t);
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'faultcode')).toBe('s:Client');
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('10016');
    expect(textOfFirst(res.body, 'ErrorCode')).toBe('RequestExceededRateLimit');
    expect(textOfFirst(res.body, 'Type')).toBe('Error');
    expect(textOfFirst(res.body, 'ResponseId')).toBe('12');
    expect(textOfFirst(res.body, 'ServiceName')).toBe('PwsCheckProjectorLocksRs');
    const text = textOfFirst(res.body, 'ErrorText')!;
    expect(text.match(TEXT)!.slice(1)).toEqual(['6', '8', '6', '6', '5', '4', '10']);
    expect(textOfFirst(res.body, 'faultstring')).toBe(text);
    expect(sim.log[sim.log.length - 1]).toMatchObject({ outcome: 'rate-limited', errorNumber: 10016, httpStatus: 500 });
  });

  it('does not run a rejected call: a rejected acquire takes no lock', async () => {
    const lock = '<req:LockDurationSeconds>600</req:LockDurationSeconds><req:Locks><com:PwsProjectorLockRequest><com:EntityIdentity><com:EntityCode>P001468-001</com:EntityCode><com:LockType>P</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest></req:Locks>';
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 4; i++) await probe(t);
    const rejected = await callRaw(sim.url, 'PwsAcquireProjectorLocks', `<req:SessionTicket>${t}</req:SessionTicket>${lock}`);
    expect(textOfFirst(rejected.body, 'ErrorNumber')).toBe('10016');
    const bob = await loginRaw(sim.url, 'bob@example.com');
    const res = await callRaw(sim.url, 'PwsAcquireProjectorLocks', `<req:SessionTicket>${bob}</req:SessionTicket>${lock}`);
    expect(res.status).toBe(200);
    expect(textOfFirst(res.body, 'Status')).toBe('Ok');
  });

  it('rolls: hits leave the window and calls pass again', async () => {
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 4; i++) await checkLocks(t);
    expect((await checkLocks(t)).status).toBe(500);
    clock.advance(9_999);
    expect((await checkLocks(t)).status).toBe(500);
    clock.advance(1);
    expect((await checkLocks(t)).status).toBe(200);
  });

  it('counts per user and per session, and per installation across users', async () => {
    const a1 = await loginRaw(sim.url);
    const a2 = await loginRaw(sim.url);
    const b = await loginRaw(sim.url, 'bob@example.com');
    for (let i = 0; i < 4; i++) await checkLocks(a1);
    expect((await checkLocks(a1)).status).toBe(500); // session a1: 5 of 4
    expect(sim.snapshotCounters('DEMO', 'alice@example.com', a1)).toEqual({ installation: 8, user: 7, session: 5 });
    expect((await checkLocks(a2)).status).toBe(500); // alice: 8 of 6
    expect(sim.snapshotCounters('DEMO')).toEqual({ installation: 9, user: 0, session: 0 });
    const res = await checkLocks(b); // installation: 10 of 8
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'ErrorText')).toBe(rateLimitText({ installation: 10, user: 2, session: 1 }, { installationLimit: 8, userLimit: 6, sessionLimit: 4, windowInMs: 10_000 }));
  });

  it('runs the call in Warning mode and adds a Warning 10016 with OkWithWarnings', async () => {
    sim.setRateLimit({ mode: 'Warning' });
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 4; i++) await probe(t);
    const res = await probe(t);
    expect(res.status).toBe(200);
    expect(textOfFirst(res.body, 'Status')).toBe('OkWithWarnings');
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('10016');
    expect(textOfFirst(res.body, 'Type')).toBe('Warning');
    expect(textOfFirst(res.body, 'SessionHitCount')).toBe('5');
    expect(sim.log[sim.log.length - 1].outcome).toBe('warning');
  });

  it('never limits when Disabled, and says so in EnabledFlag', async () => {
    sim.setRateLimit({ mode: 'Disabled' });
    const t = await loginRaw(sim.url);
    for (let i = 0; i < 20; i++) expect((await probe(t)).status).toBe(200);
    expect(textOfFirst((await probe(t)).body, 'EnabledFlag')).toBe('false');
  });

  it('applies Simulate*Before before the check and Simulate*After after it; simulated hits stay in the window', async () => {
    sim.setRateLimit({ installationLimit: 100, userLimit: 100, sessionLimit: 100 });
    const t = await loginRaw(sim.url);
    const res = await probe(t, '<req:SimulateSessionHitsAfter>50</req:SimulateSessionHitsAfter><req:SimulateSessionHitsBefore>10</req:SimulateSessionHitsBefore>');
    expect(textOfFirst(res.body, 'Status')).toBe('Ok');
    expect(textOfFirst(res.body, 'SessionHitCount')).toBe('61');
    expect(textOfFirst(res.body, 'SessionRateLimit')).toBe('100');
    expect(textOfFirst(res.body, 'RollingWindowSeconds')).toBe('10');
    const over = await probe(t, '<req:SimulateUserHitsBefore>200</req:SimulateUserHitsBefore>');
    expect(over.status).toBe(500);
    expect(textOfFirst(over.body, 'ErrorText')).toMatch(/user hits 203 of 100/);
    clock.advance(10_000);
    expect(textOfFirst((await probe(t)).body, 'UserHitCount')).toBe('1');
  });

  it('uses the configured weight table', async () => {
    sim.setRateLimit({ weights: { PwsCheckProjectorLocks: 3 } });
    const t = await loginRaw(sim.url);
    await checkLocks(t);
    expect(sim.snapshotCounters('DEMO', 'alice@example.com', t)).toEqual({ installation: 4, user: 4, session: 3 });
    expect((await checkLocks(t)).status).toBe(500); // session 6 of 4
  });
});
