/**
 * The building blocks of the response templates. Prefixes follow the vendor examples exactly: base response
 * members in the default namespace, each with its own xmlns; `a:` for operation members; `b:` for shared
 * structures (declared on the member that holds them); `i:` for nil.
 */
import { NS } from '../soap/operations';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for element content and attributes, and drops characters XML 1.0 cannot carry. */
export function esc(value: string | number | boolean | bigint): string {
  return String(value)
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** `<p:name>value</p:name>`, or `<p:name i:nil="true"/>` for undefined/null. */
export function el(qname: string, value: string | number | boolean | bigint | undefined | null): string {
  return value === undefined || value === null ? `<${qname} i:nil="true"/>` : `<${qname}>${esc(value)}</${qname}>`;
}

/** A complex member whose content is already serialized (or nil when undefined). */
export function complex(qname: string, inner: string | undefined, attrs = ''): string {
  return inner === undefined ? `<${qname} i:nil="true"${attrs}/>` : `<${qname}${attrs}>${inner}</${qname}>`;
}

/** Seven fractional digits and `Z`, as WCF prints a UTC DateTime. */
export function timestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '0000Z');
}

export const XMLNS_B = ` xmlns:b="${NS.common}"`;
export const SOAP_ENVELOPE_OPEN = `<s:Envelope xmlns:s="${NS.soapEnvelope}"><s:Body>`;
export const SOAP_ENVELOPE_CLOSE = '</s:Body></s:Envelope>';
