/**
 * Writes generated/types.d.ts: TypeScript shapes derived from the model alone (declarations only: nothing is ever
 * transpiled or loaded at run time). Each complex type gets two interfaces because the codec (src/soap/) turns
 * values into different JS types in each direction: `<Name>` is what a received message decodes to, `<Name>Input`
 * what the codec accepts to send. Where a member's declared type has derived types, its type is the union of the
 * variants, told apart by `$type` (the xsi:type the value arrived with, or is to be sent with).
 */
import { IDENTIFIER, propertyName } from './emit';
import type { ComplexTypeModel, MemberModel, OperationModel, TypeModel } from './model-shape';
import { XS_NS } from './xml';

type Direction = 'received' | 'sent';
type Types = ReadonlyMap<string, TypeModel>;

const NUMBER = ['int', 'short', 'byte', 'unsignedInt', 'unsignedShort', 'unsignedByte', 'double', 'float'];
const BIG = ['long', 'unsignedLong', 'integer', 'nonNegativeInteger', 'positiveInteger', 'negativeInteger', 'nonPositiveInteger'];
// Names a declaration cannot take (keywords, predefined types) plus the ones this file declares itself.
const RESERVED = new Set(('any bigint boolean break case catch class const continue debugger default delete do else enum export extends false ' +
  'finally for function if import in instanceof never new null number object return string super switch symbol this throw true try ' +
  'typeof undefined unknown var void while with Operations OperationName').split(' '));

const local = (key: string) => key.slice(key.indexOf('}') + 1);
const nsOf = (key: string) => key.slice(1, key.indexOf('}'));
const repeated = (m: MemberModel) => m.maxOccurs === -1 || m.maxOccurs > 1;
const safe = (name: string) => {
  const n = name.replace(/[^A-Za-z0-9_$]/g, '_').replace(/^(?=[0-9])/, '_');
  return RESERVED.has(n) ? `${n}_` : n;
};

/** Collection = a WCF ArrayOfX: complex, no base, exactly one member, and that member repeats. Returns the member. */
export function collectionItem(types: Types, key: string): MemberModel | undefined {
  const t = types.get(key);
  return t?.kind === 'complex' && t.base === undefined && t.members.length === 1 && repeated(t.members[0]) ? t.members[0] : undefined;
}

