/**
 * A namespace-aware XML reader for SOAP answers: one sax pass into a small tree that keeps what the codec needs and
 * nothing node-soap used to lose. Every element keeps its namespace URI, a leaf keeps its text exactly (whitespace
 * included), `xsi:nil` and `xsi:type` are read as attributes of the XML Schema instance namespace (the type as a
 * Clark key, its prefix resolved where it is used). DOCTYPEs and processing instructions are refused: PWS never
 * sends them, and a parser that expands entities is an attack surface. Run xml-guard.ts first: it rejects hostile
 * input in linear time and tells a truncated body (worth asking again) from a malformed one.
 */
import * as sax from 'sax';

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export interface XNode {
  ns: string;
  local: string;
  nil: boolean;
  /** The `xsi:type` as a Clark key `{ns}Local`, when the element carries one. */
  type?: string;
  /** Character data directly inside the element (meaningful only for a leaf). */
  text: string;
  children: XNode[];
}

export class XmlReadError extends Error {
  override readonly name = 'XmlReadError';
}

/** Resolves a QName attribute value (`b:PwsUserSummary`) against the namespaces in scope at its element. */
function clarkOf(value: string, scope: Record<string, string>): string {
  const colon = value.indexOf(':');
  const prefix = colon === -1 ? '' : value.slice(0, colon);
  const uri = scope[prefix];
  if (uri === undefined && prefix !== '') throw new XmlReadError(`xsi:type '${value}' uses an undeclared prefix`);
  return `{${uri ?? ''}}${value.slice(colon + 1)}`;
}

/** Leaves share one empty list until they get a child: most elements of an answer are leaves. */
const NO_CHILDREN: XNode[] = [];

/** Parses a whole document into its root element. */
export function readXml(text: string): XNode {
  const parser = sax.parser(true, { xmlns: true, trim: false, normalize: false, position: false } as sax.SAXOptions);
  const stack: XNode[] = [];
  let root: XNode | undefined;
  let failure: Error | undefined;
  const fail = (message: string): never => {
    failure ??= new XmlReadError(message);
    throw failure;
  };
  parser.ondoctype = () => fail('a DOCTYPE is not allowed');
  parser.onprocessinginstruction = (pi) => {
    if (pi.name !== 'xml' || root) fail(`the processing instruction '${pi.name}' is not allowed`);
  };
  parser.onerror = (e) => fail(`not well-formed XML: ${e.message.split('\n')[0]}`);
  parser.onopentag = (t) => {
    const tag = t as sax.QualifiedTag;
    const node: XNode = { ns: tag.uri, local: tag.local, nil: false, text: '', children: NO_CHILDREN };
    for (const name in tag.attributes) {
      const a = tag.attributes[name];
      if (a.uri !== XSI_NS) continue;
      if (a.local === 'nil') node.nil = a.value === 'true' || a.value === '1';
      else if (a.local === 'type') node.type = clarkOf(a.value.trim(), tag.ns);
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
      // Text between elements is formatting: only a leaf's text is kept.
      parent.text = '';
    }
    else if (root) fail('more than one root element');
    else root = node;
    stack.push(node);
  };
  parser.ontext = (chunk) => {
    const top = stack[stack.length - 1];
    if (top) {
      if (top.children === NO_CHILDREN) top.text += chunk;
    }
    else if (chunk.trim()) fail('text outside the root element');
  };
  parser.oncdata = parser.ontext;
  parser.onclosetag = () => {
    stack.pop();
  };
  try {
    parser.write(text).close();
  } catch (e) {
    throw failure ?? new XmlReadError((e as Error).message.split('\n')[0]);
  }
  if (failure) throw failure;
  if (!root) throw new XmlReadError('the document has no root element');
  return root;
}

/** The first child with this namespace and local name. */
export const childNamed = (node: XNode | undefined, ns: string, local: string): XNode | undefined =>
  node?.children.find((c) => c.local === local && c.ns === ns);
