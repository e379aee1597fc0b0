/**
 * `npm run fetch-wsdl -- <service URL> [--out <dir>] [--check] [--format text|markdown]`: replaces wsdl/ (or `--out <dir>`) with the live contract, so
 * "the vendor changed the service" is two commands (fetch-wsdl, then generate).
 *
 * Input: the .svc URL (fetches `?wsdl`) or an explicit `?wsdl` / `?singleWsdl` URL.
 *
 * What real WCF serves, and what this makes of it:
 * - `<url>?wsdl` is the service WSDL (targetNamespace `http://tempuri.org/`, binding and service). It is always
 *   saved as `PwsProjectorServices.wsdl`, whatever the service is called.
 * - It imports the contract with `<wsdl:import namespace="..." location="<url>?wsdl=wsdl0"/>`. Every imported WSDL
 *   is fetched (recursively) and saved as `wsdlN.wsdl` (WCF's `?wsdl=wsdlN` keeps its number).
 * - `xsd:import schemaLocation="<url>?xsd=xsdN"` in wsdl:types (and `xs:import` / `xs:include` with a
 *   schemaLocation in any schema) are fetched recursively and saved as `xsdN.xsd` (WCF's number kept; any other
 *   location gets the lowest free number).
 * - Every location is rewritten to the relative local file name.
 * - `xs:import` WITHOUT schemaLocation (WCF's XSDs import each other that way): when exactly one fetched schema
 *   file has that targetNamespace, its local file name is added as schemaLocation, so each file is self-contained
 *   for validators; otherwise the import stays without a location.
 * - `xs:import namespace="http://www.w3.org/2001/XMLSchema"` is the built-in XML Schema namespace: it is never
 *   fetched (WCF answers its help page there) and its schemaLocation, if any, is dropped.
 * - A WSDL that inlines its schemas (the `?singleWsdl` form) is split: each inline xs:schema becomes its own
 *   xsdN.xsd carrying every namespace declaration in scope where it stood, because node-soap resolves a reused
 *   prefix (WCF's q1) across inlined schemas to the wrong namespace and silently drops inherited members.
 *
 * Every document must be the XML it should be, or the run fails with ONE line on stderr naming the URL at fault,
 * exit code 1, and the output folder unchanged:
 * - the content type must be text/xml, application/xml, application/wsdl+xml, application/xsd+xml or another
 *   `+xml` type; text/html, application/xhtml+xml, text/plain, a missing type... are refused;
 * - an HTML page is refused whatever its content type says (WCF answers its help page with HTTP 200 for unknown
 *   `?xsd=` ids and for the XML Schema namespace import);
 * - it must be well-formed, without DOCTYPE, and its root must be wsdl:definitions for a WSDL (the entry document
 *   and every wsdl:import) and xs:schema for a schema (every xs:import / xs:include);
 * - HTTP errors, unreachable hosts, timeouts, redirects off the origin and oversized documents fail the same way.
 * Usage errors (no URL, two URLs, an unknown option, `--out` without a folder) print the usage and exit with 2.
 * After the run it prints the contract diff; `--check` writes nothing and exits 0 / 3 / 4 (fetch-wsdl-command.ts).
 *
 * Safety: http(s) only, every document from the service's own origin (redirects included), a size cap, a timeout,
 * no DOCTYPE; output is staged beside the folder and swapped in whole, so a failed run leaves it untouched.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as sax from 'sax';

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const MAIN_FILE = 'PwsProjectorServices.wsdl';
const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const MAX_DOCUMENTS = 200;
const MAX_REDIRECTS = 5;
/** Each document's own deadline; a WCF service that has just started can take over a minute to answer ?wsdl. */
export const DEFAULT_TIMEOUT_IN_MS = 30_000;
const XML_CONTENT_TYPES = new Set(['text/xml', 'application/xml', 'application/wsdl+xml', 'application/xsd+xml']);

export interface FetchWsdlOptions {
  url: string;
  outDir?: string;
  quiet?: boolean;
  /** Per document (default 30 s). */
  timeoutInMs?: number;
}

/** What a document must be: a WSDL (wsdl:definitions) or an XML Schema (xs:schema). */
type Kind = 'wsdl' | 'schema';

