/**
 * Where tokens are acquired and used (reference §1, §3.1a): a set RedirectUrl means the acquisition did not succeed
 * and is sent again to that server (loop guard: never back to a server already tried); SoapServiceAuthority names
 * the server the token works on, and later calls go to its service path (https only; plain http only for loopback).
 * Two simulators on 127.0.0.1 play the two servers.
 */
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { isAuthenticationError, isResponseFormatError } from '../src/errors';
import { serviceEndpointOf } from '../src/oauth/acquire';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
const SVC = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';
const sims: Simulator[] = [];
const clients: ProjectorClient[] = [];
const clock = new ManualClock({ autoAdvance: true });

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(sims.splice(0).map((s) => s.close()));
});
async function sim(options: Parameters<typeof startSimulator>[0] = {}) {
  const s = await startSimulator({ clock, ...options });
  sims.push(s);
  return s;
}
function client(endpoint: string, refreshToken: string) {
  const c = new ProjectorClient({ endpoint, clock, oauth: { clientId, clientSecret, refreshToken } });
  clients.push(c);
  return c;
}
const names = (s: Simulator) => s.log.map((e) => `${e.operation}:${e.outcome}`);

test('a RedirectUrl sends the acquisition to the server hosting the account, and later calls go there', async () => {
  const home = await sim();
  const first = await sim({ redirect: { DEMO: home.baseUrl } });
  const c = client(first.url, home.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }));
  await expect(c.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  expect(c.endpoint).toBe(home.url);
  expect(names(first)).toEqual(['PwsAcquireOauth2Token:ok']);
  expect(names(home)).toEqual(['PwsAcquireOauth2Token:ok', 'PwsTestRateLimiter:ok']);
});

test('a redirect back to a server already tried is an AuthenticationError, not a loop', async () => {
  const a = await sim();
  const b = await sim({ redirect: { DEMO: a.baseUrl } });
  a.setRedirect({ DEMO: b.baseUrl });
  const c = client(a.url, 'any-refresh-token');
  const error = await c.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
  expect(isAuthenticationError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'RedirectLoop' });
  expect(names(a)).toEqual(['PwsAcquireOauth2Token:ok']);
  expect(names(b)).toEqual(['PwsAcquireOauth2Token:ok']);
});

test('calls go to the SoapServiceAuthority the token names', async () => {
  const soap = await sim();
  const auth = await sim({ oauth: { server: soap.oauth } });
  soap.oauth.configure({ soapServiceAuthority: new URL(soap.baseUrl).host });
  const c = client(auth.url, soap.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' }));
  await c.call('PwsTestRateLimiter', {});
  await c.call('PwsTestRateLimiter', {});
  expect(c.endpoint).toBe(soap.url);
  expect(names(auth)).toEqual(['PwsAcquireOauth2Token:ok']);
  expect(names(soap)).toEqual(['PwsTestRateLimiter:ok', 'PwsTestRateLimiter:ok']);
});

test('an authority becomes https (http only for loopback over http), and plain http elsewhere is refused', () => {
  const here = `http://127.0.0.1:8080${SVC}`;
  expect(serviceEndpointOf('secure3.projectorpsa.com', `https://secure2.projectorpsa.com${SVC}`, false)).toBe(`https://secure3.projectorpsa.com${SVC}`);
  expect(serviceEndpointOf('secure3.projectorpsa.com', here, false)).toBe(`https://secure3.projectorpsa.com${SVC}`);
  expect(serviceEndpointOf('127.0.0.1:9090', here, false)).toBe(`http://127.0.0.1:9090${SVC}`);
  expect(serviceEndpointOf('https://secure3.projectorpsa.com', here, false)).toBe(`https://secure3.projectorpsa.com${SVC}`);
  expect(serviceEndpointOf('127.0.0.1:8080', here, false)).toBe(here);
  expect(serviceEndpointOf(undefined, here, false)).toBe(here);
  const refused = (() => {
    try {
      return serviceEndpointOf('http://secure3.projectorpsa.com', here, false);
    } catch (e) {
      return e;
    }
  })();
  expect(isResponseFormatError(refused)).toBe(true);
  expect(refused).toMatchObject({ code: 'InsecureRedirect' });
  expect(serviceEndpointOf('http://secure3.projectorpsa.com', here, true)).toBe(`http://secure3.projectorpsa.com${SVC}`);
});
