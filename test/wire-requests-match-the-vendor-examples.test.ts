/**
 * Conformance of every request the client sends, for every operation of the generated catalogue (no list written by
 * hand: an operation added by a WSDL refresh is covered, and this file still type-checks). Each operation is called
 * through `client.call` with every member filled, from the model, against a capture server; the body must carry the
 * exact SOAPAction and Content-Type, validate against the XSDs in wsdl/, and send the request's members in the order
 * the XSD files declare them (read from the XSD text, not the model). The operations the vendor documents with an
 * example request (test/fixtures/vendor/) are also sent with the example's values and must equal it by namespace URI,
 * local name, order and text of every element.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { SESSIONLESS_OPERATIONS } from '../src/policy';
import { MEMBER_RULES } from '../src/soap/vendor-rules';
import { TYPES, collectionItem, isRepeated, type MemberModel } from '../src/soap/codec';
import { NS, OPERATION_NAMES, OPERATIONS, type OperationName } from '../src/soap/operations';
import { okAnswer, startCapture, type Capture, type CapturedRequest } from './support/loopback';
import { bodyPayload, parseXml, shape, type XmlNode } from './support/xml';
import { validateEnvelopes, WSDL_DIR, type ValidationResult } from './support/xsd';

const VENDOR = path.join(__dirname, 'fixtures', 'vendor');
const XS = 'http://www.w3.org/2001/XMLSchema';
const TICKET = 'AYlq2lioh82F1PapkJ+Npg==';

/** The vendor's example requests, with the values they show; keyed by name so that a contract without one still compiles. */
const EXAMPLES: Record<string, { file: string; ticket?: string; request: Record<string, unknown> }> = {
  PwsAuthenticate: { file: 'authenticate-request.xml', request: { AccountCode: 'my-account-code', Password: 'example-password', UserName: 'jdoe@acme.com' } },
  PwsUnauthenticate: { file: 'unauthenticate-request.xml', ticket: 'ARpTzROQ1vcU4qOWebXLww==', request: {} },
  PwsAcquireProjectorLocks: {
    file: 'acquire-request.xml',
    ticket: 'AYlq2lioh82F1PapkJ+Npg==',
    // An Int64 past 2^53, as a decimal string: it must go out digit for digit.
    request: { LockDurationSeconds: 120, Locks: [{ EntityIdentity: { EntityCode: 'P001468-001', EntityUid: '1152921504607429941', LockType: 'P' } }] },
  },
  PwsReleaseProjectorLocks: { file: 'release-request.xml', ticket: 'AaoSuE89vJzjNFnsXZNioA==', request: { ProjectorLockSetId: 3673 } },
  PwsTestRateLimiter: {
    file: 'test-rate-limiter-request.xml',
    ticket: 'AYecIQSsKNpDZ6wY4k5Ilw==',
    request: {
      SimulateInstallationHitsAfter: 500, SimulateInstallationHitsBefore: 1500, SimulateSessionHitsAfter: 200,
      SimulateSessionHitsBefore: 1000, SimulateUserHitsAfter: 1000, SimulateUserHitsBefore: 1000,
    },
  },
};

/** A value for every member of a type, by its value kind (vendor rules honoured); one item for every list. */
function filled(typeKey: string, owners: readonly string[] = []): unknown {
  const t = TYPES[typeKey];
  if (t?.kind === 'complex') {
    const item = collectionItem(typeKey);
    if (item) return [filled(item.type, owners)];
    const out: Record<string, unknown> = {};
    for (const m of t.members) {
      if (m.name === 'RequestId' || m.name === 'SessionTicket') continue;
      // A type that holds itself (directly or not) is filled once: its own member is left out.
      if (owners.includes(m.type) && m.minOccurs === 0) continue;
      const v = memberValue(t.name, m, [...owners, typeKey]);
      out[m.name] = isRepeated(m) ? [v] : v;
    }
    return out;
  }
  const base = t?.kind === 'simple' ? t.base : typeKey;
  if (t?.kind === 'simple' && t.enumeration) return t.enumeration[0];
  if (t?.name === 'guid') return '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';
  const builtin = base.slice(XS.length + 2);
  if (/^(int|short|byte|unsigned(Int|Short|Byte))$/.test(builtin)) return 1;
  if (/long|[iI]nteger$/.test(builtin)) return builtin === 'nonPositiveInteger' || builtin === 'negativeInteger' ? '-1' : '1152921504607429941';
  if (builtin === 'decimal') return '12.50';
  if (builtin === 'double' || builtin === 'float') return 1.5;
  if (builtin === 'boolean') return true;
  if (builtin === 'dateTime') return '2024-01-31T12:00:00.1234567Z';
  if (builtin === 'duration') return 'PT1H';
  return 'text';
}
function memberValue(owner: string, m: MemberModel, owners: readonly string[]): unknown {
  const oneOf = MEMBER_RULES[`${owner}.${m.name}`]?.oneOf;
  return oneOf ? oneOf[0] : filled(m.type, owners);
}

