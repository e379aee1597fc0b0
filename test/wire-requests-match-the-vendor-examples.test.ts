/**
 * Conformance of the SDK's requests for every operation of the WSDL, sent through ProjectorClient to a capture
 * server: each carries the exact SOAPAction and Content-Type and validates against the XSDs in wsdl/. Where the
 * vendor has an example (test/fixtures/vendor), the body equals it by namespace URI, local name, order and text of
 * every element (RequestId aside: the client numbers its requests). Every other operation is called with every
 * member filled, derived from the generated catalogue (test/support/sample-values), so a refreshed contract needs
 * no entry here; its members must go out in the order the XSD itself declares (read from the XSD, not the model).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { TYPES, XS_NS } from '../src/soap/codec';
import { NS, OPERATION_NAMES, OPERATIONS, SDK_FILLED_MEMBERS, type OperationName } from '../src/soap/operations';
import { startCapture, type Capture, type CapturedRequest } from './support/loopback';
import { Sampler } from './support/sample-values';
import { bodyPayload, parseXml, shape, type XmlNode } from './support/xml';
import { validateEnvelope, WSDL_DIR } from './support/xsd';

const VENDOR = path.join(__dirname, 'fixtures', 'vendor');
const vendorFile = (name: string) => fs.readFile(path.join(VENDOR, name), 'utf8');
const echoId = (request: string, answer: string) => answer.replace(/(<ResponseId[^>]*>)\d+(<\/ResponseId>)/, `$1${/RequestId[^>]*>(\d+)</.exec(request)?.[1] ?? '0'}$2`);

/** A minimal, schema-valid answer so every call completes; the answers themselves are tested elsewhere. */
const minimalResponse = (op: string, requestId: string) => `<s:Envelope xmlns:s="${NS.soapEnvelope}"><s:Body><${op}Response xmlns="${NS.service}"><${op}Result xmlns:i="${NS.xsi}">
<Messages xmlns="${NS.commonServices}"/><ResponseId xmlns="${NS.commonServices}">${requestId}</ResponseId><Status xmlns="${NS.commonServices}">Ok</Status>
<ServerTimestampUtc xmlns="${NS.commonServices}">2018-10-30T21:08:14.9814113Z</ServerTimestampUtc></${op}Result></${op}Response></s:Body></s:Envelope>`;

type Send = (endpoint: string) => Promise<unknown>;
const withTicket = (ticket: string, op: string, request: unknown): Send => async (endpoint) => {
  const client = new ProjectorClient({ endpoint, sessionTicket: ticket });
  try {
    return await client.call(op as OperationName, request as never);
  } finally {
    await client.close();
  }
};

/** The vendor's examples, by operation: the file, and how the client sends the same request. */
const EXAMPLES: Readonly<Record<string, { example: string; send: Send }>> = {
  PwsAuthenticate: {
    example: 'authenticate-request.xml',
    send: async (endpoint) => {
      const client = new ProjectorClient({ endpoint, credentials: { accountCode: 'my-account-code', userName: 'jdoe@acme.com', password: 'example-password' } });
      try {
        return await client.authenticate();
      } finally {
        await client.close();
      }
    },
  },
  PwsUnauthenticate: {
    example: 'unauthenticate-request.xml',
    send: (endpoint) => new ProjectorClient({ endpoint, sessionTicket: 'ARpTzROQ1vcU4qOWebXLww==' }).unauthenticate(),
  },
  PwsAcquireProjectorLocks: {
    example: 'acquire-request.xml',
    send: withTicket('AYlq2lioh82F1PapkJ+Npg==', 'PwsAcquireProjectorLocks', {
      LockDurationSeconds: 120,
      Locks: [{ EntityIdentity: { EntityCode: 'P001468-001', EntityUid: 1152921504607429941n, LockType: 'P' } }],
    }),
  },
  PwsReleaseProjectorLocks: { example: 'release-request.xml', send: withTicket('AaoSuE89vJzjNFnsXZNioA==', 'PwsReleaseProjectorLocks', { ProjectorLockSetId: 3673 }) },
  PwsTestRateLimiter: {
    example: 'test-rate-limiter-request.xml',
    send: withTicket('AYecIQSsKNpDZ6wY4k5Ilw==', 'PwsTestRateLimiter', {
      SimulateInstallationHitsAfter: 500,
      SimulateInstallationHitsBefore: 1500,
      SimulateSessionHitsAfter: 200,
      SimulateSessionHitsBefore: 1000,
      SimulateUserHitsAfter: 1000,
      SimulateUserHitsBefore: 1000,
    }),
  },
};

const sampler = new Sampler(TYPES);
const sendOf = (op: OperationName): Send =>
  EXAMPLES[op]?.send ?? withTicket('AYlq2lioh82F1PapkJ+Npg==', op, sampler.complex(OPERATIONS[op].requestType, 0, [...SDK_FILLED_MEMBERS]).input);

