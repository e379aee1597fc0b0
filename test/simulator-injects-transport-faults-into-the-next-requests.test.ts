/**
 * Fault injection for the next N POSTs. Faults that mangle a real answer run the operation first (the server has
 * acted); the others stand for a proxy or a dying connection and do not run it. Each test proves which, with a
 * logout whose effect is visible afterwards.
 */
import { request } from 'node:http';
import { ManualClock } from '../src/clock';
import { startSimulator, type FaultSpec, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

interface Seen {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  chunks: number;
  error?: string;
}

/** Like postRaw, but reports what arrived before a transport error instead of rejecting. */
function observe(url: string, body: string, action: string): Promise<Seen> {
  return new Promise((resolve) => {
    const seen: Seen = { body: '', chunks: 0 };
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${action}"` } }, (res) => {
      seen.status = res.statusCode;
      seen.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        seen.body += c;
        seen.chunks++;
      });
      res.on('end', () => resolve(seen));
      res.on('error', (e) => resolve({ ...seen, error: e.message }));
    });
    req.on('error', (e) => resolve({ ...seen, error: e.message }));
    req.end(body);
  });
}

describe('simulator fault injection', () => {
  let sim: Simulator;
  let ticket: string;
  beforeEach(async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    ticket = await loginRaw(sim.url);
  });
  afterEach(() => sim.close());

  const logout = () =>
    observe(
      sim.url,
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><PwsUnauthenticate xmlns="http://projectorpsa.com/PwsProjectorServices/"><serviceRequest><SessionTicket xmlns="http://projectorpsa.com/DataContracts/Requests/">${ticket}</SessionTicket></serviceRequest></PwsUnauthenticate></s:Body></s:Envelope>`,
      'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsUnauthenticate',
    );
  /** Whether the logout ran: an ended session answers -101. */
  const loggedOut = async () => textOfFirst((await callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`)).body, 'ErrorNumber') === '-101';
  const inject = (f: FaultSpec) => sim.injectFaults(f);

  it('reset-before-body: the connection dies with no response and the operation does not run', async () => {
    inject({ kind: 'reset-before-body' });
    const seen = await logout();
    expect(seen.status).toBeUndefined();
    expect(seen.error).toBeDefined();
    expect(await loggedOut()).toBe(false);
    expect(sim.log.filter((e) => e.outcome === 'injected-fault').map((e) => e.operation)).toEqual(['PwsUnauthenticate']);
  });

  it('reset-after-body: headers and part of the body arrive, then a reset; the operation ran', async () => {
    inject({ kind: 'reset-after-body' });
    const seen = await logout();
    expect(seen.status).toBe(200);
    expect(seen.error).toBeDefined();
    expect(seen.body.length).toBeGreaterThan(0);
    expect(seen.body.length).toBeLessThan(Number(seen.headers!['content-length']));
    expect(await loggedOut()).toBe(true);
  });

  it('http-status: a 502 HTML error page by default, or the given status, headers and body', async () => {
    inject({ kind: 'http-status', status: 502 });
    const page = await logout();
    expect(page.status).toBe(502);
    expect(page.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/^<!DOCTYPE html>/);
    inject({ kind: 'http-status', status: 503, body: 'busy', contentType: 'text/plain', headers: { 'Retry-After': '1' } });
    const busy = await logout();
    expect([busy.status, busy.body, busy.headers!['retry-after']]).toEqual([503, 'busy', '1']);
    expect(await loggedOut()).toBe(false);
  });

  it('truncated-xml: a 200 whose XML stops halfway; the operation ran', async () => {
    inject({ kind: 'truncated-xml' });
    const seen = await logout();
    expect(seen.status).toBe(200);
    expect(seen.error).toBeUndefined();
    expect(seen.body.startsWith('<s:Envelope')).toBe(true);
    expect(seen.body).not.toContain('</s:Envelope>');
    expect(await loggedOut()).toBe(true);
  });

  it('empty-200: status 200 and no body; the operation does not run', async () => {
    inject({ kind: 'empty-200' });
    const seen = await logout();
    expect([seen.status, seen.body]).toEqual([200, '']);
    expect(await loggedOut()).toBe(false);
  });

  it('wrong-content-type: the real envelope labelled text/html; the operation ran', async () => {
    inject({ kind: 'wrong-content-type' });
    const seen = await logout();
    expect(seen.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(textOfFirst(seen.body, 'Status')).toBe('Ok');
    expect(await loggedOut()).toBe(true);
  });

  it('oversized-body: a chunked 200 of exactly the given size', async () => {
    inject({ kind: 'oversized-body', bytes: 3 * 1024 * 1024 });
    const seen = await logout();
    expect(seen.status).toBe(200);
    expect(seen.headers!['content-length']).toBeUndefined();
    expect(Buffer.byteLength(seen.body)).toBe(3 * 1024 * 1024);
  });

  it('drip-feed: the real answer arrives in many small pieces', async () => {
    inject({ kind: 'drip-feed', chunkIntervalInMs: 5 });
    const seen = await logout();
    expect(seen.chunks).toBeGreaterThanOrEqual(10);
    expect(textOfFirst(seen.body, 'Status')).toBe('Ok');
  });

  it('redirect: the given status and Location, no body', async () => {
    inject({ kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/elsewhere' });
    const seen = await logout();
    expect([seen.status, seen.headers!.location, seen.body]).toEqual([307, 'http://127.0.0.1:9/elsewhere', '']);
    expect(await loggedOut()).toBe(false);
  });

  it('raw: anything else a test needs', async () => {
    inject({ kind: 'raw', status: 429, headers: { 'Content-Type': 'application/json' }, body: '{"x":1}' });
    const seen = await logout();
    expect([seen.status, seen.headers!['content-type'], seen.body]).toEqual([429, 'application/json', '{"x":1}']);
  });

  it('applies to exactly the next `count` POSTs; GETs do not consume faults', async () => {
    sim.injectFaults({ kind: 'http-status', status: 503 }, 2);
    await new Promise<void>((resolve) => request(`${sim.url}?wsdl`, { agent: false }, (res) => res.resume().on('end', resolve)).end());
    expect((await logout()).status).toBe(503);
    expect((await logout()).status).toBe(503);
    expect((await logout()).status).toBe(200);
    expect(await loggedOut()).toBe(true);
  });
});
