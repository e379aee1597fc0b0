/**
 * Each vendor response example, served over HTTP to the GENERATED client, parses with its documented values
 * kept exactly. It also records what node-soap does to them, for the README and the adapter in src/soap/:
 *  - with this WSDL node-soap does not resolve the types of response members (its description of a Result stops at
 *    the named complexType), so every leaf arrives as a STRING whatever the generated types say (number, boolean,
 *    Date): ResponseId "1", SuperUserFlag "false". The adapter must convert.
 *  - `i:nil` members are left out (undefined); an empty element such as `<Messages/>` becomes null.
 *  - a list with one item is a plain object, with several an array (the generated type says Array).
 *  - by default text is trimmed; `preserveWhitespace: true` keeps it.
 *  - where node-soap does know a leaf type, its defaults lose data: xs:long goes through parseInt (rounded past
 *    2^53) and xs:dateTime through new Date (cut to milliseconds). `customDeserializer: { long, dateTime }` returning
 *    the text keeps both exact; that matters as soon as a live WSDL lets node-soap resolve types.
 *  - the WSDL cache: clients created from the same path share one parsed WSDL; customDeserializer sticks from the
 *    first client, preserveWhitespace from the last. The adapter must pass `disableCache: true` (or its own cache).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClientAsync, type PwsProjectorServicesClient } from '../generated/pwsprojectorservices';
import { startCapture, type Capture } from './support/loopback';
import { validateEnvelope, WSDL_DIR } from './support/xsd';

const VENDOR = path.join(__dirname, 'fixtures', 'vendor');
const WSDL_FILE = path.join(WSDL_DIR, 'PwsProjectorServices.wsdl');
const KEEP_TEXT = { customDeserializer: { long: (t: string) => t, dateTime: (t: string) => t }, preserveWhitespace: true };
// node-soap caches a parsed WSDL per path with the FIRST client's options, and every later client overwrites
// preserveWhitespace on that shared object: clients with different options must not share the cache.
const OWN_WSDL = { disableCache: true };
const fixture = (name: string) => fs.readFile(path.join(VENDOR, name), 'utf8');

let capture: Capture;
let nextBody = '';
let client: PwsProjectorServicesClient;
let defaultsClient: PwsProjectorServicesClient;

beforeAll(async () => {
  capture = await startCapture(() => ({ body: nextBody }));
  client = await createClientAsync(WSDL_FILE, { endpoint: capture.url, ...OWN_WSDL, ...KEEP_TEXT });
  defaultsClient = await createClientAsync(WSDL_FILE, { endpoint: capture.url, ...OWN_WSDL });
});
afterAll(() => capture.close());

async function serve(body: string): Promise<void> {
  expect(await validateEnvelope(body)).toEqual({ valid: true, errors: [] });
  nextBody = body;
}

// The generated types are what the adapter is written against; the values are looser at run time (see above).
const loose = (value: unknown) => value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

it('PwsAuthenticate: nil RedirectUrl, empty Messages, Int64 Uids and a 7-digit timestamp kept exactly', async () => {
  await serve(await fixture('authenticate-response.xml'));
  const [res] = await client.PwsAuthenticateAsync({ serviceRequest: { RequestId: 1 } });
  const r = loose(res.PwsAuthenticateResult);
  expect(r.Messages).toBeNull();
  expect(r.ResponseId).toBe('1');
  expect(r.Status).toBe('Ok');
  expect(r.ServerTimestampUtc).toBe('2022-02-13T04:22:54.4566169Z');
  expect('RedirectUrl' in r).toBe(false);
  expect(r.SessionTicket).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
  expect(r.AccountIdentity).toEqual({ AccountCode: 'revcorp-doc', AccountUid: '1152921504606846977' });
  expect(r.UserIdentity.UserUid).toBe('1152921504607067737');
  expect(r.SuperUserFlag).toBe('false');
  expect(r.DocumentServerUrl).toBe('https://doc2.projectorpsa.com/1');
  expect(r.Account.Name).toBe('RevCorp Documentation');
  expect(r.User).toEqual({
    UserDisplayName: 'Jane Doe', UserReferenceSystemId: 'JD01', UserUid: '1152921504607067737',
    EmailAddress: 'jdoe@acme.com', FirstName: 'Jane', LastName: 'Doe',
  });
});

it('PwsUnauthenticate: base members only; an empty Messages is null, a nil one is absent', async () => {
  const empty = await fixture('unauthenticate-response.xml');
  await serve(empty);
  const [a] = await client.PwsUnauthenticateAsync({ serviceRequest: {} });
  expect(loose(a.PwsUnauthenticateResult)).toEqual({ Messages: null, ResponseId: '1', Status: 'Ok', ServerTimestampUtc: '2018-03-16T13:57:10.2850133Z' });

  const nil = empty.replace(/<Messages ([^>]*)\/>/, '<Messages i:nil="true" $1/>');
  expect(nil).not.toBe(empty);
  await serve(nil);
  const [b] = await client.PwsUnauthenticateAsync({ serviceRequest: {} });
  expect(loose(b.PwsUnauthenticateResult)).toEqual({ ResponseId: '1', Status: 'Ok', ServerTimestampUtc: '2018-03-16T13:57:10.2850133Z' });
});

it('PwsReleaseProjectorLocks: a nil StolenLock is absent', async () => {
  await serve(await fixture('release-response.xml'));
  const [res] = await client.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  const r = loose(res.PwsReleaseProjectorLocksResult);
  expect(r.Status).toBe('Ok');
  expect('StolenLock' in r).toBe(false);
});

it('PwsReleaseProjectorLocks: a populated StolenLock carries the thief as a PwsUserSummary', async () => {
  await serve(await fixture('release-response-stolen.xml'));
  const [res] = await client.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  expect(loose(res.PwsReleaseProjectorLocksResult).StolenLock).toEqual({
    LockStolenByUser: {
      UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: '1152921504607067736',
      EmailAddress: 'webservices@revcorp.bb', FirstName: 'Web', LastName: 'Services',
    },
    ProjectorLockSetId: '3836',
  });
});

it('a single PwsMessage arrives as an object, not an array, with string numbers and nil references absent', async () => {
  await serve(await fixture('message-invalid-ticket.xml'));
  const [res] = await client.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  const r = loose(res.PwsReleaseProjectorLocksResult);
  expect(r.Status).toBe('FailSessionInvalid');
  expect(Array.isArray(r.Messages.PwsMessage)).toBe(false);
  expect(r.Messages.PwsMessage).toEqual({
    AdditionalErrorText: 'Error 10004: InvalidSessionTicket',
    ErrorCode: 'InvalidSessionTicket',
    ErrorNumber: '10004',
    ErrorText: 'The specified session ticket is invalid. Please verify you are issuing this request against the correct instance of Projector.',
    Type: 'Error',
  });
});

it('PwsTestRateLimiter: the snapshot arrives with every documented value', async () => {
  await serve(await fixture('test-rate-limiter-response.xml'));
  const [res] = await client.PwsTestRateLimiterAsync({ serviceRequest: {} });
  expect(loose(res.PwsTestRateLimiterResult).RateLimitSnapshot).toEqual({
    EnabledFlag: 'true', InstallationHitCount: '1601', InstallationRateLimit: '2400', RollingWindowSeconds: '60',
    SessionHitCount: '1201', SessionRateLimit: '1200', UserHitCount: '2001', UserRateLimit: '1800',
  });
});

it('with default options every leaf is still a string (node-soap resolves no member types in this WSDL)', async () => {
  await serve(await fixture('authenticate-response.xml'));
  const [res] = await defaultsClient.PwsAuthenticateAsync({ serviceRequest: {} });
  const r = loose(res.PwsAuthenticateResult);
  expect([typeof r.ResponseId, typeof r.SuperUserFlag, typeof r.ServerTimestampUtc, typeof r.AccountIdentity.AccountUid]).toEqual(['string', 'string', 'string', 'string']);
});

it('trims text by default; preserveWhitespace keeps it', async () => {
  const padded = (await fixture('message-invalid-ticket.xml')).replace('<b:ErrorText>The specified', '<b:ErrorText>  The specified').replace('Projector.</b:ErrorText>', 'Projector. </b:ErrorText>');
  await serve(padded);
  const [trimmed] = await defaultsClient.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  expect(loose(trimmed.PwsReleaseProjectorLocksResult).Messages.PwsMessage.ErrorText).toMatch(/^The specified.*Projector\.$/);
  const [kept] = await client.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  expect(loose(kept.PwsReleaseProjectorLocksResult).Messages.PwsMessage.ErrorText).toMatch(/^ {2}The specified.*Projector\. $/);
});

describe('where node-soap does know a leaf type', () => {
  // A copy of the contract whose response wrapper gains direct xs:long / xs:dateTime children, which node-soap
  // does type: it shows what its default deserializers would do to a live WSDL that exposes types.
  let dir: string;
  let probe: Capture;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-types-'));
    for (const f of await fs.readdir(WSDL_DIR)) await fs.copyFile(path.join(WSDL_DIR, f), path.join(dir, f));
    const xsd0 = await fs.readFile(path.join(dir, 'xsd0.xsd'), 'utf8');
    const typed = xsd0.replace(
      '<xs:element minOccurs="0" name="PwsTestRateLimiterResult" nillable="true" type="q2:PwsTestRateLimiterRs"/>',
      '$&<xs:element minOccurs="0" name="ProbeUid" type="xs:long"/><xs:element minOccurs="0" name="ProbeTimestamp" type="xs:dateTime"/>',
    );
    expect(typed).not.toBe(xsd0);
    await fs.writeFile(path.join(dir, 'xsd0.xsd'), typed);
    probe = await startCapture(() => ({
      body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><PwsTestRateLimiterResponse xmlns="http://projectorpsa.com/PwsProjectorServices/">
<ProbeUid>1152921504607429941</ProbeUid><ProbeTimestamp>2018-10-30T21:08:14.9814113Z</ProbeTimestamp></PwsTestRateLimiterResponse></s:Body></s:Envelope>`,
    }));
  });
  afterAll(async () => {
    await probe.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('the defaults round Int64 past 2^53 and cut timestamps to milliseconds; the custom deserializers keep the text', async () => {
    const wsdl = path.join(dir, 'PwsProjectorServices.wsdl');
    const lossy = loose((await (await createClientAsync(wsdl, { endpoint: probe.url, ...OWN_WSDL })).PwsTestRateLimiterAsync({ serviceRequest: {} }))[0]);
    expect(typeof lossy.ProbeUid).toBe('number');
    expect(String(lossy.ProbeUid)).not.toBe('1152921504607429941');
    expect(lossy.ProbeTimestamp).toBeInstanceOf(Date);
    expect((lossy.ProbeTimestamp as Date).toISOString()).toBe('2018-10-30T21:08:14.981Z');

    const exact = loose((await (await createClientAsync(wsdl, { endpoint: probe.url, ...OWN_WSDL, ...KEEP_TEXT })).PwsTestRateLimiterAsync({ serviceRequest: {} }))[0]);
    expect(exact.ProbeUid).toBe('1152921504607429941');
    expect(exact.ProbeTimestamp).toBe('2018-10-30T21:08:14.9814113Z');
  });
});

it('clients sharing the WSDL cache share options: the last client created decides preserveWhitespace for all', async () => {
  const padded = (await fixture('message-invalid-ticket.xml')).replace('<b:ErrorText>The specified', '<b:ErrorText>  The specified');
  await serve(padded);
  const first = await createClientAsync(WSDL_FILE, { endpoint: capture.url, ...KEEP_TEXT });
  const [before] = await first.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  expect(loose(before.PwsReleaseProjectorLocksResult).Messages.PwsMessage.ErrorText).toMatch(/^ {2}The/);
  await createClientAsync(WSDL_FILE, { endpoint: capture.url });
  const [after] = await first.PwsReleaseProjectorLocksAsync({ serviceRequest: {} });
  expect(loose(after.PwsReleaseProjectorLocksResult).Messages.PwsMessage.ErrorText).toMatch(/^The/);
});
