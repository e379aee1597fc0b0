/**
 * Robustness: bounded request bodies (413), any garbage answered with a fault or an HTTP error and never a crash,
 * hundreds of concurrent connections, and close() that also ends idle keep-alive sockets.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { ManualClock } from '../src/clock';
import { soapActionOf } from '../src/soap/operations';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, envelope, loginRaw, postRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator robustness', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ clock: new ManualClock(), maxBodyBytes: 64 * 1024 });
  });
  afterEach(() => sim.close());

  const alive = async () => expect(await loginRaw(sim.url)).toMatch(/==$/);

  /**
   * A raw HTTP exchange that never sends more than the server will read: whatever the server leaves unread would make
   * its close a reset, and a reset may destroy the answer before we read it. Resolves with the status line.
   */
  function statusLineOf(head: string, body: Buffer): Promise<string> {
    const { hostname, port } = new URL(sim.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString('latin1');
        if (answer.includes('\r\n')) {
          resolve(answer.slice(0, answer.indexOf('\r\n')));
          socket.destroy();
        }
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`connection closed without an answer (read: ${JSON.stringify(answer)})`)));
      socket.write(head);
      socket.write(body);
    });
  }

  it('refuses a body over maxBodyBytes with 413, with or without Content-Length', async () => {
    const path = new URL(sim.url).pathname;
    const head = (framing: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nSOAPAction: "${soapActionOf('PwsUnauthenticate')}"\r\n${framing}\r\n\r\n`;
    // Declared too large: refused on the header alone, before any of the body is sent.
    expect(await statusLineOf(head(`Content-Length: ${70 * 1024}`), Buffer.alloc(0))).toMatch(/^HTTP\/1\.1 413 /);
    // Chunked: refused once one byte past the limit has arrived (exactly what is sent, so the server reads it all).
    const over = 64 * 1024 + 1;
    const chunk = Buffer.concat([Buffer.from(`${over.toString(16)}\r\n`), Buffer.alloc(over, 'a')]);
    expect(await statusLineOf(head('Transfer-Encoding: chunked'), chunk)).toMatch(/^HTTP\/1\.1 413 /);
    await alive();
  });

  it('answers 200 random garbage bodies with faults or HTTP errors and keeps serving', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const junk = i % 2 ? randomBytes(1 + (i * 37) % 3000) : Buffer.from(`<a${'<'.repeat(i)}&#${i};]]>`);
      const res = await postRaw(sim.url, junk, { soapAction: soapActionOf('PwsAuthenticate') });
      statuses.add(res.status);
      if (res.status === 500) expect(textOfFirst(res.body, 'faultcode')).toBe('s:Client');
    }
    expect([...statuses].every((s) => s === 500 || s === 400)).toBe(true);
    await alive();
  });

  it('parses deeply nested header content and odd but valid XML without trouble', async () => {
    const deep = '<x:a xmlns:x="urn:x">'.repeat(2000) + '</x:a>'.repeat(2000);
    const body = envelope('PwsTestRateLimiter', '<req:SessionTicket>nope</req:SessionTicket>').replace('<soapenv:Header/>', `<soapenv:Header>${deep}</soapenv:Header>`);
    const res = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsTestRateLimiter') });
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('10004');
    const withCdataAndComments = envelope('PwsTestRateLimiter', '<!-- c --><req:SessionTicket><![CDATA[nope]]></req:SessionTicket>');
    expect(textOfFirst((await postRaw(sim.url, withCdataAndComments, { soapAction: soapActionOf('PwsTestRateLimiter') })).body, 'ErrorNumber')).toBe('10004');
  });

  it('survives a client that disconnects halfway through its request', async () => {
    await new Promise<void>((resolve) => {
      const req = request(sim.url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml', 'Content-Length': 5000 } });
      req.on('error', () => resolve());
      req.write('<s:Envelope', () => setImmediate(() => (req.destroy(), resolve())));
    });
    await alive();
  });

  it('serves 300 concurrent connections', async () => {
    const members = '<req:SessionTicket>unknown-ticket</req:SessionTicket>';
    const all = await Promise.all(Array.from({ length: 300 }, (_, i) => callRaw(sim.url, 'PwsTestRateLimiter', `<req:RequestId>${i}</req:RequestId>${members}`)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(all.map((r) => Number(textOfFirst(r.body, 'ResponseId')))).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('close() ends idle keep-alive sockets too', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const once = () =>
      new Promise<void>((resolve, reject) => {
        request(`${sim.url}?wsdl`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
      });
    await Promise.all([once(), once(), once()]);
    const idle = Object.values(agent.freeSockets).flat();
    expect(idle.length).toBeGreaterThan(0);
    await sim.close();
    // Every idle keep-alive socket is closed by the server (the test would time out otherwise).
    await Promise.all(idle.map((s) => new Promise((r) => (s!.destroyed ? r(undefined) : s!.once('close', r)))));
    agent.destroy();
  });
});
