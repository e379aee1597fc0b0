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
 * "Wire" values are what node-soap takes and gives: objects keyed by element local name, leaf values as strings,
 * a repeated element as an array (a single one as an object), an empty element as null, a nil one left out.
 */
// The model and contract modules only: the generated index also pulls in node-soap's client types.
import { TYPES, XS_NS, type ComplexTypeModel, type MemberModel, type SimpleTypeModel, type TypeModel } from '../../generated/model';
import { InvalidInputError, ResponseFormatError } from '../errors';
import type { OperationName } from '../../generated/model';
import { breaks, MEMBER_RULES, TYPE_RULES } from './vendor-rules';
import { DATE_TIME, DECIMAL, INTEGER, INTEGER_RANGES, NUMBER_INTEGERS } from './xsd-values';

/**
 * The contract as data and as text, for the simulator: it validates requests, writes answers and serves metadata by
 * the same generated model the codec uses, and never reads wsdl/ at run time.
 */
export { ELEMENTS, TYPES, XS_NS } from '../../generated/model';
export { WSDL_ENTRY, WSDL_FILES } from '../../generated/contract';
export type { ComplexTypeModel, ElementModel, MemberModel, SimpleTypeModel, TypeModel } from '../../generated/model';

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

/** A member that repeats (maxOccurs unbounded or over 1): an array both ways. */
export const isRepeated = (m: Pick<MemberModel, 'maxOccurs'>) => m.maxOccurs === -1 || m.maxOccurs > 1;
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

// ------------------------------------------------------------------------------------------------------------
// Encoding: typed input -> node-soap wire object. Every problem is an InvalidInputError naming the member path.

export class Encoder {
  private readonly schema: Schema;
  constructor(private readonly operation: OperationName, types: TypeTable = TYPES) {
    this.schema = schemaOf(types);
  }

  fail(path: string, problem: string): never {
    throw new InvalidInputError(`${this.operation}: ${path} ${problem}`, { code: 'InvalidInput', operation: this.operation, requestSent: false, retryable: false });
  }

  complex(typeKey: string, value: unknown, path: string): Wire {
    const t = this.schema.complex(typeKey);
    if (!t) return this.fail(path, `has a type the model does not know (${typeKey})`);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) this.fail(path, `must be an object, got ${describe(value)}`);
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!t.members.some((m) => m.name === key)) this.fail(`${path}.${key}`, `is not a member of ${t.name} (members: ${t.members.map((m) => m.name).join(', ') || 'none'})`);
    }
    const out: Wire = {};
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
          return v.toISOString();
        }
        if (typeof v !== 'string' || !DATE_TIME.test(v)) this.fail(where, `must be an xs:dateTime string such as 2024-01-31T12:00:00Z, or a Date; got ${describe(v)}`);
        return v;
      case 'any':
        return v;
      default: {
        if (typeof v !== 'string') this.fail(where, `must be a string (${leaf.label}), got ${describe(v)}`);
        if (leaf.enumeration && !leaf.enumeration.has(v)) this.fail(where, `must be one of ${[...leaf.enumeration].join(', ')}`);
        if (NOT_XML_CHAR.test(v)) this.fail(where, 'contains a control character that XML 1.0 cannot carry');
        if (LONE_SURROGATE.test(v)) this.fail(where, 'contains a lone UTF-16 surrogate (not valid Unicode)');
        return safeText(v);
      }
    }
  }
}

/**
 * node-soap passes a string that looks like a CDATA section through unescaped (an injection path). Such a string is
 * re-encoded as CDATA sections that carry exactly the same text, so the envelope stays well-formed.
 */
export function safeText(value: string): string {
  if (value.startsWith('<![CDATA[') && value.endsWith(']]>')) return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
  return value;
}

// ------------------------------------------------------------------------------------------------------------
// Decoding: node-soap wire object -> typed result. A value that contradicts the schema is a ResponseFormatError.

function isNil(raw: unknown): boolean {
  if (raw === undefined) return true;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const attrs = (raw as Wire).attributes as Record<string, unknown> | undefined;
  return !!attrs && Object.entries(attrs).some(([k, v]) => /(^|:)nil$/.test(k) && (v === 'true' || v === '1'));
}

export class Decoder {
  private readonly schema: Schema;
  constructor(private readonly operation: OperationName, types: TypeTable = TYPES) {
    this.schema = schemaOf(types);
  }

  private fail(path: string, problem: string): never {
    throw new ResponseFormatError(`${this.operation}: the response's ${path} ${problem}`, { code: 'ResponseFormat', operation: this.operation });
  }

