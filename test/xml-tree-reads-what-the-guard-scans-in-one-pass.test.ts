/**
 * The answer's tree is built in the guard's own pass (no second parser): namespaces resolved through their scopes,
 * the five entities and character references decoded, CDATA kept, xsi:nil and xsi:type read, and everything a
 * strict XML parser refuses refused as a ResponseFormatError.
 */
import { ResponseFormatError } from '../src/errors';
import { readXml, XSI_NS } from '../src/soap/xml-tree';

const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
function refused(xml: string, says: RegExp, options?: Parameters<typeof readXml>[1]): void {
  const read = () => readXml(xml, options);
  expect(read).toThrow(ResponseFormatError);
  expect(read).toThrow(says);
}

test('namespaces follow their scopes: defaults, prefixes, redeclaration and undeclaration', () => {
  const root = readXml('<a:r xmlns:a="urn:a" xmlns="urn:d"><x/><a:y xmlns:a="urn:b"><z xmlns=""/></a:y><a:w/></a:r>');
  expect(root).toMatchObject({ ns: 'urn:a', local: 'r' });
  expect(root.children.map((c) => [c.ns, c.local])).toEqual([['urn:d', 'x'], ['urn:b', 'y'], ['urn:a', 'w']]);
  expect(root.children[1].children[0]).toMatchObject({ ns: '', local: 'z' });
});

test('text keeps its whitespace, decodes the five entities and character references, and CDATA as it is', () => {
  const root = readXml('<r><t>  a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#233;&#x1F600;&#13;\n</t><c><![CDATA[<x> & y]]></c></r>');
  expect(root.children[0].text).toBe(`  a <b> & "c" 'd' \u00e9\u{1F600}\r\n`);
  expect(root.children[1].text).toBe('<x> & y');
});

test('only a leaf keeps text: formatting between elements is dropped', () => {
  const root = readXml('<r>\n  <a>1</a>\n  <b>2</b>\n</r>');
  expect(root.text).toBe('');
  expect(root.children.map((c) => c.text)).toEqual(['1', '2']);
});

test('xsi:nil and xsi:type are read by namespace, whatever the prefix; xml:lang is allowed', () => {
  const root = readXml(`<r xmlns:q="${XSI_NS}" xmlns:b="urn:types"><a q:nil="true"/><b q:nil="1"/><c q:type="b:Derived" xml:lang="en">x</c><d nil="true"/></r>`);
  expect(root.children.map((c) => [c.local, c.nil, c.type])).toEqual([['a', true, undefined], ['b', true, undefined], ['c', false, '{urn:types}Derived'], ['d', false, undefined]]);
});

test('what a strict parser refuses is a ResponseFormatError', () => {
  refused('<r><a:b/></r>', /undeclared namespace prefix 'a'/);
  refused(`<r xmlns:i="${XSI_NS}"><a i:type="q:T"/></r>`, /undeclared namespace prefix 'q'/);
  refused('<r>a & b</r>', /bare '&'/);
  refused('<r>&nbsp;</r>', /unknown entity &nbsp;/);
  refused('<r>&#0;</r>', /character XML cannot carry/);
  refused('<r><a></b></r>', /unbalanced end tag/);
  refused('<r><a>', /truncated/);
});

test('with envelope: true the root must be a SOAP 1.1 Envelope', () => {
  expect(readXml(`<s:Envelope xmlns:s="${ENV}"><s:Body/></s:Envelope>`, { envelope: true })).toMatchObject({ ns: ENV, local: 'Envelope' });
  refused('<Envelope xmlns="urn:other"><Body/></Envelope>', /not a SOAP 1.1 Envelope/, { envelope: true });
});

