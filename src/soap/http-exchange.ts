/**
 * One HTTP request/response exchange of the transport: the connect timer, the attempt deadline, the abort
 * signal, the streaming size cap, and the classification of every network failure by whether any byte of the
 * request can have reached the server. Status and content rules live in http-transport.ts / http-body.ts.
 */
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { AbortedError, type ProjectorError, TransportError } from '../errors';
import { decompressorFor, formatError } from './http-body';

export interface ExchangeOptions {
  host: string;
  secure: boolean;
  /** True for the one transparent retry: a stale socket then is an ordinary failure. */
  fresh: boolean;
  connectTimeoutInMs: number;
  /** Epoch ms by which the whole response must have arrived. */
  deadline: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface Exchange {
  host: string;
  response: http.IncomingMessage;
  /** The complete, decompressed body; rejects on reset, deadline, abort, cap or corrupt compression. */
  body(): Promise<Buffer>;
  /** Gives up on the response (error statuses): destroys the socket, stops the timers. */
  abandon(): void;
}

/** Resolved instead of an Exchange when a reused keep-alive socket failed before any byte was written. */
export const STALE_SOCKET = Symbol('stale socket');

/** Failures where the connection, not the peer's certificate, is at fault (retryable even during TLS setup). */
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED']);

function networkError(message: string, requestSent: boolean, cause?: unknown, code = 'TransportError', retryable = true): TransportError {
  return new TransportError(message, { code, retryable, requestSent, cause });
}

export function exchange(req: http.ClientRequest, payload: Buffer, o: ExchangeOptions): Promise<Exchange | typeof STALE_SOCKET> {
  return new Promise((resolveHead, rejectHead) => {
    let phase: 'head' | 'body' | 'done' = 'head';
    let socket: Socket | undefined;
    let bytesBefore = 0;
    let reused = false;
    let firstWriteFailed = false;
    let tcpConnected = false;
    let connected = false; // TCP, and TLS when secure
    let response: http.IncomingMessage | undefined;
    let decoder: Transform | undefined | null = null; // null: not chosen yet
    let connectTimer: NodeJS.Timeout | undefined;
    // A pooled socket outlives this exchange: whatever it listens to for us must go when the exchange ends.
    let detachFromSocket = () => undefined as void;
    let resolveBody: (b: Buffer) => void = () => undefined;
    let rejectBody: (e: unknown) => void = () => undefined;

    const written = () => !!socket && socket.bytesWritten > bytesBefore;
    const cleanup = () => {
      clearTimeout(deadlineTimer);
      clearTimeout(connectTimer);
      o.signal?.removeEventListener('abort', onAbort);
      detachFromSocket();
    };
    const stop = () => {
      phase = 'done';
      cleanup();
      req.destroy();
      response?.destroy();
      decoder?.destroy();
    };
    const fail = (err: ProjectorError | typeof STALE_SOCKET) => {
      if (phase === 'done') return;
      const inHead = phase === 'head';
      stop();
      if (err === STALE_SOCKET) resolveHead(err);
      else if (inHead) rejectHead(err);
      else rejectBody(err);
    };
    const onAbort = () => fail(new AbortedError('The call was aborted', { code: 'Aborted', retryable: false, requestSent: written() }));
    const deadlineTimer = setTimeout(() => {
      fail(networkError(`No complete response from ${o.host} within the attempt deadline`, written(), undefined, 'Timeout'));
    }, Math.max(0, o.deadline - Date.now()));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (s: Socket) => {
      socket = s;
      bytesBefore = s.bytesWritten;
      // A request that waited in the agent's queue gets a socket that already served another one, and node does not
      // flag it as reused: it must not wait for a 'connect' that will never come (nor time out waiting for it).
      reused = req.reusedSocket || !s.connecting;
      if (reused) {
        tcpConnected = connected = true;
        // The request is flushed right after this event, in the same tick. A write that fails synchronously
        // (the peer's RST already queued) sent nothing: libuv reports an error only when no byte was accepted.
        process.nextTick(() => (firstWriteFailed = (s.errored as NodeJS.ErrnoException | null)?.syscall === 'write'));
        return;
      }
      connectTimer = setTimeout(() => fail(networkError(`Connecting to ${o.host} timed out`, false, undefined, 'Timeout')), o.connectTimeoutInMs);
      const onTcp = () => (tcpConnected = true);
      const onConnected = () => {
        connected = true;
        clearTimeout(connectTimer);
      };
      const ready = o.secure ? 'secureConnect' : 'connect';
      s.once('connect', onTcp);
      s.once(ready, onConnected);
      detachFromSocket = () => {
        s.off('connect', onTcp);
        s.off(ready, onConnected);
      };
    });

    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'unknown';
      if (phase === 'head' && reused && (firstWriteFailed || !written())) {
        return fail(o.fresh ? networkError(`Connection to ${o.host} failed (${code})`, false, err) : STALE_SOCKET);
      }
      if (!tcpConnected) return fail(networkError(`Cannot connect to ${o.host} (${code})`, false, err));
      if (!connected && !NETWORK_CODES.has(code)) {
        // Certificate or protocol failures: retrying cannot help, and the request never left.
        return fail(networkError(`TLS handshake with ${o.host} failed (${code})`, false, err, 'TransportError', false));
      }
      fail(networkError(`Connection to ${o.host} failed (${code})`, connected && written(), err));
    });

    req.on('response', (res: http.IncomingMessage) => {
      response = res;
      phase = 'body';
      const chunks: Buffer[] = [];
      let rawBytes = 0;
      let bodyBytes = 0;
      const body = new Promise<Buffer>((resolve, reject) => ((resolveBody = resolve), (rejectBody = reject)));
      body.catch(() => undefined); // an abandoned response's body is never awaited
      const overCap = () => networkError(`Response from ${o.host} exceeds the maxResponseBytes cap of ${o.maxResponseBytes} bytes (raise it for large lists)`, true, undefined, 'TransportError', false);
      const done = () => {
        if (phase === 'done') return;
        phase = 'done';
        cleanup();
        resolveBody(Buffer.concat(chunks));
      };
      const accept = (chunk: Buffer) => {
        bodyBytes += chunk.length;
        if (bodyBytes > o.maxResponseBytes) return fail(overCap());
        chunks.push(chunk);
      };
      resolveHead({ host: o.host, response: res, body: () => body, abandon: () => phase !== 'done' && stop() });
      if (Number(res.headers['content-length']) > o.maxResponseBytes) return fail(overCap());
      res.on('data', (chunk: Buffer) => {
        if (phase === 'done') return;
        rawBytes += chunk.length;
        if (rawBytes > o.maxResponseBytes) return fail(overCap());
        if (decoder === null) {
          decoder = decompressorFor(res.headers['content-encoding'], chunk);
          decoder?.on('data', accept).on('end', done).on('error', (e) => fail(formatError('The compressed response body is corrupt', e)));
        }
        if (decoder) decoder.write(chunk);
        else accept(chunk);
      });
      res.on('end', () => (decoder ? decoder.end() : done()));
      const cut = (err?: Error) => fail(networkError(`Connection to ${o.host} was cut during the response body`, true, err));
      res.on('error', cut);
      res.on('close', () => !res.complete && cut());
    });

    req.end(payload);
  });
}
