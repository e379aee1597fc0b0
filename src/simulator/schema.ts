/**
 * Compiles the service XSDs in wsdl/ once, at start, into a small model the request validator walks per
 * element: flattened sequences (extension bases first, as WCF serializes them), occurrence bounds, nillability
 * and the simple types our contract uses. Only the XSD subset WCF emits for data contracts is understood;
 * anything else in a schema is ignored rather than guessed at.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sax from 'sax';

const XS = 'http://www.w3.org/2001/XMLSchema';

export type BuiltinKind = 'int' | 'short' | 'long' | 'boolean' | 'dateTime' | 'string' | 'any';

export interface SimpleType {
  kind: 'simple';
  name: string;
  builtin: BuiltinKind;
  enumeration?: ReadonlySet<string>;
}

export interface Particle {
  ns: string;
  name: string;
  minOccurs: number;
  maxOccurs: number;
  nillable: boolean;
  type: ComplexType | SimpleType;
}

export interface ComplexType {
  kind: 'complex';
  name: string;
  particles: Particle[];
}

export interface SchemaModel {
  /** Global element declarations, keyed `{ns}name`. */
  elements: Map<string, Particle>;
  types: Map<string, ComplexType | SimpleType>;
}

interface RawParticle { ns: string; name: string; minOccurs: number; maxOccurs: number; nillable: boolean; typeKey: string }
interface RawComplex { key: string; base?: string; own: RawParticle[] }
interface RawSimple { key: string; base: string; enumeration: string[] }

const BUILTINS: Record<string, BuiltinKind> = {
  int: 'int', short: 'short', long: 'long', boolean: 'boolean', dateTime: 'dateTime', string: 'string',
  unsignedInt: 'long', unsignedShort: 'int', byte: 'short', unsignedByte: 'short',
};

export const qkey = (ns: string, name: string): string => `{${ns}}${name}`;

/** The package's wsdl/ folder, found upwards from here so that it works from src/ (ts-node) and from dist/. */
export function schemaDirectory(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'wsdl', 'PwsProjectorServices.wsdl'))) return join(dir, 'wsdl');
    if (dirname(dir) === dir) throw new Error('simulator: cannot find the wsdl/ folder of the package');
  }
}

export function compileSchemas(dir: string = schemaDirectory()): SchemaModel {
  const complexes = new Map<string, RawComplex>();
  const simples = new Map<string, RawSimple>();
  const globals: RawParticle[] = [];
  let anon = 0;

  for (const file of readdirSync(dir).filter((f) => /^xsd\d+\.xsd$/.test(f)).sort()) {
    const parser = sax.parser(true, { xmlns: true });
    let target = '';
    const stack: { local: string; complex?: RawComplex; simple?: RawSimple; particle?: RawParticle }[] = [];
    const resolve = (tag: sax.QualifiedTag, qname: string): string => {
      const [prefix, local] = qname.includes(':') ? qname.split(':') : ['', qname];
      return qkey(tag.ns[prefix] ?? '', local);
    };
    const nearest = <K extends 'complex' | 'simple'>(k: K) => {
      for (let i = stack.length - 1; i >= 0; i--) if (stack[i][k]) return stack[i][k];
      return undefined;
    };
    parser.onopentag = (node) => {
      const tag = node as sax.QualifiedTag;
      const attr = (n: string) => tag.attributes[n]?.value;
      const frame: (typeof stack)[number] = { local: tag.uri === XS ? tag.local : '#other' };
      const parent = stack[stack.length - 1];
      switch (frame.local) {
        case 'schema':
          target = attr('targetNamespace') ?? '';
          break;
        case 'element': {
          const particle: RawParticle = {
            ns: target,
            name: attr('name') ?? '',
            minOccurs: Number(attr('minOccurs') ?? 1),
            maxOccurs: attr('maxOccurs') === 'unbounded' ? Infinity : Number(attr('maxOccurs') ?? 1),
            nillable: attr('nillable') === 'true',
            typeKey: attr('type') ? resolve(tag, attr('type')!) : '',
          };
          frame.particle = particle;
          if (parent?.local === 'schema') globals.push(particle);
          else nearest('complex')?.own.push(particle);
          break;
        }
        case 'complexType': {
          const key = attr('name') ? qkey(target, attr('name')!) : `#anon${anon++}`;
          frame.complex = { key, own: [] };
          complexes.set(key, frame.complex);
          if (parent?.particle) parent.particle.typeKey = key;
          break;
        }
        case 'extension': {
          const c = nearest('complex');
          if (c) c.base = resolve(tag, attr('base')!);
          break;
        }
        case 'simpleType': {
          const key = attr('name') ? qkey(target, attr('name')!) : `#anon${anon++}`;
          frame.simple = { key, base: qkey(XS, 'string'), enumeration: [] };
          simples.set(key, frame.simple);
          if (parent?.particle) parent.particle.typeKey = key;
          break;
        }
        case 'restriction': {
          const s = nearest('simple');
          if (s) s.base = resolve(tag, attr('base')!);
          break;
        }
        case 'enumeration':
          nearest('simple')?.enumeration.push(attr('value') ?? '');
          break;
      }
      stack.push(frame);
    };
    parser.onclosetag = () => void stack.pop();
    parser.write(readFileSync(join(dir, file), 'utf8')).close();
  }

  const types = new Map<string, ComplexType | SimpleType>();
  const simpleOf = (key: string): SimpleType => {
    const found = types.get(key);
    if (found?.kind === 'simple') return found;
    const builtinName = key.startsWith(`{${XS}}`) ? key.slice(XS.length + 2) : undefined;
    if (builtinName !== undefined) {
      const t: SimpleType = { kind: 'simple', name: builtinName, builtin: BUILTINS[builtinName] ?? 'any' };
      types.set(key, t);
      return t;
    }
    const raw = simples.get(key);
    if (!raw) throw new Error(`schema: unknown type ${key}`);
    const base = simpleOf(raw.base);
    const t: SimpleType = {
      kind: 'simple',
      name: key,
      builtin: base.builtin,
      enumeration: raw.enumeration.length ? new Set(raw.enumeration) : base.enumeration,
    };
    types.set(key, t);
    return t;
  };
  const typeOf = (key: string): ComplexType | SimpleType => {
    const found = types.get(key);
    if (found) return found;
    const raw = complexes.get(key);
    if (!raw) return simpleOf(key || qkey(XS, 'anyType'));
    // Registered before its particles are resolved, so recursive types terminate.
    const t: ComplexType = { kind: 'complex', name: key, particles: [] };
    types.set(key, t);
    const base = raw.base ? typeOf(raw.base) : undefined;
    if (base?.kind === 'complex') t.particles.push(...base.particles);
    t.particles.push(...raw.own.map(particleOf));
    return t;
  };
  const particleOf = (p: RawParticle): Particle => ({
    ns: p.ns, name: p.name, minOccurs: p.minOccurs, maxOccurs: p.maxOccurs, nillable: p.nillable, type: typeOf(p.typeKey),
  });

  const elements = new Map<string, Particle>();
  for (const g of globals) elements.set(qkey(g.ns, g.name), particleOf(g));
  return { elements, types };
}
