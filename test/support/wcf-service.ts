/**
 * A loopback HTTP server that publishes the repository's current wsdl/ contract the way real WCF does, for the
 * fetch-wsdl tests:
 *
 * - `<svc>?wsdl`: the service WSDL in `http://tempuri.org/` (binding and service), importing the contract with
 *   `<wsdl:import namespace="<contract ns>" location="<svc>?wsdl=wsdl0"/>` and an empty `<wsdl:types/>`;
 * - `<svc>?wsdl=wsdl0`: the contract (types, messages, portType), whose wsdl:types import every schema with
 *   `<xsd:import schemaLocation="<svc>?xsd=xsdN" namespace="..."/>`;
 * - `<svc>?xsd=xsdN`: the XSDs, their `xs:import`s WITHOUT schemaLocation (one schema also imports the XML Schema
 *   namespace itself with `schemaLocation="<svc>?xsd=xsd99"`);
 * - `<svc>?xsd=xsd99`, any unknown id and the bare `<svc>`: WCF's HTML help page, HTTP 200, text/html;
 * - `<svc>?singleWsdl`: one WSDL with every schema inline (no schemaLocations, `xs` declared only on
 *   wsdl:definitions, each schema's own q-prefixes renumbered from q1 as WCF does).
 *
 * `extraOperations: true` adds two operations the SDK has never seen ({@link EXTRA_OPERATIONS}), whose types
 * ({@link EXTRA_TYPES}) together use every value kind; the lists are exported so end-to-end tests can send and
 * assert each value. `misbehave` makes single documents wrong (HTML, wrong root, wrong content type).
 *
 * The server reads wsdl/ when it starts: the flat layout (one WSDL importing xsdN.xsd) and the fetched WCF layout
 * (PwsProjectorServices.wsdl importing wsdl0.wsdl) both work.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const TEMPURI_NS = 'http://tempuri.org/';
export const SERVICE_PATH = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';
export const REQUESTS_NS = 'http://projectorpsa.com/DataContracts/Requests/';
export const RESPONSES_NS = 'http://projectorpsa.com/DataContracts/Responses/';
/** The namespace the extra operations' own data contracts live in (a new schema file). */
export const WIDGETS_NS = 'http://projectorpsa.com/DataContracts/Shared/Widgets/';
/** The id of the schema `xs:import`ed for the XML Schema namespace; it answers the HTML help page. */
export const XML_SCHEMA_IMPORT_ID = 'xsd99';

// ---------------------------------------------------------------------------------------------------------------
// The extra operations and their types
// ---------------------------------------------------------------------------------------------------------------

/** Every kind of value the extra operations carry. */
export type ValueKind =
  | 'int'
  | 'short'
  | 'byte'
  | 'unsignedInt'
  | 'long'
  | 'decimal'
  | 'double'
  | 'float'
  | 'boolean'
  | 'dateTime'
  | 'string'
  | 'enum'
  | 'complex'
  | 'collection';

export const VALUE_KINDS: readonly ValueKind[] = ['int', 'short', 'byte', 'unsignedInt', 'long', 'decimal', 'double', 'float', 'boolean', 'dateTime', 'string', 'enum', 'complex', 'collection'];

export interface ExtraMember {
  /** The element name, as on the wire. */
  name: string;
  /** `xs:int`... for built-ins, else the name of a type in {@link EXTRA_TYPES} (or PwsRequest's siblings). */
  type: string;
  /** The namespace of `type` (XS_NS for built-ins). */
  typeNamespace: string;
  kind: ValueKind;
  /** `nillable="true"` in the schema (WCF: a reference type or a Nullable<T>). */
  nillable: boolean;
  /** maxOccurs="unbounded": the item element of an ArrayOf... collection type. */
  repeated?: boolean;
  /** A value for this member as text (not XML-escaped), for scalars and enums. */
  sample?: string;
}

export interface ExtraType {
  name: string;
  namespace: string;
  kind: 'complex' | 'enum';
  /** For complex types that extend the vendor's base types. */
  base?: { name: 'PwsRequest' | 'PwsResponse' };
  /** Complex types: the members in schema order (members of the base type not included). */
  members: ExtraMember[];
  /** Enums: the allowed values in schema order. */
  values?: string[];
}

export interface ExtraOperation {
  name: 'PwsSaveWidgets' | 'PwsGetWidgetReport';
  soapAction: string;
  /** The request wrapper element (in the contract namespace), holding one `serviceRequest` member. */
  requestElement: string;
  requestMember: 'serviceRequest';
  /** The `...Rq` type of `serviceRequest` (REQUESTS_NS, extends PwsRequest). */
  requestType: string;
  responseElement: string;
  /** `<Op>Result`, the one member of the response wrapper. */
  resultMember: string;
  /** The `...Rs` type of the result (RESPONSES_NS, extends PwsResponse). */
  responseType: string;
}