const KIND_ROOT: Record<Kind, { uri: string; local: string; label: string }> = {
  wsdl: { uri: WSDL_NS, local: 'definitions', label: 'a WSDL (wsdl:definitions)' },
  schema: { uri: XS, local: 'schema', label: 'an XML Schema (xs:schema)' },
};

export const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, '; ').trim();

/** Why a network call failed, in a few words (fetch hides the reason in `cause`). */
function reason(err: unknown, timeoutInMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutInMs} ms (raise it with --timeout-ms)`;
  const cause = err instanceof Error ? (err.cause as { message?: string; code?: string } | undefined) : undefined;
  const text = cause?.message || cause?.code || (err instanceof Error ? err.message : String(err));
  return oneLine(text);
}

/** Why a Content-Type header is not XML, or undefined when it is (XHTML is HTML here, though it ends in +xml). */
function contentTypeProblem(header: string | null): string | undefined {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return 'answered without a content type, expected XML';
  if (type === 'text/html' || type === 'application/xhtml+xml') return `answered an HTML page (${type}), not XML`;
  if (XML_CONTENT_TYPES.has(type) || /^[a-z]+\/[a-z0-9.+-]+\+xml$/.test(type)) return undefined;
  return `answered ${type}, expected XML (text/xml, application/xml or a +xml type)`;
}

/** Downloads one document, staying on the service's origin and under the size cap. Returns the final URL too. */
async function download(url: URL, origin: string, timeoutInMs: number): Promise<{ text: string; url: URL }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.origin !== origin) throw new Error(`refusing ${current.href}: not on ${origin}`);
    let res: Response;
    try {
      res = await fetch(current, { redirect: 'manual', signal: AbortSignal.timeout(timeoutInMs) });
    } catch (err) {
      throw new Error(`${current.href}: cannot fetch (${reason(err, timeoutInMs)})`);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new Error(`${current.href}: redirect without Location`);
      current = new URL(location, current);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`${current.href}: HTTP ${res.status}`);
    }
    const problem = contentTypeProblem(res.headers.get('content-type'));
    if (problem) {
      await res.body?.cancel();
      throw new Error(`${current.href}: ${problem}`);
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_DOCUMENT_BYTES) throw new Error(`${current.href}: larger than ${MAX_DOCUMENT_BYTES} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
        chunks.push(Buffer.from(chunk));
      }
    } catch (err) {
      throw new Error(`${current.href}: ${err instanceof Error && err.message.startsWith('larger than') ? err.message : `cannot read the answer (${reason(err, timeoutInMs)})`}`);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), url: current };
  }
  throw new Error(`${url.href}: more than ${MAX_REDIRECTS} redirects`);
}

interface Located {
  start: number; // index of '<'
  end: number; // index after the closing '>'
  openEnd: number; // index after the start tag's '>'
  tag: sax.QualifiedTag;
  inScope: Record<string, string>; // every prefix bound where the element stands
  childLocals: string[];
  selfClosing: boolean;
}

/** Finds elements by namespace/local name with exact character offsets (sax positions are string indexes). */
function locate(xml: string, match: (tag: sax.QualifiedTag, depth: number) => boolean): Located[] {
  const parser = sax.parser(true, { xmlns: true, position: true });
  const stack: { tag: sax.QualifiedTag; found?: Located }[] = [];
  const found: Located[] = [];
  parser.onopentag = (node) => {
    const tag = node as sax.QualifiedTag;
    const parent = stack[stack.length - 1];
    if (parent?.found) parent.found.childLocals.push(`{${tag.uri}}${tag.local}`);
    let hit: Located | undefined;
    if (match(tag, stack.length)) {
      const inScope: Record<string, string> = {};
      for (const prefix in tag.ns) inScope[prefix] = tag.ns[prefix]; // for..in walks sax's inherited scopes
      hit = { start: parser.startTagPosition - 1, end: -1, openEnd: parser.position, tag, inScope, childLocals: [], selfClosing: tag.isSelfClosing };
      found.push(hit);
    }
    stack.push({ tag, found: hit });
  };
  parser.onclosetag = () => {
    const top = stack.pop();
    if (top?.found) top.found.end = parser.position;
  };
  parser.write(xml).close();
  return found;
}

