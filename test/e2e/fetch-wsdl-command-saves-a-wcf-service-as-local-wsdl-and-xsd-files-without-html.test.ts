/**
 * The documented command, exactly: `npm run fetch-wsdl -- <url>` (no --out), run as a child process in a temp copy
 * of the repository (scripts/, wsdl/, package.json, tsconfig.json, node_modules linked), against a loopback server
 * that publishes our contract the way WCF does (test/support/wcf-service.ts): a tempuri.org ?wsdl importing
 * ?wsdl=wsdl0, ?xsd=xsdN imports, XSDs that import each other without schemaLocation, and one XSD that imports the
 * XML Schema namespace from an id that answers WCF's HTML help page.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as sax from 'sax';
import {
  CONTRACT_NS,
  EXTRA_OPERATIONS,
  EXTRA_TYPES,
  TEMPURI_NS,
  VALUE_KINDS,
  WIDGETS_NS,
  WSDL_NS,
  XML_SCHEMA_IMPORT_ID,
  XS_NS,
  copyProject,
  runFetchWsdlCommand,
  sampleBody,
  startWcfService,
  type ProjectCopy,
} from '../support/wcf-service';
import { compileSchema, validateEnvelope } from '../support/xsd';

// Each case starts npm and ts-node in a child process: seconds apiece, more on a loaded machine.
jest.setTimeout(120_000);

interface El {
  uri: string;
  local: string;
  attrs: Record<string, string>; // unprefixed attributes by local name
  scope: Record<string, string>; // prefixes in scope
  children: El[];
}

/** A strict, namespace-aware parse that keeps each element's prefix scope (to resolve QName attribute values). */
function parse(text: string): El {
  const parser = sax.parser(true, { xmlns: true });
  const stack: El[] = [];
  let root: El | undefined;
  parser.onopentag = (node) => {
    const tag = node as sax.QualifiedTag;
    const scope: Record<string, string> = {};
    for (const p in tag.ns) scope[p] = tag.ns[p];
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) if (!a.prefix && a.name !== 'xmlns') attrs[a.local] = a.value;
    const el: El = { uri: tag.uri, local: tag.local, attrs, scope, children: [] };
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  };
  parser.onclosetag = () => void stack.pop();
  parser.write(text).close();
  return root!;
}

const walk = (el: El, visit: (e: El) => void): void => {
  visit(el);
  el.children.forEach((c) => walk(c, visit));
};
const findAll = (root: El, uri: string, local: string) => {
  const out: El[] = [];
  walk(root, (e) => e.uri === uri && e.local === local && out.push(e));
  return out;
};
const qname = (el: El, value: string) => {
  const [prefix, local] = value.includes(':') ? value.split(':') : ['', value];
  return `{${el.scope[prefix]}}${local}`;
};

async function readFolder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(dir)).sort()) out[name] = await fs.readFile(path.join(dir, name), 'utf8');
  return out;
}

/** Everything every fetched folder must satisfy, whatever the contract. */
function expectRealXmlWithLocalLocations(files: Record<string, string>): { schemas: Record<string, El>; wsdls: Record<string, El> } {
  const schemas: Record<string, El> = {};
  const wsdls: Record<string, El> = {};
  for (const [name, text] of Object.entries(files)) {
    expect({ name, html: /<html|<body|<!DOCTYPE/i.test(text) }).toEqual({ name, html: false });
    const root = parse(text); // throws on anything that is not well-formed XML
    if (name.endsWith('.wsdl')) {
      expect({ name, root: `{${root.uri}}${root.local}` }).toEqual({ name, root: `{${WSDL_NS}}definitions` });
      wsdls[name] = root;
    } else {
      expect({ name, root: `{${root.uri}}${root.local}` }).toEqual({ name, root: `{${XS_NS}}schema` });
      schemas[name] = root;
    }
  }
  const namespaceOf = Object.fromEntries(Object.entries(schemas).map(([n, r]) => [n, r.attrs.targetNamespace]));
  for (const [name, root] of Object.entries({ ...wsdls, ...schemas })) {
    for (const imp of findAll(root, WSDL_NS, 'import')) {
      expect({ name, location: imp.attrs.location }).toEqual({ name, location: expect.stringMatching(/^wsdl\d+\.wsdl$/) });
      expect(Object.keys(wsdls)).toContain(imp.attrs.location);
    }
    for (const imp of findAll(root, XS_NS, 'import')) {
      const { namespace, schemaLocation } = imp.attrs;
      // The XML Schema namespace is built in: never fetched, never located.
      if (namespace === XS_NS) expect({ name, schemaLocation }).toEqual({ name, schemaLocation: undefined });
      // Every other import points at the local file holding that namespace.
      else expect({ name, namespace, file: namespaceOf[schemaLocation] }).toEqual({ name, namespace, file: namespace });
    }
  }
  return { schemas, wsdls };
}

