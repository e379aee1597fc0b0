import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClientAsync, type Client } from 'soap';
import { AbortedError, ResponseFormatError, TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { reply, startServer, until, type Loopback } from './support/transport-servers';

const WSDL = join(__dirname, '..', 'wsdl', 'PwsProjectorServices.wsdl');
const AUTH_RESPONSE = readFileSync(join(__dirname, 'fixtures', 'vendor', 'authenticate-response.xml'), 'utf8');
const XML = { 'content-type': 'text/xml; charset=utf-8' };
const ARGS = { serviceRequest: { AccountCode: 'my-account-code', Password: 'example-password', UserName: 'jdoe@acme.com' } };

type AuthMethod = (args: unknown, options?: Record<string, unknown>) => Promise<[Record<string, any>]>;

describe('HttpTransport.soapHttpClient inside node-soap', () => {
  const transport = new HttpTransport({ attemptTimeoutInMs: 2000 });
  let client: Client;
  const servers: Loopback[] = [];
  const authenticate = async (server: Loopback, options?: Record<string, unknown>) => {
    client.setEndpoint(server.url);
    return (client.PwsAuthenticateAsync as AuthMethod)(ARGS, options);
  };
  const serve = async (handler: Parameters<typeof startServer>[0]) => {
    const server = await startServer(handler);
    servers.push(server);
    return server;
  };
  beforeAll(async () => {
    client = await createClientAsync(WSDL, { httpClient: transport.soapHttpClient as never, disableCache: true });
  });
  afterAll(async () => {
    transport.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('carries the envelope node-soap built and hands the vendor response back for parsing', async () => {
    const server = await serve(reply(AUTH_RESPONSE, 200, XML));
    const [result] = await authenticate(server);
    expect(result.PwsAuthenticateResult.SessionTicket).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    expect(server.requests[0].body).toContain('example-password');
    expect(server.requests[0].headers.soapaction).toMatch(/PwsAuthenticate"$/);
  });

  it('rejects a DOCTYPE-laden answer before node-soap parses it', async () => {
    const hostile = AUTH_RESPONSE.replace('<s:Envelope', '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope');
    const server = await serve(reply(hostile, 200, XML));
    await expect(authenticate(server)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('rejects a truncated answer as ResponseFormatError (not a plain object or TypeError)', async () => {
    const server = await serve(reply(AUTH_RESPONSE.slice(0, AUTH_RESPONSE.length / 2), 200, XML));
    await expect(authenticate(server)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('rejects an element named __proto__ before node-soap turns it into an object key', async () => {
    const server = await serve(reply(AUTH_RESPONSE.replace('<a:SessionTicket>', '<__proto__><polluted>1</polluted></__proto__><a:SessionTicket>'), 200, XML));
    await expect(authenticate(server)).rejects.toBeInstanceOf(ResponseFormatError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a redirect as TransportError and never follows it', async () => {
    const elsewhere = await serve(reply(AUTH_RESPONSE, 200, XML));
    const server = await serve(reply('', 307, { location: elsewhere.url }));
    await expect(authenticate(server)).rejects.toMatchObject({ name: 'TransportError', httpStatus: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('takes the AbortSignal from exoptions.signal', async () => {
    const server = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = authenticate(server, { signal: controller.signal });
    await until(() => server.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('passes a 500 SOAP fault through to node-soap, which reports it as a fault', async () => {
    const fault =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>';
    const server = await serve(reply(fault, 500, XML));
    const err = await authenticate(server).then(
      () => undefined,
      (e: unknown) => e as { root?: { Envelope?: { Body?: { Fault?: { faultstring?: string } } } } },
    );
    expect(err).not.toBeInstanceOf(TransportError);
    expect(err?.root?.Envelope?.Body?.Fault?.faultstring).toBe('boom');
  });
});
