/**
 * The request validator's view of the contract, built once from the generated schema model (generated/model.ts,
 * compiled from wsdl/ by `npm run generate`): nothing is read from disk at run time, and a regenerated WSDL brings
 * its new operations and types with it. Each type becomes a small structure the validator walks per element:
 * flattened sequences (base members first, as WCF serializes them), occurrence bounds, nillability, and for simple
 * types the XSD builtin they restrict, their enumeration and whether they are a list.
 */
import { derivedTypes, ELEMENTS, TYPES, XS_NS, type ElementModel, type TypeModel } from '../soap/codec';
import { OPERATIONS, type OperationModel } from '../soap/operations';

export interface SimpleType {
  kind: 'simple';
  /** The XSD builtin's local name for builtins ('int'), else the type key (`{ns}Name`). */
  name: string;
  /** Local name of the XSD builtin the type finally restricts ('int', 'string', 'dateTime'...); 'anyType' when unknown. */
  builtin: string;
  enumeration?: ReadonlySet<string>;
  /** An xs:list: whitespace-separated values of `builtin`. */
  list?: boolean;
}

export interface Particle {
  ns: string;
  name: string;
  minOccurs: number;
  /** Infinity for unbounded. */
  maxOccurs: number;
  nillable: boolean;
  type: ComplexType | SimpleType;
}

export interface ComplexType {
  kind: 'complex';
  /** The TYPES key, `{ns}Name`. */
  name: string;
  particles: Particle[];
}

export interface SchemaModel {
  /** Global element declarations, keyed `{ns}name`. */
  elements: Map<string, Particle>;
  types: Map<string, ComplexType | SimpleType>;
  /** Keys of the elements that are an operation's request wrapper: the only ones a SOAP Body may carry. */
  inputs: ReadonlySet<string>;
  /** The type an element declared `declared` stands for when it carries xsi:type `actual`: itself or a derived type. */
  variant(declared: string, actual: string): ComplexType | undefined;
}

export const qkey = (ns: string, name: string): string => `{${ns}}${name}`;

const XS_PREFIX = `{${XS_NS}}`;

/** Builds the validator's model from the generated tables (the committed ones by default). */
export function buildSchemaModel(
  types: { readonly [key: string]: TypeModel } = TYPES,
  elements: { readonly [key: string]: ElementModel } = ELEMENTS,
  operations: { readonly [name: string]: OperationModel } = OPERATIONS,
): SchemaModel {
  const built = new Map<string, ComplexType | SimpleType>();

  const typeOf = (key: string): ComplexType | SimpleType => {
    const found = built.get(key);
    if (found) return found;
    const model = types[key];
    if (model?.kind === 'complex') {
      const base = model.base ? types[model.base] : undefined;
      // simpleContent (text with attributes): validated as its base's text; attributes carry nothing we read.
      if (base?.kind === 'simple' && model.members.length === 0) {
        const t = typeOf(model.base!);
        built.set(key, t);
        return t;
      }
      // Registered before its particles are resolved, so recursive types terminate.
      const t: ComplexType = { kind: 'complex', name: key, particles: [] };
      built.set(key, t);
      for (const m of model.members) {
        t.particles.push({
          ns: m.ns,
          name: m.name,
          minOccurs: m.minOccurs,
          maxOccurs: m.maxOccurs < 0 ? Infinity : m.maxOccurs,
          nillable: m.nillable,
          type: typeOf(m.type),
        });
      }
      return t;
    }
    const baseKey = model?.kind === 'simple' ? model.base : key;
    const builtin = baseKey.startsWith(XS_PREFIX) ? baseKey.slice(XS_PREFIX.length) : 'anyType';
    const isBuiltin = key.startsWith(XS_PREFIX) && (!model || model.base === key);
    const t: SimpleType = {
      kind: 'simple',
      name: isBuiltin ? builtin : key,
      builtin,
      ...(model?.kind === 'simple' && model.enumeration ? { enumeration: new Set(model.enumeration) } : {}),
      ...(model?.kind === 'simple' && model.list ? { list: true } : {}),
    };
    built.set(key, t);
    return t;
  };

  const globals = new Map<string, Particle>();
  for (const [key, e] of Object.entries(elements)) {
    globals.set(key, { ns: e.ns, name: e.name, minOccurs: 1, maxOccurs: 1, nillable: e.nillable, type: typeOf(e.type) });
  }
  const inputs = new Set(Object.values(operations).map((op) => op.input));
  const variant = (declared: string, actual: string): ComplexType | undefined => {
    if (actual !== declared && !derivedTypes(declared, types).includes(actual)) return undefined;
    const t = typeOf(actual);
    return t.kind === 'complex' ? t : undefined;
  };
  return { elements: globals, types: built, inputs, variant };
}
