/**
 * The envelope writer (src/soap/envelope.ts) takes the element order from the generated model, never from the
 * caller's object: WCF silently skips members that arrive out of order, so a wrong order would go unnoticed against
 * the live service. Base members come first (RequestId, SessionTicket), nested shared types are ordered the same way,
 * a derived instance goes out with xsi:type and its base's members before its own. What the schema cannot carry is
 * refused before anything is sent: an unknown key, an Int64 a JS number cannot hold exactly. A Date goes out as an
 * xs:dateTime. Every body is checked against the XSDs in wsdl/.
 */
import { ProjectorClient } from '../src/client';
import { InvalidInputError } from '../src/errors';
import { NS } from '../src/soap/operations';
import { okAnswer, startCapture, type Capture } from './support/loopback';
import { bodyPayload, find, parseXml } from './support/xml';
import { validateEnvelope } from './support/xsd';

let capture: Capture;
let client: ProjectorClient;

beforeAll(async () => {
  capture = await startCapture(okAnswer);
  client = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'T' });
});
afterAll(async () => {
  await client.close();
  await capture.close();
});

const lastBody = () => capture.requests[capture.requests.length - 1].body;
const memberOrder = (xml: string) => bodyPayload(xml).children[0].children.map((c) => c.local);
const lock = { EntityIdentity: { LockType: 'P', EntityCode: 'P001468-001' } };

it('emits serviceRequest members in schema order, the SDK-filled base members first', async () => {
  await client.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3673 });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'ProjectorLockSetId']);
  expect(await validateEnvelope(lastBody())).toEqual({ valid: true, errors: [] });
});

it('puts misordered keys into XSD order, nested shared types too (EntityIdentity members)', async () => {
  await client.call('PwsAcquireProjectorLocks', { Locks: [lock], LockDurationSeconds: 60 });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'LockDurationSeconds', 'Locks']);
  expect(find(bodyPayload(lastBody()), 'EntityIdentity', NS.common)!.children.map((c) => c.local)).toEqual(['EntityCode', 'LockType']);
  expect(await validateEnvelope(lastBody())).toEqual({ valid: true, errors: [] });
});

it('declares each namespace once, on the Envelope, and only those the body uses', async () => {
  await client.call('PwsReleaseProjectorLocks', { ProjectorLockSetId: 3673 });
  const declared = [...lastBody().matchAll(/xmlns:(\w+)="([^"]*)"/g)].map((m) => m[2]);
  expect(declared).toEqual([NS.soapEnvelope, NS.service, NS.requests]);
  expect(lastBody().indexOf('xmlns', lastBody().indexOf('>'))).toBe(-1);
});

it('sends a derived instance ($type) with xsi:type, the base type’s members before its own', async () => {
  const holder = { $type: 'PwsUserSummary' as const, LastName: 'Doe', UserUid: '1152921504607067736', FirstName: 'Jane', UserDisplayName: 'Jane Doe' };
  const item = { LockCount: 1, LockHolderUserIdentity: holder, MostRecentLockAcquisitionTimestamp: '2018-10-30T21:08:14.9814113Z' };
  await client.call('PwsCheckProjectorLocks', { LocksToSteal: [{ EntityIdentity: { EntityCode: 'P1', LockType: 'P' }, EntityLockSummary: [item] }] });
  const sent = find(bodyPayload(lastBody()), 'LockHolderUserIdentity', NS.common)!;
  expect(sent.attrs[`{${NS.xsi}}type`]).toMatch(/^\w+:PwsUserSummary$/);
  const prefix = sent.attrs[`{${NS.xsi}}type`].split(':')[0];
  expect(lastBody()).toContain(`xmlns:${prefix}="${NS.common}"`);
  expect(sent.children.map((c) => c.local)).toEqual(['UserDisplayName', 'UserUid', 'FirstName', 'LastName']);
  expect(await validateEnvelope(lastBody())).toEqual({ valid: true, errors: [] });
});

it('refuses a key the schema does not know, naming it, and sends nothing', async () => {
  const before = capture.requests.length;
  const withTypo = { ProjectorLockSetID: 3673 } as unknown as { ProjectorLockSetId: number };
  const err = await client.call('PwsReleaseProjectorLocks', withTypo).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInputError);
  expect((err as Error).message).toMatch(/request\.ProjectorLockSetID is not a member of PwsReleaseProjectorLocksRq/);
  expect(err).toMatchObject({ requestSent: false });
  expect(capture.requests).toHaveLength(before);
});

it('writes a Date as an xs:dateTime (UTC, milliseconds) that the XSD accepts', async () => {
  const item = { LockCount: 1, MostRecentLockAcquisitionTimestamp: new Date('2018-10-30T21:08:14.981Z') };
  await client.call('PwsCheckProjectorLocks', { LocksToSteal: [{ EntityIdentity: { EntityCode: 'P1', LockType: 'P' }, EntityLockSummary: [item] }] });
  expect(find(bodyPayload(lastBody()), 'MostRecentLockAcquisitionTimestamp', NS.common)!.text).toBe('2018-10-30T21:08:14.981Z');
  expect(await validateEnvelope(lastBody())).toEqual({ valid: true, errors: [] });
});

it('refuses an Int64 beyond 2^53 given as a number, and sends one given as a string or bigint digit for digit', async () => {
  const before = capture.requests.length;
  const rounded = 1152921504607429941; // rounds on purpose: the point of the test
  const err = await client.call('PwsAcquireProjectorLocks', { LockDurationSeconds: 60, Locks: [{ EntityIdentity: { EntityUid: rounded, LockType: 'P' } }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInputError);
  expect((err as Error).message).toMatch(/request\.Locks\[0\]\.EntityIdentity\.EntityUid is a number that is not a safe integer/);
  expect(capture.requests).toHaveLength(before);

  for (const uid of ['1152921504607429941', 1152921504607429941n]) {
    await client.call('PwsAcquireProjectorLocks', { LockDurationSeconds: 60, Locks: [{ EntityIdentity: { EntityUid: uid, LockType: 'P' } }] });
    expect(find(parseXml(lastBody()), 'EntityUid', NS.common)!.text).toBe('1152921504607429941');
  }
});
