/**
 * The gate every response body passes: one forward pass, using indexOf to skip text, so its cost is linear in the
 * body length whatever the input. It rejects every construct PWS never sends (DOCTYPE, ENTITY declarations,
 * processing instructions, Object.prototype member names, excessive nesting) and tells a body cut in transit
 * (worth asking again) from a malformed one. The same pass hands what it reads to a visitor: xml-tree.ts builds the
 * answer's tree from it, so a body is scanned once, not once to check and again to parse.
 */
import { ResponseFormatError } from '../errors';

export interface XmlGuardOptions {
  /** Deepest element nesting accepted; PWS responses stay far below it. */
  maxDepth: number;
  /** The root must be a SOAP 1.1 Envelope (what guardXml checks); default true. */
  envelope: boolean;
}

/** What the scan reads, in document order. Text is raw character data: entity references are not yet decoded. */
export interface XmlVisitor {
  open(name: string, attributes: readonly Attribute[], namespaces: ReadonlyMap<string, string> | undefined, offset: number): void;
  close(): void;
  text(raw: string, offset: number): void;
  cdata(text: string): void;
}

/** An attribute as written: its qualified name and its raw value. */
export type Attribute = readonly [name: string, value: string];

const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Object.prototype's member names: PWS never uses them, and a consumer's own parser might turn them into keys. */
const FORBIDDEN_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/** Attributes whose values become object keys too (SOAP-encoding multiRef ids, WCF z:Id / z:Ref). */
const REFERENCE_ATTRIBUTES = new Set(['href', 'id', 'Id', 'ref', 'Ref']);

export function reject(reason: string, offset: number, retryable = false): never {
  // The body is never quoted: it may carry a session ticket.
  throw new ResponseFormatError(`Response rejected before parsing: ${reason} (at character ${offset})`, {
    code: 'ResponseFormat',
    retryable,
    requestSent: true,
  });
}

