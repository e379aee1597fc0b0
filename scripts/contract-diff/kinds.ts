/**
 * What TypeScript type a member has for the consumer, per direction, derived from XSD builtin names by the same
 * value-kind rules as the codec and generated/types.ts (README "XSD -> in ResultOf"). Kept here rather than imported
 * from the codec, which is being rewritten; the integer value spaces are the shared ones in src/soap/xsd-values.ts.
 */
import { INTEGER_RANGES, NUMBER_INTEGERS } from '../../src/soap/xsd-values';

export type Direction = 'sent' | 'received';

/** A member's value for the comparison: a builtin (by local name), an enum or a complex type (by entry name). */
export type Value = { readonly builtin: string } | { readonly enum: string } | { readonly complex: string };

/** The TypeScript atoms a value has in one direction: `number`, `string`, `bigint`, `Date`, `boolean`, `enum`, `object`. */
export function atoms(value: Value, dir: Direction): readonly string[] {
  if ('enum' in value) return ['enum'];
  if ('complex' in value) return ['object'];
  const b = value.builtin;
  if (NUMBER_INTEGERS.has(b) || b === 'double' || b === 'float') return ['number'];
  if (b in INTEGER_RANGES) return dir === 'received' ? ['string'] : ['string', 'bigint', 'number'];
  if (b === 'boolean') return ['boolean'];
  if (b === 'dateTime') return dir === 'received' ? ['string'] : ['string', 'Date'];
  if (b === 'anyType') return ['unknown'];
  return ['string'];
}

/** Whether a value of atom `a` may stand where `into` is expected (an enum's literals are strings). */
const fits = (a: string, into: readonly string[]) => into.includes(a) || (a === 'enum' && into.includes('string')) || into.includes('unknown');

/**
 * Whether code written against the old type still compiles against the new one: a request must still accept what
 * the consumer passes (old atoms fit the new type), a result must still be assignable to what it reads into.
 */
export function stillCompiles(oldValue: Value, newValue: Value, dir: Direction): boolean {
  const [before, after] = [atoms(oldValue, dir), atoms(newValue, dir)];
  return dir === 'sent' ? before.every((a) => fits(a, after)) : after.every((a) => fits(a, before));
}

const range = (b: string) => INTEGER_RANGES[b] as readonly [bigint | undefined, bigint | undefined] | undefined;

/** Whether every value the old builtin allows is still allowed by the new one (what a request may send). */
export function valuesKept(oldValue: Value, newValue: Value): boolean {
  if (!('builtin' in oldValue) || !('builtin' in newValue)) return true;
  const [a, b] = [oldValue.builtin, newValue.builtin];
  if (a === b || b === 'string' || b === 'anyType') return true;
  const [ra, rb] = [range(a), range(b)];
  if (ra && rb) return (rb[0] === undefined || (ra[0] !== undefined && rb[0] <= ra[0])) && (rb[1] === undefined || (ra[1] !== undefined && ra[1] <= rb[1]));
  if (ra && b === 'decimal') return true;
  return NUMBER_INTEGERS.has(a) && b === 'double';
}