const xs = (kind: Exclude<ValueKind, 'enum' | 'complex' | 'collection'>, name: string, sample: string, nillable = false): ExtraMember => ({
  name,
  type: `xs:${kind}`,
  typeNamespace: XS_NS,
  kind,
  nillable,
  sample,
});
const ref = (name: string, type: string, kind: 'enum' | 'complex' | 'collection', nillable: boolean, sample?: string): ExtraMember => ({
  name,
  type,
  typeNamespace: WIDGETS_NS,
  kind,
  nillable,
  ...(sample === undefined ? {} : { sample }),
});

/** The data contracts of the two extra operations, in the order they are declared. */
export const EXTRA_TYPES: readonly ExtraType[] = [
  { name: 'PwsWidgetKind', namespace: WIDGETS_NS, kind: 'enum', members: [], values: ['Standard', 'Deluxe', 'Custom'] },
  {
    name: 'PwsWidgetDimensions',
    namespace: WIDGETS_NS,
    kind: 'complex',
    members: [xs('decimal', 'WidthMm', '1234567890.123456789'), xs('double', 'WeightKg', '0.1'), xs('float', 'Ratio', '0.75')],
  },
  {
    name: 'PwsWidget',
    namespace: WIDGETS_NS,
    kind: 'complex',
    members: [
      xs('long', 'WidgetUid', '1152921504607429941'),
      xs('string', 'WidgetCode', 'W-001 <blue> & "green"', true),
      ref('Kind', 'PwsWidgetKind', 'enum', false, 'Deluxe'),
      ref('Dimensions', 'PwsWidgetDimensions', 'complex', true),
      xs('int', 'Quantity', '-2147483648'),
      xs('short', 'Priority', '-32768'),
      xs('byte', 'Tier', '-128'),
      xs('unsignedInt', 'SerialNumber', '4294967295'),
      xs('boolean', 'ActiveFlag', 'true'),
      xs('dateTime', 'ModifiedUtc', '2024-02-29T23:59:59.1234567Z'),
      xs('int', 'ReorderLevel', '12', true),
    ],
  },
  {
    name: 'ArrayOfPwsWidget',
    namespace: WIDGETS_NS,
    kind: 'complex',
    members: [{ ...ref('PwsWidget', 'PwsWidget', 'complex', true), repeated: true }],
  },
  {
    name: 'PwsWidgetReport',
    namespace: WIDGETS_NS,
    kind: 'complex',
    members: [
      ref('Widget', 'PwsWidget', 'complex', true),
      xs('long', 'TotalQuantity', '9007199254740993'),
      xs('double', 'AverageWeightKg', '-1.5E-7'),
      xs('dateTime', 'GeneratedUtc', '2025-01-02T03:04:05.0000001Z'),
      ref('History', 'ArrayOfPwsWidget', 'collection', true),
    ],
  },
  {
    name: 'PwsSaveWidgetsRq',
    namespace: REQUESTS_NS,
    kind: 'complex',
    base: { name: 'PwsRequest' },
    members: [ref('Widgets', 'ArrayOfPwsWidget', 'collection', true), xs('boolean', 'ReplaceExistingFlag', 'false')],
  },
  {
    name: 'PwsGetWidgetReportRq',
    namespace: REQUESTS_NS,
    kind: 'complex',
    base: { name: 'PwsRequest' },
    members: [xs('long', 'WidgetUid', '1152921504607429942', true), ref('Kind', 'PwsWidgetKind', 'enum', false, 'Custom'), xs('dateTime', 'AsOfUtc', '2024-12-31T00:00:00Z', true)],
  },
  {
    name: 'PwsSaveWidgetsRs',
    namespace: RESPONSES_NS,
    kind: 'complex',
    base: { name: 'PwsResponse' },
    members: [xs('int', 'SavedCount', '2'), ref('SavedWidgets', 'ArrayOfPwsWidget', 'collection', true)],
  },
  {
    name: 'PwsGetWidgetReportRs',
    namespace: RESPONSES_NS,
    kind: 'complex',
    base: { name: 'PwsResponse' },
    members: [ref('Report', 'PwsWidgetReport', 'complex', true), xs('string', 'ReportTitle', 'Widgets, all of them', true)],
  },
];

const CONTRACT_ACTION_BASE = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/';
const operation = (name: ExtraOperation['name']): ExtraOperation => ({
  name,
  soapAction: `${CONTRACT_ACTION_BASE}${name}`,
  requestElement: name,
  requestMember: 'serviceRequest',
  requestType: `${name}Rq`,
  responseElement: `${name}Response`,
  resultMember: `${name}Result`,
  responseType: `${name}Rs`,
});