/** A body that ends early was cut in transit, not malformed by the server: asking again may well succeed. */
function truncated(what: string, offset: number): never {
  reject(`truncated${what ? ` ${what}` : ''}`, offset, true);
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isNameEnd = (c: number) => isWs(c) || c === 0x3e /* > */ || c === 0x2f /* / */ || c === 0x3d /* = */;
const NAME_BREAKERS = /["'<&;,()[\]{}!?\\]/;

/** Checks a qualified name (element or attribute) and returns its local part. */
function checkName(qname: string, offset: number): string {
  const colon = qname.indexOf(':');
  if (qname.length === 0 || NAME_BREAKERS.test(qname) || colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
    reject('malformed name', offset);
  }
  const local = colon === -1 ? qname : qname.slice(colon + 1);
  if (FORBIDDEN_NAMES.has(local) || (colon !== -1 && FORBIDDEN_NAMES.has(qname.slice(0, colon)))) {
    reject(`forbidden name "${qname}"`, offset);
  }
  return local;
}

function onlyWhitespace(body: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isWs(body.charCodeAt(k))) return false;
  return true;
}

interface StartTag {
  name: string;
  selfClosing: boolean;
  end: number; // index after '>'
  /** prefix ('' for default) -> URI, declared on this tag; undefined when it declares none. */
  namespaces?: Map<string, string>;
  attributes: Attribute[];
}

function readStartTag(body: string, start: number): StartTag {
  const n = body.length;
  let j = start + 1;
  while (j < n && !isNameEnd(body.charCodeAt(j))) j++;
  const name = body.slice(start + 1, j);
  checkName(name, start);
  let namespaces: Map<string, string> | undefined;
  const attributes: Attribute[] = [];
  for (;;) {
    const before = j;
    while (j < n && isWs(body.charCodeAt(j))) j++;
    if (j >= n) truncated('start tag', start);
    const c = body.charCodeAt(j);
    if (c === 0x3e) return { name, selfClosing: false, end: j + 1, namespaces, attributes };
    if (c === 0x2f) {
      if (body.charCodeAt(j + 1) !== 0x3e) reject('malformed start tag', j);
      return { name, selfClosing: true, end: j + 2, namespaces, attributes };
    }
    if (before === j) reject('attributes must be separated by whitespace', j);
    const attrStart = j;
    while (j < n && !isNameEnd(body.charCodeAt(j))) j++;
    const attr = body.slice(attrStart, j);
    const local = checkName(attr, attrStart);
    while (j < n && isWs(body.charCodeAt(j))) j++;
    if (body.charCodeAt(j) !== 0x3d) reject('attribute without a value', attrStart);
    j++;
    while (j < n && isWs(body.charCodeAt(j))) j++;
    const quote = body[j];
    if (quote !== '"' && quote !== "'") reject('unquoted attribute value', j);
    const close = body.indexOf(quote, j + 1);
    if (close === -1) truncated('attribute value', j);
    const value = body.slice(j + 1, close);
    if (value.includes('<')) reject("'<' in an attribute value", j);
    if (attr === 'xmlns') (namespaces ??= new Map()).set('', value);
    else if (attr.startsWith('xmlns:')) (namespaces ??= new Map()).set(local, value);
    else attributes.push([attr, value]);
    if (REFERENCE_ATTRIBUTES.has(local) && FORBIDDEN_NAMES.has(value.startsWith('#') ? value.slice(1) : value)) {
      reject(`forbidden reference "${value}"`, j);
    }
    j = close + 1;
  }
}

/**
 * Throws ResponseFormatError unless `body` is a complete SOAP 1.1 Envelope without DOCTYPE, ENTITY declarations,
 * processing instructions (other than the XML declaration), Object.prototype member names or excessive nesting.
 */
export function guardXml(body: string, options: Partial<XmlGuardOptions> = {}): void {
  scanXml(body, options);
}

/** guardXml's pass, telling `visitor` what it reads (the envelope check is optional here). */
export function scanXml(body: string, options: Partial<XmlGuardOptions> = {}, visitor?: XmlVisitor): void {
  const maxDepth = options.maxDepth ?? 64;
  const envelope = options.envelope ?? true;
  const n = body.length;
  let i = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n && isWs(body.charCodeAt(i))) i++;
  if (body.startsWith('<?xml', i) && isWs(body.charCodeAt(i + 5))) {
    const end = body.indexOf('?>', i);
    if (end === -1) truncated('XML declaration', i);
    i = end + 2;
  }
  const stack: string[] = [];
  let rootDone = false;
  while (i < n) {
    const lt = body.indexOf('<', i);
    if (stack.length === 0 && !onlyWhitespace(body, i, lt === -1 ? n : lt)) reject('text outside the root element', i);
    else if (visitor && stack.length > 0 && lt > i) visitor.text(body.slice(i, lt), i);
    if (lt === -1) break;
    i = lt;
    const next = body.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (body.startsWith('<!--', i)) {
        const end = body.indexOf('-->', i + 4);
        if (end === -1) truncated('comment', i);
        i = end + 3;
      } else if (body.startsWith('<![CDATA[', i)) {
        if (stack.length === 0) reject('CDATA outside the root element', i);
        const end = body.indexOf(']]>', i + 9);
        if (end === -1) truncated('CDATA section', i);
        visitor?.cdata(body.slice(i + 9, end));
        i = end + 3;
      } else if (body.slice(i + 2, i + 9).toUpperCase() === 'DOCTYPE') {
        reject('DOCTYPE declaration', i);
      } else if (body.slice(i + 2, i + 8).toUpperCase() === 'ENTITY') {
        reject('ENTITY declaration', i);
      } else {
        reject('markup declaration', i);
      }
    } else if (next === 0x3f /* ? */) {
      reject('processing instruction', i);
    } else if (next === 0x2f /* / */) {
      const gt = body.indexOf('>', i + 2);
      if (gt === -1) truncated('end tag', i);
      const name = body.slice(i + 2, gt).trimEnd();
      if (stack.pop() !== name) reject(`unbalanced end tag </${name}>`, i);
      visitor?.close();
      if (stack.length === 0) rootDone = true;
      i = gt + 1;
    } else {
      if (rootDone) reject('a second root element', i);
      const tag = readStartTag(body, i);
      if (stack.length + 1 > maxDepth) reject(`nesting deeper than ${maxDepth}`, i);
      if (stack.length === 0 && envelope) checkEnvelope(tag, i);
      visitor?.open(tag.name, tag.attributes, tag.namespaces, i);
      if (tag.selfClosing) {
        visitor?.close();
        if (stack.length === 0) rootDone = true;
      } else {
        stack.push(tag.name);
      }
      i = tag.end;
    }
  }
  if (stack.length > 0) truncated(`(${stack.length} element(s) not closed)`, n);
  if (!rootDone) reject('no root element', n);
}

function checkEnvelope(root: StartTag, offset: number): void {
  const colon = root.name.indexOf(':');
  const prefix = colon === -1 ? '' : root.name.slice(0, colon);
  const local = colon === -1 ? root.name : root.name.slice(colon + 1);
  if (local !== 'Envelope' || root.namespaces?.get(prefix) !== SOAP11_ENVELOPE_NS) {
    reject('the root element is not a SOAP 1.1 Envelope', offset);
  }
}
