/**
 * A namespace-aware XML reader for SOAP answers, built on the guard's one pass (xml-guard.ts): the body is checked
 * and read into a small tree in the same scan. The tree keeps what the codec needs and nothing more: every element's
 * namespace URI, a leaf's text exactly (whitespace included), `xsi:nil`, and `xsi:type` as a Clark key (its prefix
 * resolved where it is used). Prefixes must be declared, entity references must be XML's five or character
 * references to XML characters; anything else is a ResponseFormatError.
 */
import { reject, scanXml, type Attribute, type XmlGuardOptions } from './xml-guard';

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XNode {
  ns: string;
  local: string;
  nil: boolean;
  /** The `xsi:type` as a Clark key `{ns}Local`, when the element carries one. */
  type?: string;
  /** Character data directly inside the element (kept only for a leaf). */
  text: string;
  children: XNode[];
}

/** Leaves share one empty list until they get a child: most elements of an answer are leaves. */
const NO_CHILDREN: XNode[] = [];

/** Namespace bindings in scope, innermost first: a short chain, since answers declare few prefixes per element. */
interface Binding {
  readonly prefix: string;
  readonly uri: string;
  readonly up: Binding | undefined;
}
const ROOT_SCOPE: Binding = { prefix: 'xml', uri: XML_NS, up: undefined };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g;

const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** Character data with its entity and character references replaced. */
function decode(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  if (raw.replace(REFERENCE, '').includes('&')) reject("a bare '&' (not an entity or character reference)", offset);
  return raw.replace(REFERENCE, (_all, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return ENTITIES[name] ?? reject(`unknown entity &${name};`, offset);
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return isXmlChar(code) ? String.fromCodePoint(code) : reject('a character reference to a character XML cannot carry', offset);
  });
}

function uriOf(scope: Binding | undefined, prefix: string, offset: number): string {
  for (let b = scope; b; b = b.up) if (b.prefix === prefix) return b.uri;
  return prefix === '' ? '' : reject(`undeclared namespace prefix '${prefix}'`, offset);
}

const prefixOf = (qname: string) => {
  const colon = qname.indexOf(':');
  return colon === -1 ? '' : qname.slice(0, colon);
};
const localOf = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** Checks and parses a whole document into its root element; `envelope: true` also requires a SOAP 1.1 Envelope. */
export function readXml(text: string, options: Partial<XmlGuardOptions> = {}): XNode {
  const nodes: XNode[] = [];
  const scopes: Binding[] = [ROOT_SCOPE];
  let root: XNode | undefined;
  scanXml(text, { envelope: false, ...options }, {
    open(name: string, attributes: readonly Attribute[], namespaces: ReadonlyMap<string, string> | undefined, offset: number) {
      let scope = scopes[scopes.length - 1];
      if (namespaces) for (const [prefix, uri] of namespaces) scope = { prefix, uri, up: scope };
      const node: XNode = { ns: uriOf(scope, prefixOf(name), offset), local: localOf(name), nil: false, text: '', children: NO_CHILDREN };
      for (let k = 0; k < attributes.length; k++) {
        const [attr, raw] = attributes[k];
        const p = prefixOf(attr);
        if (p === '' || uriOf(scope, p, offset) !== XSI_NS) continue;
        const value = decode(raw, offset).trim();
        const l = localOf(attr);
        if (l === 'nil') node.nil = value === 'true' || value === '1';
        else if (l === 'type') node.type = `{${uriOf(scope, prefixOf(value), offset)}}${localOf(value)}`;
      }
      const parent = nodes[nodes.length - 1];
      if (parent) {
        if (parent.children === NO_CHILDREN) parent.children = [node];
        else parent.children.push(node);
        // Text between elements is formatting: only a leaf's text is kept.
        parent.text = '';
      } else root = node;
      nodes.push(node);
      scopes.push(scope);
    },
    close() {
      nodes.pop();
      scopes.pop();
    },
    text(raw: string, offset: number) {
      const top = nodes[nodes.length - 1];
      if (top.children === NO_CHILDREN) top.text += decode(raw, offset);
    },
    cdata(chunk: string) {
      const top = nodes[nodes.length - 1];
      if (top.children === NO_CHILDREN) top.text += chunk;
    },
  });
  return root!;
}

/** The first child with this namespace and local name. */
export const childNamed = (node: XNode | undefined, ns: string, local: string): XNode | undefined =>
  node?.children.find((c) => c.local === local && c.ns === ns);
