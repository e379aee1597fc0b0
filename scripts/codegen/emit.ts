/**
 * Writes generated/model.ts, contract.ts and index.ts as text. Everything is emitted from sorted maps with a
 * fixed property order and no timestamps, so the same WSDL always gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedContract } from './load';
import type { WsdlModel } from './wsdl';
import type { SchemaModel } from './xsd';

export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const propertyName = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/**
 * A TS literal. The first `expand` levels of objects get one property per line; deeper objects that hold only
 * primitives (a member, an element, a port) stay on one line, so the model reads one member per line.
 */
export function literal(value: unknown, expand = 0, indent = ''): string {
  const primitive = (v: unknown) => v === null || typeof v !== 'object';
  if (primitive(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(primitive)) return `[${value.map((x) => literal(x)).join(', ')}]`;
    return `[\n${value.map((x) => `${inner}${literal(x, expand - 1, inner)},\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (expand <= 0 && entries.every(([, v]) => primitive(v) || (Array.isArray(v) && v.every(primitive)))) {
    return `{ ${entries.map(([k, v]) => `${propertyName(k)}: ${literal(v)}`).join(', ')} }`;
  }
  return `{\n${entries.map(([k, v]) => `${inner}${propertyName(k)}: ${literal(v, expand - 1, inner)},\n`).join('')}${indent}}`;
}

/** model-shape.ts below its own file comment: the declarations model.ts must carry itself. */
function shapeDeclarations(): string {
  const text = readFileSync(path.join(__dirname, 'model-shape.ts'), 'utf8').replace(/\r\n/g, '\n');
  return text.slice(text.indexOf('*/') + 2).trim();
}

export function emitModel(schema: SchemaModel, wsdl: WsdlModel): string {
  const names = [...wsdl.operations.keys()];
  return [
    '/**',
    ' * The service contract as data, compiled from the WSDL and its XSDs by scripts/codegen/ (no node-soap involved).',
    ' * Keys are Clark notation `{namespaceURI}LocalName`, XSD builtins included (`{http://www.w3.org/2001/XMLSchema}int`),',
    ' * and every type key named anywhere in this file is a key of TYPES (builtins appear as simple types based on',
    ' * themselves). Anonymous types are keyed where they are declared: `{ns}Element#element` for a global element\'s',
    ' * type, `<owner type key>/<Member>` for a local element\'s (`~2`, `~3`... when a name repeats in one type), and',
    ' * `<key>#base` / `<key>#item` for an inline restriction base / list item; their `name` is the part after `}`.',
    ' * Maps are sorted by key; members are in wire order.',
    ' */',
    shapeDeclarations(),
    '',
    `export const TYPES: { readonly [key: string]: TypeModel } = ${literal(Object.fromEntries(schema.types), 2)};`,
    '',
    `export const ELEMENTS: { readonly [key: string]: ElementModel } = ${literal(Object.fromEntries(schema.elements), 1)};`,
    '',
    `export type OperationName = ${names.length ? names.map((n) => JSON.stringify(n)).join(' | ') : 'never'};`,
    '',
    `export const OPERATION_NAMES: readonly OperationName[] = ${literal(names)};`,
    '',
    `export const OPERATIONS: { readonly [Op in OperationName]: OperationModel } = ${literal(Object.fromEntries(wsdl.operations), 2)};`,
    '',
    `export const SERVICE: ServiceModel = ${literal(wsdl.service, 1)};`,
    '',
  ].join('\n');
}

export function emitContract(contract: LoadedContract): string {
  return [
    '/** The contract files exactly as in wsdl/ (every file the entry reaches), so nothing reads the disk at run time. */',
    `export const WSDL_ENTRY = ${JSON.stringify(contract.entry)};`,
    '',
    'export const WSDL_FILES: { readonly [file: string]: string } = {',
    ...[...contract.files].map(([file, text]) => `  ${JSON.stringify(file)}: ${JSON.stringify(text)},`),
    '};',
    '',
  ].join('\n');
}

/** `folder`: wsdl-tsclient's output folder (named after the WSDL file); `client`: its client interface. */
export function emitIndex(folder: string, client: string): string {
  return [
    '/**',
    ' * The one module handwritten code imports from generated/: node-soap\'s typed client (wsdl-tsclient), the contract',
    ' * as data (model, contract) and the wire types, whatever the service and its folder are called.',
    ' */',
    `export { createClientAsync } from './${folder}';`,
    `export type { ${client} as GeneratedSoapClient } from './${folder}';`,
    "export * from './model';",
    "export * from './contract';",
    "export type { Operations } from './types';",
    "export * as WireTypes from './types';",
    '',
  ].join('\n');
}
