/**
 * Writes any value the codec's Encoder produced ("wire" objects: members by local name, leaves as
 * text, repeated members as arrays) as XML, driven by the generated schema model alone: every member in model
 * order, each element in the namespace the model gives it, absent nillable members as `i:nil="true"` (as WCF does),
 * absent non-nillable ones left out (all are minOccurs 0 in WCF data contracts), text XML-escaped.
 *
 * Prefixes follow the vendor's style without being tied to its namespaces: a complex element binds one prefix
 * (a:, b:, ...) for its type's own namespace when its children use it; a child in any other namespace not yet in
 * scope declares it as its default namespace (so the base members of a response stand with
 * `xmlns="http://projectorpsa.com/CommonServices/"`, the operation's members are `a:`, shared structures `b:`).
 */
import { ELEMENTS, TYPES, isRepeated, type ElementModel, type MemberModel, type TypeModel } from '../soap/codec';
import { NS } from '../soap/operations';
import type { OperationModel } from '../soap/operations';
import { esc, SOAP_ENVELOPE_CLOSE, SOAP_ENVELOPE_OPEN } from './xml-writer';

type TypeTable = { readonly [key: string]: TypeModel };

interface Scope {
  /** The default namespace in scope. */
  defaultNs: string;
  /** Namespace -> prefix, for every prefix in scope. */
  prefixes: ReadonlyMap<string, string>;
}

/** Prefixes handed out for namespaces, in order; `i` (xsi) and `s` (the envelope) are never reused. */
const PREFIX_LETTERS = 'abcdefghjklmnopqrtuvwxyz'.split('');


/**
 * Leaf text. The Encoder re-encodes a string that looks like a CDATA section as CDATA sections carrying exactly the
 * same text (see safeText in codec.ts); such a value is already well-formed XML and goes out as it is. A carriage
 * return is written as a character reference, so an XML parser cannot normalise it away.
 */
function leafText(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.startsWith('<![CDATA[') && text.endsWith(']]>')) return text;
  return esc(text).replace(/\r/g, '&#13;');
}

/** Binds the next free prefix to `ns` on the element being written: its declaration and the scope inside it. */
function bind(ns: string, decl: string, scope: Scope): { decl: string; inner: Scope } {
  const taken = new Set(scope.prefixes.values());
  const prefix = PREFIX_LETTERS.find((p) => !taken.has(p)) ?? `n${taken.size}`;
  return { decl: `${decl} xmlns:${prefix}="${esc(ns)}"`, inner: { defaultNs: scope.defaultNs, prefixes: new Map([...scope.prefixes, [ns, prefix]]) } };
}

export class SchemaWriter {
  constructor(
    private readonly types: TypeTable = TYPES,
    private readonly elements: { readonly [key: string]: ElementModel } = ELEMENTS,
  ) {}

  /** One element named by the model: `<name>` in `ns`, of type `typeKey`, holding `value` (undefined: nil). */
  element(name: string, ns: string, typeKey: string, value: unknown, scope: Scope, extraAttrs = ''): string {
    let tag = name;
    let decl = '';
    let inner: Scope = scope;
    if (ns !== scope.defaultNs) {
      const prefix = scope.prefixes.get(ns);
      if (prefix) tag = `${prefix}:${name}`;
      else {
        decl = ` xmlns="${esc(ns)}"`;
        inner = { defaultNs: ns, prefixes: scope.prefixes };
      }
    }
    if (value === undefined || value === null) return `<${tag}${decl}${extraAttrs} i:nil="true"/>`;
    const declared = this.types[typeKey];
    if (declared?.kind !== 'complex') return `<${tag}${decl}${extraAttrs}>${leafText(value)}</${tag}>`;

    const input = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    // The Encoder marks a derived instance with its TYPES key: it goes out with xsi:type, as WCF writes it.
    const derived = typeof input.$type === 'string' && input.$type !== typeKey ? this.types[input.$type] : undefined;
    const t = derived?.kind === 'complex' ? derived : declared;
    if (t !== declared) {
      if (!inner.prefixes.has(t.ns)) ({ decl, inner } = bind(t.ns, decl, inner));
      extraAttrs += ` i:type="${inner.prefixes.get(t.ns)}:${t.name}"`;
    }
    const members = t.members;
    const written = members.filter((m) => input[m.name] !== undefined || (m.nillable && !isRepeated(m)));
    // Bind a prefix for the type's own namespace when its children use it and it is not in scope yet.
    if (written.some((m) => m.ns === t.ns) && t.ns !== inner.defaultNs && !inner.prefixes.has(t.ns)) ({ decl, inner } = bind(t.ns, decl, inner));
    const content = written.map((m) => this.member(m, input[m.name], inner)).join('');
    return content ? `<${tag}${decl}${extraAttrs}>${content}</${tag}>` : `<${tag}${decl}${extraAttrs}/>`;
  }

  private member(m: MemberModel, value: unknown, scope: Scope): string {
    if (isRepeated(m)) {
      const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return items.map((item) => this.element(m.name, m.ns, m.type, item, scope)).join('');
    }
    return this.element(m.name, m.ns, m.type, value, scope);
  }

  /**
   * A whole response envelope: the operation's output wrapper in its namespace, holding the result member (which
   * declares xsi as `i`, as WCF does), holding the encoded result.
   */
  response(model: OperationModel, result: Record<string, unknown>): string {
    const wrapper = this.elements[model.output];
    if (!wrapper) throw new Error(`the model has no element ${model.output}`);
    const top: Scope = { defaultNs: '', prefixes: new Map([[NS.soapEnvelope, 's']]) };
    let body: string;
    if (model.resultMember) {
      const wrapperType = this.types[wrapper.type];
      const member = wrapperType?.kind === 'complex' ? wrapperType.members.find((m) => m.name === model.resultMember) : undefined;
      if (!member) throw new Error(`${model.output} has no member ${model.resultMember}`);
      const resultXml = this.element(member.name, member.ns, member.type, result, { defaultNs: wrapper.ns, prefixes: top.prefixes }, ` xmlns:i="${NS.xsi}"`);
      body = `<${wrapper.name} xmlns="${esc(wrapper.ns)}">${resultXml}</${wrapper.name}>`;
    } else {
      body = this.element(wrapper.name, wrapper.ns, wrapper.type, result, top, ` xmlns:i="${NS.xsi}"`);
    }
    return `${SOAP_ENVELOPE_OPEN}${body}${SOAP_ENVELOPE_CLOSE}`;
  }

  /** A fault detail element (e.g. PwsFault) in its own namespace, declaring xsi as `i`. */
  detail(elementKey: string, value: Record<string, unknown>): string {
    const e = this.elements[elementKey];
    if (!e) throw new Error(`the model has no element ${elementKey}`);
    return this.element(e.name, e.ns, e.type, value, { defaultNs: '', prefixes: new Map([[NS.soapEnvelope, 's']]) }, ` xmlns:i="${NS.xsi}"`);
  }
}
