import type { Socket } from 'node:net';
import { TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { REQUEST, envelope, reply, startServer, until, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
const OK = envelope('<PingResult xmlns="urn:test">ok</PingResult>');
const macrotask = () => new Promise((r) => setImmediate(r));

describe('HttpTransport keep-alive pool', () => {
  it('retries once, transparently, when a reused socket was reset before any byte of the request left', async () => {
    const server = await startServer(reply(OK));
    const transport = new HttpTransport();
    try {
      await transport.post(server.url, REQUEST, headers);
      await macrotask(); // the socket is back in the pool
      expect(transport.openSockets).toBe(1);
      // The RST reaches the client's kernel now; the client reuses the socket before it reads that.
      for (const s of server.sockets) s.resetAndDestroy();
      // Hold the event loop briefly (no I/O polled) so the kernel has surely queued the RST on a busy machine.
      for (const until = Date.now() + 3; Date.now() < until; );
      const res = await transport.post(server.url, REQUEST, headers);
      expect(res.status).toBe(200);
      expect(server.requests).toHaveLength(2); // exactly once more: the failed write carried nothing
      expect(server.connections()).toBe(2); // the retry came on a fresh connection
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('reports a server close that races the reuse as TransportError with requestSent true (bytes had left), never re-sending', async () => {
    const server = await startServer(reply(OK));
    const transport = new HttpTransport();
    try {
      await transport.post(server.url, REQUEST, headers);
      await macrotask();
      // A graceful close (FIN) racing the reuse: the kernel accepts our bytes, then the server's RST arrives.
      for (const s of server.sockets) s.destroy();
      const err = await failure(transport.post(server.url, REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'TransportError', retryable: true, requestSent: true });
      expect(server.requests).toHaveLength(1);
      expect(server.connections()).toBe(1); // not re-sent: the caller decides (idempotent operations only)
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('drops an idle socket the server closed, and the next post opens a fresh one', async () => {
    const server = await startServer(reply(OK));
    const transport = new HttpTransport();
    try {
      await transport.post(server.url, REQUEST, headers);
      await macrotask();
      for (const s of server.sockets) s.end();
      await until(() => transport.openSockets === 0);
      expect((await transport.post(server.url, REQUEST, headers)).status).toBe(200);
      expect(server.connections()).toBe(2);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('closes its own idle sockets after keepAliveIdleInMs, before a server (IIS: 120 s) would', async () => {
    const server = await startServer(reply(OK));
    const transport = new HttpTransport({ keepAliveIdleInMs: 30 }); // scaled from 50 s
    try {
      await transport.post(server.url, REQUEST, headers);
      await until(() => transport.openSockets === 0 && server.sockets.size === 0);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('never opens more than maxSockets connections, however many posts run at once', async () => {
    let peak = 0;
    const server = await startServer((_req, res) => {
      peak = Math.max(peak, server.sockets.size);
      setTimeout(() => reply(OK)(_req, res, ''), 5);
    });
    const transport = new HttpTransport({ maxSockets: 3 });
    try {
      let clientPeak = 0;
      const results = await Promise.all(
        Array.from({ length: 20 }, () => transport.post(server.url, REQUEST, headers).finally(() => (clientPeak = Math.max(clientPeak, transport.openSockets)))),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(server.requests).toHaveLength(20);
      expect(peak).toBeLessThanOrEqual(3);
      expect(clientPeak).toBeLessThanOrEqual(3);
      expect(server.connections()).toBeLessThanOrEqual(3);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('reports a reset in the middle of the body as retryable, requestSent true, and does not retry it', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': '5000' });
      res.write('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>');
      setTimeout(() => res.socket?.resetAndDestroy(), 5);
    });
    const transport = new HttpTransport();
    try {
      const err = await failure(transport.post(server.url, REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'TransportError', retryable: true, requestSent: true });
      expect(server.requests).toHaveLength(1);
      await until(() => transport.openSockets === 0);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('requests queued for a busy socket get it connected: no connect timeout while they wait for slow answers, no listeners left behind', async () => {
    const slow = reply(OK);
    const server = await startServer((req, res, body) => setTimeout(() => slow(req, res, body), 150));
    const transport = new HttpTransport({ maxSockets: 1, connectTimeoutInMs: 100 });
    try {
      // Three requests, one socket: the 2nd and 3rd wait in the agent's queue and answer after 300 and 450 ms,
      // long past a connect timeout that only a connection being set up may run into.
      const results = await Promise.all([1, 2, 3].map(() => transport.post(server.url, REQUEST, headers)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(server.connections()).toBe(1);
      const sockets = (transport as unknown as { sockets: Set<Socket> }).sockets;
      expect([...sockets].map((s) => s.listenerCount('connect'))).toEqual([0]);
    } finally {
      transport.close();
      await server.close();
    }
  });
});
