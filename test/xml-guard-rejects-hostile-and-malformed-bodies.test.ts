import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseFormatError } from '../src/errors';
import { guardXml } from '../src/soap/xml-guard';

const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const wrap = (inner: string, decl = '') => `${decl}<s:Envelope xmlns:s="${ENV}"><s:Body>${inner}</s:Body></s:Envelope>`;
const vendorDir = join(__dirname, 'fixtures', 'vendor');
const vendorFiles = readdirSync(vendorDir).filter((f) => f.endsWith('.xml'));

function rejection(body: string, maxDepth?: number): ResponseFormatError {
  try {
    guardXml(body, maxDepth === undefined ? undefined : { maxDepth });
  } catch (err) {
    expect(err).toBeInstanceOf(ResponseFormatError);
    return err as ResponseFormatError;
  }
  throw new Error('expected the guard to reject the body');
}

describe('guardXml', () => {
  it.each(vendorFiles)('accepts the vendor example %s', (file) => {
    expect(() => guardXml(readFileSync(join(vendorDir, file), 'utf8'))).not.toThrow();
  });

  it('accepts an XML declaration, comments, CDATA, a BOM and default-namespace envelopes', () => {
    expect(() => guardXml(`\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!-- c -->${wrap('<a><![CDATA[<b>]]></a>')}\n`)).not.toThrow();
    expect(() => guardXml(`<Envelope xmlns="${ENV}"><Body/></Envelope>`)).not.toThrow();
    expect(() => guardXml(wrap('<a x="1" y=\'2\' >t</a><b/>'))).not.toThrow();
  });

  it.each([
    ['an internal-entity DOCTYPE', `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "x">]>${wrap('&a;')}`, /DOCTYPE/],
    [
      'billion laughs',
      `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${wrap('&lol2;')}`,
      /DOCTYPE/,
    ],
    ['a SYSTEM entity to a file', `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${wrap('&x;')}`, /DOCTYPE/],
    ['a SYSTEM entity to the metadata service', `<!DOCTYPE r [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]>${wrap('&x;')}`, /DOCTYPE/],
    ['a lower-case doctype', `<!doctype r>${wrap('')}`, /DOCTYPE/],
    ['a DOCTYPE inside the body', wrap('<!DOCTYPE r>'), /DOCTYPE/],
    ['a stray ENTITY declaration', wrap('<!ENTITY x "y">'), /ENTITY/],
    ['a processing instruction', wrap('<?xml-stylesheet href="x.xsl"?>'), /processing instruction/],
    ['a second XML declaration', `${wrap('')}<?xml version="1.0"?>`, /processing instruction/],
  ])('rejects %s', (_label, body, reason) => {
    expect(rejection(body).message).toMatch(reason);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])('rejects elements and attributes named %s, with any prefix', (name) => {
    expect(rejection(wrap(`<${name}>1</${name}>`)).message).toMatch(/forbidden name/);
    expect(rejection(wrap(`<a:${name} xmlns:a="urn:x">1</a:${name}>`)).message).toMatch(/forbidden name/);
    expect(rejection(wrap(`<a ${name}="1"/>`)).message).toMatch(/forbidden name/);
    expect(rejection(wrap(`<a b:${name}="1" xmlns:b="urn:x"/>`)).message).toMatch(/forbidden name/);
    expect(rejection(wrap(`<a xmlns:${name}="urn:x"/>`)).message).toMatch(/forbidden name/);
  });

  it('rejects multiRef references to prototype members', () => {
    expect(rejection(wrap('<a href="#__proto__"/><multiRef id="__proto__"/>')).message).toMatch(/forbidden reference/);
    expect(rejection(wrap('<multiRef id="constructor"/>')).message).toMatch(/forbidden reference/);
    expect(() => guardXml(wrap('<a href="#id1"/><multiRef id="id1">x</multiRef>'))).not.toThrow();
  });

  it('rejects nesting deeper than maxDepth (10k deep, and one past a custom limit)', () => {
    const deep = (n: number) => wrap(`${'<a>'.repeat(n)}x${'</a>'.repeat(n)}`);
    expect(rejection(deep(10_000)).message).toMatch(/nesting deeper than 64/);
    expect(() => guardXml(deep(8), { maxDepth: 10 })).not.toThrow(); // Envelope + Body + 8
    expect(rejection(deep(9), 10).message).toMatch(/nesting deeper than 10/);
  });

  it.each([
    ['a body cut inside an element', wrap('<a>text</a>').slice(0, -20)],
    ['a body cut inside a start tag', wrap('<a b="1"/>').slice(0, 60)],
    ['a body cut inside a comment', `${wrap('')}<!-- never ends`],
    ['a body cut inside CDATA', wrap('<![CDATA[ never ends')],
    ['mismatched end tags', wrap('<a><b></a></b>')],
    ['an empty body', ''],
    ['whitespace only', '  \n '],
    ['text after the root', `${wrap('')}trailing`],
    ['a second root', `${wrap('')}${wrap('')}`],
  ])('rejects %s', (_label, body) => {
    rejection(body);
  });

  it.each([
    ['an HTML page', '<html><body>Service Unavailable</body></html>'],
    ['a SOAP 1.2 envelope', '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>'],
    ['an Envelope in another namespace', '<s:Envelope xmlns:s="urn:evil"><s:Body/></s:Envelope>'],
    ['an Envelope with an undeclared prefix', '<s:Envelope><s:Body/></s:Envelope>'],
    ['a response element as root', '<PwsAuthenticateResponse xmlns="http://projectorpsa.com/PwsProjectorServices/"/>'],
  ])('rejects %s as not a SOAP 1.1 Envelope', (_label, body) => {
    expect(rejection(body).message).toMatch(/not a SOAP 1.1 Envelope/);
  });

  it('rejects a 1 MB colon-free body and a 1 MB truncated envelope', () => {
    const colonFree = `<html><body>${'<p>lorem ipsum dolor sit amet</p>'.repeat(32 * 1024)}`;
    expect(colonFree.length).toBeGreaterThan(1024 * 1024);
    expect(rejection(colonFree).message).toMatch(/not a SOAP 1.1 Envelope/);
    const truncated = wrap(`<Items xmlns="urn:x">${'<Item><Name>n</Name></Item>'.repeat(40 * 1024)}</Items>`).slice(0, 1024 * 1024);
    expect(rejection(truncated).message).toMatch(/truncated/);
  });

  it('never quotes the body in its message (it may carry a session ticket)', () => {
    const err = rejection(`<!DOCTYPE x>${wrap('<SessionTicket>ARQC8d/V3CZk+kOWf7w3KQ==</SessionTicket>')}`);
    expect(err.message).not.toContain('ARQC8d');
    expect(err).toMatchObject({ code: 'ResponseFormat', retryable: false, requestSent: true });
  });
});
