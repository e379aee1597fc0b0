/**
 * The HTTP side, shaped like WCF on IIS: POST to the service path carries SOAP; GET serves metadata; anything
 * else is refused with a plain HTTP error. Bodies are bounded; nothing a client sends may crash the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../clock';
import { operationOfAction } from '../soap/operations';
import { runsOperation, writeFault, XML_CONTENT_TYPE } from './fault-injection';
import type { Metadata } from './metadata';
import type { Engine, Reply } from './pipeline';
import type { FaultSpec, OperationName, RequestLogEntry } from './types';

export const SERVICE_PATH = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';

export interface HttpDeps {
  clock: Clock;
  engine: Engine;
  metadata: () => Metadata;
  maxBodyBytes: number;
  faults: FaultSpec[];
  log: RequestLogEntry[];
  nextSeq: () => number;
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads the body up to `max` bytes; resolves undefined when it is larger (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        return resolve(undefined);
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHttpServer(deps: HttpDeps): { server: Server; sockets: Set<Socket>; timers: Set<NodeJS.Timeout> } {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.toLowerCase() !== SERVICE_PATH.toLowerCase()) return plain(res, 404, 'Not Found');
    if (req.method === 'GET') {
      const doc = deps.metadata().lookup(url.searchParams);
      if (doc === undefined) return plain(res, 400, 'Metadata publishing: use ?wsdl, ?singleWsdl or ?xsd=xsdN.');
      res.writeHead(200, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(doc) });
      return void res.end(doc);
    }
    if (req.method !== 'POST') return plain(res, 405, 'Method Not Allowed', { Allow: 'POST, GET' });

    const soapAction = req.headers.soapaction as string | undefined;
    const guessed = operationOfAction(soapAction?.replace(/"/g, '').trim() ?? '');
    const entry: RequestLogEntry = { seq: deps.nextSeq(), operation: 'unknown', receivedAt: deps.clock.now(), outcome: 'rejected' };
    deps.log.push(entry);
    res.on('close', () => (entry.finishedAt = deps.clock.now()));

    const body = await readBody(req, deps.maxBodyBytes);
    if (body === undefined) {
      entry.httpStatus = 413;
      return plain(res, 413, 'Request Entity Too Large', { Connection: 'close' });
    }
    const fault = deps.faults.shift();
    if (fault && !runsOperation(fault)) {
      entry.outcome = 'injected-fault';
      if (guessed) entry.operation = guessed as OperationName;
      entry.httpStatus = writeFault(fault, res, undefined, timers);
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('text/xml')) {
      entry.httpStatus = 415;
      return plain(res, 415, `Cannot process the message because the content type '${contentType}' was not the expected type '${XML_CONTENT_TYPE}'.`);
    }
    const charset = /charset\s*=\s*"?([^";\s]*)/.exec(contentType)?.[1];
    if (charset !== undefined && charset !== 'utf-8') {
      entry.httpStatus = 415;
      return plain(res, 415, `Unsupported charset in content type '${contentType}': only utf-8 is accepted.`);
    }
    const text = body.toString('utf8').replace(/^\uFEFF/, '');
    const reply: Reply = await deps.engine.process(text, soapAction, entry);
    if (fault) {
      entry.outcome = 'injected-fault';
      entry.httpStatus = writeFault(fault, res, reply, timers);
      return;
    }
    entry.httpStatus = reply.httpStatus;
    if (res.destroyed) return;
    res.writeHead(reply.httpStatus, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  }

  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  return { server, sockets, timers };
}