/** The two operations `extraOperations: true` adds, after the existing ones. */
export const EXTRA_OPERATIONS: readonly ExtraOperation[] = [operation('PwsSaveWidgets'), operation('PwsGetWidgetReport')];

export const CONTRACT_NS = 'http://projectorpsa.com/PwsProjectorServices/';
/** Where the vendor's PwsResponse lives (PwsRequest is in REQUESTS_NS). */
export const COMMON_SERVICES_NS = 'http://projectorpsa.com/CommonServices/';
/** Where the vendor's shared data contracts live (RequestStatus, PwsMessage, PwsFault). */
export const SHARED_COMMON_NS = 'http://projectorpsa.com/DataContracts/Shared/Common/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The members of the vendor's base types, with sample values, in schema order (namespace: where they are declared). */
export const BASE_MEMBERS: Record<'PwsRequest' | 'PwsResponse', { namespace: string; members: ExtraMember[] }> = {
  PwsRequest: { namespace: REQUESTS_NS, members: [xs('int', 'RequestId', '7'), xs('string', 'SessionTicket', 'AYlq2lioh82F1PapkJ+Npg==', true)] },
  PwsResponse: {
    namespace: COMMON_SERVICES_NS,
    // Messages (ArrayOfPwsMessage) is left out: minOccurs 0, and not one of the kinds under test.
    members: [
      xs('int', 'ResponseId', '7'),
      { name: 'Status', type: 'RequestStatus', typeNamespace: SHARED_COMMON_NS, kind: 'enum', nillable: false, sample: 'Ok' },
      xs('dateTime', 'ServerTimestampUtc', '2024-05-06T07:08:09.1234567Z', true),
    ],
  },
};

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const PREFIX: Record<string, string> = { [CONTRACT_NS]: 'pws', [REQUESTS_NS]: 'req', [RESPONSES_NS]: 'rsp', [WIDGETS_NS]: 'wgt', [COMMON_SERVICES_NS]: 'cs' };

/**
 * The SOAP Body payload of an extra operation with EVERY member set to its `sample` (collections hold two items),
 * or, with `nil: true`, every nillable member sent as `i:nil="true"`. Element namespaces follow the schemas
 * (elementFormDefault qualified: a member is in the namespace of the type that declares it).
 */
export function sampleBody(op: ExtraOperation, direction: 'request' | 'response', options: { nil?: boolean } = {}): string {
  const q = (ns: string, local: string) => `${PREFIX[ns]}:${local}`;
  const typeOf = (name: string) => EXTRA_TYPES.find((t) => t.name === name)!;
  const member = (ns: string, m: ExtraMember): string => {
    const tag = q(ns, m.name);
    if (options.nil && m.nillable) return `<${tag} i:nil="true"/>`;
    if (m.kind === 'complex' || m.kind === 'collection') return `<${tag}>${content(typeOf(m.type))}</${tag}>`;
    return `<${tag}>${escapeXml(m.sample!)}</${tag}>`;
  };
  const content = (t: ExtraType): string => {
    const base = t.base ? BASE_MEMBERS[t.base.name] : undefined;
    const inherited = base ? base.members.map((m) => member(base.namespace, m)).join('') : '';
    return inherited + t.members.map((m) => (m.repeated ? member(t.namespace, m) + member(t.namespace, m) : member(t.namespace, m))).join('');
  };
  const [wrapper, inner, type] =
    direction === 'request' ? [op.requestElement, op.requestMember, op.requestType] : [op.responseElement, op.resultMember, op.responseType];
  const decls = [`xmlns:i="${XSI_NS}"`, ...Object.entries(PREFIX).map(([ns, p]) => `xmlns:${p}="${ns}"`)].join(' ');
  return `<${q(CONTRACT_NS, wrapper)} ${decls}><${q(CONTRACT_NS, inner)}>${content(typeOf(type))}</${q(CONTRACT_NS, inner)}></${q(CONTRACT_NS, wrapper)}>`;
}

// ---------------------------------------------------------------------------------------------------------------
// The contract, read from wsdl/
// ---------------------------------------------------------------------------------------------------------------

interface Schema {
  id: string; // xsdN
  namespace: string;
  text: string;
}

interface Contract {
  serviceName: string;
  contractNs: string;
  portTypeName: string;
  /** Prefix declarations of the WSDL roots (minus tns), first file wins. */
  decls: Map<string, string>;
  messages: string[];
  portTypes: string[];
  bindings: string[];
  services: string[];
  schemas: Schema[];
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[0]);

