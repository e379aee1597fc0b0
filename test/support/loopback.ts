/**
 * A tiny capture server for wire-format tests: records every request (headers and raw body) and answers with
 * whatever the responder returns. Bound to 127.0.0.1 on an ephemeral port; close() also drops keep-alive sockets
 * so jest sees no open handles.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export type Responder = (request: CapturedRequest) => CannedResponse | Promise<CannedResponse>;

export interface Capture {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

const XML_HEADERS = { 'content-type': 'text/xml; charset=utf-8' };

export async function startCapture(responder: Responder, path = '/PwsProjectorServices.svc'): Promise<Capture> {
  const requests: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      Promise.resolve()
        .then(() => responder(captured))
        .then(
          (answer) => {
            res.writeHead(answer.status ?? 200, { ...XML_HEADERS, ...answer.headers });
            res.end(answer.body);
          },
          (err: unknown) => {
            res.writeHead(599, { 'content-type': 'text/plain' });
            res.end(String(err));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SERVICE_NS = 'http://projectorpsa.com/PwsProjectorServices/';
const COMMON_SERVICES_NS = 'http://projectorpsa.com/CommonServices/';

/**
 * A minimal, schema-valid Ok answer to whatever operation the request names in its SOAPAction, its ResponseId echoing
 * the request's RequestId (as the server does), so a client call completes; the answers themselves are tested elsewhere.
 */
export function okAnswer(request: CapturedRequest): CannedResponse {
  const op = /\/(Pws\w+)"?$/.exec(String(request.headers.soapaction))![1];
  const id = /RequestId[^>]*>(\d+)</.exec(request.body)?.[1] ?? '0';
  return {
    body: `<s:Envelope xmlns:s="${SOAP_ENV}"><s:Body><${op}Response xmlns="${SERVICE_NS}"><${op}Result xmlns:c="${COMMON_SERVICES_NS}">` +
      `<c:Messages/><c:ResponseId>${id}</c:ResponseId><c:Status>Ok</c:Status><c:ServerTimestampUtc>2018-10-30T21:08:14.9814113Z</c:ServerTimestampUtc>` +
      `</${op}Result></${op}Response></s:Body></s:Envelope>`,
  };
}
