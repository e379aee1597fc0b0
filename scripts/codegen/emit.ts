/**
 * Writes generated/model.json, contract.json and index.ts as text. Everything is emitted from sorted maps with a
 * fixed property order and no timestamps, so the same WSDL always gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedContract } from './load';
import type { WsdlModel } from './wsdl';
import type { SchemaModel } from './xsd';

export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const propertyName = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** model-shape.ts below its own file comment: the declarations model.ts must carry itself. */
function shapeDeclarations(): string {
  const text = readFileSync(path.join(__dirname, 'model-shape.ts'), 'utf8').replace(/\r\n/g, '\n');
  return text.slice(text.indexOf('*/') + 2).trim();
}

/** One JSON object, one entry per line, keys in the order given (the maps are sorted): diffable and byte-stable. */
function jsonTable(entries: Iterable<[string, unknown]>): string {
  const lines = [...entries].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return lines.length ? `{\n${lines.join(',\n')}\n}` : '{}';
}

/**
 * generated/model.json: the contract as data (see index.ts for its shape). JSON, so that neither ts-node nor tsc
 * ever transpiles or type-checks it: at the vendor's size it is a megabyte and more.
 */
export function emitModelJson(schema: SchemaModel, wsdl: WsdlModel): string {
  return [
    '{"TYPES":',
    jsonTable(schema.types),
    ',"ELEMENTS":',
    jsonTable(schema.elements),
    ',"OPERATION_NAMES":',
    JSON.stringify([...wsdl.operations.keys()]),
    ',"OPERATIONS":',
    jsonTable(wsdl.operations),
    ',"SERVICE":',
    JSON.stringify(wsdl.service),
    '}',
    '',
  ].join('\n');
}

/** generated/contract.json: the files exactly as in wsdl/, for the simulator's metadata; loaded only when asked for. */
export function emitContractJson(contract: LoadedContract): string {
  return `{"entry":${JSON.stringify(contract.entry)},"files":${jsonTable(contract.files)}}\n`;
}

/** generated/index.ts: the one module handwritten code imports from generated/ (through src/soap/ only). */
export function emitIndex(): string {
  return [
    '/**',
    ' * The service contract as data, compiled from the WSDL and its XSDs by scripts/codegen/ into model.json.',
    ' * Keys are Clark notation `{namespaceURI}LocalName`, XSD builtins included (`{http://www.w3.org/2001/XMLSchema}int`),',
    ' * and every type key named anywhere in the model is a key of TYPES (builtins appear as simple types based on',
    ' * themselves). Anonymous types are keyed where they are declared: `{ns}Element#element` for a global element\'s',
    ' * type, `<owner type key>/<Member>` for a local element\'s (`~2`, `~3`... when a name repeats in one type), and',
    ' * `<key>#base` / `<key>#item` for an inline restriction base / list item; their `name` is the part after `}`.',
    ' * Maps are sorted by key; members are in wire order. The wire types are declarations only (types.d.ts).',
    ' */',
    shapeDeclarations(),
    '',
    "import type { OperationName } from './types';",
    "export type { OperationName, Operations } from './types';",
    "export type * as WireTypes from './types';",
    '',
    'interface ContractModel {',
    '  readonly TYPES: { readonly [key: string]: TypeModel };',
    '  readonly ELEMENTS: { readonly [key: string]: ElementModel };',
    '  readonly OPERATION_NAMES: readonly OperationName[];',
    '  readonly OPERATIONS: { readonly [Op in OperationName]: OperationModel };',
    '  readonly SERVICE: ServiceModel;',
    '}',
    '',
    '// A require, not an import: the compiler then never infers a type from (or type-checks) a megabyte of JSON.',
    "// eslint-disable-next-line @typescript-eslint/no-require-imports",
    "const model = require('./model.json') as ContractModel;",
    'export const TYPES = model.TYPES;',
    'export const ELEMENTS = model.ELEMENTS;',
    'export const OPERATION_NAMES = model.OPERATION_NAMES;',
    'export const OPERATIONS = model.OPERATIONS;',
    'export const SERVICE = model.SERVICE;',
    '',
    '/** The contract files exactly as in wsdl/ (the entry WSDL and every file it reaches), read on first use. */',
    'export function contractFiles(): { readonly entry: string; readonly files: { readonly [file: string]: string } } {',
    "  // eslint-disable-next-line @typescript-eslint/no-require-imports",
    "  return require('./contract.json') as { entry: string; files: { [file: string]: string } };",
    '}',
    '',
  ].join('\n');
}
