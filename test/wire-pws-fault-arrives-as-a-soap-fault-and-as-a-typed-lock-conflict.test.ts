/**
 * The vendor PwsFault example, wrapped in the usual WCF fault envelope and served with HTTP 500, arrives first as the
 * wire layer reads it: a SoapFault (faultcode, faultstring, the detail element as a tree), whose detail the model
 * decodes into typed values (numbers, exact Uids and timestamps, nil members absent, every list an array, however
 * many items it holds). Through the client it then arrives as the typed error, a LockConflictError carrying the
 * holders, and no message carries the raw detail.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { LockConflictError } from '../src/errors';
import { readResponse, SoapFault } from '../src/soap/envelope';
import { decodeFaultDetail } from '../src/soap/operations';
import { startCapture, type Capture } from './support/loopback';
import { validateEnvelope } from './support/xsd';

const HOLDER_UID = '1152921504607067736';
const ENTITY_UID = '1152921504607429941';
let faultXml: string;

beforeAll(async () => {
  faultXml = await fs.readFile(path.join(__dirname, 'fixtures', 'vendor', 'fault-lock-conflict.xml'), 'utf8');
  expect(await validateEnvelope(faultXml)).toEqual({ valid: true, errors: [] });
});

/** What readResponse throws for an answer (it must throw). */
function faultOf(xml: string): SoapFault {
  try {
    readResponse('PwsAcquireProjectorLocks', xml, 500);
  } catch (err) {
    expect(err).toBeInstanceOf(SoapFault);
    return err as SoapFault;
  }
  throw new Error('readResponse did not throw');
}

it('reads the HTTP 500 answer as a SoapFault: faultcode, faultstring, and the detail element; its message carries neither', () => {
  const fault = faultOf(faultXml);
  expect(fault.faultCode).toBe('s:Client');
  expect(fault.faultString).toBe('One or more existing locks prevent acquisition of requested lock.');
  expect(fault.detail).toMatchObject({ ns: '', local: 'detail' });
  expect(fault.detail!.children.map((c) => `{${c.ns}}${c.local}`)).toEqual(['{http://projectorpsa.com/DataContracts/Shared/Common/}PwsFault']);
  expect(fault.message).toBe('SOAP fault s:Client');
  expect(fault.message).not.toContain(HOLDER_UID);
});

it('decodes the PwsFault detail by the model: numbers, exact Uids and timestamps, nil members left out', () => {
  const decoded = decodeFaultDetail('PwsAcquireProjectorLocks', faultOf(faultXml).detail);
  expect(decoded?.element).toBe('PwsFault');
  const detail = decoded!.value;
  expect(detail.ResponseId).toBe(1);
  expect(detail.ServiceName).toBe('PwsAcquireProjectorLocksRs');
  expect(detail.AllowLocksToBeStolenFlag).toBe(true);
  expect('LockTaker' in detail).toBe(false);
  expect(detail.Messages).toHaveLength(2);
  expect((detail.Messages as unknown[])[0]).toStrictEqual({
    AdditionalErrorText: 'Error 50469, State 1: One or more existing locks prevent acquisition of requested lock.',
    ErrorCode: 'EntityAlreadyLocked',
    ErrorNumber: 50469,
    ErrorText: 'One or more existing locks prevent acquisition of requested lock.',
    Type: 'Error',
  });
  expect((detail.Messages as unknown[])[1]).toMatchObject({ ErrorCode: 'NonProductionEnvironment', ErrorNumber: 136, Type: 'Information' });
  expect(detail.LockHolderUserIdentity).toStrictEqual({ UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: HOLDER_UID });
});

it('gives single-item lists (LockHolders, EntityLockSummary, a lone PwsMessage) as one-element arrays', () => {
  const detail = decodeFaultDetail('PwsAcquireProjectorLocks', faultOf(faultXml).detail)!.value;
  expect(detail.LockHolders).toStrictEqual([
    {
      EntityIdentity: { EntityCode: 'P001468-001', EntityUid: ENTITY_UID, LockType: 'P' },
      EntityLockSummary: [
        {
          LockCount: 1,
          LockHolderUserIdentity: { UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: HOLDER_UID },
          MostRecentLockAcquisitionTimestamp: '2018-10-30T21:08:14.9814113Z',
        },
      ],
    },
  ]);
  const oneMessage = faultXml.replace(/<PwsMessage><AdditionalErrorText>Message 136[\s\S]*?<\/PwsMessage>/, '');
  expect(oneMessage).not.toBe(faultXml);
  const messages = decodeFaultDetail('PwsAcquireProjectorLocks', faultOf(oneMessage).detail)!.value.Messages as { ErrorNumber: number }[];
  expect(messages.map((m) => m.ErrorNumber)).toEqual([50469]);
});

describe('through the client', () => {
  let capture: Capture;
  let client: ProjectorClient;

  beforeAll(async () => {
    // The server answers the request it was sent: the fault's ResponseId is the request's RequestId.
    capture = await startCapture((req) => {
      const id = /RequestId[^>]*>(\d+)</.exec(req.body)![1];
      return { status: 500, body: faultXml.replace('<ResponseId>1</ResponseId>', `<ResponseId>${id}</ResponseId>`) };
    });
    client = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'AYlq2lioh82F1PapkJ+Npg==' });
  });
  afterAll(async () => {
    await client.close();
    await capture.close();
  });

  it('arrives as a LockConflictError with the holders, once (never re-sent), and no raw detail in its message', async () => {
    const err = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockConflictError);
    const conflict = err as LockConflictError;
    expect(conflict).toMatchObject({ code: 'EntityAlreadyLocked', errorNumber: 50469, operation: 'PwsAcquireProjectorLocks', requestSent: true, retryable: false, allowLocksToBeStolen: true });
    expect(conflict.lockHolders).toStrictEqual([
      {
        entityIdentity: { entityCode: 'P001468-001', entityUid: ENTITY_UID, lockType: 'P' },
        entityLockSummary: [
          {
            lockCount: 1,
            lockHolderUserIdentity: { userDisplayName: 'Web Services', userReferenceSystemId: 'WS01', userUid: HOLDER_UID },
            mostRecentLockAcquisitionTimestamp: '2018-10-30T21:08:14.9814113Z',
          },
        ],
      },
    ]);
    expect(conflict.lockHolderUserIdentity).toStrictEqual({ userDisplayName: 'Web Services', userReferenceSystemId: 'WS01', userUid: HOLDER_UID });
    expect(conflict.messages?.map((m) => m.errorNumber)).toEqual([50469, 136]);
    expect(conflict.message).toBe('PwsAcquireProjectorLocks failed (fault): EntityAlreadyLocked 50469: One or more existing locks prevent acquisition of requested lock.');
    expect(capture.requests.filter((r) => String(r.headers.soapaction).includes('PwsAcquireProjectorLocks'))).toHaveLength(1);
  });
});