let schemas: Promise<XmlNode[]> | undefined;
const loadSchemas = () =>
  (schemas ??= fs.readdir(WSDL_DIR).then((names) => Promise.all(names.filter((n) => n.endsWith('.xsd')).map(async (n) => parseXml(await fs.readFile(path.join(WSDL_DIR, n), 'utf8'))))));

/**
 * `{ns}local` of the members of a type in XSD order, read from the XSDs themselves: the base type's sequence first,
 * then the extension's. A base is looked up by local name, in the extending type's namespace first.
 */
async function xsdSequence(typeName: string, preferNs: string): Promise<string[]> {
  const find = (n: XmlNode, local: string): XmlNode[] => n.children.flatMap((c) => (c.ns === XS_NS && c.local === local ? [c] : find(c, local)));
  const declares = (x: XmlNode) => x.children.some((c) => c.local === 'complexType' && c.attrs['{}name'] === typeName);
  const candidates = (await loadSchemas()).filter(declares);
  const schema = candidates.find((x) => x.attrs['{}targetNamespace'] === preferNs) ?? candidates[0];
  const tns = schema.attrs['{}targetNamespace'];
  const typeNode = schema.children.find((c) => c.local === 'complexType' && c.attrs['{}name'] === typeName)!;
  const ext = find(typeNode, 'extension')[0];
  const base = ext ? await xsdSequence(ext.attrs['{}base'].split(':').pop()!, tns) : [];
  return [...base, ...find(typeNode, 'element').map((e) => `{${tns}}${e.attrs['{}name']}`)];
}

let capture: Capture;
let authenticateAnswer: string;

beforeAll(async () => {
  authenticateAnswer = await vendorFile('authenticate-response.xml');
  capture = await startCapture((req) => {
    const op = /\/(Pws\w+)"?$/.exec(String(req.headers.soapaction))![1];
    const id = /RequestId[^>]*>(\d+)</.exec(req.body)?.[1] ?? '0';
    return { body: op === 'PwsAuthenticate' ? echoId(req.body, authenticateAnswer) : minimalResponse(op, id) };
  });
});
afterAll(() => capture.close());

describe.each(OPERATION_NAMES)('%s request', (op) => {
  let sent: CapturedRequest;

  beforeAll(async () => {
    const before = capture.requests.length;
    await sendOf(op)(capture.url);
    sent = capture.requests.slice(before).find((r) => String(r.headers.soapaction).endsWith(`/${op}"`))!;
    expect(sent).toBeDefined();
  });

  it('carries the documented SOAPAction (quoted) and Content-Type', () => {
    expect(sent.headers.soapaction).toBe(`"${OPERATIONS[op].soapAction}"`);
    expect(OPERATIONS[op].soapAction).toBe(`http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${op}`);
    expect(sent.headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('is a SOAP 1.1 envelope whose body validates against the XSDs', async () => {
    const root = parseXml(sent.body);
    expect(`{${root.ns}}${root.local}`).toBe(`{${NS.soapEnvelope}}Envelope`);
    expect(await validateEnvelope(sent.body)).toEqual({ valid: true, errors: [] });
  });

  const example = EXAMPLES[op]?.example;
  if (example) {
    it(`equals ${example} element by element (namespace, name, order, text; RequestId aside)`, async () => {
      const options = { withText: true, ignoreTextOf: ['RequestId'] };
      expect(shape(bodyPayload(sent.body), options)).toEqual(shape(bodyPayload(await vendorFile(example)), options));
    });
  } else {
    it('sends every member of the request, in the order the XSD declares', async () => {
      const payload = bodyPayload(sent.body);
      expect(`{${payload.ns}}${payload.local}`).toBe(`{${NS.service}}${op}`);
      const serviceRequest = payload.children[0];
      expect(`{${serviceRequest.ns}}${serviceRequest.local}`).toBe(`{${NS.service}}${OPERATIONS[op].requestMember}`);
      const sentOrder = serviceRequest.children.map((c) => `{${c.ns}}${c.local}`);
      const requestType = TYPES[OPERATIONS[op].requestType];
      const declared = await xsdSequence(requestType.name, requestType.ns);
      expect(sentOrder).toEqual(declared.filter((m) => sentOrder.includes(m)));
      // Only a session ticket may be missing (an operation that needs no session sends none).
      expect(declared.filter((m) => !sentOrder.includes(m) && !m.endsWith('}SessionTicket'))).toEqual([]);
    });
  }
});

it('sends Int64 Uids beyond 2^53 digit for digit', () => {
  const acquire = capture.requests.find((r) => String(r.headers.soapaction).includes('PwsAcquireProjectorLocks'))!;
  expect(acquire.body).toContain('>1152921504607429941<');
});
