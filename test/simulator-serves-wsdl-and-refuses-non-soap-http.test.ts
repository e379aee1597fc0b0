/**
 * HTTP like WCF on IIS: GET serves the contract (?wsdl, ?singleWsdl, ?xsd=xsdN) pointing at this instance;
 * other methods, paths and content types get plain HTTP errors, never a crash.
 */
import { request } from 'node:http';
import { ManualClock } from '../src/clock';
import { soapActionOf } from '../src/soap/operations';
import { startSimulator, type Simulator } from '../src/simulator';
import { envelope, postRaw } from '../src/simulator/testing';
import { parseXml } from './support/xml';

const get = (url: string, method = 'GET') =>
  new Promise<{ status: number; body: string; type?: string }>((resolve, reject) => {
    request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });

describe('simulator HTTP surface', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: new ManualClock() });
  });
  afterAll(() => sim.close());

  it('serves ?wsdl with schema locations and the address of this instance', async () => {
    const res = await get(`${sim.url}?wsdl`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/xml; charset=utf-8');
    expect(parseXml(res.body).local).toBe('definitions');
    expect(res.body).toContain(`schemaLocation="${sim.url}?xsd=xsd0"`);
    expect(res.body).toContain(`<soap:address location="${sim.url}"`);
  });

  it('serves every ?xsd=xsdN that the WSDL imports', async () => {
    const wsdl = (await get(`${sim.url}?wsdl`)).body;
    const locations = [...wsdl.matchAll(/schemaLocation="([^"]+)"/g)].map((m) => m[1]);
    expect(locations).toHaveLength(6);
    for (const loc of locations) {
      const res = await get(loc);
      expect(res.status).toBe(200);
      expect(parseXml(res.body).local).toBe('schema');
    }
  });

  it('serves ?singleWsdl with every schema inline and no external import', async () => {
    const res = await get(`${sim.url}?singleWsdl`);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('schemaLocation');
    expect(res.body.match(/<xs:schema /g)).toHaveLength(6);
    expect(parseXml(res.body).local).toBe('definitions');
  });

  it('answers 404 for other paths, 405 for other methods, 400 for an unknown GET query', async () => {
    expect((await get(`${sim.baseUrl}/elsewhere`)).status).toBe(404);
    expect((await get(sim.url, 'PUT')).status).toBe(405);
    expect((await get(sim.url, 'DELETE')).status).toBe(405);
    expect((await get(`${sim.url}?xsd=xsd99`)).status).toBe(400);
  });

  it('refuses a SOAP 1.2 content type and a non-UTF-8 charset with 415', async () => {
    const body = envelope('PwsUnauthenticate', '<req:SessionTicket>x</req:SessionTicket>');
    const soap12 = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsUnauthenticate'), contentType: 'application/soap+xml; charset=utf-8' });
    expect(soap12.status).toBe(415);
    const latin1 = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsUnauthenticate'), contentType: 'text/xml; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    const ok = await postRaw(sim.url, body, { soapAction: soapActionOf('PwsUnauthenticate'), contentType: 'text/xml;charset="utf-8"' });
    expect(ok.status).toBe(200);
  });
});
