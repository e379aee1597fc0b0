/**
 * Compiles the loaded schemas into TYPES and ELEMENTS (see model-shape.ts). Understood: named and anonymous
 * complex types with sequence / all / choice / group ref (flattened; choice branches become optional), complexContent
 * extension (base members first, as WCF serializes them) and restriction, simpleContent (base only), simple types
 * by restriction (with enumerations), list and union (as xs:string), element ref=, form / elementFormDefault.
 * Attributes and xs:any carry nothing a WCF data contract sends, so they are skipped, not guessed at.
 *
 * Anonymous types get keys from where they are declared: `{ns}Element#element` for a global element's type,
 * `<owner type key>/<Member>` for a local element's (e.g. `{ns}PwsAuthenticate#element/serviceRequest`).
 */
import type { LoadedContract, SchemaDoc } from './load';
import type { ComplexTypeModel, ElementModel, MemberModel, SimpleTypeModel, TypeModel } from './model-shape';
import { childrenOf, clark, resolveQName, XS_NS, type XmlNode } from './xml';

export interface SchemaModel {
  readonly types: ReadonlyMap<string, TypeModel>;
  readonly elements: ReadonlyMap<string, ElementModel>;
}

interface Decl {
  readonly node: XmlNode;
  readonly schema: SchemaDoc;
}

const ANY_TYPE = clark(XS_NS, 'anyType');
const STRING = clark(XS_NS, 'string');
const occurs = (v: string | undefined, dflt: number) => (v === undefined ? dflt : v === 'unbounded' ? -1 : Number(v));
const times = (a: number, b: number) => (a === 0 || b === 0 ? 0 : a === -1 || b === -1 ? -1 : a * b);
const splitKey = (key: string) => ({ ns: key.slice(1, key.indexOf('}')), name: key.slice(key.indexOf('}') + 1) });

