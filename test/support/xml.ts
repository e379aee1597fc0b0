/**
 * Namespace-aware XML helpers for tests: envelopes are compared by namespace URI, local name and order of
 * every element (prefixes and whitespace do not matter, as for any XML consumer).
 */
import * as sax from 'sax';

export interface XmlNode {
  ns: string;
  local: string;
  attrs: Record<string, string>; // keyed by `{uri}local`
  children: XmlNode[];
  text: string;
}

export function parseXml(xml: string): XmlNode {
  const parser = sax.parser(true, { xmlns: true, position: false });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    const attrs: Record<string, string> = {};
    for (const a of Object.values(t.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[`{${a.uri}}${a.local}`] = a.value;
    }
    const node: XmlNode = { ns: t.uri, local: t.local, attrs, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  };
  parser.ontext = (text) => {
    if (stack.length) stack[stack.length - 1].text += text;
  };
  parser.oncdata = parser.ontext;
  parser.onclosetag = () => void stack.pop();
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** `{uri}local` of every element, depth-first, with its depth: the shape the wire-format tests compare. */
export function shape(xml: string | XmlNode, options: { withText?: boolean; ignoreTextOf?: string[] } = {}): string[] {
  const out: string[] = [];
  const walk = (n: XmlNode, depth: number) => {
    const nil = n.attrs['{http://www.w3.org/2001/XMLSchema-instance}nil'] === 'true' ? ' nil' : '';
    let line = `${'  '.repeat(depth)}{${n.ns}}${n.local}${nil}`;
    if (options.withText && n.children.length === 0 && !(options.ignoreTextOf ?? []).includes(n.local)) line += ` = ${n.text.trim()}`;
    out.push(line);
    n.children.forEach((c) => walk(c, depth + 1));
  };
  walk(typeof xml === 'string' ? parseXml(xml) : xml, 0);
  return out;
}

/** Finds the first element with this local name (and namespace, if given), depth-first. */
export function find(node: XmlNode, local: string, ns?: string): XmlNode | undefined {
  if (node.local === local && (ns === undefined || node.ns === ns)) return node;
  for (const c of node.children) {
    const hit = find(c, local, ns);
    if (hit) return hit;
  }
  return undefined;
}

/** The Body's first child of a SOAP envelope. */
export function bodyPayload(xml: string): XmlNode {
  const body = find(parseXml(xml), 'Body', 'http://schemas.xmlsoap.org/soap/envelope/');
  if (!body || body.children.length === 0) throw new Error('no SOAP Body payload');
  return body.children[0];
}
