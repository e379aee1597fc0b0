/**
 * The SOAP 1.1 envelope both ways, driven by the generated model alone (zeep's layering: this file is the "wsdl"
 * step between the codec's values and the transport's bytes).
 *
 * Writing: every element in its schema namespace and order, as the codec's Encoder shaped the values. Each
 * namespace the body uses is declared once, on the Envelope, under a short prefix handed out as it is first met
 * (the vendor's examples do the same with `pws:` and `req:`), so an envelope costs the same whatever the size of the
 * contract: only what the body uses is declared. A derived instance carries `xsi:type`.
 *
 * Reading: the Body's one element is either the operation's output wrapper, returned as a tree for the Decoder, or
 * a SOAP Fault, thrown as a {@link SoapFault} for map-error.ts.
 */
import { ResponseFormatError } from '../errors';
import { type TypeTable, type Wire, isRepeated } from './codec';
import { GENERATED_TABLES, type OperationName } from './operations';
import { childNamed, readXml, XSI_NS, type XNode } from './xml-tree';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP Fault as it arrived: map-error.ts classifies it by its detail (e.g. PwsFault). */
export class SoapFault extends Error {
  override readonly name = 'SoapFault';
  constructor(
    readonly faultCode: string | undefined,
    readonly faultString: string | undefined,
    readonly detail: XNode | undefined,
  ) {
    super(`SOAP fault ${faultCode ?? ''}`.trim());
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };
const NEEDS_ESCAPE = /[&<>"\r]/;
/** Text and attribute values; a CR is a character reference so that no parser normalises it away. */
export const escapeXml = (text: string): string => (NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"\r]/g, (c) => ESCAPES[c]) : text);

const PREFIXES = 'abcdefghjklmnopqrtuvwxyz';

/** Writes one body, declaring namespaces as they are first used; `declarations()` lists them for the Envelope. */
class BodyWriter {
  /** Namespace -> prefix, in the order first used; `s` (the envelope) and `i` (xsi) are fixed. */
  private readonly prefixes = new Map<string, string>([[SOAP_ENV_NS, 's']]);
  private readonly out: string[] = [];
  constructor(private readonly types: TypeTable) {}

  private prefix(ns: string): string {
    let p = this.prefixes.get(ns);
    if (p === undefined) {
      const n = this.prefixes.size - 1 - (this.prefixes.has(XSI_NS) ? 1 : 0);
      p = ns === XSI_NS ? 'i' : n < PREFIXES.length ? PREFIXES[n] : `n${n}`;
      this.prefixes.set(ns, p);
    }
    return p;
  }

  private qname(name: string, ns: string): string {
    return ns ? `${this.prefix(ns)}:${name}` : name;
  }

  element(name: string, ns: string, typeKey: string, value: unknown): void {
    const tag = this.qname(name, ns);
    if (value === null || value === undefined) {
      this.prefix(XSI_NS);
      this.out.push(`<${tag} i:nil="true"/>`);
      return;
    }
    const declared = this.types[typeKey];
    if (declared?.kind !== 'complex') {
      this.out.push(`<${tag}>${escapeXml(String(value))}</${tag}>`);
      return;
    }
    const input = value as Wire;
    // The Encoder marks a derived instance with the TYPES key of its own type.
    const actualKey = typeof input.$type === 'string' ? input.$type : typeKey;
    const actual = this.types[actualKey];
    const t = actual?.kind === 'complex' ? actual : declared;
    let open = `<${tag}`;
    if (actualKey !== typeKey) {
      this.prefix(XSI_NS);
      open += ` i:type="${this.qname(t.name, t.ns)}"`;
    }
    const at = this.out.push(open) - 1;
    let empty = true;
    for (const m of t.members) {
      const v = input[m.name];
      if (v === undefined) continue;
      if (empty) {
        this.out[at] += '>';
        empty = false;
      }
      if (isRepeated(m) && Array.isArray(v)) for (const item of v) this.element(m.name, m.ns, m.type, item);
      else this.element(m.name, m.ns, m.type, v);
    }
    if (empty) this.out[at] += '/>';
    else this.out.push(`</${tag}>`);
  }

  text(): string {
    return this.out.join('');
  }

  declarations(): string {
    let d = '';
    for (const [ns, p] of this.prefixes) d += ` xmlns:${p}="${escapeXml(ns)}"`;
    return d;
  }
}

/** The whole request envelope of `operation` for the Encoder's wire value of its input wrapper. */
export function writeRequest(operation: OperationName, wire: Wire, tables = GENERATED_TABLES): string {
  const wrapper = tables.ELEMENTS[tables.OPERATIONS[operation].input];
  const body = new BodyWriter(tables.TYPES);
  body.element(wrapper.name, wrapper.ns, wrapper.type, wire);
  const text = body.text();
  return `<s:Envelope${body.declarations()}><s:Body>${text}</s:Body></s:Envelope>`;
}

const unreadable = (operation: OperationName, problem: string, retryable = false) =>
  new ResponseFormatError(`${operation}: the response ${problem}`, { code: 'ResponseFormat', operation, requestSent: true, retryable });

/**
 * Reads an answer: the operation's output wrapper element, or a thrown SoapFault. Hostile or truncated input is
 * refused by the guard's pass that also builds the tree (xml-tree.ts).
 */
export function readResponse(operation: OperationName, body: string, httpStatus = 200, tables = GENERATED_TABLES): XNode {
  // One pass: the guard's checks (hostile constructs, truncation, a SOAP 1.1 Envelope) and the tree.
  const root = readXml(body, { envelope: true });
  const bodyNode = childNamed(root, SOAP_ENV_NS, 'Body');
  const first = bodyNode?.children[0];
  if (!first) throw unreadable(operation, 'has an empty SOAP Body');
  if (first.ns === SOAP_ENV_NS && first.local === 'Fault') {
    const text = (local: string) => first.children.find((c) => c.local === local && c.ns === '')?.text;
    throw new SoapFault(text('faultcode')?.trim(), text('faultstring'), first.children.find((c) => c.local === 'detail' && c.ns === ''));
  }
  const wrapper = tables.ELEMENTS[tables.OPERATIONS[operation].output];
  if (first.ns !== wrapper.ns || first.local !== wrapper.name) {
    throw unreadable(operation, `answers {${first.ns}}${first.local}, not {${wrapper.ns}}${wrapper.name}`);
  }
  if (httpStatus !== 200) throw unreadable(operation, `came with HTTP ${httpStatus} but is no SOAP Fault`, true);
  return first;
}
