/**
 * Documents how node-soap (pinned ~1.13) serializes request objects. 1.13 sorts the keys it finds in the schema
 * into XSD order (not object-key order, as assumed when this was planned), but it still sends unknown keys, writes a Date as an
 * empty element and can only send what a JS number holds. WCF silently skips unexpected members, so each of these
 * would go unnoticed against the live service: the facade owns building complete, schema-ordered, string-valued
 * request objects, and these tests fail loudly if a node-soap upgrade changes the behaviour.
 */
import * as path from 'node:path';
import { createClientAsync, type PwsProjectorServicesClient } from '../generated/pwsprojectorservices';
import { NS } from '../src/soap/operations';
import { startCapture, type Capture } from './support/loopback';
import { bodyPayload, find } from './support/xml';
import { validateEnvelope, WSDL_DIR } from './support/xsd';

const okResponse = (op: string) => `<s:Envelope xmlns:s="${NS.soapEnvelope}"><s:Body><${op}Response xmlns="${NS.service}"><${op}Result>
<Status xmlns="${NS.commonServices}">Ok</Status></${op}Result></${op}Response></s:Body></s:Envelope>`;

let capture: Capture;
let client: PwsProjectorServicesClient;

beforeAll(async () => {
  capture = await startCapture((req) => ({ body: okResponse(/\/(Pws\w+)"$/.exec(String(req.headers.soapaction))![1]) }));
  client = await createClientAsync(path.join(WSDL_DIR, 'PwsProjectorServices.wsdl'), { endpoint: capture.url });
});
afterAll(() => capture.close());

const lastBody = () => capture.requests[capture.requests.length - 1].body;
const memberOrder = (xml: string) => bodyPayload(xml).children[0].children.map((c) => c.local);

it('emits serviceRequest members in schema order when the object keys are in schema order', async () => {
  await client.PwsReleaseProjectorLocksAsync({ serviceRequest: { RequestId: 7, SessionTicket: 'T', ProjectorLockSetId: 3673 } });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'ProjectorLockSetId']);
  expect((await validateEnvelope(lastBody())).valid).toBe(true);
});

it('puts misordered keys back into XSD order (node-soap 1.13 sorts known keys by the schema)', async () => {
  await client.PwsReleaseProjectorLocksAsync({ serviceRequest: { ProjectorLockSetId: 3673, SessionTicket: 'T', RequestId: 7 } });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'ProjectorLockSetId']);
  expect((await validateEnvelope(lastBody())).valid).toBe(true);
});

it('sorts nested shared types the same way (EntityIdentity members)', async () => {
  await client.PwsAcquireProjectorLocksAsync({
    serviceRequest: {
      LockDurationSeconds: 60,
      SessionTicket: 'T',
      Locks: { PwsProjectorLockRequest: [{ EntityIdentity: { LockType: 'P', EntityCode: 'P001468-001' } }] },
      RequestId: 1,
    },
  });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'LockDurationSeconds', 'Locks']);
  expect(find(bodyPayload(lastBody()), 'EntityIdentity', NS.common)!.children.map((c) => c.local)).toEqual(['EntityCode', 'LockType']);
  expect((await validateEnvelope(lastBody())).valid).toBe(true);
});

it('sends a key the schema does not know, after the known ones, and the XSD rejects the body', async () => {
  const withTypo = { RequestId: 7, SessionTicket: 'T', ProjectorLockSetID: 3673 } as unknown as { RequestId: number };
  await client.PwsReleaseProjectorLocksAsync({ serviceRequest: withTypo });
  expect(memberOrder(lastBody())).toEqual(['RequestId', 'SessionTicket', 'ProjectorLockSetID']);
  const result = await validateEnvelope(lastBody());
  expect(result.valid).toBe(false);
  expect(result.errors.join('\n')).toMatch(/ProjectorLockSetID.*This element is not expected/);
});

it('writes a Date object as an empty element (so timestamps must be passed as strings)', async () => {
  const item = { LockCount: 1, MostRecentLockAcquisitionTimestamp: new Date('2018-10-30T21:08:14.981Z') };
  await client.PwsCheckProjectorLocksAsync({
    serviceRequest: {
      RequestId: 1,
      SessionTicket: 'T',
      LocksToSteal: { PwsEntityLockSummary: [{ EntityIdentity: { EntityCode: 'P1', LockType: 'P' }, EntityLockSummary: { PwsEntityLockSummaryItem: [item] } }] },
    },
  });
  expect(find(bodyPayload(lastBody()), 'MostRecentLockAcquisitionTimestamp', NS.common)!.text).toBe('');
  const result = await validateEnvelope(lastBody());
  expect(result.valid).toBe(false);
  expect(result.errors.join('\n')).toMatch(/MostRecentLockAcquisitionTimestamp.*dateTime/);
});

it('cannot send an Int64 beyond 2^53 given as a number (the generated type says number; pass a string)', async () => {
  const uid = 1152921504607429941; // rounds on purpose: the point of the test
  await client.PwsAcquireProjectorLocksAsync({
    serviceRequest: { RequestId: 1, SessionTicket: 'T', LockDurationSeconds: 60, Locks: { PwsProjectorLockRequest: [{ EntityIdentity: { EntityUid: uid, LockType: 'P' } }] } },
  });
  const sent = find(bodyPayload(lastBody()), 'EntityUid', NS.common)!.text;
  expect(sent).not.toBe('1152921504607429941');
  expect(BigInt(sent)).not.toBe(1152921504607429941n);
});
