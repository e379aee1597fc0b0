import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { AbortedError, InvalidInputError, ProjectorError, TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { REQUEST, envelope, reply, startServer, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:test/Ping"' };

/** A port that was listening a moment ago and no longer is: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('HttpTransport connection failures', () => {
  const transport = new HttpTransport({ connectTimeoutInMs: 200, attemptTimeoutInMs: 2000 });
  afterAll(() => transport.close());

  it('posts an envelope and returns status, headers and body of a 200', async () => {
    const server = await startServer(reply(envelope('<PingResult xmlns="urn:test">ok</PingResult>')));
    try {
      const res = await transport.post(server.url, REQUEST, headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(res.body).toContain('<PingResult xmlns="urn:test">ok</PingResult>');
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].body).toBe(REQUEST);
      expect(server.requests[0].headers.soapaction).toBe('"urn:test/Ping"');
      expect(server.requests[0].headers['content-length']).toBe(String(Buffer.byteLength(REQUEST)));
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection as a retryable TransportError that was never sent', async () => {
    const err = await failure(transport.post(`http://127.0.0.1:${await closedPort()}/pws`, REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'TransportError', retryable: true, requestSent: false });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('reports a DNS failure (.invalid host) as a retryable TransportError that was never sent', async () => {
    const err = await failure(transport.post('https://projector.example.invalid/pws', REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'TransportError', retryable: true, requestSent: false });
    expect(err.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('times out a connection that never completes as Timeout with requestSent false', async () => {
    // A lookup that never answers holds the socket in the connecting state, as a SYN lost to a blackhole would.
    const hanging = new HttpTransport({ connectTimeoutInMs: 50, attemptTimeoutInMs: 5000, lookup: () => undefined });
    try {
      const err = await failure(hanging.post('http://localhost:9/pws', REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'Timeout', retryable: true, requestSent: false });
      expect(err.message).toMatch(/Connecting to localhost:9 timed out/);
    } finally {
      hanging.close();
    }
  });

  it('refuses plain http to a non-loopback host unless allowInsecureHttp is set', async () => {
    const err = await failure(transport.post('http://projector.example.invalid/pws', REQUEST, headers));
    expect(err).toBeInstanceOf(ProjectorError);
    expect(err).toMatchObject({ code: 'Configuration', retryable: false, requestSent: false });
    const insecure = new HttpTransport({ allowInsecureHttp: true });
    try {
      // Allowed now: it gets as far as DNS.
      const dns = await failure(insecure.post('http://projector.example.invalid/pws', REQUEST, headers));
      expect(dns).toBeInstanceOf(TransportError);
    } finally {
      insecure.close();
    }
  });

  it('refuses endpoint URLs that carry credentials or another protocol', async () => {
    await expect(transport.post('https://user:secret@127.0.0.1/pws', REQUEST, headers)).rejects.toMatchObject({ code: 'Configuration' });
    await expect(transport.post('ftp://127.0.0.1/pws', REQUEST, headers)).rejects.toMatchObject({ code: 'Configuration' });
    const err = await failure(transport.post('https://user:secret@127.0.0.1/pws', REQUEST, headers));
    expect(err.message).not.toContain('secret');
  });

  it('rejects a header value carrying CR/LF as InvalidInputError, sending nothing', async () => {
    const server = await startServer(reply(envelope('')));
    try {
      const err = await failure(transport.post(server.url, REQUEST, { SOAPAction: '"x"\r\nX-Injected: 1' }));
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err).toMatchObject({ code: 'InvalidInput', requestSent: false });
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('rejects with AbortedError (requestSent false) when the signal is already aborted, sending nothing', async () => {
    const server = await startServer(reply(envelope('')));
    try {
      const err = await failure(transport.post(server.url, REQUEST, headers, AbortSignal.abort()));
      expect(err).toBeInstanceOf(AbortedError);
      expect(err).toMatchObject({ code: 'Aborted', requestSent: false });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