/** Reads the contract in `dir` (flat or WCF layout) into its parts. */
async function readContract(dir: string): Promise<Contract> {
  const names = (await fs.readdir(dir)).sort();
  const wsdls = await Promise.all(names.filter((n) => n.endsWith('.wsdl')).map((n) => fs.readFile(path.join(dir, n), 'utf8')));
  const decls = new Map<string, string>();
  const contract: Contract = { serviceName: '', contractNs: '', portTypeName: '', decls, messages: [], portTypes: [], bindings: [], services: [], schemas: [] };
  for (const text of wsdls) {
    const root = /<wsdl:definitions\b[^>]*>/.exec(text)?.[0];
    if (!root) throw new Error('wcf-service: a .wsdl file in wsdl/ has no wsdl:definitions');
    for (const m of root.matchAll(/\sxmlns:([\w.-]+)="([^"]*)"/g)) if (m[1] !== 'tns' && !decls.has(m[1])) decls.set(m[1], m[2]);
    contract.serviceName ||= attr(root, 'name') ?? '';
    contract.messages.push(...all(text, /<wsdl:message\b[\s\S]*?<\/wsdl:message>/g));
    const portTypes = all(text, /<wsdl:portType\b[\s\S]*?<\/wsdl:portType>/g);
    if (portTypes.length) {
      contract.contractNs = attr(root, 'targetNamespace') ?? '';
      contract.portTypeName = attr(portTypes[0], 'name') ?? '';
    }
    contract.portTypes.push(...portTypes);
    contract.bindings.push(...all(text, /<wsdl:binding\b[\s\S]*?<\/wsdl:binding>/g));
    contract.services.push(...all(text, /<wsdl:service\b[\s\S]*?<\/wsdl:service>/g));
  }
  contract.serviceName ||= 'PwsProjectorServices';
  const xsds = names.filter((n) => n.endsWith('.xsd'));
  const numbered = new Set(xsds.filter((n) => /^xsd\d+\.xsd$/.test(n)));
  let next = 0;
  for (const n of xsds) {
    let id = n.replace(/\.xsd$/, '');
    if (!numbered.has(n)) {
      while (numbered.has(`xsd${next}.xsd`)) next++;
      numbered.add(`xsd${next}.xsd`);
      id = `xsd${next}`;
    }
    const text = await fs.readFile(path.join(dir, n), 'utf8');
    const root = /<([\w.-]+:)?schema\b[^>]*>/.exec(text)?.[0] ?? '';
    contract.schemas.push({ id, namespace: attr(root, 'targetNamespace') ?? '', text });
  }
  contract.schemas.sort((a, b) => Number(a.id.slice(3)) - Number(b.id.slice(3)));
  return contract;
}

/** The prefix a schema file uses for the XML Schema namespace (WCF: xs). */
const schemaPrefix = (text: string) => /<([\w.-]+):schema\b/.exec(text)?.[1] ?? 'xs';

/** Adds prefix declarations, imports (first) and declarations (last) to a schema. */
function extendSchema(text: string, add: { decls?: Record<string, string>; imports?: string[]; body?: string }): string {
  const p = schemaPrefix(text);
  const open = new RegExp(`<${p}:schema\\b[^>]*>`).exec(text)!;
  let start = open[0];
  for (const [prefix, ns] of Object.entries(add.decls ?? {})) {
    if (!start.includes(`xmlns:${prefix}=`)) start = start.replace(/>$/, ` xmlns:${prefix}="${ns}">`);
  }
  const imports = (add.imports ?? [])
    .filter((ns) => !new RegExp(`<${p}:import\\b[^>]*namespace="${ns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`).test(text))
    .map((ns) => `\n  <${p}:import namespace="${ns}"/>`)
    .join('');
  const head = text.slice(0, open.index) + start + imports;
  const rest = text.slice(open.index + open[0].length);
  const close = rest.lastIndexOf(`</${p}:schema>`);
  return head + rest.slice(0, close) + (add.body ? `${add.body}\n` : '') + rest.slice(close);
}

/** The schema that declares a global type or element of this name. */
function schemaDeclaring(contract: Contract, what: 'complexType' | 'element', name: string): Schema {
  const hit = contract.schemas.find((s) => new RegExp(`<${schemaPrefix(s.text)}:${what} name="${name}"[\\s>/]`).test(s.text));
  if (!hit) throw new Error(`wcf-service: no schema in wsdl/ declares ${what} ${name}`);
  return hit;
}

function memberXml(m: ExtraMember, prefixOf: (ns: string) => string): string {
  const type = m.typeNamespace === XS_NS ? m.type : `${prefixOf(m.typeNamespace)}:${m.type}`;
  return `<xs:element minOccurs="0"${m.repeated ? ' maxOccurs="unbounded"' : ''} name="${m.name}"${m.nillable ? ' nillable="true"' : ''} type="${type}"/>`;
}