let project: ProjectCopy;
beforeAll(async () => {
  project = await copyProject();
});
afterAll(() => project.remove());

it('`npm run fetch-wsdl -- <url>` without --out replaces wsdl/ with PwsProjectorServices.wsdl, wsdl0.wsdl and xsdN.xsd, all real XML', async () => {
  const service = await startWcfService();
  try {
    const run = await runFetchWsdlCommand(project.dir, [service.url]);
    expect({ code: run.code, stderr: run.scriptStderr }).toEqual({ code: 0, stderr: [] });
    expect(run.stdout).toContain('next: npm run generate');

    const files = await readFolder(project.wsdlDir);
    const xsds = service.schemas.map((s) => `${s.id}.xsd`);
    expect(Object.keys(files)).toEqual(['PwsProjectorServices.wsdl', 'wsdl0.wsdl', ...xsds].sort());
    const { schemas, wsdls } = expectRealXmlWithLocalLocations(files);

    // The entry file is the tempuri.org service WSDL; wsdl0 is the contract, importing every schema by file name.
    const main = wsdls['PwsProjectorServices.wsdl'];
    expect(main.attrs.targetNamespace).toBe(TEMPURI_NS);
    expect(findAll(main, WSDL_NS, 'import').map((i) => i.attrs)).toEqual([{ namespace: CONTRACT_NS, location: 'wsdl0.wsdl' }]);
    expect(findAll(main, WSDL_NS, 'binding').map((b) => qname(b, b.attrs.type))).toEqual([`{${CONTRACT_NS}}IPwsProjectorServices`]);
    const contract = wsdls['wsdl0.wsdl'];
    expect(contract.attrs.targetNamespace).toBe(CONTRACT_NS);
    expect(findAll(contract, XS_NS, 'import').map((i) => i.attrs.schemaLocation)).toEqual(xsds);
    for (const s of service.schemas) expect(schemas[`${s.id}.xsd`].attrs.targetNamespace).toBe(s.namespace);

    // WCF served the XSDs' imports without schemaLocation: each now names the local file of its namespace.
    expect(service.documents.xsd2).not.toContain('schemaLocation');
    const imports = findAll(schemas['xsd2.xsd'], XS_NS, 'import').map((i) => i.attrs);
    expect(imports).toEqual(expect.arrayContaining([{ namespace: 'http://projectorpsa.com/DataContracts/Shared/Common/', schemaLocation: 'xsd5.xsd' }]));
    for (const i of imports) expect(xsds).toContain(i.schemaLocation);
    // The XML Schema namespace import is kept, without its location, and its HTML page was never asked for.
    expect(files['xsd1.xsd']).toContain(`<xs:import namespace="${XS_NS}"/>`);
    expect(service.requests.filter((r) => r.includes(XML_SCHEMA_IMPORT_ID))).toEqual([]);
    // No URL of the service is left in a location (the soap:address is the service's address, not an import).
    for (const [name, text] of Object.entries(files)) expect({ name, remote: /location="http/i.test(text.replace(/<soap:address [^>]*>/g, '')) }).toEqual({ name, remote: false });

    // The schemas are real XML Schema: libxml2 compiles each, and a vendor request validates against them.
    const siblings = xsds.map((fileName) => ({ fileName, contents: files[fileName] }));
    for (const s of siblings) expect({ file: s.fileName, ...(await compileSchema(s.fileName, s.contents, siblings)) }).toEqual({ file: s.fileName, valid: true, errors: [] });
    const request = await fs.readFile(path.join(__dirname, '..', 'fixtures', 'vendor', 'acquire-request.xml'), 'utf8');
    expect(await validateEnvelope(request, { wsdlDir: project.wsdlDir })).toEqual({ valid: true, errors: [] });

    // Nothing staged is left beside wsdl/.
    expect((await fs.readdir(project.dir)).filter((n) => n.startsWith('wsdl'))).toEqual(['wsdl']);
  } finally {
    await service.close();
  }
});

it('then, against a service with two new operations, the same command brings their operations and every type into the files', async () => {
  // The exported list really covers every value kind, a nillable member and a nested complex member.
  const members = EXTRA_TYPES.flatMap((t) => t.members);
  expect(new Set([...members.map((m) => m.kind), ...EXTRA_TYPES.filter((t) => t.kind === 'enum').map(() => 'enum')])).toEqual(new Set(VALUE_KINDS));
  expect(members.some((m) => m.nillable && m.typeNamespace === XS_NS)).toBe(true);
  const complexTypes = new Set(EXTRA_TYPES.filter((t) => t.members.some((m) => m.kind === 'complex')).map((t) => t.name));
  expect(members.some((m) => m.kind === 'complex' && complexTypes.has(m.type))).toBe(true);

  const service = await startWcfService({ extraOperations: true });
  try {
    const run = await runFetchWsdlCommand(project.dir, [service.url]);
    expect({ code: run.code, stderr: run.scriptStderr }).toEqual({ code: 0, stderr: [] });
    const files = await readFolder(project.wsdlDir);
    const widgets = service.schemas.find((s) => s.namespace === WIDGETS_NS)!;
    expect(Object.keys(files)).toEqual(['PwsProjectorServices.wsdl', 'wsdl0.wsdl', ...service.schemas.map((s) => `${s.id}.xsd`)].sort());
    expect(Object.keys(files)).toContain(`${widgets.id}.xsd`);
    const { schemas, wsdls } = expectRealXmlWithLocalLocations(files);

    // The operations: portType and messages in wsdl0, binding with the vendor's soapAction beside the service.
    const portOps = findAll(wsdls['wsdl0.wsdl'], WSDL_NS, 'portType').flatMap((p) => p.children.map((o) => o.attrs.name));
    const bound = findAll(wsdls['PwsProjectorServices.wsdl'], WSDL_NS, 'binding').flatMap((b) => b.children.filter((o) => o.local === 'operation'));
    for (const op of EXTRA_OPERATIONS) {
      expect(portOps).toContain(op.name);
      const binding = bound.find((o) => o.attrs.name === op.name)!;
      expect(binding.children.find((c) => c.local === 'operation')!.attrs.soapAction).toBe(op.soapAction);
      expect(binding.children.find((c) => c.local === 'fault')!.attrs.name).toBe('PwsFaultFault');
      const parts = findAll(wsdls['wsdl0.wsdl'], WSDL_NS, 'message')
        .filter((m) => m.attrs.name.includes(`_${op.name}_`))
        .map((m) => qname(m.children[0], m.children[0].attrs.element));
      expect(parts).toEqual([`{${CONTRACT_NS}}${op.requestElement}`, `{${CONTRACT_NS}}${op.responseElement}`, '{http://projectorpsa.com/DataContracts/Shared/Common/}PwsFault']);
    }

    // Every type and member, with its type, nillability and repetition, in the file of its namespace.
    const byNamespace = Object.fromEntries(Object.values(schemas).map((r) => [r.attrs.targetNamespace, r]));
    for (const t of EXTRA_TYPES) {
      const schema = byNamespace[t.namespace];
      const decl = schema.children.find((c) => c.local === (t.kind === 'enum' ? 'simpleType' : 'complexType') && c.attrs.name === t.name);
      expect({ type: t.name, declared: Boolean(decl) }).toEqual({ type: t.name, declared: true });
      if (t.kind === 'enum') {
        expect(findAll(decl!, XS_NS, 'enumeration').map((e) => e.attrs.value)).toEqual(t.values);
        continue;
      }
      if (t.base) expect(qname(findAll(decl!, XS_NS, 'extension')[0], findAll(decl!, XS_NS, 'extension')[0].attrs.base)).toMatch(new RegExp(`}${t.base.name}$`));
      const found = findAll(decl!, XS_NS, 'element').map((e) => ({
        name: e.attrs.name,
        type: qname(e, e.attrs.type),
        nillable: e.attrs.nillable === 'true',
        repeated: e.attrs.maxOccurs === 'unbounded',
      }));
      expect({ type: t.name, members: found }).toEqual({
        type: t.name,
        members: t.members.map((m) => ({ name: m.name, type: `{${m.typeNamespace}}${m.type.replace(/^xs:/, '')}`, nillable: m.nillable, repeated: Boolean(m.repeated) })),
      });
    }

    // The sample values are valid for those schemas, filled in and with every nillable member nil.
    const copy = `${project.dir}-validate-extra`;
    await fs.cp(project.wsdlDir, copy, { recursive: true });
    try {
      for (const op of EXTRA_OPERATIONS) {
        for (const direction of ['request', 'response'] as const) {
          for (const nil of [false, true]) {
            const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleBody(op, direction, { nil })}</s:Body></s:Envelope>`;
            expect({ op: op.name, direction, nil, ...(await validateEnvelope(envelope, { wsdlDir: copy })) }).toEqual({ op: op.name, direction, nil, valid: true, errors: [] });
          }
        }
      }
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  } finally {
    await service.close();
  }
});
