/**
 * Conformance of the GENERATED client's requests: for each operation of the WSDL, the body node-soap sends
 * equals the vendor example by namespace URI, local name, order and text of every element, carries the exact
 * SOAPAction and Content-Type, and validates against the XSDs in wsdl/. Check and Renew have no vendor example:
 * their order is compared with the sequence the XSD declares instead.
 * Request objects are written in schema order on purpose (see wire-request-element-order-comes-from-the-schema).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createClientAsync, type PwsProjectorServicesClient } from '../generated/pwsprojectorservices';
import { NS, OPERATION_NAMES, type OperationName } from '../src/soap/operations';
import { startCapture, type Capture } from './support/loopback';
import { bodyPayload, parseXml, shape, type XmlNode } from './support/xml';
import { validateEnvelope, WSDL_DIR } from './support/xsd';

const VENDOR = path.join(__dirname, 'fixtures', 'vendor');
const WSDL_FILE = path.join(WSDL_DIR, 'PwsProjectorServices.wsdl');
const XS = 'http://www.w3.org/2001/XMLSchema';
// xs:long values travel as decimal strings: a JS number cannot hold 1152921504607429941 exactly.
const long = (digits: string) => digits as unknown as number;

/** A minimal, schema-valid response so every call completes; the responses themselves are tested elsewhere. */
const minimalResponse = (op: string) => `<s:Envelope xmlns:s="${NS.soapEnvelope}"><s:Body><${op}Response xmlns="${NS.service}"><${op}Result xmlns:i="${NS.xsi}">
<Messages xmlns="${NS.commonServices}"/><ResponseId xmlns="${NS.commonServices}">1</ResponseId><Status xmlns="${NS.commonServices}">Ok</Status>
<ServerTimestampUtc xmlns="${NS.commonServices}">2018-10-30T21:08:14.9814113Z</ServerTimestampUtc></${op}Result></${op}Response></s:Body></s:Envelope>`;

const lockRequests = {
  PwsProjectorLockRequest: [{ EntityIdentity: { EntityCode: 'P001468-001', EntityUid: long('1152921504607429941'), LockType: 'P' } }],
};
const locksToSteal = {
  PwsEntityLockSummary: [
    {
      EntityIdentity: { EntityCode: 'P001468-001', EntityUid: long('1152921504607429941'), LockType: 'P' },
      EntityLockSummary: {
        PwsEntityLockSummaryItem: [
          {
            LockCount: 1,
            LockHolderUserIdentity: { UserDisplayName: 'Web Services', UserReferenceSystemId: 'WS01', UserUid: long('1152921504607067736') },
            // Strings, not Dates: node-soap writes a Date object as an empty element.
            MostRecentLockAcquisitionTimestamp: '2018-10-30T21:08:14.9814113Z' as unknown as Date,
          },
        ],
      },
    },
  ],
};

type Call = (c: PwsProjectorServicesClient) => Promise<unknown>;
const cases: Record<OperationName, { call: Call; example?: string }> = {
  PwsAuthenticate: {
    example: 'authenticate-request.xml',
    call: (c) => c.PwsAuthenticateAsync({ serviceRequest: { RequestId: 1, AccountCode: 'my-account-code', Password: 'example-password', UserName: 'jdoe@acme.com' } }),
  },
  PwsUnauthenticate: {
    example: 'unauthenticate-request.xml',
    call: (c) => c.PwsUnauthenticateAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'ARpTzROQ1vcU4qOWebXLww==' } }),
  },
  PwsAcquireProjectorLocks: {
    example: 'acquire-request.xml',
    call: (c) =>
      c.PwsAcquireProjectorLocksAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'AYlq2lioh82F1PapkJ+Npg==', LockDurationSeconds: 120, Locks: lockRequests } }),
  },
  PwsCheckProjectorLocks: {
    call: (c) =>
      c.PwsCheckProjectorLocksAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'AYlq2lioh82F1PapkJ+Npg==', Locks: lockRequests, LocksToSteal: locksToSteal, ProjectorLockSetId: 2602 } }),
  },
  PwsRenewProjectorLocks: {
    call: (c) => c.PwsRenewProjectorLocksAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'AYlq2lioh82F1PapkJ+Npg==', LockDurationSeconds: 120, ProjectorLockSetId: 2602 } }),
  },
  PwsReleaseProjectorLocks: {
    example: 'release-request.xml',
    call: (c) => c.PwsReleaseProjectorLocksAsync({ serviceRequest: { RequestId: 1, SessionTicket: 'AaoSuE89vJzjNFnsXZNioA==', ProjectorLockSetId: 3673 } }),
  },
  // No vendor example for the OAuth operations: every member is sent so the whole XSD sequence is compared.
  PwsAcquireOauth2Token: {
    call: (c) =>
      c.PwsAcquireOauth2TokenAsync({
        serviceRequest: {
          RequestId: 1,
          SessionTicket: 'unused-by-this-operation',
          ClientIdentifier: '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b',
          ClientSecret: 'example-client-secret',
          Code: 'example-code',
          CodeVerifier: 'example-code-verifier',
          GrantType: 'code',
          RedirectUri: 'https://app.example.com/callback',
          RefreshToken: 'example-refresh-token',
        },
      }),
  },
  PwsRevokeOauth2RefreshToken: {
    call: (c) =>
      c.PwsRevokeOauth2RefreshTokenAsync({
        serviceRequest: {
          RequestId: 1,
          SessionTicket: 'unused-by-this-operation',
          ClientIdentifier: '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b',
          ClientSecret: 'example-client-secret',
          RefreshToken: 'example-refresh-token',
        },
      }),
  },
  PwsTestRateLimiter: {
    example: 'test-rate-limiter-request.xml',
    call: (c) =>
      c.PwsTestRateLimiterAsync({
        serviceRequest: {
          RequestId: 1,
          SessionTicket: 'AYecIQSsKNpDZ6wY4k5Ilw==',
          SimulateInstallationHitsAfter: 500,
          SimulateInstallationHitsBefore: 1500,
          SimulateSessionHitsAfter: 200,
          SimulateSessionHitsBefore: 1000,
          SimulateUserHitsAfter: 1000,
          SimulateUserHitsBefore: 1000,
        },
      }),
  },
};

