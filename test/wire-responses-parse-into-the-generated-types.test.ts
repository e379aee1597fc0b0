/**
 * Each vendor response example, served over HTTP, reaches a `client.call` caller with the values the generated types
 * promise, exactly: ints and booleans as numbers and booleans, Int64 Uids and 7-digit timestamps as the server's
 * exact text, nil members absent, every collection an array (empty, one item or several), strings with their
 * whitespace. The server echoes the RequestId as the real one does (the client checks ResponseId against it).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { SessionInvalidError } from '../src/errors';
import { startCapture, type Capture } from './support/loopback';
import { validateEnvelope } from './support/xsd';

const VENDOR = path.join(__dirname, 'fixtures', 'vendor');
const fixture = (name: string) => fs.readFile(path.join(VENDOR, name), 'utf8');

let capture: Capture;
let nextBody = '';
let client: ProjectorClient;

beforeAll(async () => {
  capture = await startCapture((req) => {
    const id = /RequestId[^>]*>(\d+)</.exec(req.body)![1];
    return { body: nextBody.replace(/(<ResponseId[^>]*>)1(<\/ResponseId>)/, `$1${id}$2`) };
  });
  client = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'AYlq2lioh82F1PapkJ+Npg==' });
});
afterAll(async () => {
  await client.close();
  await capture.close();
});

async function serve(body: string): Promise<void> {
  expect(await validateEnvelope(body)).toEqual({ valid: true, errors: [] });
  nextBody = body;
}
/** The RequestId of the last request sent: the ResponseId the result must carry. */
const lastRequestId = () => Number(/RequestId[^>]*>(\d+)</.exec(capture.requests[capture.requests.length - 1].body)![1]);

it('PwsAuthenticate: nil RedirectUrl absent, empty Messages [], Int64 Uids and a 7-digit timestamp exact, a derived type read as declared', async () => {
  await serve(await fixture('authenticate-response.xml'));
  const r = await client.call('PwsAuthenticate', { AccountCode: 'revcorp-doc', UserName: 'jdoe@acme.com', Password: 'example-password' });
  expect(r).toStrictEqual({
    Messages: [],
    ResponseId: lastRequestId(),
    Status: 'Ok',
    ServerTimestampUtc: '2022-02-13T04:22:54.4566169Z',
    SessionTicket: 'AAAAAAAAAAAAAAAAAAAAAA==',
    AccountIdentity: { AccountCode: 'revcorp-doc', AccountUid: '1152921504606846977' },
    UserIdentity: { UserDisplayName: 'Jane Doe', UserReferenceSystemId: 'JD01', UserUid: '1152921504607067737' },
    SuperUserFlag: false,
    DocumentServerUrl: 'https://doc2.projectorpsa.com/1',
    Account: { AccountCode: 'revcorp-doc', AccountUid: '1152921504606846977', Name: 'RevCorp Documentation' },
    User: {
      UserDisplayName: 'Jane Doe', UserReferenceSystemId: 'JD01', UserUid: '1152921504607067737',
      EmailAddress: 'jdoe@acme.com', FirstName: 'Jane', LastName: 'Doe',
    },
  });
});

it('PwsUnauthenticate: base members only; an empty Messages and a nil one are both []', async () => {
  const empty = await fixture('unauthenticate-response.xml');
  await serve(empty);
  const a = await client.call('PwsUnauthenticate', {});
  expect(a).toStrictEqual({ Messages: [], ResponseId: lastRequestId(), Status: 'Ok', ServerTimestampUtc: '2018-03-16T13:57:10.2850133Z' });

  const nil = empty.replace(/<Messages ([^>]*)\/>/, '<Messages i:nil="true" $1/>');
  expect(nil).not.toBe(empty);
  await serve(nil);
  const b = await client.call('PwsUnauthenticate', {});
  expect(b).toStrictEqual({ Messages: [], ResponseId: lastRequestId(), Status: 'Ok', ServerTimestampUtc: '2018-03-16T13:57:10.2850133Z' });
});

it('PwsReleaseProjectorLocks: a nil StolenLock is absent', async () => {
  await serve(await fixture('release-response.xml'));
  const r = await client.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3673 });
  expect(r.Status).toBe('Ok');
  expect('StolenLock' in r).toBe(false);
});

it('PwsReleaseProjectorLocks: a populated StolenLock carries the thief as a PwsUserSummary, its lock set id a number', async () => {
  await serve(await fixture('release-response-stolen.xml'));
  const r = await client.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3836 });
  expect(r.StolenLock).toStrictEqual({
    LockStolenByUser: {
      UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: '1152921504607067736',
      EmailAddress: 'webservices@revcorp.bb', FirstName: 'Web', LastName: 'Services',
    },
    ProjectorLockSetId: 3836,
  });
});

it('a single PwsMessage arrives as a one-element array, its number a number and nil references absent', async () => {
  await serve(await fixture('message-invalid-ticket.xml'));
  // A client of its own: a fixed ticket the server calls invalid cannot be renewed, so this one is spent afterwards.
  const spent = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'AYlq2lioh82F1PapkJ+Npg==' });
  const err = await spent.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3673 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SessionInvalidError);
  expect(err).toMatchObject({ status: 'FailSessionInvalid', errorNumber: 10004, code: 'InvalidSessionTicket' });
  expect((err as SessionInvalidError).messages).toStrictEqual([
    {
      additionalErrorText: 'Error 10004: InvalidSessionTicket',
      errorCode: 'InvalidSessionTicket',
      errorNumber: 10004,
      errorText: 'The specified session ticket is invalid. Please verify you are issuing this request against the correct instance of Projector.',
      type: 'Error',
    },
  ]);
  await spent.close();
});

it('PwsTestRateLimiter: the snapshot arrives with every documented value, typed', async () => {
  await serve(await fixture('test-rate-limiter-response.xml'));
  const r = await client.call('PwsTestRateLimiter', {});
  expect(r.RateLimitSnapshot).toStrictEqual({
    EnabledFlag: true, InstallationHitCount: 1601, InstallationRateLimit: 2400, RollingWindowSeconds: 60,
    SessionHitCount: 1201, SessionRateLimit: 1200, UserHitCount: 2001, UserRateLimit: 1800,
  });
});

it('keeps the whitespace of strings exactly, and reads numbers and booleans around their whitespace', async () => {
  const padded = (await fixture('test-rate-limiter-response.xml'))
    .replace('<b:EnabledFlag>true', '<b:EnabledFlag> true\n')
    .replace('<b:UserHitCount>2001', '<b:UserHitCount>\n  2001 ');
  await serve(padded);
  const r = await client.call('PwsTestRateLimiter', {});
  expect(r).toMatchObject({ Status: 'Ok', RateLimitSnapshot: { EnabledFlag: true, UserHitCount: 2001 } });

  const text = (await fixture('release-response-stolen.xml')).replace('<b:FirstName>Web</b:FirstName>', '<b:FirstName>  Web\n</b:FirstName>');
  await serve(text);
  const stolen = await client.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3836 });
  expect(stolen.StolenLock?.LockStolenByUser?.FirstName).toBe('  Web\n');
});
