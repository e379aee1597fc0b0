/**
 * A namespace-aware element tree for WSDL and XSD files (sax, already node-soap's parser). Each node keeps the
 * prefixes in scope, because QName-valued attributes (type=, base=, ref=, message=, binding=...) must be resolved
 * with the declarations of the document they appear in: fetched schemas reuse prefixes like q1 with other meanings.
 */
import * as sax from 'sax';

export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';

export interface XmlNode {
  readonly ns: string;
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly prefixes: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
}

/** Clark notation, the key format of every type, element and WSDL component in the model. */
export const clark = (ns: string, local: string): string => `{${ns}}${local}`;

export function parseXml(text: string, file: string): XmlNode {
  const parser = sax.parser(true, { xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.onerror = (err) => {
    throw new Error(`${file}: ${err.message.split('\n')[0]}`);
  };
  parser.ondoctype = () => {
    throw new Error(`${file}: DOCTYPE is not allowed in a service contract`);
  };
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    const attrs: Record<string, string> = {};
    // Unprefixed attributes only: the WSDL/XSD vocabulary we read never uses prefixed ones, except wsaw:Action.
    for (const a of Object.values(t.attributes)) attrs[a.prefix ? `${a.uri}|${a.local}` : a.local] = a.value;
    // sax chains each tag's namespace map to its parent's by prototype, so a lookup sees the inherited prefixes; kept
    // as it is (a copy per element costs more than the rest of the parse at the vendor's size).
    const node: XmlNode = { ns: t.uri, local: t.local, attrs, prefixes: t.ns, children: [] };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  };
  parser.onclosetag = () => void stack.pop();
  parser.write(text).close();
  if (!root) throw new Error(`${file}: no root element`);
  return root;
}

/** The Clark key a QName attribute value names; an unprefixed value takes the default namespace, as XSD says. */
export function resolveQName(node: XmlNode, value: string, file: string): string {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? '' : value.slice(0, colon);
  const ns = node.prefixes[prefix];
  if (ns === undefined && prefix !== '') throw new Error(`${file}: prefix '${prefix}' of '${value}' is not declared`);
  return clark(ns ?? '', value.slice(colon + 1));
}

export const childrenOf = (node: XmlNode, ns: string, ...locals: string[]): XmlNode[] =>
  node.children.filter((c) => c.ns === ns && locals.includes(c.local));
