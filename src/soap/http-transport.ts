/**
 * The SDK's HTTP client (no axios, no node-soap). It never follows redirects, bounds every attempt by a
 * deadline that a slow (drip-fed) body cannot extend, caps the decompressed body while it streams, accepts only
 * 200/500 with a SOAP content type, always verifies certificates, refuses plain HTTP off loopback, and reports
 * every failure as an SDK error that says whether the request can have reached the server (`requestSent`).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { LookupFunction, Socket } from 'node:net';
import { AbortedError, InvalidInputError, ProjectorError, TransportError } from '../errors';
import { checkContentEncoding, decodeBody, formatError, isSoapMediaType, parseContentType } from './http-body';
import { exchange, STALE_SOCKET, type Exchange } from './http-exchange';

export interface TransportOptions {
  connectTimeoutInMs: number;
  /** Whole request+response deadline of one post(); a drip-fed body cannot extend it. */
  attemptTimeoutInMs: number;
  /** Cap on the decompressed body; the response is aborted while streaming once it is exceeded. */
  maxResponseBytes: number;
  /** http: is only allowed for loopback hosts unless this is true. */
  allowInsecureHttp?: boolean;
  /** Idle keep-alive sockets are closed after this; below IIS's 120 s so the server never closes one first. */
  keepAliveIdleInMs: number;
  /** Per origin (the SDK talks to one endpoint). */
  maxSockets: number;
  /** Certificate checks are always on; a custom CA is trusted in addition to the public roots. */
  tls?: { ca?: string | Buffer };
  /** Custom DNS resolution (tests use it to hold a connection in the connecting state). */
  lookup?: LookupFunction;
}

export interface PostResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DEFAULTS: TransportOptions = {
  connectTimeoutInMs: 10_000,
  attemptTimeoutInMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  keepAliveIdleInMs: 50_000,
  maxSockets: 10,
};

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function configurationError(message: string): ProjectorError {
  return new ProjectorError(message, { code: 'Configuration', retryable: false, requestSent: false });
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowInMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowInMs);
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class HttpTransport {
  private readonly options: TransportOptions;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sockets = new Set<Socket>();
  private readonly ca?: (string | Buffer)[];
  private closed = false;

  constructor(options: Partial<TransportOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    // maxSockets is per origin: a total cap would let idle sockets to one host starve requests to another.
    const pool = { keepAlive: true, maxSockets: this.options.maxSockets, timeout: this.options.keepAliveIdleInMs, scheduling: 'lifo' as const };
    this.ca = this.options.tls?.ca ? [...rootCertificates, this.options.tls.ca] : undefined;
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent({ ...pool, ca: this.ca, rejectUnauthorized: true });
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Ends every connection; from now on every request is refused before anything is sent. */
  close(): void {
    this.closed = true;
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const s of this.sockets) s.destroy();
  }

  /** One HTTP exchange; `timeoutInMs` (a per-call option) overrides the attempt deadline. */
  async post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal, timeoutInMs?: number): Promise<PostResult> {
    const target = this.checkUrl(url);
    // A destroyed agent would still open new sockets: without this, a call racing close() could go out afterwards.
    if (this.closed) throw new AbortedError('The transport is closed (the client was closed)', { code: 'Aborted', requestSent: false });
    if (signal?.aborted) throw new AbortedError('The call was aborted before it was sent', { code: 'Aborted', requestSent: false });
    const deadline = Date.now() + (timeoutInMs ?? this.options.attemptTimeoutInMs);
    const payload = Buffer.from(body, 'utf8');
    const send = async (fresh: boolean) => {
      try {
        return await this.open(target, payload, headers, fresh, deadline, signal);
      } catch (err) {
        if (err instanceof ProjectorError) throw err;
        // node:http throws synchronously on header names or values it cannot send (e.g. CR/LF in a value).
        throw new InvalidInputError('A request header cannot be sent over HTTP', { code: 'InvalidInput', requestSent: false, cause: err });
      }
    };
    let ex = await send(false);
    // A pooled socket the server had already closed, detected before one byte of ours left: always safe to redo.
    if (ex === STALE_SOCKET) ex = await send(true);
    if (ex === STALE_SOCKET) throw new TransportError('Connection failed twice before sending', { code: 'TransportError', retryable: true, requestSent: false });
    return this.readResponse(ex);
  }

  private checkUrl(url: string): URL {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw configurationError('The endpoint is not a valid URL');
    }
    if (target.username || target.password) throw configurationError('The endpoint URL must not contain credentials');
    if (target.protocol === 'http:' && !this.options.allowInsecureHttp && !isLoopback(target.hostname)) {
      throw configurationError(`Plain http is refused for ${target.hostname}: use https, or set allowInsecureHttp`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw configurationError(`Unsupported protocol ${target.protocol}`);
    return target;
  }

  private open(target: URL, payload: Buffer, headers: Record<string, string>, fresh: boolean, deadline: number, signal?: AbortSignal): Promise<Exchange | typeof STALE_SOCKET> {
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request({
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(payload.length), 'Accept-Encoding': 'gzip, deflate' },
      // The retry after a stale pooled socket must not draw another stale one from the pool.
      agent: fresh ? false : secure ? this.httpsAgent : this.httpAgent,
      lookup: this.options.lookup,
      ...(secure ? { ca: this.ca, rejectUnauthorized: true } : {}),
    });
    request.on('socket', (s: Socket) => {
      if (this.sockets.has(s)) return;
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    return exchange(request, payload, {
      host: target.host,
      secure,
      fresh,
      connectTimeoutInMs: this.options.connectTimeoutInMs,
      deadline,
      maxResponseBytes: this.options.maxResponseBytes,
      signal,
    });
  }

  private async readResponse(ex: Exchange): Promise<PostResult> {
    const { response, host } = ex;
    const status = response.statusCode ?? 0;
    const media = parseContentType(response.headers['content-type']);
    const fail = (err: ProjectorError): never => {
      ex.abandon();
      throw err;
    };
    if (status >= 300 && status < 400) {
      fail(httpError(`HTTP ${status} redirect from ${host} not followed (the request is never re-sent elsewhere)`, status, false));
    }
    if (status !== 200 && status !== 500) {
      const retryAfterInMs = parseRetryAfter(response.headers['retry-after']);
      fail(httpError(`HTTP ${status} from ${host}`, status, RETRYABLE_STATUSES.has(status), retryAfterInMs));
    }
    if (!isSoapMediaType(media)) {
      const what = `content type "${media.type || 'none'}" is not text/xml or application/soap+xml`;
      // A 500 error page (IIS/ASP.NET) is a server failure, not an answer: retried where re-sending is safe.
      fail(status === 200 ? formatError(`HTTP 200 from ${host}: ${what}`) : httpError(`HTTP ${status} from ${host}: ${what}`, status, true));
    }
    try {
      checkContentEncoding(response.headers['content-encoding']);
    } catch (err) {
      fail(err as ProjectorError);
    }
    const bytes = await ex.body();
    const text = decodeBody(bytes, media.charset);
    if (text.trim() === '') {
      throw status === 200 ? formatError(`HTTP 200 from ${host} with an empty body`) : httpError(`HTTP ${status} from ${host} with an empty body`, status, true);
    }
    return { status, headers: flattenHeaders(response.headers), body: text };
  }
}

function httpError(message: string, httpStatus: number, retryable: boolean, retryAfterInMs?: number): TransportError {
  const err = new TransportError(message, { code: 'TransportError', retryable, requestSent: true });
  err.httpStatus = httpStatus;
  if (retryAfterInMs !== undefined) err.retryAfterInMs = retryAfterInMs;
  return err;
}
