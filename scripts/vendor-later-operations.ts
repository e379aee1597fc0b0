/**
 * The three operations the live service gained after the vendor's 2019 contract was saved (PwsTestRateLimiter,
 * PwsAcquireOauth2Token, PwsRevokeOauth2RefreshToken), added to that contract the way WCF would publish them: three
 * messages, a portType and a binding operation each in the WSDL, the wrapper elements in the service schema (xsd0),
 * the `...Rq` / `...Rs` types in the Requests / Responses schemas, and any shared type they use in the schema of its
 * namespace. Members, types and namespaces come from our reconstruction in wsdl/; the base types become the vendor's
 * own (whatever our `...Rq` / `...Rs` extend maps to what the vendor's extend for an operation both contracts have).
 * Written in the vendor's style: `xmlns:qN` declared on the element that uses a foreign type, `tns:` for its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { clark, parseXml, resolveQName, XS_NS, type XmlNode } from './codegen/xml';
import type { ServedContract } from './vendor-service';

export const LATER_OPERATIONS = ['PwsTestRateLimiter', 'PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken'] as const;
const OURS = path.resolve(__dirname, '..', 'wsdl');
/** An operation both contracts have, whose `...Rq` / `...Rs` bases tell ours and the vendor's apart. */
const SHARED_OPERATION = 'PwsReleaseProjectorLocks';
const QNAME_ATTRS = ['type', 'base', 'ref', 'itemType'];

interface Schema {
  id: string;
  node: XmlNode;
  ns: string;
}

const schemaNs = (text: string) => /<xs:schema\b[^>]*\btargetNamespace="([^"]+)"/.exec(text)?.[1] ?? '';

/** Top-level `complexType` / `simpleType` / `element` declarations by Clark name (kind-qualified for elements). */
function declarations(schemas: Schema[]): Map<string, { node: XmlNode; schema: Schema }> {
  const found = new Map<string, { node: XmlNode; schema: Schema }>();
  for (const schema of schemas) {
    for (const node of schema.node.children) {
      if (node.ns !== XS_NS || !node.attrs.name) continue;
      const key = (node.local === 'element' ? 'element:' : '') + clark(schema.ns, node.attrs.name);
      found.set(key, { node, schema });
    }
  }
  return found;
}

const descendants = (node: XmlNode): XmlNode[] => node.children.flatMap((c) => [c, ...descendants(c)]);
/** The Clark name of the type a wrapper element's single member has (`serviceRequest` / `<Op>Result`). */
const wrappedType = (wrapper: XmlNode, file: string) => {
  const member = descendants(wrapper).find((n) => n.local === 'element')!;
  return resolveQName(member, member.attrs.type, file);
};
const baseOf = (type: XmlNode, file: string) => {
  const ext = descendants(type).find((n) => n.local === 'extension');
  return ext ? resolveQName(ext, ext.attrs.base, file) : undefined;
};
const split = (key: string) => /^(?:element:)?\{([^}]*)\}(.*)$/.exec(key)!.slice(1) as [string, string];
const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Writes schema nodes as the vendor's WCF does; `nextQ` numbers the inline prefixes of the target document. */
function writer(targetNs: string, nextQ: () => number) {
  const write = (node: XmlNode, indent: string, rename: Map<string, string>, file: string, parentNs = XS_NS): string => {
    const decls: string[] = [];
    const attrs: string[] = [];
    for (const [name, value] of Object.entries(node.attrs)) {
      if (name.includes('|')) continue;
      if (!QNAME_ATTRS.includes(name) || node.ns !== XS_NS) {
        attrs.push(`${name}="${escape(value)}"`);
        continue;
      }
      const key = resolveQName(node, value, file);
      const [ns, local] = split(rename.get(key) ?? key);
      let prefix = ns === XS_NS ? 'xs' : ns === targetNs ? 'tns' : '';
      if (!prefix) {
        prefix = `q${nextQ()}`;
        decls.push(`xmlns:${prefix}="${escape(ns)}"`);
      }
      attrs.push(`${name}="${prefix}:${local}"`);
    }
    const tag = node.ns === XS_NS ? `xs:${node.local}` : node.local;
    if (node.ns !== XS_NS && node.ns !== parentNs) decls.unshift(`xmlns="${escape(node.ns)}"`);
    const open = [tag, ...decls, ...attrs].join(' ');
    if (!node.children.length) return `${indent}<${open} />\n`;
    return `${indent}<${open}>\n${node.children.map((c) => write(c, indent + '  ', rename, file, node.ns)).join('')}${indent}</${tag}>\n`;
  };
  return write;
}

