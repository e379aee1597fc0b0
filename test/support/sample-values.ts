/**
 * Full sample values for any type of a compiled contract, for the tests that run every operation: what a caller
 * passes (`input`, every member filled, vendor rules respected) and what the SDK must give back for it (`output`,
 * with exactly the JS types the generated TypeScript promises). A member whose declared type has derived types holds
 * a derived instance (`$type`), and its collections hold the declared type and a derived one, so that xsi:type is
 * exercised both ways; recursion stops at `maxDepth`.
 */
import { collectionItem, derivedTypes, isRepeated, type TypeTable } from '../../src/soap/codec';
import { MEMBER_RULES } from '../../src/soap/vendor-rules';

const XS = '{http://www.w3.org/2001/XMLSchema}';
const SERIALIZATION = '{http://schemas.microsoft.com/2003/10/Serialization/}';

export interface Sample {
  input: unknown;
  output: unknown;
}

/** One value per XSD builtin the vendor uses, valid for its lexical space, and what it decodes to. */
const LEAVES: Record<string, Sample> = {
  int: { input: -2147483648, output: -2147483648 },
  short: { input: -32768, output: -32768 },
  byte: { input: -128, output: -128 },
  unsignedByte: { input: 255, output: 255 },
  unsignedShort: { input: 65535, output: 65535 },
  unsignedInt: { input: 4294967295, output: 4294967295 },
  long: { input: 1152921504607429941n, output: '1152921504607429941' },
  unsignedLong: { input: '18446744073709551615', output: '18446744073709551615' },
  decimal: { input: '12345678901234567890.1234567', output: '12345678901234567890.1234567' },
  double: { input: 1.5e-7, output: 1.5e-7 },
  float: { input: 0.5, output: 0.5 },
  boolean: { input: true, output: true },
  dateTime: { input: '2024-02-29T23:59:59.1234567Z', output: '2024-02-29T23:59:59.1234567Z' },
  string: { input: 'Text <&> "quoted" \u00e9', output: 'Text <&> "quoted" \u00e9' },
  base64Binary: { input: 'AQID', output: 'AQID' },
  duration: { input: 'PT1H30M', output: 'PT1H30M' },
};
const SPECIAL: Record<string, Sample> = {
  [`${SERIALIZATION}guid`]: { input: '3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f', output: '3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f' },
  [`${SERIALIZATION}char`]: { input: 65, output: 65 },
};

export class Sampler {
  constructor(
    private readonly types: TypeTable,
    private readonly maxDepth = 3,
  ) {}

  /** A complex type's full value (no `$type`: the caller's declared type). */
  complex(typeKey: string, depth = 0, skip: readonly string[] = []): Sample {
    const t = this.types[typeKey];
    if (t?.kind !== 'complex') throw new Error(`${typeKey} is not a complex type`);
    const input: Record<string, unknown> = {};
    const output: Record<string, unknown> = {};
    for (const m of t.members) {
      if (skip.includes(m.name)) continue;
      const rule = MEMBER_RULES[`${t.name}.${m.name}`];
      const many = isRepeated(m) || collectionItem(m.type, this.types) !== undefined;
      const item = isRepeated(m) ? m : collectionItem(m.type, this.types) ?? m;
      const itemType = item.type;
      const nested = this.types[itemType]?.kind === 'complex';
      if (nested && depth >= this.maxDepth) {
        if (many) output[m.name] = [];
        continue;
      }
      if (many) {
        const count = Math.min(2, rule?.maxItems ?? 2, item.maxOccurs === -1 ? 2 : item.maxOccurs);
        const items = Array.from({ length: count }, (_, i) => this.value(itemType, depth + 1, i === count - 1 && count > 1, rule));
        input[m.name] = items.map((x) => x.input);
        output[m.name] = items.map((x) => x.output);
      } else {
        const v = this.value(m.type, depth + 1, true, rule);
        input[m.name] = v.input;
        output[m.name] = v.output;
      }
    }
    return { input, output };
  }

  /** A value of any type; `derived`: a complex type with derived types gets its last derived one. */
  private value(typeKey: string, depth: number, derived: boolean, rule?: { oneOf?: readonly string[]; maxLength?: number; pattern?: unknown; min?: number }): Sample {
    const t = this.types[typeKey];
    if (t?.kind === 'complex') {
      const variants = derivedTypes(typeKey, this.types);
      if (!derived || variants.length === 0) return this.complex(typeKey, depth);
      const actual = variants[variants.length - 1];
      const name = this.types[actual].name;
      const v = this.complex(actual, depth);
      return { input: { $type: name, ...(v.input as object) }, output: { $type: name, ...(v.output as object) } };
    }
    if (SPECIAL[typeKey]) return SPECIAL[typeKey];
    if (t?.kind === 'simple' && t.enumeration?.length) {
      const value = t.enumeration[t.enumeration.length - 1];
      return { input: value, output: value };
    }
    const builtin = (t?.kind === 'simple' ? t.base : typeKey).replace(XS, '');
    const leaf = LEAVES[builtin];
    if (!leaf) throw new Error(`no sample for ${typeKey} (${builtin})`);
    if (rule?.oneOf) return { input: rule.oneOf[0], output: rule.oneOf[0] };
    if (rule?.pattern) return { input: 'A1', output: 'A1' };
    if (typeof leaf.input === 'string' && rule?.maxLength !== undefined) {
      const cut = (leaf.input as string).slice(0, rule.maxLength);
      return { input: cut, output: cut };
    }
    if (typeof leaf.input === 'number' && rule?.min !== undefined && leaf.input < rule.min) return { input: rule.min, output: rule.min };
    return leaf;
  }
}
