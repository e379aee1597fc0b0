/**
 * The generated contract model (generated/model.json, read through generated/index.ts) is what the codec sends and reads by: members in the order
 * the XSD declares them (base type first), each in the namespace it has on the wire, operations with the binding's
 * soapAction. Checked on wsdl/ through the compiler, and on the committed file, which must say the same thing.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as committed from '../generated';
import { emitTypes } from '../scripts/codegen/emit-types';
import { loadContract } from '../scripts/codegen/load';
import { compileWsdl } from '../scripts/codegen/wsdl';
import { compileSchemas } from '../scripts/codegen/xsd';

const ROOT = path.resolve(__dirname, '..');
const XS = 'http://www.w3.org/2001/XMLSchema';
const TNS = 'http://projectorpsa.com/PwsProjectorServices/';
const RQ = 'http://projectorpsa.com/DataContracts/Requests/';
const RS = 'http://projectorpsa.com/DataContracts/Responses/';
const COMMON_SVC = 'http://projectorpsa.com/CommonServices/';
const SHARED = 'http://projectorpsa.com/DataContracts/Shared/Common/';

function compile(entry: string) {
  const contract = loadContract(entry);
  const schema = compileSchemas(contract);
  return { contract, schema, wsdl: compileWsdl(contract, schema) };
}
const { schema, wsdl } = compile(path.join(ROOT, 'wsdl', 'PwsProjectorServices.wsdl'));
const complex = (key: string) => {
  const t = schema.types.get(key);
  if (t?.kind !== 'complex') throw new Error(`${key} is not a complex type`);
  return t;
};
const row = (ns: string, type: string) => ({ ns, type: `{${XS}}${type}`, minOccurs: 0, maxOccurs: 1 });

it('lists PwsAuthenticateRq members in wire order, base members first, with namespaces and types', () => {
  const rq = complex(`{${RQ}}PwsAuthenticateRq`);
  expect(rq.base).toBe(`{${RQ}}PwsRequest`);
  expect(rq.members.map(({ name, ns, type, minOccurs, maxOccurs }) => ({ name, ns, type, minOccurs, maxOccurs }))).toEqual([
    { name: 'RequestId', ...row(RQ, 'int') },
    { name: 'SessionTicket', ...row(RQ, 'string') },
    { name: 'AccountCode', ...row(RQ, 'string') },
    { name: 'CultureName', ...row(RQ, 'string') },
    { name: 'Fingerprint', ...row(RQ, 'string') },
    { name: 'Password', ...row(RQ, 'string') },
    { name: 'UserName', ...row(RQ, 'string') },
    { name: 'UtcOffsetMinutes', ...row(RQ, 'short') },
    { name: 'CrossoverTicket', ...row(RQ, 'string') },
  ]);
  expect(rq.members.filter((m) => !m.nillable).map((m) => m.name)).toEqual(['RequestId']);
});

it('puts inherited members in the base type\'s namespace and own members in the derived one\'s', () => {
  const rs = complex(`{${RS}}PwsAuthenticateRs`);
  expect(rs.members.slice(0, 5).map((m) => [m.name, m.ns])).toEqual([
    ['Messages', COMMON_SVC], ['ResponseId', COMMON_SVC], ['Status', COMMON_SVC], ['ServerTimestampUtc', COMMON_SVC], ['RedirectUrl', RS],
  ]);
  expect(complex(`{${SHARED}}ArrayOfPwsMessage`).members).toEqual([
    { name: 'PwsMessage', ns: SHARED, type: `{${SHARED}}PwsMessage`, minOccurs: 0, maxOccurs: -1, nillable: true },
  ]);
});

it('has the seven operations with the binding\'s soapActions, their wrappers, DTOs and the PwsFault detail', () => {
  const names = ['PwsAcquireProjectorLocks', 'PwsAuthenticate', 'PwsCheckProjectorLocks', 'PwsReleaseProjectorLocks', 'PwsRenewProjectorLocks', 'PwsTestRateLimiter', 'PwsUnauthenticate'];
  expect([...wsdl.operations.keys()]).toEqual(expect.arrayContaining(names));
  for (const op of names) {
    expect(wsdl.operations.get(op)).toEqual({
      name: op,
      soapAction: `http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${op}`,
      input: `{${TNS}}${op}`,
      output: `{${TNS}}${op}Response`,
      requestMember: 'serviceRequest',
      requestType: `{${RQ}}${op}Rq`,
      resultMember: `${op}Result`,
      resultType: `{${RS}}${op}Rs`,
      faults: [`{${SHARED}}PwsFault`],
    });
  }
  expect(schema.elements.get(`{${SHARED}}PwsFault`)).toEqual({ name: 'PwsFault', ns: SHARED, type: `{${SHARED}}PwsFault`, nillable: true });
  // The wrapper's anonymous type, keyed after its element.
  expect(schema.elements.get(`{${TNS}}PwsAuthenticate`)?.type).toBe(`{${TNS}}PwsAuthenticate#element`);
  expect(complex(`{${TNS}}PwsAuthenticate#element`).members.map((m) => [m.name, m.ns, m.type])).toEqual([['serviceRequest', TNS, `{${RQ}}PwsAuthenticateRq`]]);
  expect(wsdl.service).toEqual({
    name: 'PwsProjectorServices',
    targetNamespace: TNS,
    ports: [{ name: 'BasicHttpBinding_IPwsProjectorServices', address: 'https://secure2.projectorpsa.com/OpsProjectorWcfSvc/PwsProjectorServices.svc' }],
  });
});

it('resolves simple types to their builtin, with enumerations', () => {
  expect(schema.types.get(`{${SHARED}}RequestStatus`)).toEqual({
    kind: 'simple', name: 'RequestStatus', ns: SHARED, base: `{${XS}}string`, enumeration: ['Ok', 'OkWithWarnings', 'Fail', 'FailSessionInvalid'],
  });
  const ser = 'http://schemas.microsoft.com/2003/10/Serialization/';
  expect([`{${ser}}guid`, `{${ser}}char`, `{${ser}}duration`].map((k) => schema.types.get(k)?.kind === 'simple' && schema.types.get(k)!.base))
    .toEqual([`{${XS}}string`, `{${XS}}int`, `{${XS}}duration`]);
});

it('names only type keys it defines (builtins included), and the committed model.json says exactly this', () => {
  const used = [...schema.types.values()].flatMap((t) => (t.kind === 'complex' ? [...t.members.map((m) => m.type), ...(t.base ? [t.base] : [])] : [t.base]));
  used.push(...[...schema.elements.values()].map((e) => e.type), ...[...wsdl.operations.values()].flatMap((o) => [o.requestType, o.resultType]));
  expect(used.filter((k) => !schema.types.has(k))).toEqual([]);
  expect(committed.TYPES).toEqual(Object.fromEntries(schema.types));
  expect(committed.ELEMENTS).toEqual(Object.fromEntries(schema.elements));
  expect(committed.OPERATIONS).toEqual(Object.fromEntries(wsdl.operations));
  expect(committed.OPERATION_NAMES).toEqual([...wsdl.operations.keys()]);
  expect(committed.SERVICE).toEqual(wsdl.service);
});

it('honours form, elementFormDefault, ref=, choice, repeats, lists, anonymous and same-named types in a hand-made contract', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-model-'));
  try {
    await fs.writeFile(path.join(dir, 'x.xsd'), `<xs:schema xmlns:xs="${XS}" xmlns:t="urn:t" targetNamespace="urn:t">
  <xs:element name="Shared" type="xs:decimal" nillable="true"/>
  <xs:simpleType name="Codes"><xs:list itemType="xs:int"/></xs:simpleType>
  <xs:element name="Op"><xs:complexType><xs:sequence>
    <xs:element name="plain" type="xs:string"/>
    <xs:element name="qualified" form="qualified" type="t:Codes" minOccurs="0"/>
    <xs:element ref="t:Shared" maxOccurs="3"/>
    <xs:choice><xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:long"/></xs:choice>
    <xs:element name="inline" maxOccurs="unbounded"><xs:complexType><xs:sequence><xs:element name="x" type="xs:boolean"/></xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="OpResponse"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
  <xs:complexType name="Node"><xs:sequence><xs:element name="Child" type="t:Leaf" minOccurs="0"/></xs:sequence></xs:complexType>
  <xs:complexType name="Leaf"><xs:complexContent><xs:extension base="t:Node"><xs:sequence>
    <xs:element name="Value" type="xs:string"/>
  </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
</xs:schema>`);
    await fs.writeFile(path.join(dir, 'y.xsd'), `<xs:schema xmlns:xs="${XS}" targetNamespace="http://example.com/extra/"><xs:complexType name="Node"/></xs:schema>`);
    await fs.writeFile(path.join(dir, 'Svc.wsdl'), `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:t="urn:t" targetNamespace="urn:t" name="Other">
  <types><xs:schema xmlns:xs="${XS}"><xs:import namespace="urn:t" schemaLocation="x.xsd"/><xs:import namespace="http://example.com/extra/" schemaLocation="y.xsd"/></xs:schema></types>
  <message name="In"><part name="p" element="t:Op"/></message><message name="Out"><part name="p" element="t:OpResponse"/></message>
  <portType name="P"><operation name="Op"><input message="t:In"/><output message="t:Out"/></operation></portType>
  <binding name="B" type="t:P"><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/><operation name="Op"><soap:operation soapAction="urn:op"/></operation></binding>
  <service name="Whatever"><port name="my.port" binding="t:B"><soap:address location="http://localhost/x"/></port></service>
</definitions>`);
    const { schema: s, wsdl: w } = compile(path.join(dir, 'Svc.wsdl'));
    const op = s.types.get('{urn:t}Op#element');
    expect(op?.kind === 'complex' && op.members).toEqual([
      { name: 'plain', ns: '', type: `{${XS}}string`, minOccurs: 1, maxOccurs: 1, nillable: false },
      { name: 'qualified', ns: 'urn:t', type: '{urn:t}Codes', minOccurs: 0, maxOccurs: 1, nillable: false },
      { name: 'Shared', ns: 'urn:t', type: `{${XS}}decimal`, minOccurs: 1, maxOccurs: 3, nillable: true },
      { name: 'a', ns: '', type: `{${XS}}int`, minOccurs: 0, maxOccurs: 1, nillable: false },
      { name: 'b', ns: '', type: `{${XS}}long`, minOccurs: 0, maxOccurs: 1, nillable: false },
      { name: 'inline', ns: '', type: '{urn:t}Op#element/inline', minOccurs: 1, maxOccurs: -1, nillable: false },
    ]);
    expect(s.types.get('{urn:t}Codes')).toEqual({ kind: 'simple', name: 'Codes', ns: 'urn:t', base: `{${XS}}int`, list: true });
    expect(s.types.get('{urn:t}Op#element/inline')).toMatchObject({ kind: 'complex', name: 'Op#element/inline', ns: 'urn:t' });
    // The wrapper has several members, so the request type is the wrapper's own; the empty response has none.
    expect(w.operations.get('Op')).toEqual({ name: 'Op', soapAction: 'urn:op', input: '{urn:t}Op', output: '{urn:t}OpResponse', requestType: '{urn:t}Op#element', resultType: '{urn:t}OpResponse#element', faults: [] });
    expect(w.service).toEqual({ name: 'Whatever', targetNamespace: 'urn:t', ports: [{ name: 'my.port', address: 'http://localhost/x' }] });
    // A base type that uses its own subtype still ends up first in the subtype's members.
    const leaf = s.types.get('{urn:t}Leaf');
    expect(leaf?.kind === 'complex' && leaf.members.map((m) => m.name)).toEqual(['Child', 'Value']);

    const types = emitTypes(s.types, w.operations);
    // Two namespaces define Node: each gets its namespace's last segment.
    expect(types).toContain('export interface Node_t {');
    expect(types).toContain('export interface Node_extra {');
    expect(types).toContain('export interface Op_element {\n  /** xs:string, minOccurs 1 */\n  plain: string;\n');
    expect(types).toContain('  /** xs:decimal, minOccurs 1, maxOccurs 3, nillable */\n  Shared: string[];\n');
    expect(types).toContain('  /** Op#element/inline, minOccurs 1, maxOccurs unbounded */\n  inline?: Op_element_inlineInput[];\n');
    expect(types).toContain('  Op: { request: Op_elementInput; result: OpResponse_element; received: Op_element; reply: OpResponse_elementInput };');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
