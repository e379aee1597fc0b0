import { ResponseFormatError, TransportError } from '../src/errors';
import { HttpTransport, parseRetryAfter } from '../src/soap/http-transport';
import { REQUEST, envelope, reply, startServer, type Loopback, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
const XML = { 'content-type': 'text/xml; charset=utf-8' };
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const FAULT = envelope(
  '<s:Fault><faultcode>s:Client</faultcode><faultstring xml:lang="en-US">Lock conflict</faultstring><detail><PwsFault xmlns="http://projectorpsa.com/"/></detail></s:Fault>',
);
const ERROR_PAGE = '<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>';

describe('HttpTransport response statuses and content types', () => {
  const transport = new HttpTransport();
  const servers: Loopback[] = [];
  const serve = async (...args: Parameters<typeof reply>) => {
    const server = await startServer(reply(...args));
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    transport.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('passes a 500 carrying a SOAP fault through with its status and body', async () => {
    const server = await serve(FAULT, 500, XML);
    const res = await transport.post(server.url, REQUEST, headers);
    expect(res).toMatchObject({ status: 500, body: FAULT });
  });

  it('accepts application/soap+xml too', async () => {
    const server = await serve(envelope('ok'), 200, { 'content-type': 'application/soap+xml; charset=utf-8' });
    expect((await transport.post(server.url, REQUEST, headers)).body).toBe(envelope('ok'));
  });

  // A 500 error page is a failed server, not an answer: retryable (the retry loop re-sends it only where that is safe).
  it.each([
    [500, true],
    [502, true],
    [504, true],
  ])('turns a %i HTML error page into a TransportError (retryable %s)', async (status, retryable) => {
    const server = await serve(ERROR_PAGE, status, HTML);
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'TransportError', httpStatus: status, retryable, requestSent: true });
    expect(err.message).not.toContain('Service Unavailable'); // server pages are not echoed
  });

  it('turns a 503 with Retry-After into a retryable TransportError carrying retryAfterInMs', async () => {
    const server = await serve(FAULT, 503, { ...XML, 'retry-after': '7' });
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ httpStatus: 503, retryable: true, retryAfterInMs: 7000 });
  });

  it('turns a 429 into a retryable TransportError, with Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const server = await serve('', 429, { 'retry-after': at });
    const err = (await failure(transport.post(server.url, REQUEST, headers))) as TransportError;
    expect(err).toMatchObject({ code: 'TransportError', httpStatus: 429, retryable: true });
    expect(err.retryAfterInMs).toBeGreaterThan(100_000);
    expect(err.retryAfterInMs).toBeLessThanOrEqual(120_000);
  });

  it('parses Retry-After seconds and dates, and ignores garbage', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it.each([400, 401, 403, 404, 418])('turns a %i (even with a SOAP body) into a non-retryable TransportError', async (status) => {
    const server = await serve(envelope('<NoFaultHere/>'), status, XML);
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ httpStatus: status, retryable: false, requestSent: true });
  });

  it('rejects an empty 200 as ResponseFormatError', async () => {
    const server = await serve('', 200, XML);
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(err).toMatchObject({ code: 'ResponseFormat', retryable: false, requestSent: true });
  });

  it('rejects an empty 200 without any content type as ResponseFormatError', async () => {
    const server = await serve('', 200, {});
    await expect(transport.post(server.url, REQUEST, headers)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it.each(['text/html', 'application/json', 'text/plain'])('rejects a 200 with content type %s as ResponseFormatError', async (type) => {
    const server = await serve(envelope('ok'), 200, { 'content-type': type });
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(err.message).toContain(type);
  });

  it.each([301, 302, 307, 308])('treats a %i as an error and never re-sends the body to the Location', async (status) => {
    const elsewhere = await serve(envelope('stolen'), 200, XML);
    const server = await serve('', status, { location: elsewhere.url });
    const err = await failure(transport.post(server.url, `${REQUEST}<!-- password -->`, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ httpStatus: status, retryable: false, requestSent: true });
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections()).toBe(0);
  });
});
