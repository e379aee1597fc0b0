/**
 * `npm run generate` has wsdl-tsclient read the WSDL too (through node-soap) and fails when its reading of the
 * operations differs from our compiler's: two independent readers of one contract, so a compiler bug in the
 * catalogue cannot reach generated/ quietly.
 */
import * as path from 'node:path';
import { parseWsdl } from 'wsdl-tsclient';
import { crossCheck } from '../scripts/generate';
import { loadContract } from '../scripts/codegen/load';
import { compileWsdl } from '../scripts/codegen/wsdl';
import { compileSchemas } from '../scripts/codegen/xsd';

const WSDL = path.resolve(__dirname, '..', 'wsdl', 'PwsProjectorServices.wsdl');
const contract = loadContract(WSDL);
const schema = compileSchemas(contract);
const ours = compileWsdl(contract, schema);
let theirs: [string, string, string][];

beforeAll(async () => {
  const parsed = await parseWsdl(WSDL, { maxRecursiveDefinitionName: 100_000 });
  theirs = parsed.ports.flatMap((p) => p.methods.map((m): [string, string, string] => [m.name, m.paramName, m.returnDefinition?.name ?? '']));
});

test("wsdl-tsclient's reading of wsdl/ agrees with ours, operation by operation", () => {
  expect(theirs.map(([op]) => op).sort()).toEqual([...ours.operations.keys()].sort());
  expect(() => crossCheck(ours, schema, theirs)).not.toThrow();
});

test('an operation only one reader sees fails the run, naming it', () => {
  expect(() => crossCheck(ours, schema, theirs.filter(([op]) => op !== 'PwsReleaseProjectorLocks'))).toThrow(/PwsReleaseProjectorLocks: not seen by wsdl-tsclient/);
  expect(() => crossCheck(ours, schema, [...theirs, ['PwsGhost', 'PwsGhost', 'PwsGhostResponse']])).toThrow(/PwsGhost: seen by wsdl-tsclient only/);
});

test('an operation read with another input or output element fails the run', () => {
  const swapped = theirs.map(([op, input, output]): [string, string, string] => (op === 'PwsAuthenticate' ? [op, 'PwsUnauthenticate', output] : [op, input, output]));
  expect(() => crossCheck(ours, schema, swapped)).toThrow(/PwsAuthenticate: wsdl-tsclient reads PwsUnauthenticate -> PwsAuthenticateResponse, we read PwsAuthenticate -> PwsAuthenticateResponse/);
});
