/**
 * A live WCF service whose contract namespace is not its service namespace serves a tempuri.org WSDL holding only
 * the service, which wsdl:imports the contract's WSDL (wsdl0: types, messages, portType, binding), and XSDs that
 * import each other by namespace only, some also "importing" the XML Schema namespace. fetch-wsdl keeps that layout,
 * so generation must give the same model and types from it as from our single-file form (the envelope is written
 * from the model alone, so the same model means the same wire), and wsdl-tsclient, which cross-checks every run of
 * the generator, must read it too: `generate` fails otherwise.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../scripts/generate';

const ROOT = path.resolve(__dirname, '..');
const ENTRY = 'PwsProjectorServices.wsdl';

/**
 * Our wsdl/ rewritten into the WCF layout described above. One form keeps the binding in wsdl0; real WCF
 * puts it in the tempuri WSDL (binding namespace tempuri, portType from wsdl0): `bindingInService` does that.
 */
async function wcfLayout(dir: string, bindingInService = false): Promise<void> {
  await fs.cp(path.join(ROOT, 'wsdl'), dir, { recursive: true });
  const wsdl = await fs.readFile(path.join(dir, ENTRY), 'utf8');
  const service = /<wsdl:service[\s\S]*?<\/wsdl:service>/.exec(wsdl)![0];
  const binding = /<wsdl:binding[\s\S]*?<\/wsdl:binding>/.exec(wsdl)![0];
  let wsdl0 = wsdl.replace(/\s*<wsdl:service[\s\S]*?<\/wsdl:service>/, '');
  if (bindingInService) wsdl0 = wsdl0.replace(/\s*<wsdl:binding[\s\S]*?<\/wsdl:binding>/, '');
  await fs.writeFile(path.join(dir, 'wsdl0.wsdl'), wsdl0);
  await fs.writeFile(path.join(dir, ENTRY), `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions name="PwsProjectorServices" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="http://tempuri.org/" xmlns:i0="http://projectorpsa.com/PwsProjectorServices/">
  <wsdl:import namespace="http://projectorpsa.com/PwsProjectorServices/" location="wsdl0.wsdl"/>
  <wsdl:types/>
  ${bindingInService ? binding.replace('type="tns:', 'type="i0:') : ''}
  ${bindingInService ? service : service.replace('binding="tns:', 'binding="i0:')}
</wsdl:definitions>
`);
  for (const name of (await fs.readdir(dir)).filter((n) => n.endsWith('.xsd'))) {
    const xsd = await fs.readFile(path.join(dir, name), 'utf8');
    await fs.writeFile(path.join(dir, name), xsd
      .replace(/ schemaLocation="[^"]*"/g, '')
      .replace(/(<xs:schema[^>]*>)/, '$1\n  <xs:import namespace="http://www.w3.org/2001/XMLSchema"/>'));
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-wcf-layout-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

it.each([
  ['in wsdl0', false],
  ['in the service WSDL', true],
])('generates the same model, types and contract files from the tempuri layout (binding %s) as from the single-file form', async (_label, bindingInService) => {
  const wcf = path.join(tmp, `wsdl-${bindingInService}`);
  await wcfLayout(wcf, bindingInService);
  const [a, b] = [path.join(tmp, 'a'), path.join(tmp, `b-${bindingInService}`)];
  await generate({ outDir: a, quiet: true });
  expect(await generate({ wsdlFile: path.join(wcf, ENTRY), outDir: b, quiet: true })).toEqual(['contract.json', 'index.ts', 'model.json', 'types.d.ts']);

  const read = (dir: string, rel: string) => fs.readFile(path.join(dir, rel), 'utf8');
  for (const rel of ['model.json', 'types.d.ts', 'index.ts']) expect({ rel, text: await read(b, rel) }).toEqual({ rel, text: await read(a, rel) });
  // contract.json carries the files actually reached, wsdl0.wsdl included.
  const contract = JSON.parse(await read(b, 'contract.json')) as { entry: string; files: Record<string, string> };
  expect(contract.entry).toBe(ENTRY);
  expect(Object.keys(contract.files)).toEqual([ENTRY, 'wsdl0.wsdl', 'xsd0.xsd', 'xsd1.xsd', 'xsd2.xsd', 'xsd3.xsd', 'xsd4.xsd', 'xsd5.xsd']);
  expect(contract.files['wsdl0.wsdl']).toBe(await fs.readFile(path.join(wcf, 'wsdl0.wsdl'), 'utf8'));
});

it('refuses a location-less import that no loaded schema declares, and any non-local location', async () => {
  const dir = path.join(tmp, 'broken');
  await wcfLayout(dir);
  const xsd3 = path.join(dir, 'xsd3.xsd');
  await fs.writeFile(xsd3, (await fs.readFile(xsd3, 'utf8')).replace('<xs:complexType', '<xs:import namespace="urn:nowhere"/><xs:complexType'));
  const out = path.join(tmp, 'never');
  await expect(generate({ wsdlFile: path.join(dir, ENTRY), outDir: out, quiet: true })).rejects.toThrow(/xsd3\.xsd: xs:import of 'urn:nowhere' has no schemaLocation/);

  await wcfLayout(dir);
  const entry = path.join(dir, ENTRY);
  await fs.writeFile(entry, (await fs.readFile(entry, 'utf8')).replace('location="wsdl0.wsdl"', 'location="http://host/x.svc?wsdl=wsdl0"'));
  await expect(generate({ wsdlFile: entry, outDir: out, quiet: true })).rejects.toThrow(/is not a file next to the WSDL/);
  await expect(fs.access(out)).rejects.toThrow();
});
