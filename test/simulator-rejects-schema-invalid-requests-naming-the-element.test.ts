/**
 * Every request body is validated against the XSDs (compiled once at start). A wrong namespace, order, unknown
 * element or bad value is answered with a SOAP fault (HTTP 500, s:Client) that names the element, never a crash.
 * xmllint (a real XSD validator) judges the same payloads, proving the compiled model agrees with the schemas.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { ManualClock } from '../src/clock';
import { NS, soapActionOf, type OperationName } from '../src/soap/operations';
import { startSimulator, type Simulator } from '../src/simulator';
import { postRaw, textOfFirst } from '../src/simulator/testing';

const WSDL = join(__dirname, '..', 'wsdl');
const xsds = readdirSync(WSDL).filter((f) => /^xsd\d+\.xsd$/.test(f)).sort().map((f) => ({ fileName: f, contents: readFileSync(join(WSDL, f), 'utf8') }));
const DECLS = `xmlns:pws="${NS.service}" xmlns:req="${NS.requests}" xmlns:com="${NS.common}" xmlns:i="${NS.xsi}"`;

/** The operation element alone, namespaces declared on it, as xmllint needs it. */
const payload = (op: OperationName, members: string) => `<pws:${op} ${DECLS}><pws:serviceRequest>${members}</pws:serviceRequest></pws:${op}>`;
const wrap = (p: string) => `<soapenv:Envelope xmlns:soapenv="${NS.soapEnvelope}"><soapenv:Header/><soapenv:Body>${p}</soapenv:Body></soapenv:Envelope>`;
const vendorPayload = (file: string) => {
  const xml = readFileSync(join(__dirname, 'fixtures', 'vendor', file), 'utf8');
  return /<soapenv:Body>([\s\S]*)<\/soapenv:Body>/.exec(xml)![1].trim().replace(/^<pws:(\w+)/, `<pws:$1 ${DECLS}`);
};

async function xmllintValid(xml: string): Promise<boolean> {
  const r = await validateXML({ xml: [{ fileName: 'request.xml', contents: xml }], schema: [xsds[0]], preload: xsds.slice(1) });
  return r.valid;
}

const LOCK = `<req:Locks><com:PwsProjectorLockRequest><com:EntityIdentity><com:EntityUid>1152921504607429941</com:EntityUid><com:LockType>P</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest></req:Locks>`;

const invalid: { name: string; op: OperationName; members: string; names: string }[] = [
  { name: 'base members out of order', op: 'PwsUnauthenticate', members: '<req:SessionTicket>x</req:SessionTicket><req:RequestId>1</req:RequestId>', names: 'RequestId' },
  { name: 'derived members out of order', op: 'PwsAcquireProjectorLocks', members: `<req:SessionTicket>x</req:SessionTicket>${LOCK}<req:LockDurationSeconds>60</req:LockDurationSeconds>`, names: 'LockDurationSeconds' },
  { name: 'a member in the service namespace', op: 'PwsUnauthenticate', members: '<pws:SessionTicket>x</pws:SessionTicket>', names: 'SessionTicket' },
  { name: 'a lock item in the requests namespace', op: 'PwsAcquireProjectorLocks', members: `<req:LockDurationSeconds>60</req:LockDurationSeconds><req:Locks><req:PwsProjectorLockRequest/></req:Locks>`, names: 'PwsProjectorLockRequest' },
  { name: 'an unknown element', op: 'PwsUnauthenticate', members: '<req:SessionTicket>x</req:SessionTicket><req:Ticket>x</req:Ticket>', names: 'Ticket' },
  { name: 'a non-numeric int', op: 'PwsReleaseProjectorLocks', members: '<req:RequestId>one</req:RequestId>', names: 'RequestId' },
  { name: 'an int beyond Int32', op: 'PwsReleaseProjectorLocks', members: '<req:ProjectorLockSetId>2147483648</req:ProjectorLockSetId>', names: 'ProjectorLockSetId' },
  { name: 'a decimal where an int is due', op: 'PwsRenewProjectorLocks', members: '<req:LockDurationSeconds>1.5</req:LockDurationSeconds>', names: 'LockDurationSeconds' },
  { name: 'a short beyond Int16', op: 'PwsAuthenticate', members: '<req:AccountCode>DEMO</req:AccountCode><req:UtcOffsetMinutes>40000</req:UtcOffsetMinutes>', names: 'UtcOffsetMinutes' },
  { name: 'nil on a non-nillable member', op: 'PwsReleaseProjectorLocks', members: '<req:RequestId i:nil="true"/>', names: 'RequestId' },
  { name: 'text inside a structure', op: 'PwsAcquireProjectorLocks', members: '<req:Locks>P001468-001</req:Locks>', names: 'Locks' },
  { name: 'a Uid that is not an Int64', op: 'PwsCheckProjectorLocks', members: LOCK.replace('1152921504607429941', '99999999999999999999'), names: 'EntityUid' },
];

describe('simulator request validation', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: new ManualClock() });
  });
  afterAll(() => sim.close());

  it.each(['acquire-request.xml', 'authenticate-request.xml', 'release-request.xml', 'unauthenticate-request.xml', 'test-rate-limiter-request.xml'])(
    'accepts the vendor example %s, as xmllint does',
    async (file) => {
      const p = vendorPayload(file);
      const op = /^<pws:(\w+)/.exec(p)![1] as OperationName;
      expect(await xmllintValid(p)).toBe(true);
      const res = await postRaw(sim.url, wrap(p), { soapAction: soapActionOf(op) });
      expect(res.body).not.toContain('<s:Fault>');
      expect(res.status).toBe(200);
    },
  );

  it.each(invalid)('rejects $name with a fault naming the element, as xmllint does', async ({ op, members, names }) => {
    const p = payload(op, members);
    expect(await xmllintValid(p)).toBe(false);
    const res = await postRaw(sim.url, wrap(p), { soapAction: soapActionOf(op) });
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'faultcode')).toBe('s:Client');
    expect(textOfFirst(res.body, 'faultstring')).toContain(names);
  });

  it.each([
    ['malformed XML', wrap('<pws:PwsUnauthenticate xmlns:pws="http://projectorpsa.com/PwsProjectorServices/"><pws:serviceRequest>')],
    ['a DOCTYPE with entities', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${wrap(payload('PwsUnauthenticate', '<req:SessionTicket>&b;</req:SessionTicket>'))}`],
    ['a root that is not a SOAP envelope', payload('PwsUnauthenticate', '')],
    ['a SOAP 1.2 envelope', wrap(payload('PwsUnauthenticate', '')).replace(NS.soapEnvelope, 'http://www.w3.org/2003/05/soap-envelope')],
    ['two operations in one Body', wrap(payload('PwsUnauthenticate', '') + payload('PwsUnauthenticate', ''))],
    ['an empty body', ''],
    ['binary garbage', '\u0000\u0001\u00ff<<>>&&'],
  ])('answers %s with an s:Client fault', async (_name, body) => {
    const res = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsUnauthenticate') });
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'faultcode')).toBe('s:Client');
    expect(sim.log[sim.log.length - 1].outcome).toBe('rejected');
  });

  it('ignores the content of SOAP headers, as a PWS request carries none that matter', async () => {
    const body = wrap(vendorPayload('unauthenticate-request.xml')).replace('<soapenv:Header/>', '<soapenv:Header><x:Anything xmlns:x="urn:x"><x:Deep/></x:Anything></soapenv:Header>');
    const res = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsUnauthenticate') });
    expect(res.status).toBe(200);
    expect(textOfFirst(res.body, 'ErrorCode')).toBe('InvalidSessionTicket');
  });
});
