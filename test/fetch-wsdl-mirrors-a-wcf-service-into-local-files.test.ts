/**
 * fetch-wsdl against a local HTTP server that serves our wsdl/ the way WCF does (`?wsdl` importing absolute
 * `?xsd=xsdN` URLs, and a `?singleWsdl` form with every schema inlined, prefixes reused across schemas and `xs`
 * declared only on wsdl:definitions). Both fetched copies must regenerate exactly the committed generated/.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fetchWsdl } from '../scripts/fetch-wsdl';
import { generate } from '../scripts/generate';
import { validateEnvelope } from './support/xsd';
import { digestTree } from './support/digest-tree';

const ROOT = path.resolve(__dirname, '..');
const WSDL_DIR = path.join(ROOT, 'wsdl');
const SVC = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';

let originals: Record<string, string>;
let server: http.Server;
let base: string;
let tmp: string;
let reusePrefixes = true;

/** WCF's ?singleWsdl: schemas inline, imports without schemaLocation, each schema's own prefixes renamed q1, q2... */
function singleWsdl(): string {
  const schemas = Object.keys(originals).filter((n) => n.endsWith('.xsd')).sort().map((name) => {
    let s = originals[name].replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
    s = s.replace(/ schemaLocation="[^"]*"/g, '').replace(' xmlns:xs="http://www.w3.org/2001/XMLSchema"', '');
    const prefixes = [...new Set([...s.matchAll(/xmlns:(q\d+)=/g)].map((m) => m[1]))];
    if (reusePrefixes) prefixes.forEach((p, i) => (s = s.replace(new RegExp(`\\b${p}(?=[:=])`, 'g'), `@@${i + 1}`)));
    return s.replace(/@@(\d+)/g, 'q$1');
  });
  const wsdl = originals['PwsProjectorServices.wsdl'].replace('<wsdl:definitions ', '<wsdl:definitions xmlns:xs="http://www.w3.org/2001/XMLSchema" ');
  return wsdl.replace(/<xsd:schema[\s\S]*?<\/xsd:schema>/, schemas.join('\n'));
}

const wcfLocations = (text: string) => text.replace(/schemaLocation="(xsd\d+)\.xsd"/g, `schemaLocation="${base}${SVC}?$1"`.replace('?$1', '?xsd=$1'));

beforeAll(async () => {
  originals = {};
  for (const n of await fs.readdir(WSDL_DIR)) originals[n] = await fs.readFile(path.join(WSDL_DIR, n), 'utf8');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-fetch-'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', ...headers });
      res.end(body);
    };
    if (url.pathname === '/elsewhere') return send(302, '', { location: 'http://localhost.invalid/x.svc?wsdl' });
    if (url.pathname === '/huge') return send(200, `<a>${'x'.repeat(6 * 1024 * 1024)}</a>`);
    if (url.pathname === '/moved') return send(301, '', { location: `${SVC}?wsdl` });
    if (url.pathname !== SVC) return send(404, 'not found');
    const xsd = url.searchParams.get('xsd');
    if (url.search === '?wsdl') return send(200, wcfLocations(originals['PwsProjectorServices.wsdl']));
    if (url.search === '?singleWsdl') return send(200, singleWsdl());
    if (xsd && originals[`${xsd}.xsd`]) return send(200, wcfLocations(originals[`${xsd}.xsd`]));
    return send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(tmp, { recursive: true, force: true });
});

/**
 * Regenerates from a fetched copy; `aliases: 'ignore'` drops the `@targetNSAlias` doc lines, which name the server's
 * prefixes. generated/contract.json embeds the contract files verbatim, so it is only
 * compared when the fetched files are byte-identical to wsdl/ (`verbatim`); split ?singleWsdl files are not.
 */
