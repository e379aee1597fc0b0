/**
 * Redaction of passwords and session tickets from any text that may reach a log line, an error message or a
 * debugger. Both functions are linear-time (no regular expressions over untrusted text), because they run on
 * whole envelopes and on server messages that an attacker may shape.
 */

const REDACTED = '[REDACTED]';

/** The forms a secret takes once node-soap (or any XML writer) has escaped it for an element or attribute. */
function escapedForms(secret: string): string[] {
  const amp = secret.replace(/&/g, '&amp;');
  const text = amp.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const attr = text.replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const numeric = text.replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  return [secret, amp, text, attr, numeric];
}

/** Replaces each secret, and its XML-escaped forms, with '[REDACTED]'. Empty secrets are ignored. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    for (const form of escapedForms(secret)) forms.add(form);
  }
  // Longest first, so that a secret containing another one is not left half-replaced.
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

const SECRET_ELEMENTS = new Set(['Password', 'SessionTicket']);

function isNameEnd(code: number): boolean {
  // whitespace, '/', '>'
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2f || code === 0x3e;
}

/**
 * Replaces the content of every Password and SessionTicket element (any prefix) with '[REDACTED]', including
 * CDATA or markup inside it. An element that is never closed (a truncated envelope) is redacted to the end.
 */
export function redactEnvelope(xml: string): string {
  let out = '';
  let copied = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    let end = i + 1;
    while (end < xml.length && !isNameEnd(xml.charCodeAt(end))) end++;
    const qname = xml.slice(i + 1, end);
    const local = qname.slice(qname.indexOf(':') + 1);
    const first = qname.charCodeAt(0);
    if (first === 0x2f || first === 0x21 || first === 0x3f || !SECRET_ELEMENTS.has(local)) {
      i = xml.indexOf('<', i + 1);
      continue; // closing tags, comments, PIs and other elements
    }
    const tagEnd = xml.indexOf('>', end);
    if (tagEnd === -1) return out + xml.slice(copied, end) + REDACTED;
    if (xml.charCodeAt(tagEnd - 1) === 0x2f) {
      i = xml.indexOf('<', tagEnd);
      continue; // <Password/> carries nothing
    }
    const close = xml.indexOf(`</${qname}`, tagEnd);
    out += xml.slice(copied, tagEnd + 1) + REDACTED;
    if (close === -1) return out;
    copied = close;
    i = xml.indexOf('<', close + 1);
  }
  return out + xml.slice(copied);
}