/** `{ns}local` of the members of a complex type in XSD order, read from the XSD files: base type's sequence first. */
async function xsdSequence(typeName: string): Promise<string[]> {
  const files = (await fs.readdir(WSDL_DIR)).filter((f) => f.endsWith('.xsd'));
  const schemas = await Promise.all(files.map(async (f) => parseXml(await fs.readFile(path.join(WSDL_DIR, f), 'utf8'))));
  const find = (n: XmlNode, local: string): XmlNode[] => n.children.flatMap((c) => (c.ns === XS && c.local === local ? [c] : find(c, local)));
  const sequence = (name: string): string[] => {
    for (const xsd of schemas) {
      const typeNode = xsd.children.find((c) => c.local === 'complexType' && c.attrs['{}name'] === name);
      if (!typeNode) continue;
      const ext = find(typeNode, 'extension')[0];
      const base = ext ? sequence(ext.attrs['{}base'].split(':').pop()!) : [];
      return [...base, ...find(typeNode, 'element').map((e) => `{${xsd.attrs['{}targetNamespace']}}${e.attrs['{}name']}`)];
    }
    throw new Error(`no complexType ${name} in ${WSDL_DIR}`);
  };
  return sequence(typeName);
}

let capture: Capture;

/** Sends one request through a client of its own (its own ticket) and returns what went on the wire. */
async function send(op: OperationName, request: unknown, ticket = TICKET): Promise<CapturedRequest> {
  const client = new ProjectorClient({ endpoint: capture.url, sessionTicket: ticket });
  try {
    const before = capture.requests.length;
    const result = (await client.call(op, request as never)) as { Status: unknown };
    expect(result.Status).toBe('Ok');
    expect(capture.requests.length).toBe(before + 1);
    return capture.requests[before];
  } finally {
    await client.close();
  }
}

/** What went on the wire for each operation called with every member filled, and its XSD validation. */
const full = new Map<OperationName, { sent: CapturedRequest; validation: ValidationResult }>();
/** The same for the operations that have a vendor example, called with the example's values. */
const asExample = new Map<OperationName, { sent: CapturedRequest; validation: ValidationResult }>();
const exampleOperations = Object.keys(EXAMPLES).filter((op): op is OperationName => (OPERATION_NAMES as readonly string[]).includes(op));

beforeAll(async () => {
  capture = await startCapture(okAnswer);
  const sent: CapturedRequest[] = [];
  for (const op of OPERATION_NAMES) sent.push(await send(op, filled(OPERATIONS[op].requestType)));
  for (const op of exampleOperations) sent.push(await send(op, EXAMPLES[op].request, EXAMPLES[op].ticket));
  // One xmllint run for all of them: compiling the schemas is most of what a validation costs.
  const validations = await validateEnvelopes(sent.map((s) => s.body));
  OPERATION_NAMES.forEach((op, i) => full.set(op, { sent: sent[i], validation: validations[i] }));
  exampleOperations.forEach((op, i) => asExample.set(op, { sent: sent[OPERATION_NAMES.length + i], validation: validations[OPERATION_NAMES.length + i] }));
});
afterAll(() => capture.close());
it('covers the whole generated catalogue, and every vendor example names an operation of it', () => {
  expect(OPERATION_NAMES.length).toBeGreaterThan(0);
  for (const op of Object.keys(EXAMPLES)) expect(OPERATION_NAMES).toContain(op);
});

describe.each([...OPERATION_NAMES])('%s request with every member filled', (op) => {
  const sent = () => full.get(op)!.sent;

  it('carries the documented SOAPAction (quoted) and Content-Type', () => {
    const action = OPERATIONS[op].soapAction;
    expect(action).toBe(`http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${op}`);
    expect(sent().headers.soapaction).toBe(`"${action}"`);
    expect(sent().headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('is a SOAP 1.1 envelope whose body validates against the XSDs', () => {
    const root = parseXml(sent().body);
    expect(`{${root.ns}}${root.local}`).toBe(`{${NS.soapEnvelope}}Envelope`);
    expect(full.get(op)!.validation).toEqual({ valid: true, errors: [] });
  });

  it('sends every member, in the order the XSD declares, in the wrapper the WSDL names', async () => {
    const payload = bodyPayload(sent().body);
    expect(`{${payload.ns}}${payload.local}`).toBe(`{${NS.service}}${op}`);
    const member = OPERATIONS[op].requestMember;
    const request = member ? payload.children[0] : payload;
    if (member) expect(`{${request.ns}}${request.local}`).toBe(`{${NS.service}}${member}`);
    const typeName = TYPES[OPERATIONS[op].requestType].name;
    // An operation that creates sessions goes out without the base type's SessionTicket.
    const expected = (await xsdSequence(typeName)).filter((m) => !(SESSIONLESS_OPERATIONS.has(op) && m === `{${NS.requests}}SessionTicket`));
    expect(request.children.map((c) => `{${c.ns}}${c.local}`)).toEqual(expected);
  });
});

describe.each(exampleOperations)('%s request with the vendor example’s values', (op) => {
  const example = EXAMPLES[op];

  it(`equals ${example.file} element by element (namespace, name, order, text), RequestId aside, and validates`, async () => {
    const { sent, validation } = asExample.get(op)!;
    expect(validation).toEqual({ valid: true, errors: [] });
    const vendor = await fs.readFile(path.join(VENDOR, example.file), 'utf8');
    const ignore = { withText: true, ignoreTextOf: ['RequestId'] };
    expect(shape(bodyPayload(sent.body), ignore)).toEqual(shape(bodyPayload(vendor), ignore));
    // The RequestId is the client's own counter: a positive int, echoed back by the server as ResponseId.
    expect(/RequestId>(\d+)</.exec(sent.body)![1]).toMatch(/^[1-9]\d*$/);
  });
});

it('sends Int64 Uids beyond 2^53 digit for digit when given as strings', async () => {
  const sent = await send('PwsAcquireProjectorLocks' as OperationName, EXAMPLES.PwsAcquireProjectorLocks.request);
  expect(sent.body).toContain('>1152921504607429941<');
});