  complex(typeKey: string, raw: unknown, path: string): Record<string, unknown> {
    const t = this.schema.complex(typeKey);
    if (!t) return this.fail(path, `has a type the model does not know (${typeKey})`);
    if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) this.fail(path, `should be an element with members, got ${describe(raw)}`);
    const input = (raw ?? {}) as Wire;
    const out: Record<string, unknown> = {};
    for (const m of t.members) {
      const v = input[m.name];
      const where = `${path}.${m.name}`;
      if (isRepeated(m)) {
        out[m.name] = this.items(m.type, v, where);
        continue;
      }
      if (this.schema.collectionItem(m.type)) {
        out[m.name] = this.member(m.type, v, where);
        continue;
      }
      if (isNil(v)) {
        if (m.minOccurs >= 1 && !m.nillable) this.fail(where, 'is missing');
        continue;
      }
      const decoded = this.member(m.type, v, where);
      if (decoded !== undefined) out[m.name] = decoded;
    }
    return out;
  }

  member(typeKey: string, raw: unknown, where: string): unknown {
    const item = this.schema.collectionItem(typeKey);
    if (item) {
      const container = isNil(raw) || raw === null || typeof raw !== 'object' ? undefined : (raw as Wire)[item.name];
      return this.items(item.type, container, where);
    }
    if (this.schema.complex(typeKey)) return this.complex(typeKey, raw, where);
    return this.simple(this.schema.leaf(typeKey), raw, where);
  }

  /**
   * The occurrences of a repeated element: one value (node-soap's single item, null for an empty element) or an array.
   * Nil ones are left out, and so are empty ones of a kind with no empty value (a number), so the array holds only values.
   */
  private items(typeKey: string, raw: unknown, where: string): unknown[] {
    if (isNil(raw)) return [];
    return (Array.isArray(raw) ? raw : [raw])
      .filter((x) => !isNil(x))
      .map((x, i) => this.member(typeKey, x, `${where}[${i}]`))
      .filter((x) => x !== undefined);
  }

  simple(leaf: Leaf, raw: unknown, where: string): unknown {
    if (leaf.kind === 'any') return raw;
    // An element with attributes and text arrives as { attributes, $value }.
    const value = raw !== null && typeof raw === 'object' && '$value' in (raw as Wire) ? (raw as Wire).$value : raw;
    // node-soap's own parsing, where it knows a leaf's type, loses digits: such values are refused, never passed on.
    if (value instanceof Date && leaf.kind === 'dateTime') this.fail(where, 'arrived as a Date (node-soap parsed it, cutting it to milliseconds)');
    // node-soap gives an empty element as null: an empty string is a value; for numbers it is no value at all.
    if (value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value))) return leaf.kind === 'string' ? '' : undefined;
    if (typeof value === 'number' && leaf.kind === 'long' && !Number.isSafeInteger(value)) this.fail(where, 'arrived rounded (an Int64 parsed as a number)');
    if (typeof value === 'number' && leaf.kind === 'decimal') this.fail(where, 'arrived as a number (node-soap parsed it; a decimal may have lost digits)');
    const text = String(value);
    const trimmed = text.trim();
    switch (leaf.kind) {
      case 'int': {
        if (!INTEGER.test(trimmed)) this.fail(where, `is not an integer: '${trimmed.slice(0, 40)}'`);
        const [lo, hi] = INT_RANGES[leaf.builtin];
        const n = Number(trimmed);
        if (n < lo || n > hi) this.fail(where, `is out of the ${leaf.label} range: '${trimmed.slice(0, 40)}'`);
        return n;
      }
      case 'long': {
        if (!INTEGER.test(trimmed)) this.fail(where, `is not an integer: '${trimmed.slice(0, 40)}'`);
        const big = BigInt(trimmed);
        const [lo, hi] = LONG_RANGES[leaf.builtin];
        if ((lo !== undefined && big < lo) || (hi !== undefined && big > hi)) this.fail(where, `is out of the ${leaf.label} range: '${trimmed.slice(0, 40)}'`);
        return big.toString();
      }
      case 'decimal':
        if (!DECIMAL.test(trimmed)) this.fail(where, `is not a decimal: '${trimmed.slice(0, 40)}'`);
        return trimmed;
      case 'double': {
        const n = trimmed === 'INF' ? Infinity : trimmed === '-INF' ? -Infinity : Number(trimmed);
        if (trimmed === '' || (Number.isNaN(n) && trimmed !== 'NaN')) this.fail(where, `is not a number: '${trimmed.slice(0, 40)}'`);
        return n;
      }
      case 'boolean':
        if (trimmed === 'true' || trimmed === '1') return true;
        if (trimmed === 'false' || trimmed === '0') return false;
        return this.fail(where, `is not a boolean: '${trimmed.slice(0, 40)}'`);
      case 'dateTime':
        return trimmed;
      default:
        // Strings are kept exactly (whitespace included); an enum value a newer server added is kept as sent.
        return leaf.enumeration ? trimmed : text;
    }
  }
}
