/**
 * One serde for every operation (smithy-style): the generated schema model (generated/model.ts) says, for each type,
 * its members in wire order with their XSD types and occurrence; this module maps values both ways by that model
 * alone, so an operation added to the WSDL needs no code here.
 *
 * Value kinds (the generated TypeScript types promise exactly these at run time):
 *   xs:int/short/byte/unsigned*     number            xs:long/unsignedLong/*Integer  decimal string (in: also bigint, safe number)
 *   xs:decimal                      string (exact)    xs:double/float                number
 *   xs:boolean                      boolean           xs:dateTime                    the server's exact string (in: also Date)
 *   enums                           their string      a WCF collection (ArrayOfX)   a plain array, [] for empty/nil/absent
 *   nil or absent                   member absent     other simple types             string
 *
 * Derived types (xsi:type) work both ways where the schema allows them: a value that arrives as a type derived from
 * its member's declared type carries `$type` (that type's name) and all its members; a value given a `$type` naming
 * a derived type is sent with xsi:type and that type's members.
 *
 * Encoding gives "wire" values for envelope.ts: objects keyed by element local name in no particular order (the
 * writer follows the model), leaf values as exact strings, repeated members as arrays, and `$type` holding the
 * TYPES key of a derived instance. Decoding reads the tree of xml-tree.ts.
 */
import { TYPES, XS_NS, type ComplexTypeModel, type MemberModel, type SimpleTypeModel, type TypeModel } from '../../generated';
import { InvalidInputError, ResponseFormatError } from '../errors';
import type { OperationName } from '../../generated';
import { breaks, MEMBER_RULES, TYPE_RULES } from './vendor-rules';
import { DECIMAL, DOUBLE, INTEGER, INTEGER_RANGES, isDateTime, NUMBER_INTEGERS } from './xsd-values';
import type { XNode } from './xml-tree';

/**
 * The contract as data and as text, for the simulator: it validates requests, writes answers and serves metadata by
 * the same generated model the codec uses, and never reads wsdl/ at run time.
 */
export { contractFiles, ELEMENTS, TYPES, XS_NS } from '../../generated';
export type { ComplexTypeModel, ElementModel, MemberModel, SimpleTypeModel, TypeModel } from '../../generated';

export type Wire = Record<string, unknown>;

type Kind = 'int' | 'long' | 'decimal' | 'double' | 'boolean' | 'dateTime' | 'string' | 'any';

const INT_RANGES: Record<string, readonly [number, number]> = Object.fromEntries(
  [...NUMBER_INTEGERS].map((k) => [k, INTEGER_RANGES[k].map(Number) as [number, number]]),
);
const LONG_RANGES = Object.fromEntries(Object.entries(INTEGER_RANGES).filter(([k]) => !NUMBER_INTEGERS.has(k)));
const KINDS: Record<string, Kind> = {
  ...Object.fromEntries(Object.keys(INT_RANGES).map((k) => [k, 'int' as const])),
  ...Object.fromEntries(Object.keys(LONG_RANGES).map((k) => [k, 'long' as const])),
  decimal: 'decimal', double: 'double', float: 'double', boolean: 'boolean', dateTime: 'dateTime', anyType: 'any',
};
const XS_PREFIX = `{${XS_NS}}`;
// XML 1.0 Char production; surrogates are checked for pairing separately.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A simple type resolved once: its value kind, the builtin's local name, and its enumeration. */
interface Leaf {
  kind: Kind;
  builtin: string;
  enumeration?: ReadonlySet<string>;
  label: string;
}

export type TypeTable = { readonly [key: string]: TypeModel };

/** One view of a type table (the generated one by default; tests pass their own), with resolved leaves cached. */
class Schema {
  private readonly leaves = new Map<string, Leaf>();
  constructor(readonly types: TypeTable) {}

