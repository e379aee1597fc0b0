/**
 * Raw-HTTP helpers for tests that drive a simulator without the SDK: they build envelopes with the vendor's
 * prefixes and POST them with node:http (one connection per call, so nothing stays open after a test).
 */
import { request } from 'node:http';
import { NS, soapActionOf, type OperationName } from '../soap/operations';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PostOptions {
  soapAction?: string | null;
  contentType?: string;
  method?: string;
  headers?: Record<string, string>;
}

/** Sends `body` as is; `soapAction: null` omits the header. Rejects only on transport errors. */
export function postRaw(url: string, body: string | Buffer, options: PostOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'Content-Type': options.contentType ?? 'text/xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...options.headers,
    };
    if (options.soapAction !== null && options.soapAction !== undefined) headers.SOAPAction = `"${options.soapAction}"`;
    const req = request(url, { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request envelope in the vendor's style: `pws` operation wrapper, `req` members, `com` shared structures. */
export function envelope(operation: OperationName | string, members: string): string {
  return (
    `<soapenv:Envelope xmlns:soapenv="${NS.soapEnvelope}" xmlns:pws="${NS.service}" xmlns:req="${NS.requests}" xmlns:com="${NS.common}">` +
    `<soapenv:Header/><soapenv:Body><pws:${operation}><pws:serviceRequest>${members}</pws:serviceRequest></pws:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/** POSTs `members` wrapped for `operation`, with the matching SOAPAction. */
export function callRaw(url: string, operation: OperationName, members: string, options: PostOptions = {}): Promise<RawResponse> {
  return postRaw(url, envelope(operation, members), { soapAction: soapActionOf(operation), ...options });
}

/** Logs in with raw XML and returns the session ticket (throws with the response when there is none). */
export async function loginRaw(url: string, userName = 'alice@example.com', password = 'projector', accountCode = 'DEMO'): Promise<string> {
  const res = await callRaw(
    url,
    'PwsAuthenticate',
    `<req:AccountCode>${accountCode}</req:AccountCode><req:Password>${password}</req:Password><req:UserName>${userName}</req:UserName>`,
  );
  const m = /<a:SessionTicket>([^<]+)<\/a:SessionTicket>/.exec(res.body);
  if (!m) throw new Error(`login failed: HTTP ${res.status}`);
  return m[1];
}

/** The text of the first element with this local name (any prefix), or undefined. */
export function textOfFirst(xml: string, localName: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${localName}>`).exec(xml);
  return m?.[1];
}
