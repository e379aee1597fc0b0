/**
 * Parses a SOAP 1.1 request and validates its body against the contract's schema model (schema.ts) in one sax pass.
 *
 * The real WCF service silently skips elements it does not expect (wrong namespace, wrong order), leaving the
 * member at its default. The simulator is stricter on purpose: any deviation from the schema is answered with a
 * SOAP fault that names the offending element, so a client bug fails loudly here instead of quietly in production.
 * DOCTYPEs are refused outright (no entity expansion, no external fetches).
 */
import * as sax from 'sax';
import { XSI_NS, type XNode } from '../soap/xml-tree';
import { NS } from '../soap/operations';
import { DECIMAL, DOUBLE, INTEGER_RANGES, isDateTime } from '../soap/xsd-values';
import { qkey, type ComplexType, type Particle, type SchemaModel, type SimpleType } from './schema';

export type { XNode };

export class RequestInvalidError extends Error {
  override readonly name = 'RequestInvalidError';
}

interface Frame {
  node: XNode;
  /** undefined: content is not validated (SOAP header blocks). */
  type?: ComplexType | SimpleType;
  idx: number;
  count: number;
  role: 'envelope' | 'header' | 'skip' | 'body' | 'data';
}

const DATE = /^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const DURATION = /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
/** Builtins whose whitespace is kept; every other builtin's value is compared trimmed. */
const PRESERVES_WHITESPACE = new Set(['string', 'anyType', 'anySimpleType']);
const label = (ns: string, local: string) => `{${ns}}${local}`;

/** Whether one value (already whitespace-handled) is in the value space of the builtin. */
function builtinAccepts(builtin: string, v: string): boolean {
  const range = INTEGER_RANGES[builtin];
  if (range) {
    if (!/^[+-]?\d+$/.test(v) || v.replace(/^[+-]?0*/, '').length > 40) return false;
    const n = BigInt(v);
    const [lo, hi] = range;
    return (lo === undefined || n >= lo) && (hi === undefined || n <= hi);
  }
  switch (builtin) {
    case 'boolean':
      return v === 'true' || v === 'false' || v === '1' || v === '0';
    case 'dateTime':
      return isDateTime(v);
    case 'date':
      return DATE.test(v);
    case 'time':
      return TIME.test(v);
    case 'decimal':
      return DECIMAL.test(v);
    case 'double':
    case 'float':
      return DOUBLE.test(v);
    case 'duration':
      return DURATION.test(v);
    default:
      return true;
  }
}

function checkSimple(type: SimpleType, raw: string, where: string): void {
  const v = PRESERVES_WHITESPACE.has(type.builtin) && !type.list ? raw : raw.trim();
  let ok = type.list ? v.split(/\s+/).filter(Boolean).every((item) => builtinAccepts(type.builtin, item)) : builtinAccepts(type.builtin, v);
  if (ok && type.enumeration) ok = type.enumeration.has(v);
  if (!ok) throw new RequestInvalidError(`The value '${v.slice(0, 40)}' of element ${where} is not a valid ${type.enumeration ? 'value of ' + type.name : type.builtin}.`);
}

/** Finds the particle `child` matches, advancing the frame through the sequence; throws naming the element. */
function matchChild(frame: Frame, type: ComplexType, ns: string, local: string): Particle {
  const ps = type.particles;
  while (frame.idx < ps.length) {
    const p = ps[frame.idx];
    if (p.ns === ns && p.name === local && frame.count < p.maxOccurs) {
      frame.count++;
      return p;
    }
    if (frame.count < p.minOccurs) break;
    frame.idx++;
    frame.count = 0;
  }
  const where = label(ns, local);
  const parent = label(frame.node.ns, frame.node.local);
  if (ps.some((p) => p.ns === ns && p.name === local)) {
    throw new RequestInvalidError(`Element ${where} is out of order (or repeated) in ${parent}; expected order: ${ps.map((p) => p.name).join(', ')}.`);
  }
  const sameName = ps.find((p) => p.name === local);
  if (sameName) throw new RequestInvalidError(`Element ${local} in ${parent} has the wrong namespace '${ns}'; expected '${sameName.ns}'.`);
  throw new RequestInvalidError(`Element ${where} is not expected in ${parent}.`);
}

function checkComplete(frame: Frame, type: ComplexType): void {
  for (let i = frame.idx; i < type.particles.length; i++) {
    const p = type.particles[i];
    const have = i === frame.idx ? frame.count : 0;
    if (have < p.minOccurs) throw new RequestInvalidError(`Element ${label(frame.node.ns, frame.node.local)} is missing ${label(p.ns, p.name)}.`);
  }
}

