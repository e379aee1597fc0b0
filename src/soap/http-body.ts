/**
 * Response-body rules of the hardened transport: which content types are SOAP, how the body is decompressed
 * (with the size cap applied to the decompressed bytes) and how its bytes become text. Kept apart from the
 * socket handling in http-transport.ts.
 */
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { ResponseFormatError } from '../errors';

const SOAP_MEDIA_TYPES = new Set(['text/xml', 'application/soap+xml']);

export function formatError(message: string, cause?: unknown): ResponseFormatError {
  return new ResponseFormatError(message, { code: 'ResponseFormat', retryable: false, requestSent: true, cause });
}

interface MediaType {
  type: string;
  charset?: string;
}

export function parseContentType(header: string | undefined): MediaType {
  const [type, ...params] = (header ?? '').split(';');
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq !== -1 && p.slice(0, eq).trim().toLowerCase() === 'charset') charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

export const isSoapMediaType = (media: MediaType): boolean => SOAP_MEDIA_TYPES.has(media.type);

const ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br']);
const normalEncoding = (header: string | undefined) => (header ?? '').trim().toLowerCase();

/** Throws ResponseFormatError for a Content-Encoding the transport cannot decode (checked before any body byte). */
export function checkContentEncoding(header: string | undefined): void {
  if (!ENCODINGS.has(normalEncoding(header))) throw formatError(`unsupported Content-Encoding "${normalEncoding(header)}"`);
}

/** A decompressor for the Content-Encoding, chosen once the first body chunk is known; undefined for identity. */
export function decompressorFor(header: string | undefined, first: Buffer): Transform | undefined {
  const e = normalEncoding(header);
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip();
  if (e === 'br') return zlib.createBrotliDecompress();
  if (e === 'deflate') {
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: tell them apart by the header.
    const zlibWrapped = first.length < 2 || ((first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0);
    return zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
  }
  return undefined;
}

const UTF16_LE_BOM = (b: Buffer) => b.length >= 2 && b[0] === 0xff && b[1] === 0xfe;
const UTF16_BE_BOM = (b: Buffer) => b.length >= 2 && b[0] === 0xfe && b[1] === 0xff;

function decoderFor(charset: string | undefined, bytes: Buffer): string {
  const c = charset ?? (UTF16_LE_BOM(bytes) ? 'utf-16le' : UTF16_BE_BOM(bytes) ? 'utf-16be' : 'utf-8');
  switch (c) {
    case 'utf-8':
    case 'utf8':
      return 'utf-8';
    case 'iso-8859-1':
    case 'latin1':
    case 'us-ascii':
      return 'latin1';
    case 'windows-1252':
      return 'windows-1252';
    case 'utf-16le':
    case 'utf-16be':
      return c;
    case 'utf-16':
      // RFC 2781: the BOM decides; without one, assume the little-endian order Windows servers use.
      return UTF16_BE_BOM(bytes) ? 'utf-16be' : 'utf-16le';
    default:
      throw formatError(`unsupported charset "${c}"`);
  }
}

/** Decodes the complete body once (so multi-byte characters split across chunks stay intact); strips a BOM. */
export function decodeBody(bytes: Buffer, charset: string | undefined): string {
  const encoding = decoderFor(charset, bytes);
  // Buffer's latin1 maps every byte to the same code point, unlike WHATWG's 'iso-8859-1' (which is windows-1252).
  if (encoding === 'latin1') return bytes.toString('latin1');
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (err) {
    throw formatError(`body is not valid ${encoding}`, err);
  }
}
