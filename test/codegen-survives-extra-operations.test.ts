/**
 * An operation the vendor adds anywhere in the WSDL must not disturb what handwritten code relies on. wsdl-tsclient
 * (which cross-checks every run of the generator) names types after elements in WSDL order, and numbered names used
 * to shift; our own outputs name things after the XSD. This generates from a copy of the WSDL with 100 extra
 * operations inserted BEFORE ours (their request types reuse serviceRequest and Locks), checks that the output is
 * still the same four files, that model.json and types.d.ts keep the same entries for our operations, and type-checks
 * src/ against that output.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as committedModel from '../generated';
import { generate } from '../scripts/generate';

const ROOT = path.resolve(__dirname, '..');
const EXTRA = 100;
const range = Array.from({ length: EXTRA }, (_, i) => `PwsExtra${String(i).padStart(3, '0')}`);

function insertBefore(text: string, marker: string, addition: string): string {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`marker not found: ${marker}`);
  return text.slice(0, at) + addition + text.slice(at);
}

async function widenContract(dir: string): Promise<void> {
  const file = (n: string) => path.join(dir, n);
  const edit = async (n: string, f: (t: string) => string) => fs.writeFile(file(n), f(await fs.readFile(file(n), 'utf8')));

  await edit('xsd2.xsd', (t) =>
    insertBefore(t, '<xs:complexType name="PwsAuthenticateRq">', range.map((op) => `<xs:complexType name="${op}Rq"><xs:complexContent mixed="false"><xs:extension base="tns:PwsRequest"><xs:sequence>
<xs:element minOccurs="0" name="Locks" nillable="true" type="q3:ArrayOfPwsProjectorLockRequest"/><xs:element minOccurs="0" name="ProjectorLockSetId" nillable="true" type="xs:int"/>
</xs:sequence></xs:extension></xs:complexContent></xs:complexType><xs:element name="${op}Rq" nillable="true" type="tns:${op}Rq"/>\n`).join('')),
  );
  await edit('xsd0.xsd', (t) =>
    insertBefore(t, '<xs:element name="PwsAuthenticate">', range.map((op) => `<xs:element name="${op}"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="serviceRequest" nillable="true" type="q1:${op}Rq"/></xs:sequence></xs:complexType></xs:element>
<xs:element name="${op}Response"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="${op}Result" nillable="true" type="q2:PwsCheckProjectorLocksRs"/></xs:sequence></xs:complexType></xs:element>\n`).join('')),
  );
  const action = (op: string) => `http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${op}`;
  await edit('PwsProjectorServices.wsdl', (t) => {
    t = insertBefore(t, '<wsdl:message name="IPwsProjectorServices_PwsAuthenticate_InputMessage">', range.map((op) => `<wsdl:message name="IPwsProjectorServices_${op}_InputMessage"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>
<wsdl:message name="IPwsProjectorServices_${op}_OutputMessage"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>\n`).join(''));
    t = insertBefore(t, '<wsdl:operation name="PwsAuthenticate">', range.map((op) => `<wsdl:operation name="${op}"><wsdl:input wsaw:Action="${action(op)}" message="tns:IPwsProjectorServices_${op}_InputMessage"/>
<wsdl:output wsaw:Action="${action(op)}Response" message="tns:IPwsProjectorServices_${op}_OutputMessage"/></wsdl:operation>\n`).join(''));
    const binding = t.indexOf('<wsdl:binding ');
    const firstBound = t.indexOf('<wsdl:operation name="PwsAuthenticate">', binding);
    const bound = range.map((op) => `<wsdl:operation name="${op}"><soap:operation soapAction="${action(op)}" style="document"/>
<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>\n`).join('');
    return t.slice(0, firstBound) + bound + t.slice(firstBound);
  });
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-codegen-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

it('generates from a WSDL with 100 extra operations first, and src/ still type-checks against the output', async () => {
  const wsdlDir = path.join(tmp, 'wsdl');
  await fs.cp(path.join(ROOT, 'wsdl'), wsdlDir, { recursive: true });
  await widenContract(wsdlDir);

  const files = await generate({ wsdlFile: path.join(wsdlDir, 'PwsProjectorServices.wsdl'), outDir: path.join(tmp, 'generated'), quiet: true });

  // However many operations, the same four files (wsdl-tsclient agreed, or generate would have thrown).
  expect(files).toEqual(['contract.json', 'index.ts', 'model.json', 'types.d.ts']);
  expect((await fs.readdir(path.join(tmp, 'generated'))).sort()).toEqual(files);

  // model.json and types.d.ts name things after the XSD, not the WSDL order: our operations read exactly as before.
  const model = JSON.parse(await fs.readFile(path.join(tmp, 'generated', 'model.json'), 'utf8')) as typeof committedModel;
  expect(model.OPERATION_NAMES).toHaveLength(EXTRA + committedModel.OPERATION_NAMES.length);
  expect(model.OPERATION_NAMES).toEqual([...model.OPERATION_NAMES].sort());
  for (const op of committedModel.OPERATION_NAMES) expect(model.OPERATIONS[op]).toEqual(committedModel.OPERATIONS[op]);
  const operationLines = async (dir: string) => (await fs.readFile(path.join(dir, 'types.d.ts'), 'utf8')).split('\n').filter((l) => /^ {2}Pws\w+: \{ request/.test(l));
  const ours = await operationLines(path.join(ROOT, 'generated'));
  expect(ours).toHaveLength(committedModel.OPERATION_NAMES.length);
  expect((await operationLines(path.join(tmp, 'generated'))).filter((l) => !l.includes('PwsExtra'))).toEqual(ours);

  await fs.cp(path.join(ROOT, 'src'), path.join(tmp, 'src'), { recursive: true });
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  const base = JSON.parse(await fs.readFile(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const tsconfig = { compilerOptions: { ...base.compilerOptions, types: ['node'], noEmit: true }, include: ['src', 'generated'] };
  await fs.writeFile(path.join(tmp, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = await promisify(execFile)(tsc, ['--noEmit', '-p', tmp], { cwd: tmp }).then(
    () => ({ code: 0, output: '' }),
    (err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, output: err.stdout ?? '' }),
  );
  expect(result).toEqual({ code: 0, output: '' });
}, 120_000);