/** Returns the Body's operation element, validated against the schema. */
export function parseRequest(xml: string, model: SchemaModel): XNode {
  const parser = sax.parser(true, { xmlns: true, trim: false, normalize: false });
  const stack: Frame[] = [];
  let root: XNode | undefined;
  let payload: XNode | undefined;
  let bodySeen = false;
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    throw e;
  };

  parser.ondoctype = () => fail(new RequestInvalidError('DOCTYPE is not allowed in a SOAP message.'));
  parser.onprocessinginstruction = (pi) => {
    if (pi.name !== 'xml' || root) fail(new RequestInvalidError(`Processing instruction '${pi.name}' is not allowed.`));
  };
  parser.onerror = (e) => fail(new RequestInvalidError(`The request is not well-formed XML: ${e.message.split('\n')[0]}`));
  parser.onopentag = (t) => {
    const tag = t as sax.QualifiedTag;
    const nilAttr = Object.values(tag.attributes).find((a) => a.uri === XSI_NS && a.local === 'nil');
    const typeAttr = Object.values(tag.attributes).find((a) => a.uri === XSI_NS && a.local === 'type');
    const node: XNode = { ns: tag.uri, local: tag.local, nil: nilAttr?.value === 'true' || nilAttr?.value === '1', text: '', children: [] };
    if (typeAttr) {
      const [prefix, local] = typeAttr.value.includes(':') ? typeAttr.value.split(':', 2) : ['', typeAttr.value];
      node.type = qkey(tag.ns[prefix] ?? '', local);
    }
    const parent = stack[stack.length - 1];
    let frame: Frame;
    if (!parent) {
      if (root) fail(new RequestInvalidError('More than one root element.'));
      if (tag.uri !== NS.soapEnvelope || tag.local !== 'Envelope') {
        fail(new RequestInvalidError(`The root element must be {${NS.soapEnvelope}}Envelope, not ${label(tag.uri, tag.local)}.`));
      }
      root = node;
      frame = { node, idx: 0, count: 0, role: 'envelope' };
    } else if (parent.role === 'skip' || parent.role === 'header') {
      frame = { node, idx: 0, count: 0, role: 'skip' };
    } else if (parent.role === 'envelope') {
      const isHeader = tag.uri === NS.soapEnvelope && tag.local === 'Header' && !bodySeen && parent.node.children.length === 0;
      const isBody = tag.uri === NS.soapEnvelope && tag.local === 'Body' && !bodySeen;
      if (!isHeader && !isBody) fail(new RequestInvalidError(`Element ${label(tag.uri, tag.local)} is not expected in the SOAP Envelope.`));
      if (isBody) bodySeen = true;
      frame = { node, idx: 0, count: 0, role: isHeader ? 'header' : 'body' };
    } else if (parent.role === 'body') {
      if (payload) fail(new RequestInvalidError('The SOAP Body must contain exactly one element.'));
      const key = qkey(tag.uri, tag.local);
      const decl = model.elements.get(key);
      if (!decl || !model.inputs.has(key)) fail(new RequestInvalidError(`The SOAP Body element ${label(tag.uri, tag.local)} is not an operation of this service.`));
      payload = node;
      frame = { node, type: decl!.type, idx: 0, count: 0, role: 'data' };
    } else if (parent.type?.kind === 'simple' && parent.type.builtin === 'anyType') {
      // xs:anyType content is not validated (WCF data contracts use it for `object` members).
      frame = { node, idx: 0, count: 0, role: 'skip' };
    } else {
      const ptype = parent.type;
      if (!ptype || ptype.kind !== 'complex') {
        return fail(new RequestInvalidError(`Element ${label(parent.node.ns, parent.node.local)} must not contain element ${label(tag.uri, tag.local)}.`));
      }
      if (parent.node.nil) fail(new RequestInvalidError(`Element ${label(parent.node.ns, parent.node.local)} is nil and must be empty.`));
      const particle = matchChild(parent, ptype, tag.uri, tag.local);
      if (node.nil && !particle.nillable) fail(new RequestInvalidError(`Element ${label(tag.uri, tag.local)} is not nillable.`));
      let type = particle.type;
      if (node.type && node.type !== particle.type.name) {
        // xsi:type: a derived instance is validated as its own type (WCF refuses a type that does not derive).
        const derived = model.variant(particle.type.name, node.type);
        if (!derived) fail(new RequestInvalidError(`Element ${label(tag.uri, tag.local)} has xsi:type ${node.type}, which is not ${particle.type.name} or derived from it.`));
        type = derived!;
      }
      frame = { node, type, idx: 0, count: 0, role: 'data' };
    }
    parent?.node.children.push(node);
    stack.push(frame);
  };
  parser.ontext = (text) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (text.trim()) fail(new RequestInvalidError('Text outside the root element.'));
      return;
    }
    if (top.role === 'skip' || top.role === 'header') return;
    if (top.role === 'data' && top.type?.kind === 'simple') {
      if (top.node.nil && text.length) fail(new RequestInvalidError(`Element ${label(top.node.ns, top.node.local)} is nil and must be empty.`));
      top.node.text += text;
    } else if (text.trim()) {
      fail(new RequestInvalidError(`Element ${label(top.node.ns, top.node.local)} cannot contain text.`));
    }
  };
  parser.oncdata = parser.ontext;
  parser.onclosetag = () => {
    const frame = stack.pop()!;
    if (frame.role !== 'data' || frame.node.nil || !frame.type) return;
    const where = label(frame.node.ns, frame.node.local);
    if (frame.type.kind === 'complex') checkComplete(frame, frame.type);
    else checkSimple(frame.type, frame.node.text, where);
  };

  try {
    parser.write(xml).close();
  } catch (e) {
    throw failure ?? (e instanceof RequestInvalidError ? e : new RequestInvalidError(`The request could not be parsed: ${(e as Error).message.split('\n')[0]}`));
  }
  if (failure) throw failure;
  if (!root) throw new RequestInvalidError('The request body is empty.');
  if (!payload) throw new RequestInvalidError('The SOAP Body is missing or empty.');
  return payload;
}

/** Small readers the handlers use on a validated tree (local names only: namespaces were checked already). */
export const child = (n: XNode | undefined, local: string): XNode | undefined => n?.children.find((c) => c.local === local);
export const childrenNamed = (n: XNode | undefined, local: string): XNode[] => n?.children.filter((c) => c.local === local) ?? [];
export function textOf(n: XNode | undefined, local: string): string | undefined {
  const c = child(n, local);
  return c && !c.nil ? c.text : undefined;
}
export function intOf(n: XNode | undefined, local: string): number | undefined {
  const t = textOf(n, local);
  return t === undefined ? undefined : Number(t.trim());
}