const attrValue = (tag: sax.QualifiedTag, name: string) => (tag.attributes[name] as sax.QualifiedAttribute | undefined)?.value;

/** An HTML page, recognised before parsing (WCF's help page is not even well-formed XML). */
const looksLikeHtml = (text: string) => /^\uFEFF?\s*(<\?xml[\s\S]*?\?>\s*)?(<!--[\s\S]*?-->\s*)*<(!DOCTYPE\s+html\b|html[\s>/])/i.test(text);

/** Checks that a downloaded document is the XML it should be; returns its root element. */
function checkDocument(text: string, kind: Kind, url: URL): Located {
  if (looksLikeHtml(text)) throw new Error(`${url.href}: answered an HTML page, not ${KIND_ROOT[kind].label}`);
  if (/<!DOCTYPE/i.test(text)) throw new Error(`${url.href}: documents with a DOCTYPE are refused`);
  let root: Located | undefined;
  try {
    root = locate(text, (_t, depth) => depth === 0)[0];
  } catch (err) {
    throw new Error(`${url.href}: not well-formed XML (${oneLine(err instanceof Error ? err.message : String(err))})`);
  }
  if (!root) throw new Error(`${url.href}: not XML (no root element)`);
  const want = KIND_ROOT[kind];
  if (root.tag.uri !== want.uri || root.tag.local !== want.local) {
    const got = root.tag.uri ? `{${root.tag.uri}}${root.tag.local}` : root.tag.local;
    throw new Error(`${url.href}: expected ${want.label}, got root element <${got}>`);
  }
  return root;
}