function typeXml(t: ExtraType, prefixOf: (ns: string) => string, baseNs: Record<string, string>): string {
  const tns = prefixOf(t.namespace);
  let decl: string;
  if (t.kind === 'enum') {
    decl = `<xs:simpleType name="${t.name}"><xs:restriction base="xs:string">${t.values!.map((v) => `<xs:enumeration value="${v}"/>`).join('')}</xs:restriction></xs:simpleType>`;
  } else {
    const sequence = t.members.length ? `<xs:sequence>${t.members.map((m) => memberXml(m, prefixOf)).join('')}</xs:sequence>` : '<xs:sequence/>';
    decl = t.base
      ? `<xs:complexType name="${t.name}"><xs:complexContent mixed="false"><xs:extension base="${prefixOf(baseNs[t.base.name])}:${t.base.name}">${sequence}</xs:extension></xs:complexContent></xs:complexType>`
      : `<xs:complexType name="${t.name}">${sequence}</xs:complexType>`;
  }
  return `\n  ${decl}\n  <xs:element name="${t.name}" nillable="true" type="${tns}:${t.name}"/>`;
}

/** Adds the two extra operations: types in their schemas (a new one for WIDGETS_NS), messages, portType, binding. */
function addExtraOperations(contract: Contract): void {
  const faultNs = schemaDeclaring(contract, 'element', 'PwsFault').namespace;
  const baseNs = {
    PwsRequest: schemaDeclaring(contract, 'complexType', 'PwsRequest').namespace,
    PwsResponse: schemaDeclaring(contract, 'complexType', 'PwsResponse').namespace,
  };
  // One prefix per namespace, the same in every schema that gets additions (schema prefix must be xs there).
  const prefixes: Record<string, string> = {
    [WIDGETS_NS]: 'wgt',
    [REQUESTS_NS]: 'wrq',
    [RESPONSES_NS]: 'wrs',
    [contract.contractNs]: 'wsv',
    [baseNs.PwsRequest]: baseNs.PwsRequest === REQUESTS_NS ? 'wrq' : 'wrb',
    [baseNs.PwsResponse]: baseNs.PwsResponse === RESPONSES_NS ? 'wrs' : 'wsb',
  };
  const prefixOf = (ns: string) => prefixes[ns];
  const declsFor = (namespaces: string[]) => Object.fromEntries(namespaces.map((ns) => [prefixOf(ns), ns]));

  const maxId = Math.max(-1, ...contract.schemas.map((s) => Number(s.id.slice(3))));
  const widgets = EXTRA_TYPES.filter((t) => t.namespace === WIDGETS_NS);
  contract.schemas.push({
    id: `xsd${maxId + 1}`,
    namespace: WIDGETS_NS,
    text:
      `<?xml version="1.0" encoding="utf-8"?>\n<xs:schema elementFormDefault="qualified" targetNamespace="${WIDGETS_NS}" xmlns:xs="${XS_NS}" xmlns:tns="${WIDGETS_NS}" xmlns:wgt="${WIDGETS_NS}">` +
      widgets.map((t) => typeXml(t, prefixOf, baseNs)).join('') +
      '\n</xs:schema>\n',
  });

  for (const ns of [REQUESTS_NS, RESPONSES_NS]) {
    const schema = contract.schemas.find((s) => s.namespace === ns);
    if (!schema) throw new Error(`wcf-service: no schema in wsdl/ has targetNamespace ${ns}`);
    const types = EXTRA_TYPES.filter((t) => t.namespace === ns);
    const used = [...new Set([ns, WIDGETS_NS, ...types.map((t) => baseNs[t.base!.name])])];
    schema.text = extendSchema(schema.text, { decls: { xs: XS_NS, ...declsFor(used) }, imports: used.filter((u) => u !== ns), body: types.map((t) => typeXml(t, prefixOf, baseNs)).join('') });
  }

  const service = contract.schemas.find((s) => s.namespace === contract.contractNs);
  if (!service) throw new Error(`wcf-service: no schema in wsdl/ has targetNamespace ${contract.contractNs}`);
  const wrapper = (element: string, member: string, type: string, ns: string) =>
    `\n  <xs:element name="${element}"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="${member}" nillable="true" type="${prefixOf(ns)}:${type}"/></xs:sequence></xs:complexType></xs:element>`;
  service.text = extendSchema(service.text, {
    decls: { xs: XS_NS, ...declsFor([REQUESTS_NS, RESPONSES_NS]) },
    imports: [REQUESTS_NS, RESPONSES_NS],
    body: EXTRA_OPERATIONS.map((op) => wrapper(op.requestElement, op.requestMember, op.requestType, REQUESTS_NS) + wrapper(op.responseElement, op.resultMember, op.responseType, RESPONSES_NS)).join(''),
  });

  contract.decls.set('wflt', faultNs);
  const port = contract.portTypeName;
  const message = (op: string, suffix: string, part: string, element: string) =>
    `<wsdl:message name="${port}_${op}_${suffix}">\n    <wsdl:part name="${part}" element="${element}"/>\n  </wsdl:message>`;
  for (const op of EXTRA_OPERATIONS) {
    contract.messages.push(
      message(op.name, 'InputMessage', 'parameters', `tns:${op.requestElement}`),
      message(op.name, 'OutputMessage', 'parameters', `tns:${op.responseElement}`),
      message(op.name, 'PwsFaultFault_FaultMessage', 'detail', 'wflt:PwsFault'),
    );
  }
  const portOps = EXTRA_OPERATIONS.map(
    (op) =>
      `  <wsdl:operation name="${op.name}">\n` +
      `      <wsdl:input wsaw:Action="${op.soapAction}" message="tns:${port}_${op.name}_InputMessage"/>\n` +
      `      <wsdl:output wsaw:Action="${op.soapAction}Response" message="tns:${port}_${op.name}_OutputMessage"/>\n` +
      `      <wsdl:fault wsaw:Action="${op.soapAction}PwsFaultFault" name="PwsFaultFault" message="tns:${port}_${op.name}_PwsFaultFault_FaultMessage"/>\n` +
      '    </wsdl:operation>\n  ',
  ).join('');
  contract.portTypes[0] = contract.portTypes[0].replace(/<\/wsdl:portType>$/, `${portOps}</wsdl:portType>`);
  contract.decls.set('wsaw', contract.decls.get('wsaw') ?? 'http://www.w3.org/2006/05/addressing/wsdl');
  const bindingOps = EXTRA_OPERATIONS.map(
    (op) =>
      `  <wsdl:operation name="${op.name}">\n` +
      `      <soap:operation soapAction="${op.soapAction}" style="document"/>\n` +
      '      <wsdl:input>\n        <soap:body use="literal"/>\n      </wsdl:input>\n' +
      '      <wsdl:output>\n        <soap:body use="literal"/>\n      </wsdl:output>\n' +
      '      <wsdl:fault name="PwsFaultFault">\n        <soap:fault use="literal" name="PwsFaultFault" namespace=""/>\n      </wsdl:fault>\n' +
      '    </wsdl:operation>\n  ',
  ).join('');
  contract.bindings[0] = contract.bindings[0].replace(/<\/wsdl:binding>$/, `${bindingOps}</wsdl:binding>`);
}

