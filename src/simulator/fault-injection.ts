/**
 * Transport faults for the next N POSTs. Faults that mangle a real answer (reset-after-body, truncated-xml,
 * wrong-content-type, drip-feed) run the operation first, so the server HAS acted: exactly the case where a
 * client cannot know the outcome of a non-idempotent call. The others (reset-before-body, http-status, empty-200,
 * oversized-body, redirect, raw) stand for a proxy or a dying connection in front of the service: the operation
 * does not run. Drip feed uses real timers: it exists to test transport timeouts.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './pipeline';
import type { FaultSpec } from './types';

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const ERROR_PAGE = (status: number) =>
  `<!DOCTYPE html><html><head><title>${status} Service Unavailable</title></head><body><h1>${status}</h1><p>The service is temporarily unavailable.</p></body></html>`;

export const runsOperation = (f: FaultSpec): boolean =>
  f.kind === 'reset-after-body' || f.kind === 'truncated-xml' || f.kind === 'wrong-content-type' || f.kind === 'drip-feed';

/** Writes `fault` to `res`; `reply` is the real answer for faults that run the operation. Returns the HTTP status sent, if any. */
export function writeFault(f: FaultSpec, res: ServerResponse, reply: Reply | undefined, timers: Set<NodeJS.Timeout>): number | undefined {
  const body = reply?.body ?? '';
  switch (f.kind) {
    case 'reset-before-body':
      res.socket?.destroy();
      return undefined;
    case 'reset-after-body': {
      const bytes = Buffer.from(body);
      res.writeHead(reply!.httpStatus, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return reply!.httpStatus;
    }
    case 'http-status': {
      const text = f.body ?? ERROR_PAGE(f.status);
      res.writeHead(f.status, { 'Content-Type': f.contentType ?? 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...f.headers });
      res.end(text);
      return f.status;
    }
    case 'truncated-xml': {
      const cut = Buffer.from(body).subarray(0, Math.floor(Buffer.byteLength(body) / 2));
      res.writeHead(200, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': cut.length });
      res.end(cut);
      return 200;
    }
    case 'empty-200':
      res.writeHead(200, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': 0 });
      res.end();
      return 200;
    case 'wrong-content-type':
      res.writeHead(reply!.httpStatus, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return reply!.httpStatus;
    case 'oversized-body': {
      // Chunked, without Content-Length: the client must notice the size while reading.
      res.writeHead(200, { 'Content-Type': XML_CONTENT_TYPE });
      const head = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><!--';
      const tail = '--></s:Body></s:Envelope>';
      let left = Math.max(0, f.bytes - head.length - tail.length);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.write(head);
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end(tail);
      };
      res.on('error', () => undefined);
      pump();
      return 200;
    }
    case 'drip-feed': {
      const bytes = Buffer.from(body);
      const parts = 20;
      const size = Math.ceil(bytes.length / parts);
      res.writeHead(reply!.httpStatus, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': bytes.length });
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        const piece = bytes.subarray(i * size, (i + 1) * size);
        i++;
        if (i >= parts || piece.length === 0) return void res.end(piece);
        res.write(piece);
        const t = setTimeout(() => {
          timers.delete(t);
          next();
        }, f.chunkIntervalInMs);
        timers.add(t);
      };
      next();
      return reply!.httpStatus;
    }
    case 'redirect':
      res.writeHead(f.status, { Location: f.location, 'Content-Length': 0 });
      res.end();
      return f.status;
    case 'raw':
      res.writeHead(f.status, { 'Content-Length': Buffer.byteLength(f.body), ...f.headers });
      res.end(f.body);
      return f.status;
  }
}
