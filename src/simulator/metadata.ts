/**
 * Serves the contract like WCF does: `?wsdl` (the entry WSDL), `?wsdl=wsdlN` (an imported WSDL), `?xsd=xsdN`, and
 * `?singleWsdl` with every schema inlined and every WSDL merged into one. The documents are the contract files
 * embedded in generated/contract.ts (never read from disk), in either layout `npm run fetch-wsdl` leaves: flat
 * (PwsProjectorServices.wsdl importing xsdN.xsd) or WCF's (a tempuri.org service WSDL importing wsdl0.wsdl, which
 * imports xsdN.xsd). Every import location and the service address point at this instance.
 */
import * as path from 'node:path';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The root element's start tag and its namespace declarations. */
function rootOf(text: string): { tag: string; decls: Map<string, string> } {
  const tag = /<(?![?!])[^>]*>/.exec(text.replace(/<!--[\s\S]*?-->/g, ''))?.[0] ?? '';
  const decls = new Map<string, string>();
  for (const m of tag.matchAll(/\sxmlns(?::([\w.-]+))?="([^"]*)"/g)) decls.set(m[1] ?? '', m[2]);
  return { tag, decls };
}

/** The prefix a document binds to the WSDL namespace on its root ('wsdl' as WCF writes it). */
function wsdlPrefix(text: string): string {
  for (const [p, uri] of rootOf(text).decls) if (uri === WSDL_NS && p) return p;
  return 'wsdl';
}

/** Every `<p:local ...>...</p:local>` (or self-closed) element of the WSDL namespace, in document order. */
function wsdlElements(text: string, local: string): string[] {
  const p = escapeRe(wsdlPrefix(text));
  const re = new RegExp(`<${p}:${local}\\b[^>]*?(?:/>|>[\\s\\S]*?</${p}:${local}>)`, 'g');
  return [...text.matchAll(re)].map((m) => m[0]);
}

export class Metadata {
  /** Query id ('wsdl', 'wsdl=wsdl0', 'xsd=xsd3') -> document. */
  private readonly documents = new Map<string, string>();
  private readonly single: string;

  constructor(files: Readonly<Record<string, string>>, entry: string, serviceUrl: string) {
    if (files[entry] === undefined) throw new Error(`simulator: the embedded contract lacks its entry ${entry} (run npm run generate)`);
    const names = Object.keys(files).sort(natural);
    const idOf = (file: string): string => {
      if (file === entry) return 'wsdl';
      const base = path.posix.basename(file).replace(/\.(wsdl|xsd)$/i, '');
      return file.toLowerCase().endsWith('.xsd') ? `xsd=${base}` : `wsdl=${base}`;
    };
    const urlOf = (file: string) => `${serviceUrl}?${idOf(file)}`;
    const relocate = (file: string, text: string) =>
      text
        .replace(/(\s(?:schemaLocation|location)=")([^"]*)"/g, (whole, head: string, location: string) => {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), location.replace(/^\.\//, '')));
          return files[target] === undefined ? whole : `${head}${urlOf(target)}"`;
        })
        .replace(/(<[\w.-]+:address\b[^>]*?\slocation=")[^"]*"/g, `$1${serviceUrl}"`);
    for (const file of names) this.documents.set(idOf(file), relocate(file, files[file]));
    this.single = singleWsdl(files, entry, names, serviceUrl);
  }

  /** The document a GET query asks for, or undefined (then the caller answers 400). */
  lookup(search: URLSearchParams): string | undefined {
    if (search.has('singleWsdl')) return this.single;
    const wsdl = search.get('wsdl');
    if (wsdl !== null) return wsdl === '' ? this.documents.get('wsdl') : this.documents.get(`wsdl=${wsdl}`);
    const xsd = search.get('xsd');
    return xsd ? this.documents.get(`xsd=${xsd}`) : undefined;
  }
}

/**
 * One WSDL holding everything, as WCF's `?singleWsdl`: the document that declares the contract (portType) with
 * its types replaced by every schema inline (without schemaLocation), its wsdl:imports removed, and the bindings
 * and services of the other WSDL documents appended (their root namespace declarations added where the prefix is
 * free; the contract's `tns` wins, so a binding moved in from the tempuri document lands in the contract namespace,
 * where the service's reference to it now resolves).
 */
function singleWsdl(files: Readonly<Record<string, string>>, entry: string, names: string[], serviceUrl: string): string {
  const wsdls = names.filter((n) => /\.wsdl$/i.test(n) && rootOf(files[n]).tag.includes(WSDL_NS));
  if (!wsdls.includes(entry)) wsdls.unshift(entry);
  const contract = wsdls.find((n) => wsdlElements(files[n], 'portType').length > 0) ?? entry;
  const others = [entry, ...wsdls.filter((n) => n !== entry)].filter((n) => n !== contract);
  const schemas = names
    .filter((n) => /\.xsd$/i.test(n))
    .map((n) => files[n].replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+schemaLocation="[^"]*"/g, '').trim());

  let text = files[contract];
  const p = wsdlPrefix(text);
  const types = `<${p}:types>\n${schemas.join('\n')}\n</${p}:types>`;
  const existingTypes = wsdlElements(text, 'types')[0];
  for (const imp of wsdlElements(text, 'import')) text = text.replace(imp, '');
  const contractRoot = rootOf(text).tag;
  text = existingTypes !== undefined ? text.replace(existingTypes, () => types) : text.replace(contractRoot, () => `${contractRoot}\n  ${types}`);

  const { tag: root, decls } = rootOf(text);
  let added = '';
  const moved: string[] = [];
  for (const other of others) {
    const doc = files[other];
    for (const [prefix, uri] of rootOf(doc).decls) {
      if (prefix && !decls.has(prefix)) {
        decls.set(prefix, uri);
        added += ` xmlns:${prefix}="${uri}"`;
      }
    }
    const q = wsdlPrefix(doc);
    for (const el of [...wsdlElements(doc, 'binding'), ...wsdlElements(doc, 'service')]) moved.push(q === p ? el : el.replace(new RegExp(`(</?)${escapeRe(q)}:`, 'g'), `$1${p}:`));
  }
  text = text.replace(root, root.replace(/\s*(\/?)>$/, `${added}$1>`));
  if (moved.length) text = text.replace(new RegExp(`(\\s*)</${escapeRe(p)}:definitions>\\s*$`), (_m, ws: string) => `\n  ${moved.join('\n  ')}${ws}</${p}:definitions>\n`);
  return text.replace(/(<[\w.-]+:address\b[^>]*?\slocation=")[^"]*"/g, `$1${serviceUrl}"`);
}
