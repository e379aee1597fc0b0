/**
 * The SOAP adapter's one HTTP exchange, through the client: the transport carries the envelope envelope.ts wrote
 * (with the operation's SOAPAction) and hands the answer to the reader only after the XML guard: a DOCTYPE, a
 * truncated body or an element named __proto__ is a ResponseFormatError and pollutes nothing; a redirect is a
 * TransportError and is never followed; the caller's AbortSignal ends the exchange; a 500 SOAP fault is the server's
 * answer (a typed service error), not a transport failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectorClient } from '../src/client';
import { AbortedError, ProjectorServiceError, ResponseFormatError, TransportError } from '../src/errors';
import { reply, startServer, until, type Loopback } from './support/transport-servers';

const RESPONSE = readFileSync(join(__dirname, 'fixtures', 'vendor', 'test-rate-limiter-response.xml'), 'utf8');
const XML = { 'content-type': 'text/xml; charset=utf-8' };
const ARGS = { SimulateUserHitsBefore: 1000 };

describe('the HTTP exchange of a call', () => {
  const servers: Loopback[] = [];
  const clients: ProjectorClient[] = [];
  const serve = async (handler: Parameters<typeof startServer>[0]) => {
    const server = await startServer(handler);
    servers.push(server);
    return server;
  };
  /** PwsTestRateLimiter through a client of its own. */
  const rateLimiterTest = (server: Loopback, signal?: AbortSignal) => {
    const client = new ProjectorClient({ endpoint: server.url, sessionTicket: 'AYecIQSsKNpDZ6wY4k5Ilw==', timeoutInMs: 2000, deadlineInMs: 4000 });
    clients.push(client);
    return client.call('PwsTestRateLimiter', ARGS, { abortSignal: signal });
  };
  /** Answers with `body`, its ResponseId echoing the request's RequestId. */
  const echoing = (body: string, status = 200) => (req: Parameters<Parameters<typeof startServer>[0]>[0], res: Parameters<Parameters<typeof startServer>[0]>[1], requestBody: string) => {
    const id = /RequestId[^>]*>(\d+)</.exec(requestBody)?.[1] ?? '0';
    reply(body.replace(/(<ResponseId[^>]*>)1(<\/ResponseId>)/, `$1${id}$2`), status, XML)(req, res, requestBody);
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.close()));
  });

  it('carries the envelope the writer built, with its SOAPAction, and hands the vendor response back typed', async () => {
    const server = await serve(echoing(RESPONSE));
    const result = await rateLimiterTest(server);
    expect(result.RateLimitSnapshot).toMatchObject({ EnabledFlag: true, UserHitCount: 2001 });
    expect(server.requests[0].body).toContain('SimulateUserHitsBefore>1000</');
    expect(server.requests[0].headers.soapaction).toMatch(/PwsTestRateLimiter"$/);
  });

  it('rejects a DOCTYPE-laden answer before any parser sees it', async () => {
    const hostile = RESPONSE.replace('<s:Envelope', '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope');
    const server = await serve(echoing(hostile));
    await expect(rateLimiterTest(server)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('rejects a truncated answer as ResponseFormatError (not a plain object or TypeError)', async () => {
    const server = await serve(reply(RESPONSE.slice(0, RESPONSE.length / 2), 200, XML));
    await expect(rateLimiterTest(server)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('rejects an element named __proto__, and nothing is polluted', async () => {
    const server = await serve(echoing(RESPONSE.replace('<a:RateLimitSnapshot', '<__proto__><polluted>1</polluted></__proto__><a:RateLimitSnapshot')));
    await expect(rateLimiterTest(server)).rejects.toBeInstanceOf(ResponseFormatError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a redirect as TransportError and never follows it', async () => {
    const elsewhere = await serve(echoing(RESPONSE));
    const server = await serve(reply('', 307, { location: elsewhere.url }));
    await expect(rateLimiterTest(server)).rejects.toMatchObject({ name: 'TransportError', httpStatus: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('ends the exchange when the caller aborts', async () => {
    const server = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = rateLimiterTest(server, controller.signal);
    await until(() => server.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('reads a 500 SOAP fault as the server’s answer, a service error, not a transport failure', async () => {
    const fault =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>';
    const server = await serve(reply(fault, 500, XML));
    const err = await rateLimiterTest(server).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TransportError);
    expect(err).toBeInstanceOf(ProjectorServiceError);
    expect((err as Error).message).toMatch(/boom/);
  });
});