// ---------------------------------------------------------------------------------------------------------------
// The documents, as WCF serves them
// ---------------------------------------------------------------------------------------------------------------

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';

function definitions(attrs: string, decls: Map<string, string>, body: string): string {
  const ns = [...decls].map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('');
  return `${XML_DECL}\n<wsdl:definitions${attrs}${ns}>\n  ${body.trim()}\n</wsdl:definitions>\n`;
}

const withDecls = (base: Map<string, string>, extra: Record<string, string>) => {
  const out = new Map([...base].filter(([p]) => !(p in extra)));
  for (const [p, uri] of Object.entries(extra)) out.set(p, uri);
  return out;
};

/** Binding type QNames point at the portType in the contract namespace (i0 in the tempuri document). */
const bindingsIn = (bindings: string[], prefix: string) => bindings.map((b) => b.replace(/(<wsdl:binding\b[^>]*\stype=")[\w.-]+:/, `$1${prefix}:`));
const servicesAt = (services: string[], svc: string) => services.map((s) => s.replace(/(<soap12?:address location=")[^"]*"/g, `$1${svc}"`));

function serviceWsdl(c: Contract, svc: string, bindingIn: 'service' | 'contract'): string {
  const decls = withDecls(c.decls, { wsdl: WSDL_NS, tns: TEMPURI_NS, i0: c.contractNs });
  const services = servicesAt(c.services, svc).map((s) => (bindingIn === 'contract' ? s.replace(/(\sbinding=")[\w.-]+:/g, '$1i0:') : s));
  const body = [
    `<wsdl:import namespace="${c.contractNs}" location="${svc}?wsdl=wsdl0"/>`,
    '<wsdl:types/>',
    ...(bindingIn === 'service' ? bindingsIn(c.bindings, 'i0') : []),
    ...services,
  ];
  return definitions(` name="${c.serviceName}" targetNamespace="${TEMPURI_NS}"`, decls, body.join('\n  '));
}

function contractWsdl(c: Contract, svc: string, bindingIn: 'service' | 'contract'): string {
  const decls = withDecls(c.decls, { wsdl: WSDL_NS, xsd: XS_NS, tns: c.contractNs });
  const imports = c.schemas.map((s) => `\n      <xsd:import schemaLocation="${svc}?xsd=${s.id}" namespace="${s.namespace}"/>`).join('');
  const types = `<wsdl:types>\n    <xsd:schema targetNamespace="${c.contractNs}Imports">${imports}\n    </xsd:schema>\n  </wsdl:types>`;
  const bindings = bindingIn === 'contract' ? bindingsIn(c.bindings, 'tns') : [];
  return definitions(` targetNamespace="${c.contractNs}"`, decls, [types, ...c.messages, ...c.portTypes, ...bindings].join('\n  '));
}

/** An XSD as `?xsd=xsdN`: every xs:import without schemaLocation. */
const servedSchema = (s: Schema) => s.text.replace(/(<[\w.-]+:import\b[^>]*?)\s+schemaLocation="[^"]*"/g, '$1');

function singleWsdl(c: Contract, svc: string, schemas: Map<string, string>): string {
  const inline = c.schemas.map((s) => {
    let text = schemas.get(s.id)!.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
    text = text.replace(/(<[\w.-]+:import\b[^>]*?)\s+schemaLocation="[^"]*"/g, '$1').replace(` xmlns:xs="${XS_NS}"`, '');
    // WCF numbers each schema's own prefixes from q1 again.
    const own = [...new Set([...text.matchAll(/xmlns:(q\d+)=/g)].map((m) => m[1]))];
    own.forEach((p, i) => (text = text.replace(new RegExp(`\\b${p}(?=[:=])`, 'g'), `@@${i + 1}`)));
    return text.replace(/@@(\d+)/g, 'q$1');
  });
  const decls = withDecls(c.decls, { wsdl: WSDL_NS, xs: XS_NS, tns: c.contractNs });
  const types = `<wsdl:types>\n${inline.join('\n')}\n  </wsdl:types>`;
  const body = [types, ...c.messages, ...c.portTypes, ...bindingsIn(c.bindings, 'tns'), ...servicesAt(c.services, svc)];
  return definitions(` name="${c.serviceName}" targetNamespace="${c.contractNs}"`, decls, body.join('\n  '));
}

/** WCF's help page (HTML, not even well-formed XML). */
export function helpPage(svc: string): string {
  return (
    '<HTML lang="en"><HEAD><link rel="alternate" type="text/xml" href="' + svc + '?disco"/>' +
    '<STYLE type="text/css">#content{ FONT-SIZE: 0.7em; PADDING-BOTTOM: 2em; MARGIN-LEFT: 30px}</STYLE>' +
    '<TITLE>PwsProjectorServices Service</TITLE></HEAD><BODY><DIV id="content" role="main">' +
    '<h1 class="heading1">PwsProjectorServices Service</h1><BR/>' +
    '<P class="intro">You have created a service.<P class="intro">To test this service, you will need to create a client ' +
    'and use it to call the service. You can do this using the svcutil.exe tool from the command line:<BR/>' +
    `<PRE>svcutil.exe <A HREF="${svc}?wsdl">${svc}?wsdl</A></PRE></P></DIV></BODY></HTML>`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------------------

/** `wsdl`, `wsdl0`, `singleWsdl` or `xsdN`: the documents a WCF service publishes. */
export type WcfDocumentId = 'wsdl' | 'wsdl0' | 'singleWsdl' | `xsd${number}`;

/**
 * How to get one document wrong: `html` (the help page, HTTP 200, text/html), `html-as-xml` (the help page
 * labelled text/xml), `wrong-root` (well-formed XML, text/xml, but an xs:schema where a WSDL belongs and a
 * wsdl:definitions where a schema belongs), `wrong-content-type` (the right document labelled text/plain).
 */
export type Misbehaviour = 'html' | 'html-as-xml' | 'wrong-root' | 'wrong-content-type';

export interface WcfServiceOptions {
  /** Adds PwsSaveWidgets and PwsGetWidgetReport (see EXTRA_OPERATIONS / EXTRA_TYPES). */
  extraOperations?: boolean;
  /** Documents to serve wrongly. */
  misbehave?: Partial<Record<WcfDocumentId, Misbehaviour>>;
  /** The Content-Type of every (well-behaved) XML document; WCF sends `text/xml; charset=UTF-8`. */
  contentType?: string;
  /**
   * Where the wsdl:binding goes: `service` (default; WCF's default bindingNamespace is tempuri.org, so the binding
   * sits in the `?wsdl` document next to the service) or `contract` (a vendor that sets bindingNamespace to the
   * contract namespace: the binding is in wsdl0 and the service points at it as i0:...).
   */
  bindingIn?: 'service' | 'contract';
  /** The contract to serve; the repository's wsdl/ by default. */
  wsdlDir?: string;
}

export interface WcfService {
  /** The .svc URL (no query): what `npm run fetch-wsdl -- <url>` takes. */
  url: string;
  /** Every request's path and query, in order (`/OpsProjectorWcfSvc/PwsProjectorServices.svc?xsd=xsd2`...). */
  requests: string[];
  /** The schemas served as `?xsd=<id>`, in id order. */
  schemas: { id: string; namespace: string }[];
  /** The exact body of each document, as served when well-behaved. */
  documents: Record<string, string>;
  close(): Promise<void>;
}

export async function startWcfService(options: WcfServiceOptions = {}): Promise<WcfService> {
  const contract = await readContract(options.wsdlDir ?? path.join(ROOT, 'wsdl'));
  if (options.extraOperations) addExtraOperations(contract);
  const xmlType = options.contentType ?? 'text/xml; charset=UTF-8';
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const documents: Record<string, string> = {};
  let svc = '';

  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: string, type: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (url.pathname.toLowerCase() !== SERVICE_PATH.toLowerCase()) return send(404, '<HTML><BODY>Not Found</BODY></HTML>', 'text/html');
    if (req.method !== 'GET') return send(405, '<HTML><BODY>Method Not Allowed</BODY></HTML>', 'text/html');
    const query = url.search.slice(1);
    let id = '';
    if (query === 'wsdl' || query === 'singleWsdl') id = query;
    else if (/^wsdl=wsdl\d+$/.test(query)) id = query.slice('wsdl='.length);
    else if (/^xsd=xsd\d+$/.test(query)) id = query.slice('xsd='.length);
    const body = id ? documents[id] : undefined;
    if (body === undefined) return send(200, helpPage(svc), 'text/html; charset=UTF-8');
    switch (options.misbehave?.[id as WcfDocumentId]) {
      case 'html':
        return send(200, helpPage(svc), 'text/html; charset=UTF-8');
      case 'html-as-xml':
        return send(200, helpPage(svc), xmlType);
      case 'wrong-root':
        return send(200, id.startsWith('xsd') ? documents.wsdl0 : documents[contract.schemas[0].id], xmlType);
      case 'wrong-content-type':
        return send(200, body, 'text/plain; charset=UTF-8');
      default:
        return send(200, body, xmlType);
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  svc = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SERVICE_PATH}`;

  // One schema imports the XML Schema namespace itself, with a location WCF answers with its help page.
  const xsHost = contract.schemas.find((s) => s.namespace === 'http://schemas.microsoft.com/2003/10/Serialization/') ?? contract.schemas[0];
  for (const s of contract.schemas) {
    let text = servedSchema(s);
    if (s === xsHost) {
      const p = schemaPrefix(text);
      text = text.replace(new RegExp(`(<${p}:schema\\b[^>]*>)`), `$1\n  <${p}:import namespace="${XS_NS}" schemaLocation="${svc}?xsd=${XML_SCHEMA_IMPORT_ID}"/>`);
    }
    documents[s.id] = text;
  }
  const bindingIn = options.bindingIn ?? 'service';
  documents.wsdl = serviceWsdl(contract, svc, bindingIn);
  documents.wsdl0 = contractWsdl(contract, svc, bindingIn);
  documents.singleWsdl = singleWsdl(contract, svc, new Map(contract.schemas.map((s) => [s.id, documents[s.id]])));

  return {
    url: svc,
    requests,
    schemas: contract.schemas.map((s) => ({ id: s.id, namespace: s.namespace })),
    documents,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Running the real command on a copy of the repository
// ---------------------------------------------------------------------------------------------------------------

export interface ProjectCopy {
  /** The temp folder holding src/, generated/, scripts/, wsdl/, package.json, tsconfig.json and a node_modules symlink. */
  dir: string;
  /** Its wsdl/ folder. */
  wsdlDir: string;
  remove(): Promise<void>;
}

/**
 * Copies what `npm run fetch-wsdl`, `npm run generate` and a consumer of the SDK need into a temp folder, so the
 * repository's own wsdl/ and generated/ are never touched.
 */
export async function copyProject(): Promise<ProjectCopy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-fetch-cmd-'));
  for (const entry of ['src', 'generated', 'scripts', 'wsdl']) await fs.cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) await fs.copyFile(path.join(ROOT, file), path.join(dir, file));
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, wsdlDir: path.join(dir, 'wsdl'), remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr without npm's own `npm error` / `npm ERR!` lines: what the script itself printed. */
  scriptStderr: string[];
}

/** Runs exactly `npm run fetch-wsdl -- <args...>` with `cwd` as the working directory. */
export function runFetchWsdlCommand(cwd: string, args: string[]): Promise<CommandResult> {
  const besideNode = path.join(path.dirname(process.execPath), 'npm');
  const npm = existsSync(besideNode) ? besideNode : 'npm';
  return new Promise((resolve) => {
    execFile(npm, ['run', 'fetch-wsdl', '--', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const scriptStderr = stderr.split('\n').filter((l) => l.trim() && !/^npm (error|ERR!|warn|WARN)/.test(l));
      resolve({ code, stdout, stderr, scriptStderr });
    });
  });
}
