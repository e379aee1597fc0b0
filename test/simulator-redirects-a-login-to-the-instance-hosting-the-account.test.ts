/**
 * An account hosted on another instance: PwsAuthenticate answers Ok with RedirectUrl (scheme + host) and no
 * ticket; the same request sent to `RedirectUrl + path` logs in there. Tickets only work where they were issued.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator redirects between instances', () => {
  let home: Simulator;
  let front: Simulator;
  beforeEach(async () => {
    const clock = new ManualClock();
    home = await startSimulator({ clock });
    front = await startSimulator({ clock, accounts: [], redirect: { DEMO: home.baseUrl } });
  });
  afterEach(async () => {
    await front.close();
    await home.close();
  });

  it('answers RedirectUrl without a ticket, and the login succeeds at the redirected URL', async () => {
    const members = '<req:RequestId>3</req:RequestId><req:AccountCode>demo</req:AccountCode><req:Password>projector</req:Password><req:UserName>alice@example.com</req:UserName>';
    const first = await callRaw(front.url, 'PwsAuthenticate', members);
    expect(first.status).toBe(200);
    expect(textOfFirst(first.body, 'Status')).toBe('Ok');
    expect(textOfFirst(first.body, 'ResponseId')).toBe('3');
    const redirect = textOfFirst(first.body, 'RedirectUrl')!;
    expect(redirect).toBe(home.baseUrl);
    expect(first.body).toContain('<a:SessionTicket i:nil="true"/>');

    const second = await callRaw(redirect + new URL(front.url).pathname, 'PwsAuthenticate', members);
    expect(textOfFirst(second.body, 'RedirectUrl')).toBeUndefined();
    expect(second.body).toContain('<a:RedirectUrl i:nil="true"/>');
    expect(textOfFirst(second.body, 'SessionTicket')).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('refuses a ticket issued by another instance with 10004', async () => {
    const ticket = await loginRaw(home.url);
    const res = await callRaw(front.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('10004');
    expect(textOfFirst(res.body, 'Status')).toBe('FailSessionInvalid');
  });
});
