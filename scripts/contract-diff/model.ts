/**
 * A contract as the diff compares it: operations by name, and complex and enum types by name (never by file,
 * prefix or schema number), each complex type with its members as on the wire (base members first). Built from a
 * wsdl/ folder with the generator's own compiler, so the diff sees exactly what `npm run generate` would emit.
 */
import * as path from 'node:path';
import { collectionItem } from '../codegen/emit-types';
import { loadContract } from '../codegen/load';
import type { MemberModel, TypeModel } from '../codegen/model-shape';
import { compileWsdl } from '../codegen/wsdl';
import { XS_NS } from '../codegen/xml';
import { compileSchemas } from '../codegen/xsd';
import type { Value } from './kinds';

export const ENTRY_FILE = 'PwsProjectorServices.wsdl';

export type Usage = 'request' | 'result';

export interface ContractMember {
  readonly name: string;
  readonly ns: string;
  /** The XSD type as written in lines: `xs:int`, `guid`, `PwsLockType`, `ArrayOfPwsLock`. */
  readonly xsdType: string;
  /** The value of one item (a collection's item, a repeated element's value). */
  readonly value: Value;
  /** An array in TypeScript: a repeated element or a WCF collection. */
  readonly many: boolean;
  readonly minOccurs: number;
  readonly maxOccurs: number;
  readonly nillable: boolean;
  /** The type whose own member this is (a base type's name for inherited members). */
  readonly declaredBy: string;
}

export type ContractType =
  | { readonly kind: 'complex'; readonly name: string; readonly members: readonly ContractMember[] }
  | { readonly kind: 'enum'; readonly name: string; readonly values: readonly string[] };

export interface ContractOperation {
  readonly name: string;
  readonly soapAction: string;
  /** The namespace of the request and response wrapper elements. */
  readonly namespace: string;
  readonly requestMember?: string;
  readonly resultMember?: string;
  /** Type names (keys of `types`). */
  readonly requestType: string;
  readonly resultType: string;
}

export interface ComparableContract {
  readonly operations: ReadonlyMap<string, ContractOperation>;
  readonly types: ReadonlyMap<string, ContractType>;
  /** Where each type is reachable from: an operation's request, its result (faults included), or both. */
  readonly usage: ReadonlyMap<string, ReadonlySet<Usage>>;
}

export const EMPTY_CONTRACT: ComparableContract = { operations: new Map(), types: new Map(), usage: new Map() };

const local = (key: string) => key.slice(key.indexOf('}') + 1);
const nsOf = (key: string) => key.slice(1, key.indexOf('}'));
const isEnum = (t: TypeModel | undefined) => t?.kind === 'simple' && t.ns !== XS_NS && t.enumeration !== undefined;

/** Compiles `<dir>/PwsProjectorServices.wsdl` and everything it imports. */
export function readContract(dir: string): ComparableContract {
  const loaded = loadContract(path.join(dir, ENTRY_FILE));
  const schema = compileSchemas(loaded);
  const wsdl = compileWsdl(loaded, schema);
  const types = schema.types;

  // Wrappers the generator unwraps are compared through the operation (requestMember / resultMember) instead.
  const unwrapped = new Set<string>();
  for (const op of wsdl.operations.values()) {
    if (op.requestMember !== undefined) unwrapped.add(schema.elements.get(op.input)!.type);
    if (op.resultMember !== undefined) unwrapped.add(schema.elements.get(op.output)!.type);
  }
  const keys = [...types.keys()].filter((k) => !unwrapped.has(k) && (types.get(k)!.kind === 'complex' || isEnum(types.get(k))));
  // By local name; two namespaces declaring one name keep them apart by namespace.
  const seen = new Map<string, number>();
  for (const k of keys) seen.set(local(k), (seen.get(local(k)) ?? 0) + 1);
  const nameOf = (key: string) => (seen.get(local(key))! > 1 ? key : local(key));

  const valueOf = (key: string): Value => {
    const t = types.get(key);
    if (t?.kind === 'complex') return { complex: nameOf(key) };
    if (isEnum(t)) return { enum: nameOf(key) };
    return { builtin: t?.kind === 'simple' && !t.list && nsOf(t.base) === XS_NS ? local(t.base) : 'string' };
  };
  const xsdType = (key: string) => (nsOf(key) === XS_NS ? `xs:${local(key)}` : nameOf(key));

  const ownerOf = (key: string, index: number): string => {
    // Base members come first: the member belongs to the deepest base that still has that many members.
    let owner = key;
    for (let base = types.get(key); base?.kind === 'complex' && base.base; ) {
      const next = types.get(base.base);
      if (next?.kind !== 'complex' || index >= next.members.length) break;
      owner = base.base;
      base = next;
    }
    return owner;
  };
  const member = (owner: string, m: MemberModel, index: number): ContractMember => {
    const item = collectionItem(types, m.type);
    const repeated = m.maxOccurs === -1 || m.maxOccurs > 1;
    return {
      name: m.name, ns: m.ns, xsdType: xsdType(m.type), value: valueOf(item ? item.type : m.type), many: repeated || item !== undefined,
      minOccurs: m.minOccurs, maxOccurs: m.maxOccurs, nillable: m.nillable, declaredBy: nameOf(ownerOf(owner, index)),
    };
  };

  const out = new Map<string, ContractType>();
  for (const key of keys) {
    const t = types.get(key)!;
    out.set(nameOf(key), t.kind === 'complex'
      ? { kind: 'complex', name: nameOf(key), members: t.members.map((m, i) => member(key, m, i)) }
      : { kind: 'enum', name: nameOf(key), values: t.enumeration ?? [] });
  }

  const usage = new Map<string, Set<Usage>>();
  const walk = (key: string, how: Usage): void => {
    const t = types.get(key);
    if (!t || !(t.kind === 'complex' || isEnum(t))) return;
    const name = nameOf(key);
    const set = usage.get(name) ?? new Set<Usage>();
    if (!unwrapped.has(key)) {
      if (set.has(how)) return;
      set.add(how);
      usage.set(name, set);
    }
    if (t.kind === 'complex') for (const m of t.members) walk(m.type, how);
  };
  const operations = new Map<string, ContractOperation>();
  for (const op of wsdl.operations.values()) {
    walk(op.requestType, 'request');
    walk(op.resultType, 'result');
    for (const fault of op.faults) walk(schema.elements.get(fault)!.type, 'result');
    operations.set(op.name, {
      name: op.name, soapAction: op.soapAction, namespace: nsOf(op.input),
      ...(op.requestMember !== undefined && { requestMember: op.requestMember }),
      ...(op.resultMember !== undefined && { resultMember: op.resultMember }),
      requestType: nameOf(op.requestType), resultType: nameOf(op.resultType),
    });
  }
  return { operations, types: out, usage };
}
