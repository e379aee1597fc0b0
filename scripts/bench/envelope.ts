/**
 * The smallest Envelope that carries the same Body: a captured request re-written with only the namespace
 * declarations its Body uses (element and attribute names, and the prefix of QName values such as `xsi:type`),
 * all on the Envelope, and without an empty Header. Names, prefixes, attributes and text are kept as sent, so the
 * difference in bytes is what unused declarations (and an empty Header) cost.
 */
import * as sax from 'sax';

const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

export function minimalEnvelope(captured: string): string {
  const parser = sax.parser(true, { xmlns: true });
  const used = new Map<string, string>();
  const use = (prefix: string, uri: string) => {
    if (!prefix && !uri) return;
    const had = used.get(prefix);
    if (had !== undefined && had !== uri) throw new Error(`prefix '${prefix}' is bound to two namespaces; the minimal envelope needs declarations per element`);
    used.set(prefix, uri);
  };
  let out = '';
  let depth = 0;
  /** The Header's depth while inside one, to leave it out when it is empty. */
  let header: { at: number; text: string } | undefined;
  let root = '';
  /** Where the last start tag ended: an element closed right there is written as `<x/>`, as a serializer would. */
  let openEnd = -1;
  parser.onopentag = (node) => {
    const tag = node as sax.QualifiedTag;
    depth++;
    if (depth === 2 && tag.uri === SOAP11_NS && tag.local === 'Header') {
      header = { at: out.length, text: '' };
    }
    use(tag.prefix, tag.uri);
    let attrs = '';
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.prefix) use(a.prefix, a.uri);
      if (a.uri === XSI_NS && a.local === 'type' && a.value.includes(':')) {
        const prefix = a.value.split(':')[0];
        use(prefix, tag.ns[prefix]);
      }
      attrs += ` ${a.name}="${escapeAttr(a.value)}"`;
    }
    if (depth === 1) root = tag.name;
    out += `<${tag.name}${depth === 1 ? '\u0000' : ''}${attrs}>`;
    openEnd = out.length;
  };
  parser.ontext = (text) => {
    if (depth > 0) out += escapeText(text);
  };
  parser.oncdata = parser.ontext;
  parser.onclosetag = (name) => {
    if (depth === 2 && header && name.endsWith('Header')) {
      if (!/<[^/]/.test(out.slice(header.at + 1))) out = out.slice(0, header.at);
      else out += `</${name}>`;
      header = undefined;
    } else if (out.length === openEnd) out = `${out.slice(0, -1)}/>`;
    else out += `</${name}>`;
    depth--;
  };
  parser.write(captured).close();
  const declarations = [...used].map(([prefix, uri]) => (prefix ? ` xmlns:${prefix}="${escapeAttr(uri)}"` : ` xmlns="${escapeAttr(uri)}"`)).join('');
  if (!root) throw new Error('no Envelope in the captured request');
  return out.replace('\u0000', declarations);
}