async function regeneratesTheCommittedOutput(wsdlDir: string, label: string, aliases: 'compare' | 'ignore' = 'compare', verbatim = false): Promise<void> {
  const out = path.join(tmp, `generated-${label}`);
  await generate({ wsdlFile: path.join(wsdlDir, 'PwsProjectorServices.wsdl'), outDir: out, quiet: true });
  const digests = async (dir: string) => {
    const all = await digestTree(dir);
    if (!verbatim) delete all['contract.json'];
    return all;
  };
  const committed = await digests(path.join(ROOT, 'generated'));
  if (aliases === 'compare') {
    expect(await digests(out)).toEqual(committed);
    return;
  }
  expect(Object.keys(await digests(out)).sort()).toEqual(Object.keys(committed).sort());
  const strip = (t: string) => t.replace(/^ \* @targetNSAlias `[^`]*`\n/gm, '');
  for (const rel of Object.keys(committed)) {
    const [ours, theirs] = await Promise.all([out, path.join(ROOT, 'generated')].map((d) => fs.readFile(path.join(d, rel), 'utf8')));
    expect({ rel, text: strip(ours) }).toEqual({ rel, text: strip(theirs) });
  }
}

it('mirrors ?wsdl and every ?xsd=xsdN it imports into files identical to wsdl/', async () => {
  const out = path.join(tmp, 'wcf');
  const written = await fetchWsdl({ url: `${base}${SVC}`, outDir: out, quiet: true });
  expect([...written].sort()).toEqual(Object.keys(originals).sort());
  for (const name of written) expect({ name, text: await fs.readFile(path.join(out, name), 'utf8') }).toEqual({ name, text: originals[name] });
  await regeneratesTheCommittedOutput(out, 'wcf', 'compare', true);
});

async function fetchSingle(label: string): Promise<string> {
  const out = path.join(tmp, label);
  const written = await fetchWsdl({ url: `${base}${SVC}?singleWsdl`, outDir: out, quiet: true });
  expect([...written].sort()).toEqual(Object.keys(originals).sort());
  const wsdl = await fs.readFile(path.join(out, 'PwsProjectorServices.wsdl'), 'utf8');
  expect(wsdl).not.toContain('<xs:complexType');
  expect(wsdl.match(/<xsd:import schemaLocation="xsd\d\.xsd"/g)).toHaveLength(6);
  for (const name of written.filter((n) => n.endsWith('.xsd'))) {
    // xs was declared only on wsdl:definitions; each split schema must carry it itself.
    expect(await fs.readFile(path.join(out, name), 'utf8')).toContain('xmlns:xs="http://www.w3.org/2001/XMLSchema"');
  }
  // The split schemas are real XML Schema: a vendor request validates against them.
  const request = await fs.readFile(path.join(__dirname, 'fixtures', 'vendor', 'acquire-request.xml'), 'utf8');
  expect(await validateEnvelope(request, { wsdlDir: out })).toEqual({ valid: true, errors: [] });
  return out;
}

it('splits ?singleWsdl into one file per schema that regenerates the committed generated/ byte for byte', async () => {
  reusePrefixes = false;
  await regeneratesTheCommittedOutput(await fetchSingle('single'), 'single');
});

it('keeps each schema\'s own meaning of a reused prefix (q1 in every schema), so no member is lost', async () => {
  reusePrefixes = true;
  const out = await fetchSingle('single-reused');
  expect(await fs.readFile(path.join(out, 'xsd2.xsd'), 'utf8')).toContain('xmlns:q1="http://projectorpsa.com/DataContracts/Shared/Common/"');
  expect(await fs.readFile(path.join(out, 'xsd0.xsd'), 'utf8')).toContain('xmlns:q1="http://projectorpsa.com/DataContracts/Requests/"');
  await regeneratesTheCommittedOutput(out, 'single-reused', 'ignore');
});

it('follows a redirect on the same origin', async () => {
  const written = await fetchWsdl({ url: `${base}/moved`, outDir: path.join(tmp, 'moved'), quiet: true });
  expect(written).toContain('xsd5.xsd');
});

describe('refuses, and leaves the output folder untouched', () => {
  const keep = async () => {
    const out = path.join(tmp, 'kept');
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(path.join(out, 'PwsProjectorServices.wsdl'), 'previous');
    return out;
  };
  const untouched = async (out: string) => expect(await fs.readdir(out)).toEqual(['PwsProjectorServices.wsdl']);

  it('a redirect to another host', async () => {
    const out = await keep();
    await expect(fetchWsdl({ url: `${base}/elsewhere`, outDir: out, quiet: true })).rejects.toThrow(/not on http:\/\/127\.0\.0\.1/);
    await untouched(out);
  });

  it('a document over the size cap', async () => {
    const out = await keep();
    await expect(fetchWsdl({ url: `${base}/huge?wsdl`, outDir: out, quiet: true })).rejects.toThrow(/larger than/);
    await untouched(out);
  });

  it('a URL that is not http(s)', async () => {
    await expect(fetchWsdl({ url: 'file:///etc/passwd', outDir: await keep(), quiet: true })).rejects.toThrow(/only http\(s\)/);
  });

  it('a missing document', async () => {
    const out = await keep();
    await expect(fetchWsdl({ url: `${base}/nope.svc`, outDir: out, quiet: true })).rejects.toThrow(/HTTP 404/);
    await untouched(out);
  });
});
