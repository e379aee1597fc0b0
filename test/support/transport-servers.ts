/**
 * Raw loopback HTTP(S) servers for the transport tests: each test scripts the exact bytes, timing and socket
 * behaviour it needs. Every server records its requests and sockets so `close()` leaves no open handle.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ProjectorError } from '../../src/errors';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const envelope = (inner: string) => `<s:Envelope xmlns:s="${SOAP_ENV_NS}"><s:Body>${inner}</s:Body></s:Envelope>`;
export const REQUEST = envelope('<Ping xmlns="urn:test"/>');

/** The error a post rejected with; fails the test when it resolved. */
export async function failure(p: Promise<unknown>): Promise<ProjectorError> {
  try {
    await p;
  } catch (err) {
    return err as ProjectorError;
  }
  throw new Error('expected the post to fail');
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Loopback {
  url: string;
  host: string;
  port: number;
  requests: ReceivedRequest[];
  /** Server-side sockets that are still open. */
  sockets: Set<Socket>;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** Starts a server on 127.0.0.1:0; the handler runs once the request body has fully arrived. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<Loopback> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  server.keepAliveTimeout = 60_000;
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
    sockets.add(s);
    connections++;
    s.on('close', () => sockets.delete(s));
  });
  // Failed TLS handshakes surface here; the tests look at the client's side.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/pws`,
    host: '127.0.0.1',
    port,
    requests,
    sockets,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request with `body` as text/xml (or the given status/headers). */
export const reply =
  (body: string, status = 200, headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' }): Handler =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };

/** Resolves once `predicate` holds, polling on macrotasks (never longer than `limitInMs`). */
export async function until(predicate: () => boolean, limitInMs = 2000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitInMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