export function emitTypes(types: Types, operations: ReadonlyMap<string, OperationModel>): string {
  const isEnum = (t: TypeModel | undefined) => t?.kind === 'simple' && t.ns !== XS_NS && t.enumeration !== undefined;
  // Named non-collection complex types always; anonymous ones only when an operation or a member needs them.
  const emitted = new Set<string>();
  const visit = (key: string): void => {
    const item = collectionItem(types, key);
    if (item) return visit(item.type);
    const t = types.get(key);
    if (emitted.has(key) || !(t?.kind === 'complex' || isEnum(t))) return;
    emitted.add(key);
    if (t?.kind === 'complex') t.members.forEach((m) => visit(m.type));
  };
  for (const [key, t] of types) if (!/[#/]/.test(local(key)) && (t.kind === 'complex' || isEnum(t))) visit(key);
  for (const op of operations.values()) [op.requestType, op.resultType].forEach(visit);

  // TS names: the local name; the namespace's last segment when two namespaces share it; then _2, _3 if still taken.
  const keys = [...emitted].sort();
  const count = new Map<string, number>();
  keys.forEach((k) => count.set(safe(local(k)), (count.get(safe(local(k))) ?? 0) + 1));
  const names = new Map<string, string>();
  const taken = new Set(['Operations']);
  for (const key of keys) {
    const base = safe(local(key));
    const wanted = count.get(base)! > 1 ? `${base}_${safe(nsOf(key).split(/[/:#]+/).filter(Boolean).pop() ?? 'ns')}` : base;
    const idents = (n: string) => (types.get(key)?.kind === 'complex' ? [n, `${n}Input`, `${n}Variants`, `${n}InputVariants`] : [n]);
    let name = wanted;
    for (let i = 2; idents(name).some((n) => taken.has(n)); i++) name = `${wanted}_${i}`;
    idents(name).forEach((n) => taken.add(n));
    names.set(key, name);
  }

  // Every type derived from a complex type, directly or not (as the codec's derivedTypes computes it).
  const direct = new Map<string, string[]>();
  for (const [key, t] of types) if (t.kind === 'complex' && t.base && types.get(t.base)?.kind === 'complex') direct.set(t.base, [...(direct.get(t.base) ?? []), key]);
  const allDerived = (key: string): string[] => (direct.get(key) ?? []).flatMap((d) => [d, ...allDerived(d)]).sort();
  // Only member positions can hold a derived instance: a type no member declares needs no variants.
  const declared = new Set<string>();
  for (const key of emitted) {
    const t = types.get(key);
    if (t?.kind === 'complex') for (const m of t.members) declared.add(collectionItem(types, m.type)?.type ?? m.type);
  }
  const derived = (key: string): string[] => (declared.has(key) ? allDerived(key) : []);
  const variants = (key: string, dir: Direction): string =>
    [key, ...derived(key)]
      .map((k, i) => `(${dir === 'received' ? names.get(k) : `${names.get(k)}Input`} & { ${dir === 'received' ? 'readonly ' : ''}$type${i === 0 ? '?' : ''}: ${JSON.stringify(types.get(k)!.name)} })`)
      .join(' | ');

  const valueType = (key: string, dir: Direction): string => {
    const item = collectionItem(types, key);
    if (item) return arrayOf(valueType(item.type, dir));
    const t = types.get(key);
    if (!t) return 'unknown';
    if (t.kind === 'complex' && derived(key).length > 0) return `${names.get(key)!}${dir === 'received' ? 'Variants' : 'InputVariants'}`;
    if (t.kind === 'complex') return dir === 'received' ? names.get(key)! : `${names.get(key)!}Input`;
    if (isEnum(t)) return names.get(key)!;
    const builtin = local(t.base);
    if (t.list || !t.base.startsWith(`{${XS_NS}}`)) return 'string';
    if (NUMBER.includes(builtin)) return 'number';
    if (BIG.includes(builtin)) return dir === 'received' ? 'string' : 'string | bigint | number';
    if (builtin === 'boolean') return 'boolean';
    if (builtin === 'dateTime') return dir === 'received' ? 'string' : 'string | Date';
    return builtin === 'anyType' ? 'unknown' : 'string';
  };
  const arrayOf = (t: string) => (IDENTIFIER.test(t) ? `${t}[]` : `(${t})[]`);
  const xsdName = (key: string) => (nsOf(key) === XS_NS ? `xs:${local(key)}` : local(key));

  const member = (m: MemberModel, dir: Direction): string[] => {
    const many = repeated(m) || collectionItem(types, m.type) !== undefined;
    const type = repeated(m) ? arrayOf(valueType(m.type, dir)) : valueType(m.type, dir);
    const optional = many ? dir === 'sent' : !(m.minOccurs >= 1 && !m.nillable);
    const occurs = [`minOccurs ${m.minOccurs}`, ...(m.maxOccurs !== 1 ? [`maxOccurs ${m.maxOccurs === -1 ? 'unbounded' : m.maxOccurs}`] : []), ...(m.nillable ? ['nillable'] : [])];
    return [`  /** ${xsdName(m.type)}, ${occurs.join(', ')} */`, `  ${propertyName(m.name)}${optional ? '?' : ''}: ${type};`];
  };
  const complex = (key: string, t: ComplexTypeModel): string[] => [
    `/** ${key}${t.base ? `, extends ${xsdName(t.base)}` : ''}: as received. */`,
    `export interface ${names.get(key)} {`, ...t.members.flatMap((m) => member(m, 'received')), '}', '',
    `/** ${key}: as sent. */`,
    `export interface ${names.get(key)}Input {`, ...t.members.flatMap((m) => member(m, 'sent')), '}', '',
    ...(derived(key).length === 0
      ? []
      : [
          `/** What a member declared ${t.name} can hold: it, or a type derived from it (which arrived as xsi:type and names itself in \`$type\`). */`,
          `export type ${names.get(key)}Variants = ${variants(key, 'received')};`,
          `/** ${t.name} or a derived type to send; \`$type\` names a derived one (sent as xsi:type). */`,
          `export type ${names.get(key)}InputVariants = ${variants(key, 'sent')};`,
          '',
        ]),
  ];

  const out = [
    '/**',
    ' * Wire shapes, derived from model.ts only. Received / sent value types: xs:int, short, byte, unsigned int/short/byte,',
    ' * double, float: number; xs:long, unsignedLong, *Integer: decimal string / also bigint or number; xs:decimal: string;',
    ' * xs:boolean: boolean; xs:dateTime: string / also Date; enums: their union; xs:anyType: unknown; others: string.',
    ' * A collection (ArrayOfX) or repeated member is an array, always present when received. Otherwise a member is',
    ' * optional unless minOccurs >= 1 and not nillable. Members keep the XSD names, in wire order (base members first).',
    ' * A member whose declared type has derived types holds `<Name>Variants`, a union told apart by `$type`.',
    ' */',
    '',
  ];
  for (const key of keys) {
    const t = types.get(key)!;
    if (t.kind === 'simple') out.push(`/** ${key} */`, `export type ${names.get(key)} = ${t.enumeration!.map((v) => JSON.stringify(v)).join(' | ') || 'never'};`, '');
  }
  for (const key of keys) {
    const t = types.get(key)!;
    if (t.kind === 'complex') out.push(...complex(key, t));
  }
  const opNames = [...operations.keys()];
  out.push(`export type OperationName = ${opNames.length ? opNames.map((n) => JSON.stringify(n)).join(' | ') : 'never'};`, '');
  out.push('export interface Operations {');
  for (const op of operations.values()) {
    const [rq, rs] = [op.requestType, op.resultType];
    out.push(`  ${propertyName(op.name)}: { request: ${valueType(rq, 'sent')}; result: ${valueType(rs, 'received')}; received: ${valueType(rq, 'received')}; reply: ${valueType(rs, 'sent')} };`);
  }
  out.push('}', '');
  return out.join('\n');
}