export function compileSchemas(contract: LoadedContract): SchemaModel {
  const globals = { complexType: new Map<string, Decl>(), simpleType: new Map<string, Decl>(), element: new Map<string, Decl>(), group: new Map<string, Decl>() };
  for (const schema of contract.schemas) {
    for (const node of childrenOf(schema.node, XS_NS, 'complexType', 'simpleType', 'element', 'group')) {
      const table = globals[node.local as keyof typeof globals];
      const key = clark(schema.targetNamespace, node.attrs.name ?? '');
      const previous = table.get(key);
      if (previous) throw new Error(`${schema.file}: xs:${node.local} ${key} is declared twice (also in ${previous.schema.file})`);
      table.set(key, { node, schema });
    }
  }

  const types = new Map<string, TypeModel>();
  const inProgress = new Set<string>();
  const q = (d: Decl, value: string) => resolveQName(d.node, value, d.schema.file);

  /** The type key of an element declaration; compiles an inline (anonymous) type under `anonKey`. */
  const elementType = (d: Decl, anonKey: string): string => {
    if (d.node.attrs.type) return typeKey(q(d, d.node.attrs.type), d.schema.file);
    const inline = childrenOf(d.node, XS_NS, 'complexType', 'simpleType')[0];
    if (!inline) return typeKey(ANY_TYPE, d.schema.file);
    compile(anonKey, { node: inline, schema: d.schema });
    return anonKey;
  };

  /** Makes sure `key` is in TYPES (builtins included, so every key the model names can be looked up). */
  const typeKey = (key: string, from: string): string => {
    if (types.has(key) || inProgress.has(key)) return key;
    const decl = globals.complexType.get(key) ?? globals.simpleType.get(key);
    if (decl) compile(key, decl);
    else if (key.startsWith(`{${XS_NS}}`)) types.set(key, { kind: 'simple', name: splitKey(key).name, ns: XS_NS, base: key });
    else throw new Error(`${from}: type ${key} is not declared in any loaded schema`);
    return key;
  };

  function compile(key: string, d: Decl): void {
    if (types.has(key)) return;
    if (inProgress.has(key)) throw new Error(`${d.schema.file}: ${key} derives from itself`);
    inProgress.add(key);
    types.set(key, d.node.local === 'complexType' ? complex(key, d) : simple(key, d));
    inProgress.delete(key);
  }

  /** Own members only; extension bases are prepended once every type is known (a base may use its subtype). */
  const extensionBase = new Map<string, string>();
  function complex(key: string, d: Decl): ComplexTypeModel {
    const { ns, name } = splitKey(key);
    const content = childrenOf(d.node, XS_NS, 'complexContent', 'simpleContent')[0];
    const derivation = content && childrenOf(content, XS_NS, 'extension', 'restriction')[0];
    let base: string | undefined;
    if (derivation?.attrs.base) {
      base = typeKey(q({ node: derivation, schema: d.schema }, derivation.attrs.base), d.schema.file);
      // xs:anyType is every type's base: saying so would only hide that a type is a plain collection.
      if (base === ANY_TYPE) base = undefined;
      // A restriction restates the members it keeps, so only an extension inherits.
      else if (derivation.local === 'extension') extensionBase.set(key, base);
    }
    const members: MemberModel[] = [];
    if (content?.local !== 'simpleContent') particles(derivation ?? d.node, d.schema, key, 1, 1, members);
    return base === undefined ? { kind: 'complex', name, ns, members } : { kind: 'complex', name, ns, base, members };
  }

  const flattened = new Set<string>();
  function flatten(key: string, chain: string[] = []): readonly MemberModel[] {
    const t = types.get(key);
    if (t?.kind !== 'complex') return [];
    const base = extensionBase.get(key);
    if (flattened.has(key) || base === undefined) return t.members;
    if (chain.includes(key)) throw new Error(`type ${key} derives from itself`);
    const members = [...flatten(base, [...chain, key]), ...t.members];
    types.set(key, { ...t, members });
    flattened.add(key);
    return members;
  }

  function particles(node: XmlNode, schema: SchemaDoc, owner: string, min: number, max: number, out: MemberModel[]): void {
    for (const c of node.children.filter((n) => n.ns === XS_NS)) {
      const cMin = times(min, occurs(c.attrs.minOccurs, 1));
      const cMax = times(max, occurs(c.attrs.maxOccurs, 1));
      if (c.local === 'element') out.push(member({ node: c, schema }, owner, cMin, cMax, out));
      else if (c.local === 'sequence' || c.local === 'all') particles(c, schema, owner, cMin, cMax, out);
      else if (c.local === 'choice') {
        const branches = c.children.filter((b) => b.ns === XS_NS && b.local !== 'annotation').length;
        particles(c, schema, owner, branches > 1 ? 0 : cMin, cMax, out);
      }
      else if (c.local === 'group' && c.attrs.ref) {
        const g = globals.group.get(resolveQName(c, c.attrs.ref, schema.file));
        if (!g) throw new Error(`${schema.file}: group ${c.attrs.ref} is not declared`);
        particles(g.node, g.schema, owner, cMin, cMax, out);
      }
    }
  }

  function member(d: Decl, owner: string, minOccurs: number, maxOccurs: number, siblings: MemberModel[]): MemberModel {
    if (d.node.attrs.ref) {
      const e = element(q(d, d.node.attrs.ref), d.schema.file);
      return { name: e.name, ns: e.ns, type: e.type, minOccurs, maxOccurs, nillable: e.nillable };
    }
    const name = d.node.attrs.name ?? '';
    const qualified = (d.node.attrs.form ?? d.schema.node.attrs.elementFormDefault) === 'qualified';
    const clash = siblings.filter((m) => m.name === name).length;
    const type = elementType(d, `${owner}/${name}${clash ? `~${clash + 1}` : ''}`);
    return { name, ns: qualified ? d.schema.targetNamespace : '', type, minOccurs, maxOccurs, nillable: d.node.attrs.nillable === 'true' };
  }

  function simple(key: string, d: Decl): SimpleTypeModel {
    const { ns, name } = splitKey(key);
    const [how] = childrenOf(d.node, XS_NS, 'restriction', 'list', 'union');
    const inner = (n: XmlNode, suffix: string): string | undefined => {
      const inline = childrenOf(n, XS_NS, 'simpleType')[0];
      if (!inline) return undefined;
      compile(`${key}${suffix}`, { node: inline, schema: d.schema });
      return `${key}${suffix}`;
    };
    if (how?.local === 'restriction') {
      const b = how.attrs.base ? typeKey(q({ node: how, schema: d.schema }, how.attrs.base), d.schema.file) : inner(how, '#base');
      const bt = b ? types.get(b) : undefined;
      const own = childrenOf(how, XS_NS, 'enumeration').map((e) => e.attrs.value ?? '');
      const enumeration = own.length ? own : bt?.kind === 'simple' ? bt.enumeration : undefined;
      const baseKey = bt?.kind === 'simple' ? bt.base : STRING;
      return { kind: 'simple', name, ns, base: baseKey, ...(enumeration && { enumeration }), ...(bt?.kind === 'simple' && bt.list && { list: true }) };
    }
    if (how?.local === 'list') {
      const item = how.attrs.itemType ? typeKey(q({ node: how, schema: d.schema }, how.attrs.itemType), d.schema.file) : inner(how, '#item');
      const it = item ? types.get(item) : undefined;
      return { kind: 'simple', name, ns, base: it?.kind === 'simple' ? it.base : STRING, list: true };
    }
    return { kind: 'simple', name, ns, base: STRING };
  }

  const elements = new Map<string, ElementModel>();
  function element(key: string, from: string): ElementModel {
    const found = elements.get(key);
    if (found) return found;
    const d = globals.element.get(key);
    if (!d) throw new Error(`${from}: element ${key} is not declared in any loaded schema`);
    const { ns, name } = splitKey(key);
    const e: ElementModel = { name, ns, type: elementType(d, `${key}#element`), nillable: d.node.attrs.nillable === 'true' };
    elements.set(key, e);
    return e;
  }

  for (const key of [...globals.complexType.keys(), ...globals.simpleType.keys()].sort()) typeKey(key, 'schema');
  for (const key of [...globals.element.keys()].sort()) element(key, 'schema');
  for (const key of types.keys()) flatten(key);
  const sortedMap = <V>(m: Map<string, V>) => new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { types: sortedMap(types), elements: sortedMap(elements) };
}
