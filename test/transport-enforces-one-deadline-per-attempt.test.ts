import { AbortedError, TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { REQUEST, envelope, startServer, until, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8' };

describe('HttpTransport attempt deadline and abort', () => {
  // Scaled window: 150 ms stands for the 30 s default.
  const transport = new HttpTransport({ attemptTimeoutInMs: 150 });
  afterAll(() => transport.close());

  it('gives up with Timeout (requestSent true) when the server reads the request but never sends headers', async () => {
    const server = await startServer(() => undefined);
    try {
      const err = await failure(transport.post(server.url, REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'Timeout', retryable: true, requestSent: true });
      expect(server.requests).toHaveLength(1);
      await until(() => server.sockets.size === 0); // the transport dropped the connection
    } finally {
      await server.close();
    }
  });

  it('does not let a drip-fed body extend the deadline although bytes keep arriving', async () => {
    let chunksSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>');
      // One byte every 10 ms, for 2 s in all: far beyond the 150 ms deadline, never idle for long.
      timer = setInterval(() => {
        chunksSent++;
        if (chunksSent === 200) res.end('</s:Body></s:Envelope>');
        else res.write(' ');
      }, 10);
    });
    try {
      const err = await failure(transport.post(server.url, REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'Timeout', requestSent: true });
      expect(chunksSent).toBeGreaterThan(3); // bytes did arrive while the deadline ran
      expect(chunksSent).toBeLessThan(200);
    } finally {
      clearInterval(timer);
      await server.close();
    }
  });

  it('rejects with AbortedError at once when aborted mid-request, and drops the connection', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>');
    });
    const slow = new HttpTransport({ attemptTimeoutInMs: 10_000 });
    try {
      const controller = new AbortController();
      const pending = failure(slow.post(server.url, REQUEST, headers, controller.signal));
      await until(() => server.requests.length === 1);
      controller.abort();
      const err = await pending;
      expect(err).toBeInstanceOf(AbortedError);
      expect(err).toMatchObject({ code: 'Aborted', retryable: false, requestSent: true });
      await until(() => slow.openSockets === 0 && server.sockets.size === 0);
    } finally {
      slow.close();
      await server.close();
    }
  });

  it('still answers normally within the deadline, and the socket stays pooled', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(envelope('ok'));
    });
    try {
      await transport.post(server.url, REQUEST, headers);
      await transport.post(server.url, REQUEST, headers);
      expect(server.requests).toHaveLength(2);
      expect(transport.openSockets).toBe(1);
    } finally {
      await server.close();
    }
  });
});