/** The highest `qN` prefix number a document declares, so added declarations continue its numbering. */
const counterFrom = (text: string) => {
  let n = Math.max(0, ...[...text.matchAll(/xmlns:q(\d+)=/g)].map((m) => Number(m[1])));
  return () => ++n;
};

const insertBefore = (text: string, marker: RegExp, addition: string) => {
  const at = text.search(marker);
  if (at < 0) throw new Error(`the vendor contract has no ${marker.source}`);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  return text.slice(0, lineStart) + addition + text.slice(lineStart);
};

/** `contract` with the later operations added (those it already has are left as they are). */
export function withLaterOperations(contract: ServedContract, oursDir = OURS): ServedContract {
  const oursWsdlFile = 'PwsProjectorServices.wsdl';
  const oursWsdl = parseXml(readFileSync(path.join(oursDir, oursWsdlFile), 'utf8'), oursWsdlFile);
  const oursSchemas = readdirSync(oursDir)
    .filter((f) => f.endsWith('.xsd'))
    .map((id) => {
      const text = readFileSync(path.join(oursDir, id), 'utf8');
      return { id, node: parseXml(text, id), ns: schemaNs(text) };
    });
  const vendorSchemas = [...contract.xsds].map(([id, text]) => ({ id, node: parseXml(text, id), ns: schemaNs(text) }));
  const ours = declarations(oursSchemas);
  const vendor = declarations(vendorSchemas);
  const serviceNs = oursWsdl.attrs.targetNamespace;
  const wanted = LATER_OPERATIONS.filter((op) => !vendor.has(`element:${clark(serviceNs, op)}`));
  if (!wanted.length) return contract;

  // Our base types map to the vendor's: what our shared operation's Rq / Rs extend -> what the vendor's extend.
  const rename = new Map<string, string>();
  for (const suffix of ['', 'Response']) {
    const mine = ours.get(`element:${clark(serviceNs, SHARED_OPERATION + suffix)}`)!;
    const theirs = vendor.get(`element:${clark(serviceNs, SHARED_OPERATION + suffix)}`)!;
    const mineType = ours.get(wrappedType(mine.node, mine.schema.id))!;
    const theirsType = vendor.get(wrappedType(theirs.node, theirs.schema.id))!;
    rename.set(baseOf(mineType.node, mineType.schema.id)!, baseOf(theirsType.node, theirsType.schema.id)!);
  }

  // What to copy: the wrappers, then every type they reach that the vendor lacks, in our order.
  const copy = new Set<string>();
  const reach = (key: string) => {
    if (copy.has(key) || rename.has(key) || split(key)[0] === XS_NS || vendor.has(key)) return;
    const found = ours.get(key);
    if (!found) throw new Error(`wsdl/ does not declare ${key}, which a later operation uses`);
    copy.add(key);
    const globalElement = key.startsWith('element:') ? undefined : `element:${key}`;
    if (globalElement && ours.has(globalElement)) copy.add(globalElement);
    for (const n of [found.node, ...descendants(found.node)]) {
      for (const attr of QNAME_ATTRS) if (n.ns === XS_NS && n.attrs[attr] && !(n.local === 'element' && attr === 'ref')) reach(resolveQName(n, n.attrs[attr], found.schema.id));
    }
  };
  for (const op of wanted) for (const suffix of ['', 'Response']) reach(`element:${clark(serviceNs, op + suffix)}`);

  const xsds = new Map(contract.xsds);
  for (const schema of vendorSchemas) {
    const mine = [...copy].map((key) => ours.get(key)!).filter((d) => d.schema.ns === schema.ns);
    if (!mine.length) continue;
    let text = xsds.get(schema.id)!;
    const write = writer(schema.ns, counterFrom(text));
    const added = mine.map((d) => write(d.node, '  ', rename, d.schema.id)).join('');
    // Every foreign namespace a new declaration uses must be imported by this schema, as WCF lists them.
    for (const [, ns] of added.matchAll(/xmlns:q\d+="([^"]+)"/g)) {
      if (text.includes(`namespace="${ns}"`)) continue;
      const location = new RegExp(`<xsd:import schemaLocation="([^"]+)" namespace="${ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(contract.wsdl)?.[1];
      if (!location) throw new Error(`the vendor contract has no schema for ${ns}`);
      text = insertBefore(text, /<xs:(complexType|simpleType|element)\b/, `  <xs:import schemaLocation="${location}" namespace="${ns}" />\n`);
    }
    xsds.set(schema.id, text.replace(/<\/xs:schema>\s*$/, `${added}</xs:schema>`));
  }
  return { wsdl: withWsdlOperations(contract.wsdl, wanted, serviceNs), xsds };
}

/** Messages, portType and binding operations, each after the vendor's last one, in the vendor's layout. */
function withWsdlOperations(wsdl: string, operations: readonly string[], serviceNs: string): string {
  const nextQ = counterFrom(wsdl);
  const faultNs = /<wsdl:part xmlns:(q\d+)="([^"]+)" name="detail" element="\1:PwsFault"/.exec(wsdl)?.[2];
  if (!faultNs) throw new Error('the vendor contract declares no PwsFault detail');
  const action = (op: string, suffix = '') => `${serviceNs}IPwsProjectorServices/${op}${suffix}`;
  const message = (op: string, kind: string, part: string) => `  <wsdl:message name="IPwsProjectorServices_${op}_${kind}">\n    ${part}\n  </wsdl:message>\n`;
  const messages = operations.map((op) => {
    const q = `q${nextQ()}`;
    return (
      message(op, 'InputMessage', `<wsdl:part name="parameters" element="tns:${op}" />`) +
      message(op, 'OutputMessage', `<wsdl:part name="parameters" element="tns:${op}Response" />`) +
      message(op, 'PwsFaultFault_FaultMessage', `<wsdl:part xmlns:${q}="${faultNs}" name="detail" element="${q}:PwsFault" />`)
    );
  });
  const portType = operations.map(
    (op) =>
      `    <wsdl:operation name="${op}">\n` +
      `      <wsdl:input wsaw:Action="${action(op)}" message="tns:IPwsProjectorServices_${op}_InputMessage" />\n` +
      `      <wsdl:output wsaw:Action="${action(op, 'Response')}" message="tns:IPwsProjectorServices_${op}_OutputMessage" />\n` +
      `      <wsdl:fault wsaw:Action="${action(op, 'PwsFaultFault')}" name="PwsFaultFault" message="tns:IPwsProjectorServices_${op}_PwsFaultFault_FaultMessage" />\n` +
      `    </wsdl:operation>\n`,
  );
  const binding = operations.map(
    (op) =>
      `    <wsdl:operation name="${op}">\n` +
      `      <soap:operation soapAction="${action(op)}" style="document" />\n` +
      `      <wsdl:input>\n        <soap:body use="literal" />\n      </wsdl:input>\n` +
      `      <wsdl:output>\n        <soap:body use="literal" />\n      </wsdl:output>\n` +
      `      <wsdl:fault name="PwsFaultFault">\n        <soap:fault use="literal" name="PwsFaultFault" namespace="" />\n      </wsdl:fault>\n` +
      `    </wsdl:operation>\n`,
  );
  let text = insertBefore(wsdl, /<wsdl:portType\b/, messages.join(''));
  text = insertBefore(text, /<\/wsdl:portType>/, portType.join(''));
  return insertBefore(text, /<\/wsdl:binding>/, binding.join(''));
}
