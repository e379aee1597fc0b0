/**
 * `npm run fetch-wsdl -- <service URL> [--out dir]`: replaces wsdl/ with the live contract, so "the vendor changed
 * the service" is two commands (fetch-wsdl, then generate).
 *
 * Accepts the .svc URL (fetches `?wsdl`) or an explicit `?wsdl` / `?singleWsdl` URL. Follows every schema and
 * WSDL import (`?xsd=xsdN`, recursively) and rewrites their locations to local files. A WSDL that inlines its
 * schemas (the `?singleWsdl` form) is split: each inline xs:schema becomes its own xsdN.xsd carrying every
 * namespace declaration in scope where it stood, because node-soap resolves a reused prefix (WCF's q1) across
 * inlined schemas to the wrong namespace and silently drops inherited members.
 * Safety: http(s) only, every document from the service's own origin (redirects included), a size cap, a timeout,
 * no DOCTYPE; output is staged and swapped in whole, so a failed run leaves wsdl/ untouched.
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
const REQUEST_TIMEOUT_IN_MS = 30_000;

export interface FetchWsdlOptions {
  url: string;
  outDir?: string;
  quiet?: boolean;
}

/** Downloads one document, staying on the service's origin and under the size cap. */
async function download(url: URL, origin: string): Promise<string> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.origin !== origin) throw new Error(`refusing ${current.href}: not on ${origin}`);
    const res = await fetch(current, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_IN_MS) });
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new Error(`${current.href}: redirect without Location`);
      current = new URL(location, current);
      continue;
    }
    if (!res.ok) throw new Error(`${current.href}: HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_DOCUMENT_BYTES) throw new Error(`${current.href}: larger than ${MAX_DOCUMENT_BYTES} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_DOCUMENT_BYTES) throw new Error(`${current.href}: larger than ${MAX_DOCUMENT_BYTES} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (/<!DOCTYPE/i.test(text)) throw new Error(`${current.href}: documents with a DOCTYPE are refused`);
    return text;
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

/** A local file name for an imported location: WCF's ?xsd=xsdN / ?wsdl=wsdlN keep their names. */
function localName(url: URL, kind: 'xsd' | 'wsdl', taken: Set<string>): string {
  const wcf = url.searchParams.get(kind);
  let name = wcf && /^[A-Za-z0-9_-]{1,64}$/.test(wcf) ? `${wcf}.${kind}` : '';
  for (let i = 0; !name || taken.has(name); i++) name = `${kind}-import${i}.${kind}`;
  taken.add(name);
  return name;
}

interface Document {
  name: string;
  text: string;
}

/** Fetches the contract and returns every file to write, the main WSDL first. */
export async function collect(serviceUrl: string): Promise<Document[]> {
  const start = new URL(serviceUrl);
  if (start.protocol !== 'https:' && start.protocol !== 'http:') throw new Error(`only http(s) URLs are accepted: ${serviceUrl}`);
  if (!start.search) start.search = '?wsdl';
  const origin = start.origin;

  const taken = new Set<string>([MAIN_FILE]);
  const byUrl = new Map<string, string>(); // absolute URL -> local name
  const docs = new Map<string, string>(); // local name -> text
  const queue: { url: URL; name: string }[] = [{ url: start, name: MAIN_FILE }];
  byUrl.set(start.href, MAIN_FILE);

  while (queue.length) {
    if (docs.size >= MAX_DOCUMENTS) throw new Error(`more than ${MAX_DOCUMENTS} documents imported`);
    const { url, name } = queue.shift()!;
    let text = await download(url, origin);
    // Rewrite import locations back to front so earlier offsets stay valid.
    const imports = locate(text, (t) => (t.uri === XS && (t.local === 'import' || t.local === 'include')) || (t.uri === WSDL_NS && t.local === 'import'));
    for (const imp of imports.reverse()) {
      const attr = imp.tag.uri === XS ? 'schemaLocation' : 'location';
      const location = attrValue(imp.tag, attr);
      if (!location) continue;
      const target = new URL(location, url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`refusing import ${location}`);
      let local = byUrl.get(target.href);
      if (!local) {
        local = localName(target, imp.tag.uri === XS ? 'xsd' : 'wsdl', taken);
        byUrl.set(target.href, local);
        queue.push({ url: target, name: local });
      }
      const element = text.slice(imp.start, imp.end);
      const rewritten = element.replace(new RegExp(`(\\s${attr}\\s*=\\s*)(["'])[^"']*\\2`), `$1"${local}"`);
      text = text.slice(0, imp.start) + rewritten + text.slice(imp.end);
    }
    docs.set(name, text);
  }
  const main = docs.get(MAIN_FILE)!;
  const split = splitInlineSchemas(main, taken);
  docs.set(MAIN_FILE, split.wsdl);
  const all: Document[] = [...docs.entries()].map(([n, t]) => ({ name: n, text: t }));
  return [...all, ...split.schemas];
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
  await fs.mkdir(staged, { recursive: true });
  for (const d of docs) await fs.writeFile(path.join(staged, d.name), d.text);
  const hadOld = await fs.stat(outDir).then(() => true, () => false);
  if (hadOld) await fs.rename(outDir, old);
  await fs.rename(staged, outDir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

export async function fetchWsdl(options: FetchWsdlOptions): Promise<string[]> {
  const outDir = path.resolve(options.outDir ?? path.join(__dirname, '..', 'wsdl'));
  const docs = await collect(options.url);
  await writeAtomically(outDir, docs);
  const names = docs.map((d) => d.name);
  if (!options.quiet) for (const d of docs) console.log(`wrote ${path.join(path.relative(process.cwd(), outDir) || '.', d.name)} (${Buffer.byteLength(d.text)} bytes)`);
  return names;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
  const url = args.filter((_, i) => i !== outAt && i !== outAt + 1)[0];
  if (!url) {
    console.error('usage: npm run fetch-wsdl -- <service URL> [--out dir]');
    process.exit(2);
  }
  fetchWsdl({ url, outDir }).then(
    () => console.log('next: npm run generate'),
    (err: unknown) => {
      console.error(`fetch-wsdl failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
