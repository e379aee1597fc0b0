/**
 * Redaction of passwords and session tickets from any text that may reach a log line, an error message or a
 * debugger. No regular expressions over untrusted text (they run on whole envelopes and on server messages that
 * an attacker may shape): plain scans, linear in the text for each secret.
 */

const REDACTED = '[REDACTED]';

/** The forms a secret takes once an XML writer has escaped it for an element or attribute. */
function escapedForms(secret: string): string[] {
  const amp = secret.replace(/&/g, '&amp;');
  const text = amp.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const attr = text.replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const numeric = text.replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  return [secret, amp, text, attr, numeric];
}

/** ASCII letters and digits, '_', and letters of any cased script: what a word, and so a value, is made of. */
function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** '.' and '-' between two word characters join them into one value (host names: projectorpsa.com, demo-projector). */
const isJoiner = (ch: string | undefined): boolean => ch === '.' || ch === '-';

/**
 * Whether the occurrence of `form` at [start, end) stands as a whole value: not glued to a word (or a host-name
 * label) before or after it. An edge of the secret that is not itself a word character needs no boundary there.
 */
function standsAlone(text: string, form: string, start: number, end: number): boolean {
  if (isWordChar(form[0])) {
    const before = text[start - 1];
    if (isWordChar(before) || (isJoiner(before) && isWordChar(text[start - 2]))) return false;
  }
  if (isWordChar(form[form.length - 1])) {
    const after = text[end];
    if (isWordChar(after) || (isJoiner(after) && isWordChar(text[end + 1]))) return false;
  }
  return true;
}

/**
 * Replaces each secret, and its XML-escaped forms, with '[REDACTED]' where it stands as a value: a whole token,
 * a whole field, element or attribute text. Text that merely contains a secret inside a longer word or host name
 * (password `projector`, host projectorpsa.com) is left exactly as it is. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    for (const form of escapedForms(secret)) forms.add(form);
  }
  const found: [start: number, end: number][] = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
      if (standsAlone(text, form, at, at + form.length)) found.push([at, at + form.length]);
    }
  }
  if (found.length === 0) return text;
  // Earliest first, the longest of those that start together, so a secret containing another one goes whole.
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let copied = 0;
  for (const [start, end] of found) {
    if (start < copied) continue;
    out += text.slice(copied, start) + REDACTED;
    copied = end;
  }
  return out + text.slice(copied);
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