/** Adds to a start tag every prefix declaration it relies on from its ancestors and does not make itself. */
function withScope(element: string, openLength: number, tag: sax.QualifiedTag, inScope: Record<string, string>): string {
  const own = new Set(Object.keys(tag.attributes).filter((a) => a === 'xmlns' || a.startsWith('xmlns:')).map((a) => (a === 'xmlns' ? '' : a.slice(6))));
  const extra = Object.entries(inScope)
    .filter(([prefix]) => prefix !== 'xml' && prefix !== 'xmlns' && !own.has(prefix))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([prefix, uri]) => ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${uri.replace(/"/g, '&quot;')}"`)
    .join('');
  const open = element.slice(0, openLength);
  const at = open.endsWith('/>') ? open.length - 2 : open.length - 1;
  return open.slice(0, at) + extra + open.slice(at) + element.slice(openLength);
}

/** Replaces (or, with `value` undefined, removes) an attribute in a start tag. */
function setAttribute(startTag: string, name: string, value: string | undefined): string {
  const attr = new RegExp(`\\s${name}\\s*=\\s*("[^"]*"|'[^']*')`);
  if (value === undefined) return startTag.replace(attr, '');
  if (attr.test(startTag)) return startTag.replace(attr, ` ${name}="${value}"`);
  const at = startTag.endsWith('/>') ? startTag.length - 2 : startTag.length - 1;
  return `${startTag.slice(0, at).replace(/\s+$/, '')} ${name}="${value}"${startTag.slice(at)}`;
}

/** Rewrites the start tags of the given elements (offsets from `locate` on `text`): edits run in document order. */
function editStartTags(text: string, elements: Located[], edit: (startTag: string, element: Located) => string): string {
  const ordered = [...elements].sort((a, b) => a.start - b.start);
  const edited = ordered.map((el) => edit(text.slice(el.start, el.openEnd), el));
  for (let i = ordered.length - 1; i >= 0; i--) text = text.slice(0, ordered[i].start) + edited[i] + text.slice(ordered[i].openEnd);
  return text;
}

/** The local file name for an imported document: `xsdN.xsd` / `wsdlN.wsdl`, keeping WCF's own number when free. */
function localName(url: URL, kind: 'xsd' | 'wsdl', taken: Set<string>): string {
  const wcf = url.searchParams.get(kind);
  let name = wcf && new RegExp(`^${kind}\\d{1,6}$`).test(wcf) ? `${wcf}.${kind}` : '';
  if (!name || taken.has(name)) {
    let n = 0;
    while (taken.has(`${kind}${n}.${kind}`)) n++;
    name = `${kind}${n}.${kind}`;
  }
  taken.add(name);
  return name;
}

interface Document {
  name: string;
  text: string;
}

interface Fetched extends Document {
  kind: Kind;
  targetNamespace: string;
}

const isSchemaImport = (t: sax.QualifiedTag) => t.uri === XS && (t.local === 'import' || t.local === 'include');
const isWsdlImport = (t: sax.QualifiedTag) => t.uri === WSDL_NS && t.local === 'import';

/** Fetches the contract and returns every file to write, the main WSDL first. */
export async function collect(serviceUrl: string, timeoutInMs = DEFAULT_TIMEOUT_IN_MS): Promise<Document[]> {
  let start: URL;
  try {
    start = new URL(serviceUrl);
  } catch {
    throw new Error(`not a URL: ${serviceUrl}`);
  }
  if (start.protocol !== 'https:' && start.protocol !== 'http:') throw new Error(`only http(s) URLs are accepted: ${serviceUrl}`);
  if (!start.search) start.search = '?wsdl';
  const origin = start.origin;

  const taken = new Set<string>([MAIN_FILE]);
  const byUrl = new Map<string, string>(); // absolute URL -> local name
  const fetched: Fetched[] = [];
  const queue: { url: URL; name: string; kind: Kind }[] = [{ url: start, name: MAIN_FILE, kind: 'wsdl' }];
  byUrl.set(start.href, MAIN_FILE);

  while (queue.length) {
    if (fetched.length >= MAX_DOCUMENTS) throw new Error(`more than ${MAX_DOCUMENTS} documents imported`);
    const { url, name, kind } = queue.shift()!;
    const answer = await download(url, origin, timeoutInMs);
    if (!byUrl.has(answer.url.href)) byUrl.set(answer.url.href, name);
    const root = checkDocument(answer.text, kind, answer.url);
    const imports = locate(answer.text, (t) => isSchemaImport(t) || isWsdlImport(t));
    const text = editStartTags(answer.text, imports, (startTag, imp) => {
      const schema = imp.tag.uri === XS;
      if (schema && imp.tag.local === 'import' && attrValue(imp.tag, 'namespace') === XS) return setAttribute(startTag, 'schemaLocation', undefined);
      const attr = schema ? 'schemaLocation' : 'location';
      const location = attrValue(imp.tag, attr);
      if (!location) return startTag;
      let target: URL;
      try {
        target = new URL(location, answer.url);
      } catch {
        throw new Error(`${answer.url.href}: cannot resolve import location ${location}`);
      }
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`${answer.url.href}: refusing import ${location}`);
      let local = byUrl.get(target.href);
      if (!local) {
        local = localName(target, schema ? 'xsd' : 'wsdl', taken);
        byUrl.set(target.href, local);
        queue.push({ url: target, name: local, kind: schema ? 'schema' : 'wsdl' });
      }
      return setAttribute(startTag, attr, local);
    });
    fetched.push({ name, kind, text, targetNamespace: attrValue(root.tag, 'targetNamespace') ?? '' });
  }

  // xs:import without schemaLocation: point it at the one fetched schema file of that namespace, if there is one.
  const filesOf = new Map<string, string[]>();
  for (const d of fetched.filter((f) => f.kind === 'schema')) filesOf.set(d.targetNamespace, [...(filesOf.get(d.targetNamespace) ?? []), d.name]);
  for (const d of fetched) {
    const bare = locate(d.text, (t) => t.uri === XS && t.local === 'import' && !attrValue(t, 'schemaLocation'));
    d.text = editStartTags(d.text, bare, (startTag, imp) => {
      const files = filesOf.get(attrValue(imp.tag, 'namespace') ?? '');
      return files?.length === 1 && files[0] !== d.name ? setAttribute(startTag, 'schemaLocation', files[0]) : startTag;
    });
  }

  const out: Document[] = [];
  const extra: Document[] = [];
  for (const d of fetched) {
    if (d.kind !== 'wsdl') {
      out.push({ name: d.name, text: d.text });
      continue;
    }
    const split = splitInlineSchemas(d.text, taken);
    out.push({ name: d.name, text: split.wsdl });
    extra.push(...split.schemas);
  }
  return [...out, ...extra];
}

/**
 * Moves every inline xs:schema that declares content (not just imports) out of wsdl:types into its own file, with
 * the namespace declarations it relied on, and points imports without a location at the file of their namespace.
 */
export function splitInlineSchemas(wsdl: string, taken: Set<string>): { wsdl: string; schemas: Document[] } {
  const inline = locate(wsdl, (t, depth) => t.uri === XS && t.local === 'schema' && depth === 2);
  const content = inline.filter((s) => s.childLocals.some((c) => c !== `{${XS}}import` && c !== `{${XS}}annotation`));
  if (!content.length) return { wsdl, schemas: [] };

  const files = content.map((s) => {
    let n = 0;
    while (taken.has(`xsd${n}.xsd`)) n++;
    const name = `xsd${n}.xsd`;
    taken.add(name);
    return { s, name, ns: attrValue(s.tag, 'targetNamespace') ?? '' };
  });
  const fileOf = new Map(files.map((f) => [f.ns, f.name]));

  const schemas = files.map(({ s, name }) => {
    let text = withScope(wsdl.slice(s.start, s.end), s.openEnd - s.start, s.tag, s.inScope);
    const imports = locate(text, (t, depth) => t.uri === XS && t.local === 'import' && depth === 1).reverse();
    for (const imp of imports) {
      const target = fileOf.get(attrValue(imp.tag, 'namespace') ?? '');
      if (!target || attrValue(imp.tag, 'schemaLocation')) continue;
      const element = text.slice(imp.start, imp.end);
      const at = element.lastIndexOf(element.endsWith('/>') ? '/>' : '>', imp.openEnd - imp.start);
      text = text.slice(0, imp.start) + element.slice(0, at) + ` schemaLocation="${target}"` + element.slice(at) + text.slice(imp.end);
    }
    return { name, text: `<?xml version="1.0" encoding="utf-8"?>\n${text}\n` };
  });

  const tns = attrValue(locate(wsdl, (_t, depth) => depth === 0)[0].tag, 'targetNamespace') ?? '';
  const shell =
    `<xsd:schema xmlns:xsd="${XS}" targetNamespace="${tns}Imports">` +
    files.map((f) => `<xsd:import schemaLocation="${f.name}" namespace="${f.ns}"/>`).join('') +
    '</xsd:schema>';
  let out = wsdl;
  for (const [i, { s }] of [...files.entries()].reverse()) out = out.slice(0, s.start) + (i === 0 ? shell : '') + out.slice(s.end);
  return { wsdl: out, schemas };
}

/** Writes the documents into outDir as one swap: the old folder stays until the new one is complete. */
export async function writeAtomically(outDir: string, docs: Document[]): Promise<void> {
  const staged = `${outDir}.staging-${process.pid}`;
  const old = `${outDir}.old-${process.pid}`;
  await fs.rm(staged, { recursive: true, force: true });
  try {
    await fs.mkdir(staged, { recursive: true });
    for (const d of docs) await fs.writeFile(path.join(staged, d.name), d.text);
  } catch (err) {
    await fs.rm(staged, { recursive: true, force: true });
    throw err;
  }
  const hadOld = await fs.stat(outDir).then(() => true, () => false);
  if (hadOld) await fs.rename(outDir, old);
  await fs.rename(staged, outDir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

export async function fetchWsdl(options: FetchWsdlOptions): Promise<string[]> {
  const outDir = path.resolve(options.outDir ?? path.join(__dirname, '..', 'wsdl'));
  const docs = await collect(options.url, options.timeoutInMs);
  await writeAtomically(outDir, docs);
  const names = docs.map((d) => d.name);
  if (!options.quiet) for (const d of docs) console.log(`wrote ${path.join(path.relative(process.cwd(), outDir) || '.', d.name)} (${Buffer.byteLength(d.text)} bytes)`);
  return names;
}

if (require.main === module) {
  // Arguments, the contract diff and the exit codes live in fetch-wsdl-command.ts.
  void import('./fetch-wsdl-command').then(({ run }) => run(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