/** `{ns}local` of the members of a request type in XSD order: base type's sequence first, then the extension's. */
async function xsdSequence(typeName: string): Promise<string[]> {
  const xsd = parseXml(await fs.readFile(path.join(WSDL_DIR, 'xsd2.xsd'), 'utf8'));
  const tns = xsd.attrs['{}targetNamespace'];
  const find = (n: XmlNode, local: string): XmlNode[] => n.children.flatMap((c) => (c.ns === XS && c.local === local ? [c] : find(c, local)));
  const typeNode = xsd.children.find((c) => c.local === 'complexType' && c.attrs['{}name'] === typeName)!;
  const ext = find(typeNode, 'extension')[0];
  // PwsRequest's own base, Shared/Common's PwsBase, lives in another schema and has no members.
  const [prefix, baseName] = ext ? ext.attrs['{}base'].split(':') : [];
  if (ext && prefix !== 'tns' && baseName !== 'PwsBase') throw new Error(`${typeName}: base ${ext.attrs['{}base']} is not in xsd2.xsd`);
  const base = ext && prefix === 'tns' ? await xsdSequence(baseName) : [];
  return [...base, ...find(typeNode, 'element').map((e) => `{${tns}}${e.attrs['{}name']}`)];
}

let capture: Capture;
let client: PwsProjectorServicesClient;

beforeAll(async () => {
  capture = await startCapture((req) => {
    const op = /\/(Pws\w+)"?$/.exec(String(req.headers.soapaction))![1];
    return { body: minimalResponse(op) };
  });
  client = await createClientAsync(WSDL_FILE, { endpoint: capture.url });
});
afterAll(() => capture.close());

describe.each(OPERATION_NAMES)('%s request', (op) => {
  let sent: { headers: Record<string, unknown>; body: string };

  beforeAll(async () => {
    const before = capture.requests.length;
    await cases[op].call(client);
    expect(capture.requests.length).toBe(before + 1);
    sent = capture.requests[before];
  });

  it('carries the documented SOAPAction (quoted, as node-soap sends it) and Content-Type', () => {
    const action = `http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${op}`;
    expect(sent.headers.soapaction).toBe(`"${action}"`);
    expect(String(sent.headers.soapaction).replace(/^"|"$/g, '')).toBe(action);
    expect(sent.headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('is a SOAP 1.1 envelope whose body validates against the XSDs', async () => {
    const root = parseXml(sent.body);
    expect(`{${root.ns}}${root.local}`).toBe(`{${NS.soapEnvelope}}Envelope`);
    expect(await validateEnvelope(sent.body)).toEqual({ valid: true, errors: [] });
  });

  const example = cases[op].example;
  if (example) {
    it(`equals ${example} element by element (namespace, name, order, text)`, async () => {
      const vendor = await fs.readFile(path.join(VENDOR, example), 'utf8');
      expect(shape(bodyPayload(sent.body), { withText: true })).toEqual(shape(bodyPayload(vendor), { withText: true }));
    });
  } else {
    it('sends the serviceRequest members in the order the XSD declares, in the Requests namespace', async () => {
      const payload = bodyPayload(sent.body);
      expect(`{${payload.ns}}${payload.local}`).toBe(`{${NS.service}}${op}`);
      const serviceRequest = payload.children[0];
      expect(`{${serviceRequest.ns}}${serviceRequest.local}`).toBe(`{${NS.service}}serviceRequest`);
      const sentOrder = serviceRequest.children.map((c) => `{${c.ns}}${c.local}`);
      expect(sentOrder).toEqual(await xsdSequence(`${op}Rq`));
    });
  }
});

it('sends Int64 Uids beyond 2^53 digit for digit when given as strings', () => {
  const acquire = capture.requests.find((r) => String(r.headers.soapaction).includes('PwsAcquireProjectorLocks'))!;
  expect(acquire.body).toContain('>1152921504607429941<');
});
