/**
 * Bad credentials fail in-band (Status Fail, our assumed 10001 AuthenticationFailed). After N failures (default 5)
 * the login is blocked for lockoutInMs (default 15 min): every attempt, even with the right password, gets the
 * very same failure, as the vendor gives no notice of a lockout.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator credential failures and lockout', () => {
  let sim: Simulator;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock, lockout: { maxFailures: 3, lockoutInMs: 10 * 60_000 } });
  });
  afterEach(() => sim.close());

  const login = async (password: string, user = 'alice@example.com', account = 'DEMO') => {
    const res = await callRaw(sim.url, 'PwsAuthenticate', `<req:RequestId>9</req:RequestId><req:AccountCode>${account}</req:AccountCode><req:Password>${password}</req:Password><req:UserName>${user}</req:UserName>`);
    // Everything but the ticket and the timestamp: a lockout must look exactly like a bad password.
    return { http: res.status, body: res.body.replace(/<ServerTimestampUtc[^>]*>[^<]*</, '<T<'), ticket: textOfFirst(res.body, 'SessionTicket') };
  };

  it('answers a bad password, user or account with the same in-band failure and no ticket', async () => {
    const bad = await login('wrong');
    expect(bad.http).toBe(200);
    expect(textOfFirst(bad.body, 'Status')).toBe('Fail');
    expect(textOfFirst(bad.body, 'ErrorNumber')).toBe('10001');
    expect(textOfFirst(bad.body, 'ErrorCode')).toBe('AuthenticationFailed');
    expect(bad.body).toContain('<a:SessionTicket i:nil="true"/>');
    expect(bad.body).not.toContain('wrong');
    expect((await login('projector', 'nobody@example.com')).body).toBe(bad.body);
    expect((await login('projector', 'alice@example.com', 'NOPE')).body).toBe(bad.body);
  });

  it('blocks the login after 3 failures, even with the right password, until the lockout ends', async () => {
    const first = await login('wrong');
    await login('wrong');
    await login('wrong');
    const blocked = await login('projector');
    expect(blocked.ticket).toBeUndefined();
    expect(blocked.body).toBe(first.body);
    // Other users are not affected.
    expect((await login('projector', 'bob@example.com')).ticket).toBeDefined();
    clock.advance(10 * 60_000 - 1);
    expect((await login('projector')).ticket).toBeUndefined();
    clock.advance(1);
    expect((await login('projector')).ticket).toBeDefined();
  });

  it('forgets earlier failures after a successful login', async () => {
    await login('wrong');
    await login('wrong');
    expect((await login('projector')).ticket).toBeDefined();
    await login('wrong');
    await login('wrong');
    expect((await login('projector')).ticket).toBeDefined();
  });
});
