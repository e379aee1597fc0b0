/**
 * The vendor PwsFault example, wrapped in the usual WCF fault envelope and served with HTTP 500, reaches a
 * generated-client caller as node-soap gives it: a rejected promise whose `root.Envelope.Body.Fault.detail.PwsFault`
 * holds every member as a string, single-item lists as plain objects and nil members left out. This is the raw
 * material the adapter turns into the SDK's fault errors.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createClientAsync, type PwsProjectorServicesClient } from '../generated/pwsprojectorservices';
import { startCapture, type Capture } from './support/loopback';
import { validateEnvelope, WSDL_DIR } from './support/xsd';

const KEEP_TEXT = { customDeserializer: { long: (t: string) => t, dateTime: (t: string) => t }, preserveWhitespace: true, disableCache: true };

let capture: Capture;
let faultXml: string;
let served = '';
let client: PwsProjectorServicesClient;

beforeAll(async () => {
  faultXml = await fs.readFile(path.join(__dirname, 'fixtures', 'vendor', 'fault-lock-conflict.xml'), 'utf8');
  capture = await startCapture(() => ({ status: 500, body: served }));
  client = await createClientAsync(path.join(WSDL_DIR, 'PwsProjectorServices.wsdl'), { endpoint: capture.url, ...KEEP_TEXT });
});
afterAll(() => capture.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-soap types its errors as any
async function faultOf(xml: string): Promise<any> {
  expect(await validateEnvelope(xml)).toEqual({ valid: true, errors: [] });
  served = xml;
  const call = client.PwsAcquireProjectorLocksAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'T', LockDurationSeconds: 60 } });
  await expect(call).rejects.toBeDefined();
  return call.catch((err: unknown) => err);
}

it('rejects with the HTTP 500 response, the raw body, and a message of faultcode, faultstring and the detail as JSON', async () => {
  const err = await faultOf(faultXml);
  expect(err).toBeInstanceOf(Error);
  expect(err.response.status).toBe(500);
  expect(err.body).toBe(faultXml.trimEnd()); // node-soap trims the raw body it keeps
  // node-soap appends the whole detail as JSON to the message: never log err.message of a raw node-soap error.
  expect(err.message.startsWith('s:Client: One or more existing locks prevent acquisition of requested lock.: {"PwsFault":')).toBe(true);
  expect(err.message).toContain('"UserUid":"1152921504607067736"');
  const fault = err.root.Envelope.Body.Fault;
  expect(fault.faultcode).toBe('s:Client');
  expect(fault.faultstring).toEqual({ attributes: { 'xml:lang': 'en-US' }, $value: 'One or more existing locks prevent acquisition of requested lock.' });
});

it('gives the PwsFault detail with string numbers, exact Uids and timestamps, and nil members left out', async () => {
  const detail = (await faultOf(faultXml)).root.Envelope.Body.Fault.detail.PwsFault;
  expect(detail.ResponseId).toBe('1');
  expect(detail.ServiceName).toBe('PwsAcquireProjectorLocksRs');
  expect(detail.AllowLocksToBeStolenFlag).toBe('true');
  expect('LockTaker' in detail).toBe(false);
  expect(detail.Messages.PwsMessage).toHaveLength(2);
  expect(detail.Messages.PwsMessage[0]).toEqual({
    AdditionalErrorText: 'Error 50469, State 1: One or more existing locks prevent acquisition of requested lock.',
    ErrorCode: 'EntityAlreadyLocked',
    ErrorNumber: '50469',
    ErrorText: 'One or more existing locks prevent acquisition of requested lock.',
    Type: 'Error',
  });
  expect(detail.Messages.PwsMessage[1]).toMatchObject({ ErrorCode: 'NonProductionEnvironment', ErrorNumber: '136', Type: 'Information' });
  expect(detail.LockHolderUserIdentity).toEqual({ UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: '1152921504607067736' });
});

it('gives single-item lists (LockHolders, EntityLockSummary) as plain objects, not arrays', async () => {
  const detail = (await faultOf(faultXml)).root.Envelope.Body.Fault.detail.PwsFault;
  const holder = detail.LockHolders.PwsEntityLockSummary;
  expect(Array.isArray(holder)).toBe(false);
  expect(holder.EntityIdentity).toEqual({ EntityCode: 'P001468-001', EntityUid: '1152921504607429941', LockType: 'P' });
  const item = holder.EntityLockSummary.PwsEntityLockSummaryItem;
  expect(Array.isArray(item)).toBe(false);
  expect(item.LockCount).toBe('1');
  expect(item.MostRecentLockAcquisitionTimestamp).toBe('2018-10-30T21:08:14.9814113Z');
});

it('gives a single PwsMessage as a plain object too', async () => {
  const oneMessage = faultXml.replace(/<PwsMessage><AdditionalErrorText>Message 136[\s\S]*?<\/PwsMessage>/, '');
  expect(oneMessage).not.toBe(faultXml);
  const detail = (await faultOf(oneMessage)).root.Envelope.Body.Fault.detail.PwsFault;
  expect(Array.isArray(detail.Messages.PwsMessage)).toBe(false);
  expect(detail.Messages.PwsMessage.ErrorNumber).toBe('50469');
});
