/**
 * The documented defaults are a contract: account DEMO, alice@example.com and bob@example.com with password
 * `projector`, the vendor's example project lockable, Error-mode rate limiting; accounts can be added at run time.
 */
import { ManualClock } from '../src/clock';
import { DEFAULT_ACCOUNT, DEFAULT_ENTITIES, startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator defaults', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ clock: new ManualClock() });
  });
  afterEach(() => sim.close());

  it('hosts DEMO with alice and bob, password projector, on 127.0.0.1 at the WCF service path', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/OpsProjectorWcfSvc\/PwsProjectorServices\.svc$/);
    expect(sim.url.startsWith(sim.baseUrl)).toBe(true);
    expect(DEFAULT_ACCOUNT.accountCode).toBe('DEMO');
    expect(DEFAULT_ACCOUNT.users.map((u) => u.userName)).toEqual(['alice@example.com', 'bob@example.com']);
    for (const user of ['alice@example.com', 'bob@example.com']) expect(await loginRaw(sim.url, user, 'projector', 'DEMO')).toMatch(/==$/);
  });

  it('lets the vendor example project be locked and snapshots Error-mode limits', async () => {
    expect(DEFAULT_ENTITIES[0]).toMatchObject({ entityCode: 'P001468-001', entityUid: '1152921504607429941' });
    const t = await loginRaw(sim.url);
    const res = await callRaw(
      sim.url,
      'PwsAcquireProjectorLocks',
      `<req:SessionTicket>${t}</req:SessionTicket><req:LockDurationSeconds>60</req:LockDurationSeconds><req:Locks><com:PwsProjectorLockRequest><com:EntityIdentity><com:EntityCode>P001468-001</com:EntityCode><com:LockType>P</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest></req:Locks>`,
    );
    expect(textOfFirst(res.body, 'Status')).toBe('Ok');
    const snap = await callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${t}</req:SessionTicket>`);
    expect(['EnabledFlag', 'InstallationRateLimit', 'UserRateLimit', 'SessionRateLimit', 'RollingWindowSeconds'].map((n) => textOfFirst(snap.body, n))).toEqual(['true', '2400', '1800', '1200', '60']);
  });

  it('accepts accounts added at run time', async () => {
    await expect(loginRaw(sim.url, 'carol@acme.test', 's3cret', 'ACME')).rejects.toThrow('login failed');
    sim.addAccount({ accountCode: 'ACME', users: [{ userName: 'carol@acme.test', password: 's3cret' }] });
    expect(await loginRaw(sim.url, 'carol@acme.test', 's3cret', 'ACME')).toMatch(/==$/);
  });
});