  leaf(typeKey: string): Leaf {
    let leaf = this.leaves.get(typeKey);
    if (leaf) return leaf;
    const model = this.types[typeKey] as SimpleTypeModel | undefined;
    const baseKey = model?.kind === 'simple' ? model.base : typeKey;
    const builtin = baseKey.startsWith(XS_PREFIX) ? baseKey.slice(XS_PREFIX.length) : 'anyType';
    const kind: Kind = model?.list ? 'string' : KINDS[builtin] ?? (model || baseKey.startsWith(XS_PREFIX) ? 'string' : 'any');
    leaf = { kind, builtin, enumeration: model?.enumeration ? new Set(model.enumeration) : undefined, label: model?.enumeration ? model.name : `xs:${builtin}` };
    this.leaves.set(typeKey, leaf);
    return leaf;
  }

  complex(typeKey: string): ComplexTypeModel | undefined {
    const t = this.types[typeKey];
    return t?.kind === 'complex' ? t : undefined;
  }

  private derivedIndex?: Map<string, string[]>;
  private readonly byName = new Map<string, Map<string, MemberModel>>();

  /** The types derived from `typeKey`, directly or not (empty for most types). */
  derived(typeKey: string): readonly string[] {
    if (!this.derivedIndex) {
      const direct = new Map<string, string[]>();
      for (const key of Object.keys(this.types)) {
        const base = this.complex(key)?.base;
        if (base && this.complex(base)) (direct.get(base) ?? direct.set(base, []).get(base)!).push(key);
      }
      const all = (key: string): string[] => (direct.get(key) ?? []).flatMap((d) => [d, ...all(d)]);
      this.derivedIndex = new Map([...direct.keys()].map((k) => [k, all(k).sort()]));
    }
    return this.derivedIndex.get(typeKey) ?? [];
  }

  /** The type `typeKey` a value named `$type` (a local name) stands for, if it is `typeKey` or derives from it. */
  variant(typeKey: string, name: string): string | undefined {
    const t = this.complex(typeKey);
    if (t?.name === name) return typeKey;
    return this.derived(typeKey).find((k) => this.types[k].name === name);
  }

  /** A complex type's members by local name. */
  member(typeKey: string, name: string): MemberModel | undefined {
    let index = this.byName.get(typeKey);
    if (!index) this.byName.set(typeKey, (index = new Map((this.complex(typeKey)?.members ?? []).map((m) => [m.name, m]))));
    return index.get(name);
  }

  /** A WCF collection (ArrayOfX): no base, one member, repeated. Its item member, or undefined. */
  collectionItem(typeKey: string): MemberModel | undefined {
    const t = this.complex(typeKey);
    if (!t || t.base !== undefined || t.members.length !== 1) return undefined;
    const only = t.members[0];
    return only.maxOccurs === -1 || only.maxOccurs > 1 ? only : undefined;
  }
}

const schemas = new WeakMap<TypeTable, Schema>();
const schemaOf = (types: TypeTable): Schema => {
  let s = schemas.get(types);
  if (!s) schemas.set(types, (s = new Schema(types)));
  return s;
};

/** A WCF collection (ArrayOfX) in the generated model: its item member, or undefined. */
export function collectionItem(typeKey: string, types: TypeTable = TYPES): MemberModel | undefined {
  return schemaOf(types).collectionItem(typeKey);
}

/** The types derived from a type, directly or not, as TYPES keys. */
export function derivedTypes(typeKey: string, types: TypeTable = TYPES): readonly string[] {
  return schemaOf(types).derived(typeKey);
}

/** A member that repeats (maxOccurs unbounded or over 1): an array both ways. */
export const isRepeated = (m: Pick<MemberModel, 'maxOccurs'>) => m.maxOccurs === -1 || m.maxOccurs > 1;
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

// ------------------------------------------------------------------------------------------------------------
// Encoding: typed input -> wire object for envelope.ts. Every problem is an InvalidInputError naming the member path.

export class Encoder {
  private readonly schema: Schema;
  constructor(private readonly operation: OperationName, types: TypeTable = TYPES) {
    this.schema = schemaOf(types);
  }

  fail(path: string, problem: string): never {
    throw new InvalidInputError(`${this.operation}: ${path} ${problem}`, { code: 'InvalidInput', operation: this.operation, requestSent: false, retryable: false });
  }

  complex(typeKey: string, value: unknown, path: string): Wire {
    const declared = this.schema.complex(typeKey);
    if (!declared) return this.fail(path, `has a type the model does not know (${typeKey})`);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) this.fail(path, `must be an object, got ${describe(value)}`);
    const input = value as Record<string, unknown>;
    const out: Wire = {};
    let actualKey = typeKey;
    if (input.$type !== undefined) {
      const variants = [typeKey, ...this.schema.derived(typeKey)].map((k) => this.schema.types[k].name);
      const found = typeof input.$type === 'string' ? this.schema.variant(typeKey, input.$type) : undefined;
      if (!found) this.fail(`${path}.$type`, `must be one of ${variants.join(', ')}, got ${JSON.stringify(input.$type)}`);
      actualKey = found;
      if (actualKey !== typeKey) out.$type = actualKey;
    }
    const t = this.schema.complex(actualKey)!;
    for (const key of Object.keys(input)) {
      if (key !== '$type' && !this.schema.member(actualKey, key)) this.fail(`${path}.${key}`, `is not a member of ${t.name} (members: ${t.members.map((m) => m.name).join(', ') || 'none'})`);
    }
    const spanning = TYPE_RULES[t.name];
    if (spanning && spanning.anyOf.every((name) => input[name] === undefined || input[name] === null)) this.fail(path, `needs ${spanning.anyOf.join(' or ')}`);
    for (const m of t.members) {
      const v = input[m.name];
      const where = `${path}.${m.name}`;
      const rule = MEMBER_RULES[`${t.name}.${m.name}`];
      const problem = rule && breaks(rule, v);
      if (problem) this.fail(where, problem);
      if (v === undefined || v === null) {
        if (m.minOccurs >= 1 && !m.nillable) this.fail(where, 'is required');
        // A required member that may be nil goes out as nil: leaving it out would break the schema.
        if (m.minOccurs >= 1 && !isRepeated(m)) out[m.name] = null;
        continue;
      }
      out[m.name] = isRepeated(m) ? this.list(m, v, where) : this.member(m.type, v, where);
    }
    return out;
  }

  private list(m: MemberModel, v: unknown, where: string): unknown[] {
    if (!Array.isArray(v)) this.fail(where, `must be an array, got ${describe(v)}`);
    if (m.maxOccurs !== -1 && v.length > m.maxOccurs) this.fail(where, `may hold at most ${m.maxOccurs} items, got ${v.length}`);
    if (v.length < m.minOccurs) this.fail(where, `needs at least ${m.minOccurs} items, got ${v.length}`);
    return v.map((item, i) => this.member(m.type, item, `${where}[${i}]`));
  }

  member(typeKey: string, v: unknown, where: string): unknown {
    const item = this.schema.collectionItem(typeKey);
    if (item) {
      // [] goes out as an empty element: the caller said "a list, with nothing in it", not "no list".
      const items = this.list({ ...item, minOccurs: 0 }, v, where);
      return items.length === 0 ? {} : { [item.name]: items };
    }
    if (this.schema.complex(typeKey)) return this.complex(typeKey, v, where);
    return this.simple(this.schema.leaf(typeKey), v, where);
  }

  simple(leaf: Leaf, v: unknown, where: string): string | unknown {
    switch (leaf.kind) {
      case 'int': {
        const [lo, hi] = INT_RANGES[leaf.builtin];
        if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(where, `must be an integer (${leaf.label}), got ${describe(v)}`);
        if (v < lo || v > hi) this.fail(where, `must be between ${lo} and ${hi} (${leaf.label}), got ${v}`);
        return String(v);
      }
      case 'long': {
        let text: string;
        if (typeof v === 'bigint') text = v.toString();
        else if (typeof v === 'number') {
          if (!Number.isSafeInteger(v)) this.fail(where, `is a number that is not a safe integer; pass ${leaf.label} values as strings or bigint`);
          text = String(v);
        } else if (typeof v === 'string' && INTEGER.test(v)) text = v;
        else return this.fail(where, `must be an integer as a decimal string, bigint or safe number (${leaf.label}), got ${describe(v)}`);
        const big = BigInt(text);
        const [lo, hi] = LONG_RANGES[leaf.builtin];
        if ((lo !== undefined && big < lo) || (hi !== undefined && big > hi)) this.fail(where, `is out of the ${leaf.label} range`);
        return big.toString();
      }
      case 'decimal':
        if (typeof v !== 'string' || !DECIMAL.test(v)) this.fail(where, `must be a decimal string such as "12.50" (${leaf.label}), got ${describe(v)}`);
        return v;
      case 'double':
        if (typeof v !== 'number') this.fail(where, `must be a number (${leaf.label}), got ${describe(v)}`);
        return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'INF' : v === -Infinity ? '-INF' : String(v);
      case 'boolean':
        if (typeof v !== 'boolean') this.fail(where, `must be a boolean, got ${describe(v)}`);
        return v ? 'true' : 'false';
      case 'dateTime':
        if (v instanceof Date) {
          if (Number.isNaN(v.getTime())) this.fail(where, 'is an invalid Date');
          // .NET's DateTime holds years 1 to 9999; toISOString would write others as +010000-... or -000001-...
          const year = v.getUTCFullYear();
          if (year < 1 || year > 9999) this.fail(where, `is a Date in year ${year}, outside the years 1 to 9999 that Projector can hold`);
          return v.toISOString();
        }
        if (typeof v !== 'string' || !isDateTime(v)) this.fail(where, `must be an xs:dateTime string such as 2024-01-31T12:00:00Z, or a Date; got ${describe(v)}`);
        return v;
      case 'any':
        return v;
      default: {
        if (typeof v !== 'string') this.fail(where, `must be a string (${leaf.label}), got ${describe(v)}`);
        if (leaf.enumeration && !leaf.enumeration.has(v)) this.fail(where, `must be one of ${[...leaf.enumeration].join(', ')}`);
        if (NOT_XML_CHAR.test(v)) this.fail(where, 'contains a control character that XML 1.0 cannot carry');
        if (LONE_SURROGATE.test(v)) this.fail(where, 'contains a lone UTF-16 surrogate (not valid Unicode)');
        return v;
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------------------
// Decoding: the answer's XML tree -> typed result. A value that contradicts the schema is a ResponseFormatError
// naming the member path. Elements the model does not know are skipped: a newer server appends members to its data
// contracts, and WCF clients are expected to ignore them.

export class Decoder {
  private readonly schema: Schema;
  constructor(private readonly operation: OperationName, types: TypeTable = TYPES) {
    this.schema = schemaOf(types);
  }

  private fail(path: string, problem: string): never {
    throw new ResponseFormatError(`${this.operation}: the response's ${path} ${problem}`, { code: 'ResponseFormat', operation: this.operation });
  }

  /** The type an element stands for: its xsi:type when that is the declared type or derives from it. */
  private actualType(typeKey: string, node: XNode, path: string): string {
    if (!node.type || node.type === typeKey) return typeKey;
    if (this.schema.derived(typeKey).includes(node.type)) return node.type;
    // A type this contract does not know (a newer server's): read what the declared type knows of it.
    if (!this.schema.types[node.type]) return typeKey;
    return this.fail(path, `arrived as ${node.type}, which is not ${typeKey} or derived from it`);
  }

  /** An element with members carries no text of its own (whitespace between its children aside). */
  private noText(node: XNode | undefined, path: string): void {
    const text = node?.text.trim();
    if (text) this.fail(path, `should be an element with members, got text '${text.slice(0, 40)}'`);
  }

  complex(typeKey: string, node: XNode | undefined, path: string): Record<string, unknown> {
    if (!this.schema.complex(typeKey)) return this.fail(path, `has a type the model does not know (${typeKey})`);
    this.noText(node, path);
    const actualKey = node ? this.actualType(typeKey, node, path) : typeKey;
    const t = this.schema.complex(actualKey)!;
    const groups = new Map<MemberModel, XNode[]>();
    for (const c of node?.children ?? []) {
      const m = this.schema.member(actualKey, c.local);
      if (!m) continue;
      if (m.ns !== c.ns) this.fail(`${path}.${c.local}`, `arrived in namespace '${c.ns}', not '${m.ns}'`);
      const seen = groups.get(m);
      if (seen && !isRepeated(m)) this.fail(`${path}.${c.local}`, 'arrived more than once');
      if (seen) seen.push(c);
      else groups.set(m, [c]);
    }
    const out: Record<string, unknown> = {};
    if (actualKey !== typeKey) out.$type = t.name;
    for (const m of t.members) {
      const found = groups.get(m);
      const where = `${path}.${m.name}`;
      if (isRepeated(m)) {
        out[m.name] = (found ?? []).filter((x) => !x.nil).map((x, i) => this.member(m.type, x, `${where}[${i}]`));
        continue;
      }
      const node1 = found?.[0];
      if (this.schema.collectionItem(m.type)) {
        out[m.name] = this.member(m.type, node1, where);
        continue;
      }
      if (!node1 || node1.nil) {
        if (m.minOccurs >= 1 && !m.nillable) this.fail(where, node1 ? 'is nil but may not be' : 'is missing');
        continue;
      }
      out[m.name] = this.member(m.type, node1, where);
    }
    return out;
  }

  member(typeKey: string, node: XNode | undefined, where: string): unknown {
    const item = this.schema.collectionItem(typeKey);
    if (item) {
      this.noText(node, where);
      const items = node && !node.nil ? node.children.filter((c) => c.local === item.name) : [];
      for (const c of items) if (c.ns !== item.ns) this.fail(`${where}.${c.local}`, `arrived in namespace '${c.ns}', not '${item.ns}'`);
      return items.filter((c) => !c.nil).map((c, i) => this.member(item.type, c, `${where}[${i}]`));
    }
    if (this.schema.complex(typeKey)) return this.complex(typeKey, node, where);
    return this.simple(this.schema.leaf(typeKey), node, where);
  }

  simple(leaf: Leaf, node: XNode | undefined, where: string): unknown {
    if (!node) return undefined;
    if (leaf.kind === 'any') return node.children.length > 0 ? node : node.text;
    if (node.children.length > 0) this.fail(where, `should be a value (${leaf.label}) but holds elements (${node.children[0].local})`);
    const text = node.text;
    if (leaf.kind === 'string') {
      if (!leaf.enumeration) return text; // kept exactly, whitespace included
      // An enum value a newer server added is kept as sent; an empty one is no value at all.
      const value = text.trim();
      if (value === '' && !leaf.enumeration.has('')) this.fail(where, `is empty, which is not a valid ${leaf.label}`);
      return value;
    }
    const trimmed = text.trim();
    if (trimmed === '') this.fail(where, `is empty, which is not a valid ${leaf.label}`);
    const quoted = `'${trimmed.slice(0, 40)}'`;
    switch (leaf.kind) {
      case 'int': {
        if (!INTEGER.test(trimmed)) this.fail(where, `is not an integer: ${quoted}`);
        const [lo, hi] = INT_RANGES[leaf.builtin];
        const n = Number(trimmed);
        if (n < lo || n > hi) this.fail(where, `is out of the ${leaf.label} range: ${quoted}`);
        return n;
      }
      case 'long': {
        if (!INTEGER.test(trimmed)) this.fail(where, `is not an integer: ${quoted}`);
        const big = BigInt(trimmed);
        const [lo, hi] = LONG_RANGES[leaf.builtin];
        if ((lo !== undefined && big < lo) || (hi !== undefined && big > hi)) this.fail(where, `is out of the ${leaf.label} range: ${quoted}`);
        return big.toString();
      }
      case 'decimal':
        if (!DECIMAL.test(trimmed)) this.fail(where, `is not a decimal: ${quoted}`);
        return trimmed;
      case 'double':
        if (!DOUBLE.test(trimmed)) this.fail(where, `is not an ${leaf.label}: ${quoted}`);
        return trimmed === 'INF' ? Infinity : trimmed === '-INF' ? -Infinity : Number(trimmed);
      case 'boolean':
        if (trimmed === 'true' || trimmed === '1') return true;
        if (trimmed === 'false' || trimmed === '0') return false;
        return this.fail(where, `is not a boolean: ${quoted}`);
      case 'dateTime':
        if (!isDateTime(trimmed)) this.fail(where, `is not an xs:dateTime: ${quoted}`);
        return trimmed;
      default:
        return text;
    }
  }
}
