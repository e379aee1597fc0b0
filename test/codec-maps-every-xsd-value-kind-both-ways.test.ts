/**
 * The codec's value mapping, per XSD construct, both directions, against a small hand-written type table (not the
 * generated one) that holds every construct once: each builtin the model can name, an enumeration, a WCF collection
 * of complex items and one of ints, a directly repeated member, a bounded one, nested complex types and a required
 * member. Rows read (construct, input, wire, output): the caller's value, the exact text the envelope writer puts in
 * the element, and what a caller gets back when the server sends that text. Answers are given as XML snippets, read
 * by the same reader (src/soap/xml-tree.ts) the client uses.
 */
import { XS_NS, type MemberModel, type TypeModel } from '../generated';
import { InvalidInputError, ResponseFormatError } from '../src/errors';
import { Decoder, Encoder, collectionItem, type TypeTable } from '../src/soap/codec';
import { escapeXml } from '../src/soap/envelope';
import { readXml, XSI_NS } from '../src/soap/xml-tree';
import { parseXml } from './support/xml';

const NS = 'urn:codec-test';
const xs = (local: string) => `{${XS_NS}}${local}`;
const own = (local: string) => `{${NS}}${local}`;
const member = (name: string, type: string, more: Partial<MemberModel> = {}): MemberModel =>
  ({ name, ns: NS, type, minOccurs: 0, maxOccurs: 1, nillable: true, ...more });
const complex = (name: string, members: MemberModel[]): TypeModel => ({ kind: 'complex', name, ns: NS, members });

const BUILTINS = [
  'int', 'short', 'byte', 'unsignedInt', 'unsignedShort', 'unsignedByte',
  'long', 'unsignedLong', 'integer', 'nonNegativeInteger', 'positiveInteger', 'negativeInteger', 'nonPositiveInteger',
  'decimal', 'double', 'float', 'boolean', 'dateTime', 'string', 'anyType',
];

/** Scalars has one member per construct, named after it: member `int` is an xs:int, `Color` the enumeration. */
const TYPES: TypeTable = {
  // As in generated/model.json: builtins are simple types based on themselves.
  ...Object.fromEntries(BUILTINS.map((b): [string, TypeModel] => [xs(b), { kind: 'simple', name: b, ns: XS_NS, base: xs(b) }])),
  [own('Color')]: { kind: 'simple', name: 'Color', ns: NS, base: xs('string'), enumeration: ['Red', 'Green', 'Blue'] },
  [own('Scalars')]: complex('Scalars', [...BUILTINS.filter((b) => b !== 'anyType').map((b) => member(b, xs(b))), member('Color', own('Color'))]),
  [own('Item')]: complex('Item', [member('Code', xs('string')), member('Count', xs('int'), { nillable: false })]),
  [own('ArrayOfItem')]: complex('ArrayOfItem', [member('Item', own('Item'), { maxOccurs: -1 })]),
  [own('ArrayOfint')]: complex('ArrayOfint', [member('int', xs('int'), { maxOccurs: -1, nillable: false })]),
  [own('Holder')]: complex('Holder', [
    member('Items', own('ArrayOfItem')),
    member('Numbers', own('ArrayOfint')),
    member('Tags', xs('string'), { maxOccurs: -1, nillable: false }),
    member('Pair', xs('int'), { maxOccurs: 2, nillable: false }),
    member('Nested', own('Item')),
    member('Note', xs('string')),
  ]),
  [own('Strict')]: complex('Strict', [member('Id', xs('int'), { minOccurs: 1, nillable: false }), member('Name', xs('string'))]),
};

const encoder = new Encoder('PwsTestRateLimiter', TYPES);
const decoder = new Decoder('PwsTestRateLimiter', TYPES);
const encode = (type: string, value: unknown) => encoder.complex(own(type), value, 'request');
/** Decodes `type` from the inner XML of its element (members in the test namespace, `i:` bound to xsi); undefined: no element. */
const decode = (type: string, inner: string | undefined) =>
  decoder.complex(own(type), inner === undefined ? undefined : readXml(`<result xmlns="${NS}" xmlns:i="${XSI_NS}">${inner}</result>`), 'result');
/** One element holding `text` exactly, as the envelope writer escapes it. */
const el = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw, got none');
}
function expectInputError(fn: () => unknown, path: string, says?: RegExp | string): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(InvalidInputError);
  expect(err).toMatchObject({ code: 'InvalidInput', requestSent: false, retryable: false, operation: 'PwsTestRateLimiter' });
  expect(err.message).toContain(`${path} `);
  if (says !== undefined) expect(err.message).toMatch(says);
}
function expectResponseError(fn: () => unknown, path: string, says?: RegExp | string): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ResponseFormatError);
  expect(err).toMatchObject({ code: 'ResponseFormat', operation: 'PwsTestRateLimiter' });
  expect(err.message).toContain(`${path} `);
  if (says !== undefined) expect(err.message).toMatch(says);
}

const TWO_POW_53_PLUS_1 = '9007199254740993';
const MONEY = '12345678901234567890.1234567';
const TICKS = '2024-01-31T12:00:00.1234567Z';

describe('scalars round-trip: input -> wire -> output', () => {
  // [construct, input, wire, output]
  test.each<[string, unknown, string, unknown]>([
    ['int', 42, '42', 42],
    ['int', 0, '0', 0],
    ['int', -2147483648, '-2147483648', -2147483648],
    ['int', 2147483647, '2147483647', 2147483647],
    ['short', -32768, '-32768', -32768],
    ['short', 32767, '32767', 32767],
    ['byte', -128, '-128', -128],
    ['byte', 127, '127', 127],
    ['unsignedInt', 4294967295, '4294967295', 4294967295],
    ['unsignedShort', 65535, '65535', 65535],
    ['unsignedByte', 0, '0', 0],
    ['unsignedByte', 255, '255', 255],
    ['long', '42', '42', '42'],
    ['long', TWO_POW_53_PLUS_1, TWO_POW_53_PLUS_1, TWO_POW_53_PLUS_1],
    ['long', '-9223372036854775808', '-9223372036854775808', '-9223372036854775808'],
    ['long', '9223372036854775807', '9223372036854775807', '9223372036854775807'],
    ['unsignedLong', '18446744073709551615', '18446744073709551615', '18446744073709551615'],
    ['integer', '-123456789012345678901234567890', '-123456789012345678901234567890', '-123456789012345678901234567890'],
    ['nonNegativeInteger', '0', '0', '0'],
    ['positiveInteger', '1', '1', '1'],
    ['negativeInteger', '-1', '-1', '-1'],
    ['nonPositiveInteger', '0', '0', '0'],
    ['decimal', MONEY, MONEY, MONEY],
    ['decimal', '-0.50', '-0.50', '-0.50'],
    ['decimal', '100', '100', '100'],
    ['double', 1.5, '1.5', 1.5],
    ['double', -2.25e-10, '-2.25e-10', -2.25e-10],
    ['double', Infinity, 'INF', Infinity],
    ['double', -Infinity, '-INF', -Infinity],
    ['double', NaN, 'NaN', NaN],
    ['float', 0.25, '0.25', 0.25],
    ['float', Infinity, 'INF', Infinity],
    ['float', NaN, 'NaN', NaN],
    ['boolean', true, 'true', true],
    ['boolean', false, 'false', false],
    ['dateTime', TICKS, TICKS, TICKS],
    ['dateTime', '2024-01-31T12:00:00.1234567+02:00', '2024-01-31T12:00:00.1234567+02:00', '2024-01-31T12:00:00.1234567+02:00'],
    ['dateTime', '2024-01-31T12:00:00', '2024-01-31T12:00:00', '2024-01-31T12:00:00'],
    ['string', 'plain', 'plain', 'plain'],
    ['string', '  padded\n\ttext  ', '  padded\n\ttext  ', '  padded\n\ttext  '],
    ['string', ' ', ' ', ' '],
    ['string', 'a & b < c > d "e" \'f\'', 'a & b < c > d "e" \'f\'', 'a & b < c > d "e" \'f\''],
    ['string', 'Zürich 😀 \u00A0 \uFFFD', 'Zürich 😀 \u00A0 \uFFFD', 'Zürich 😀 \u00A0 \uFFFD'],
    ['Color', 'Green', 'Green', 'Green'],
  ])('%s: %p -> %p -> %p', (construct, input, wire, output) => {
    expect(encode('Scalars', { [construct]: input })).toStrictEqual({ [construct]: wire });
    expect(decode('Scalars', el(construct, wire))).toStrictEqual({ [construct]: output });
  });

  test('the integer family keeps values beyond 2^53 exact both ways (no Number in between)', () => {
    const big = '123456789012345678901234567890123456789';
    expect(encode('Scalars', { integer: big, long: TWO_POW_53_PLUS_1 })).toStrictEqual({ long: TWO_POW_53_PLUS_1, integer: big });
    expect(decode('Scalars', el('integer', big) + el('long', TWO_POW_53_PLUS_1))).toStrictEqual({ long: TWO_POW_53_PLUS_1, integer: big });
  });
});

describe('inputs a caller may also give', () => {
  // [construct, input, wire]
  test.each<[string, unknown, string]>([
    ['long', 9007199254740993n, TWO_POW_53_PLUS_1],
    ['long', -9223372036854775808n, '-9223372036854775808'],
    ['long', 42, '42'],
    ['long', Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['long', Number.MIN_SAFE_INTEGER, '-9007199254740991'],
    ['unsignedLong', 18446744073709551615n, '18446744073709551615'],
    ['integer', 10n ** 30n, '1000000000000000000000000000000'],
    ['positiveInteger', 7, '7'],
    ['dateTime', new Date(Date.UTC(2024, 0, 31, 12, 0, 0, 123)), '2024-01-31T12:00:00.123Z'],
    ['dateTime', new Date('2024-01-31T13:00:00+01:00'), '2024-01-31T12:00:00.000Z'],
    ['dateTime', new Date('9999-12-31T23:59:59.999Z'), '9999-12-31T23:59:59.999Z'],
    ['dateTime', new Date('0001-01-01T00:00:00.000Z'), '0001-01-01T00:00:00.000Z'],
    ['string', '', ''],
  ])('%s: %p -> %p', (construct, input, wire) => {
    expect(encode('Scalars', { [construct]: input })).toStrictEqual({ [construct]: wire });
  });
});

describe('what the server may send, and what a caller gets', () => {
  // [construct, the member's element as it arrives, output]
  test.each<[string, string, unknown]>([
    ['boolean', '<boolean>1</boolean>', true],
    ['boolean', '<boolean>0</boolean>', false],
    ['boolean', '<boolean> true </boolean>', true],
    ['boolean', '<boolean>true</boolean>', true],
    ['int', '<int> 42\n</int>', 42],
    ['int', '<int>+7</int>', 7],
    ['int', '<int>-0012</int>', -12],
    ['int', '<int>42</int>', 42],
    ['unsignedShort', '<unsignedShort>65535</unsignedShort>', 65535],
    ['long', '<long> 9223372036854775807 </long>', '9223372036854775807'],
    ['long', '<long>+0042</long>', '42'],
    ['long', '<long>42</long>', '42'],
    ['unsignedLong', '<unsignedLong>18446744073709551615</unsignedLong>', '18446744073709551615'],
    ['decimal', `<decimal> ${MONEY}\n</decimal>`, MONEY],
    ['double', '<double>1E3</double>', 1000],
    ['double', '<double>-1.5e-3</double>', -0.0015],
    ['float', '<float>-INF</float>', -Infinity],
    ['dateTime', `<dateTime> ${TICKS} </dateTime>`, TICKS],
    ['Color', '<Color>Purple</Color>', 'Purple'],
    ['Color', '<Color> Blue </Color>', 'Blue'],
    // an element with attributes and text
    ['int', `<int i:type="x:int" xmlns:x="${XS_NS}">5</int>`, 5],
    ['string', '<string xml:lang="en"> kept </string>', ' kept '],
    // text in CDATA sections and character references is the same text
    ['string', '<string><![CDATA[a < b]]> &amp; <![CDATA[]]]]><![CDATA[>]]></string>', 'a < b & ]]>'],
    ['string', '<string>&#13;&#10;&#x1F600;</string>', '\r\n😀'],
    // an empty element: an empty string is a string (an enumeration without '' has no empty value: see below)
    ['string', '<string/>', ''],
    ['string', '<string></string>', ''],
  ])('%s: %s -> %p', (construct, xml, output) => {
    expect(decode('Scalars', xml)).toStrictEqual({ [construct]: output });
  });
});

describe('inputs refused before anything is sent, naming the member path', () => {
  // [construct, input, what the message says]
  test.each<[string, unknown, RegExp]>([
    ['int', 1.5, /must be an integer \(xs:int\), got number/],
    ['int', '42', /must be an integer \(xs:int\), got string/],
    ['int', 42n, /must be an integer \(xs:int\), got bigint/],
    ['int', NaN, /must be an integer/],
    ['int', Infinity, /must be an integer/],
    ['int', 2147483648, /between -2147483648 and 2147483647/],
    ['int', -2147483649, /between -2147483648 and 2147483647/],
    ['short', 32768, /between -32768 and 32767/],
    ['short', -32769, /between -32768 and 32767/],
    ['byte', 128, /between -128 and 127/],
    ['byte', -129, /between -128 and 127/],
    ['unsignedInt', -1, /between 0 and 4294967295/],
    ['unsignedInt', 4294967296, /between 0 and 4294967295/],
    ['unsignedShort', 65536, /between 0 and 65535/],
    ['unsignedByte', 256, /between 0 and 255/],
    ['unsignedByte', -1, /between 0 and 255/],
    ['unsignedByte', true, /must be an integer/],
    ['long', 2 ** 53, /not a safe integer; pass xs:long values as strings or bigint/],
    ['long', 9007199254740993, /not a safe integer; pass xs:long values as strings or bigint/],
    ['long', -(2 ** 60), /not a safe integer/],
    ['long', 1.5, /not a safe integer/],
    ['long', '1.5', /must be an integer as a decimal string, bigint or safe number/],
    ['long', '12abc', /must be an integer as a decimal string/],
    ['long', ' 12', /must be an integer as a decimal string/],
    ['long', '', /must be an integer as a decimal string/],
    ['long', '9223372036854775808', /out of the xs:long range/],
    ['long', -9223372036854775809n, /out of the xs:long range/],
    ['unsignedLong', -1n, /out of the xs:unsignedLong range/],
    ['unsignedLong', '18446744073709551616', /out of the xs:unsignedLong range/],
    ['nonNegativeInteger', '-1', /out of the xs:nonNegativeInteger range/],
    ['positiveInteger', 0, /out of the xs:positiveInteger range/],
    ['negativeInteger', '0', /out of the xs:negativeInteger range/],
    ['nonPositiveInteger', 1n, /out of the xs:nonPositiveInteger range/],
    ['decimal', 12.5, /must be a decimal string such as "12.50" \(xs:decimal\), got number/],
    ['decimal', '1e5', /must be a decimal string/],
    ['decimal', '12,50', /must be a decimal string/],
    ['decimal', '', /must be a decimal string/],
    ['decimal', ' 1', /must be a decimal string/],
    ['decimal', 5n, /must be a decimal string/],
    ['double', '1.5', /must be a number \(xs:double\), got string/],
    ['float', 1n, /must be a number \(xs:float\), got bigint/],
    ['boolean', 'true', /must be a boolean, got string/],
    ['boolean', 1, /must be a boolean, got number/],
    ['dateTime', '2024-01-31', /must be an xs:dateTime string/],
    ['dateTime', 'yesterday', /must be an xs:dateTime string/],
    ['dateTime', 1706702400000, /must be an xs:dateTime string/],
    ['dateTime', new Date('not a date'), /is an invalid Date/],
    // .NET's DateTime holds years 1 to 9999; toISOString would write +010000-01-01T... or -000001-...
    ['dateTime', new Date(Date.UTC(10000, 0, 1)), /is a Date in year 10000, outside the years 1 to 9999/],
    ['dateTime', new Date(Date.UTC(-1, 0, 1)), /is a Date in year -1, outside the years 1 to 9999/],
    ['dateTime', new Date('0000-12-31T23:59:59.999Z'), /is a Date in year 0, outside/],
    ['string', 5, /must be a string \(xs:string\), got number/],
    ['string', ['a'], /must be a string \(xs:string\), got an array/],
    ['string', 'nul\u0000byte', /control character that XML 1.0 cannot carry/],
    ['string', 'bell\u0007', /control character/],
    ['string', 'escape\u001B[0m', /control character/],
    ['string', 'not a char \uFFFE', /control character/],
    ['string', 'not a char \uFFFF', /control character/],
    ['string', 'lone high \uD83D end', /lone UTF-16 surrogate/],
    ['string', 'lone low \uDE00 end', /lone UTF-16 surrogate/],
    ['string', 'swapped \uDE00\uD83D', /lone UTF-16 surrogate/],
    ['string', '\uD83D', /lone UTF-16 surrogate/],
    ['Color', 'Purple', /must be one of Red, Green, Blue/],
    ['Color', 'green', /must be one of Red, Green, Blue/],
    ['Color', ' Green', /must be one of Red, Green, Blue/],
    ['Color', 1, /must be a string \(Color\), got number/],
  ])('%s: %p is refused', (construct, input, says) => {
    expectInputError(() => encode('Scalars', { [construct]: input }), `request.${construct}`, says);
  });
});

describe('server values that contradict the schema are a ResponseFormatError naming the member path', () => {
  // [construct, text of the member's element, what the message says]
  test.each<[string, string, RegExp]>([
    ['int', '4.2', /is not an integer: '4.2'/],
    ['int', 'abc', /is not an integer/],
    ['int', '1e3', /is not an integer/],
    ['short', '0x10', /is not an integer/],
    ['long', '1.0', /is not an integer/],
    ['long', 'NaN', /is not an integer/],
    // out of the type's range: for xs:int the number would already be rounded
    ['int', '2147483648', /is out of the xs:int range/],
    ['int', '99999999999999999999', /is out of the xs:int range/],
    ['unsignedByte', '-1', /is out of the xs:unsignedByte range/],
    ['short', '40000', /is out of the xs:short range/],
    ['long', '9223372036854775808', /is out of the xs:long range/],
    ['unsignedLong', '-1', /is out of the xs:unsignedLong range/],
    ['positiveInteger', '0', /is out of the xs:positiveInteger range/],
    ['decimal', 'abc', /is not a decimal/],
    ['decimal', '1e5', /is not a decimal/],
    // xs:double by its lexical space: no hex, no JavaScript spellings of infinity, no lower-case INF
    ['double', 'abc', /is not an xs:double: 'abc'/],
    ['double', 'inf', /is not an xs:double/],
    ['double', '0x10', /is not an xs:double: '0x10'/],
    ['double', 'Infinity', /is not an xs:double: 'Infinity'/],
    ['float', '-Infinity', /is not an xs:float/],
    ['double', '1_000', /is not an xs:double/],
    ['boolean', 'yes', /is not a boolean/],
    ['boolean', 'TRUE', /is not a boolean/],
    // xs:dateTime by its lexical form and its calendar
    ['dateTime', 'not a date', /is not an xs:dateTime: 'not a date'/],
    ['dateTime', '2024-13-45T99:99:99Z', /is not an xs:dateTime: '2024-13-45T99:99:99Z'/],
    ['dateTime', '2023-02-29T00:00:00Z', /is not an xs:dateTime/],
    ['dateTime', '2024-04-31T00:00:00Z', /is not an xs:dateTime/],
    ['dateTime', '2024-01-31T24:00:01Z', /is not an xs:dateTime/],
    ['dateTime', '2024-01-31T12:00:00+15:00', /is not an xs:dateTime/],
    ['dateTime', '2024-01-31', /is not an xs:dateTime/],
    // an empty element carries no value of a kind that is not a string
    ...['int', 'unsignedByte', 'long', 'integer', 'decimal', 'double', 'float', 'boolean', 'dateTime'].map(
      (c): [string, string, RegExp] => [c, '', new RegExp(`is empty, which is not a valid xs:${c}`)],
    ),
    ['int', ' \n ', /is empty, which is not a valid xs:int/],
    ['Color', '', /is empty, which is not a valid Color/],
    ['Color', ' ', /is empty, which is not a valid Color/],
  ])('%s: %p is refused', (construct, text, says) => {
    expectResponseError(() => decode('Scalars', el(construct, text)), `result.${construct}`, says);
  });

  test('dates the calendar has are taken: a leap day, midnight as 24:00:00, offsets up to 14:00', () => {
    for (const t of ['2024-02-29T00:00:00Z', '2000-02-29T12:00:00', '2024-01-31T24:00:00Z', '2024-01-31T12:00:00-14:00', '0001-01-01T00:00:00']) {
      expect(decode('Scalars', el('dateTime', t))).toStrictEqual({ dateTime: t });
    }
  });

  test('a value member that arrives holding elements is refused, whatever its kind', () => {
    for (const construct of ['string', 'int', 'long', 'decimal', 'double', 'boolean', 'dateTime', 'Color']) {
      expectResponseError(() => decode('Scalars', `<${construct}><x>1</x></${construct}>`), `result.${construct}`, /should be a value \(.*\) but holds elements \(x\)/);
    }
  });

  test('a member that is not repeated, arriving twice, is refused rather than merged', () => {
    expectResponseError(() => decode('Scalars', '<string>a</string><string>b</string>'), 'result.string', /arrived more than once/);
    expectResponseError(() => decode('Scalars', '<int>1</int><int>1</int>'), 'result.int', /arrived more than once/);
  });

  test('a known member in another namespace is refused; unknown elements are skipped (newer servers append members)', () => {
    expectResponseError(() => decode('Scalars', '<int xmlns="urn:elsewhere">1</int>'), 'result.int', /arrived in namespace 'urn:elsewhere', not 'urn:codec-test'/);
    expect(decode('Scalars', '<int>1</int><AddedLater><x/></AddedLater><Extra>e</Extra>')).toStrictEqual({ int: 1 });
  });

  test('the error names the operation and the path through nested members and collection items', () => {
    const xml = '<Items><Item><Code>A</Code><Count>1</Count></Item><Item><Code>B</Code><Count>two</Count></Item></Items>';
    expectResponseError(() => decode('Holder', xml), 'result.Items[1].Count', /^PwsTestRateLimiter: the response's result\.Items\[1\]\.Count is not an integer: 'two'$/);
    expectResponseError(() => decode('Holder', '<Nested><Count>1.5</Count></Nested>'), 'result.Nested.Count', /is not an integer/);
  });
});

describe('strings that look like markup go out as text, never as markup', () => {
  // The envelope writer escapes every string (no CDATA passthrough, unlike node-soap): what a reader sees is the text.
  const asXmlText = (value: string) => parseXml(`<v>${escapeXml(value)}</v>`);

  test.each([
    '<![CDATA[x]]><injected/><![CDATA[y]]>',
    '<![CDATA[</Password><Password>evil]]>',
    '<![CDATA[]]>',
    '<![CDATA[a]]]]>',
    '<![CDATA[ ]]> ]]> ]]>',
    'plain & <text>',
    '<![CDATA[ no end',
    'no start ]]>',
    'x<![CDATA[y]]>',
    'carriage\r\nreturn',
  ])('%p is encoded unchanged and written as text that reads back exactly', (value) => {
    expect(encode('Scalars', { string: value })).toStrictEqual({ string: value });
    const parsed = asXmlText(value);
    expect(parsed.children).toEqual([]);
    expect(parsed.text).toBe(value);
    expect(decode('Scalars', el('string', value))).toStrictEqual({ string: value });
  });
});

describe('WCF collections (a complex type whose only member is one repeated element)', () => {
  test('are recognised by shape: ArrayOfItem and ArrayOfint are, Holder and Item are not', () => {
    expect(collectionItem(own('ArrayOfItem'), TYPES)).toMatchObject({ name: 'Item', type: own('Item') });
    expect(collectionItem(own('ArrayOfint'), TYPES)).toMatchObject({ name: 'int', type: xs('int') });
    expect(collectionItem(own('Holder'), TYPES)).toBeUndefined();
    expect(collectionItem(own('Item'), TYPES)).toBeUndefined();
  });

  // [case, the Items element as it arrives (undefined: absent), output]
  test.each<[string, string | undefined, unknown]>([
    ['absent', undefined, []],
    ['an empty element', '<Items/>', []],
    ['an empty element with an end tag', '<Items></Items>', []],
    ['nil as i:nil="true"', '<Items i:nil="true"/>', []],
    ['nil as xsi:nil="1" under another prefix', `<Items xmlns:x="${XSI_NS}" x:nil="1"/>`, []],
    ['an element with only namespace attributes', '<Items xmlns:a="urn:x"/>', []],
    ['a single item', '<Items><Item><Code>A</Code><Count>1</Count></Item></Items>', [{ Code: 'A', Count: 1 }]],
    ['two items', '<Items><Item><Code>A</Code><Count>1</Count></Item>\n  <Item><Code>B</Code><Count>2</Count></Item></Items>', [{ Code: 'A', Count: 1 }, { Code: 'B', Count: 2 }]],
    // nil items are left out; an empty one is still one item
    ['an item that is an empty element', '<Items><Item/></Items>', [{}]],
    ['two items that are empty elements', '<Items><Item/><Item></Item></Items>', [{}, {}]],
    ['a nil item among others', '<Items><Item i:nil="true"/><Item><Count>3</Count></Item></Items>', [{ Count: 3 }]],
  ])('output, %s -> %p', (_case, xml, output) => {
    const result = decode('Holder', xml ?? '');
    expect(result.Items).toStrictEqual(output);
  });

  test.each<[string, string, unknown]>([
    ['a single int', '<Numbers><int>5</int></Numbers>', [5]],
    ['several ints', '<Numbers><int>1</int><int>-2</int><int>3</int></Numbers>', [1, -2, 3]],
    ['nil', '<Numbers i:nil="true"/>', []],
    ['empty', '<Numbers/>', []],
    ['a nil int item among others', '<Numbers><int>1</int><int i:nil="true"/><int>3</int></Numbers>', [1, 3]],
  ])('output of a collection of simple items, %s -> %p', (_case, xml, output) => {
    expect(decode('Holder', xml).Numbers).toStrictEqual(output);
  });

  // An empty <int/> carries no number: a ResponseFormatError, never an undefined (or a silently shorter list) in a number[].
  test.each([
    ['an empty int item', '<Numbers><int/></Numbers>', 'result.Numbers[0]'],
    ['an empty int item among others', '<Numbers><int>1</int><int/><int>3</int></Numbers>', 'result.Numbers[1]'],
  ])('output of a collection of simple items, %s, is refused', (_case, xml, path) => {
    expectResponseError(() => decode('Holder', xml), path, /is empty, which is not a valid xs:int/);
  });

  test('every collection member comes back as an array, even when the server left them all out', () => {
    expect(decode('Holder', '')).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
    expect(decode('Holder', undefined)).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
  });

  // [case, input of Holder.Items, wire of Holder]
  test.each<[string, unknown, unknown]>([
    ['[] is sent as an empty element', [], { Items: {} }],
    ['one item', [{ Code: 'A', Count: 1 }], { Items: { Item: [{ Code: 'A', Count: '1' }] } }],
    ['two items, in order', [{ Count: 2 }, { Code: 'B', Count: 1 }], { Items: { Item: [{ Count: '2' }, { Code: 'B', Count: '1' }] } }],
    ['absent sends nothing', undefined, {}],
    ['null sends nothing', null, {}],
  ])('input, %s', (_case, input, wire) => {
    expect(encode('Holder', { Items: input })).toStrictEqual(wire);
  });

  test('input of a collection of simple items', () => {
    expect(encode('Holder', { Numbers: [1, -2, 3] })).toStrictEqual({ Numbers: { int: ['1', '-2', '3'] } });
    expect(encode('Holder', { Numbers: [] })).toStrictEqual({ Numbers: {} });
  });

  test.each<[string, unknown, string, RegExp]>([
    ['not an array', { Items: { Code: 'A' } }, 'request.Items', /must be an array, got object/],
    ['a string', { Numbers: '1,2' }, 'request.Numbers', /must be an array, got string/],
    ['a bad item', { Numbers: [1, 2.5] }, 'request.Numbers[1]', /must be an integer/],
    ['a null item', { Items: [{ Count: 1 }, null] }, 'request.Items[1]', /must be an object, got null/],
    ['a bad member of an item', { Items: [{ Count: 1 }, { Count: 1, Colour: 'x' }] }, 'request.Items[1].Colour', /is not a member of Item \(members: Code, Count\)/],
  ])('input refused: %s', (_case, input, path, says) => {
    expectInputError(() => encode('Holder', input), path, says);
  });
});

describe('a directly repeated member (maxOccurs > 1 inside a larger type)', () => {
  test.each<[string, string, unknown]>([
    ['absent', '', []],
    ['nil', '<Tags i:nil="true"/>', []],
    ['one', '<Tags>a</Tags>', ['a']],
    ['one empty element', '<Tags/>', ['']],
    ['several', '<Tags>a</Tags><Tags> b </Tags><Tags></Tags>', ['a', ' b ', '']],
    ['several empty elements', '<Tags/><Tags/>', ['', '']],
    ['several, with other members between them', '<Tags>a</Tags><Note>n</Note><Tags>b</Tags>', ['a', 'b']],
  ])('output, %s -> %p', (_case, xml, output) => {
    expect(decode('Holder', xml).Tags).toStrictEqual(output);
  });

  test.each<[string, string, unknown]>([
    ['one', '<Pair>7</Pair>', [7]],
    ['two', '<Pair>7</Pair><Pair>8</Pair>', [7, 8]],
    ['a nil one among others', '<Pair>7</Pair><Pair i:nil="true"/>', [7]],
  ])('output of repeated ints, %s -> %p', (_case, xml, output) => {
    expect(decode('Holder', xml).Pair).toStrictEqual(output);
  });

  test('an empty element carries no number: a ResponseFormatError naming the item', () => {
    expectResponseError(() => decode('Holder', '<Pair>7</Pair><Pair/>'), 'result.Pair[1]', /is empty/);
  });

  test('input is an array of items, each encoded by the item type', () => {
    expect(encode('Holder', { Tags: ['a', ' b '], Pair: [1, 2] })).toStrictEqual({ Tags: ['a', ' b '], Pair: ['1', '2'] });
    expect(encode('Holder', { Tags: [] })).toStrictEqual({ Tags: [] });
  });

  test.each<[string, unknown, string, RegExp]>([
    ['not an array', { Tags: 'a' }, 'request.Tags', /must be an array, got string/],
    ['more than maxOccurs', { Pair: [1, 2, 3] }, 'request.Pair', /may hold at most 2 items, got 3/],
    ['a bad item', { Tags: ['ok', 'bad\u0000'] }, 'request.Tags[1]', /control character/],
  ])('input refused: %s', (_case, input, path, says) => {
    expectInputError(() => encode('Holder', input), path, says);
  });
});

describe('nil or absent members', () => {
  test.each<[string, string | undefined]>([
    ['left out', undefined],
    ['i:nil="true"', '<m i:nil="true"/>'],
    ['xsi:nil="1"', `<m xmlns:xsi="${XSI_NS}" xsi:nil="1"/>`],
    ['nil="true" under another prefix, with more attributes', `<m xmlns:a="urn:x" xmlns:n="${XSI_NS}" a:nil="false" n:nil="true"/>`],
  ])('output: a member %s is absent (undefined), whatever its construct', (_case, shape) => {
    const as = (name: string) => (shape === undefined ? '' : shape.replace(/^<m\b/, `<${name}`));
    for (const construct of [...BUILTINS.filter((b) => b !== 'anyType'), 'Color']) {
      const result = decode('Scalars', as(construct));
      expect(result).toStrictEqual({});
      expect(construct in result).toBe(false);
    }
    expect(decode('Holder', as('Nested') + as('Note'))).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
  });

  test('a nil attribute that is false is a value, not nil; nil in another namespace is no nil', () => {
    expect(decode('Scalars', '<string i:nil="false">x</string>')).toStrictEqual({ string: 'x' });
    expect(decode('Scalars', '<string xmlns:a="urn:x" a:nil="true">x</string>')).toStrictEqual({ string: 'x' });
  });

  test.each([undefined, null])('input: %p sends nothing, for every construct', (value) => {
    const input = Object.fromEntries([...BUILTINS.filter((b) => b !== 'anyType'), 'Color'].map((c) => [c, value]));
    expect(encode('Scalars', input)).toStrictEqual({});
    expect(encode('Holder', { Items: value, Numbers: value, Tags: value, Pair: value, Nested: value, Note: value })).toStrictEqual({});
  });

  test('a required member (minOccurs 1, not nillable) missing on input is refused', () => {
    expect(encode('Strict', { Id: 1 })).toStrictEqual({ Id: '1' });
    expectInputError(() => encode('Strict', {}), 'request.Id', /is required/);
    expectInputError(() => encode('Strict', { Id: undefined, Name: 'n' }), 'request.Id', /is required/);
    expectInputError(() => encode('Strict', { Id: null }), 'request.Id', /is required/);
  });

  test('a required member missing or nil on output is a ResponseFormatError', () => {
    expect(decode('Strict', '<Id>1</Id>')).toStrictEqual({ Id: 1 });
    expectResponseError(() => decode('Strict', '<Name>n</Name>'), 'result.Id', /is missing/);
    expectResponseError(() => decode('Strict', '<Id i:nil="true"/>'), 'result.Id', /is nil but may not be/);
    expectResponseError(() => decode('Strict', '<Id></Id>'), 'result.Id', /is empty, which is not a valid xs:int/);
  });
});

describe('nested complex types', () => {
  test('members go out and come back in wire (model) order, whatever order the caller or server used', () => {
    const input = { Note: 'n', Nested: { Count: 3, Code: 'c' }, Pair: [1], Tags: ['t'], Numbers: [4], Items: [{ Count: 5, Code: 'i' }] };
    const wire = encode('Holder', input);
    expect(wire).toStrictEqual({
      Items: { Item: [{ Code: 'i', Count: '5' }] },
      Numbers: { int: ['4'] },
      Tags: ['t'],
      Pair: ['1'],
      Nested: { Code: 'c', Count: '3' },
      Note: 'n',
    });
    expect(Object.keys(wire)).toEqual(['Items', 'Numbers', 'Tags', 'Pair', 'Nested', 'Note']);
    expect(Object.keys(wire.Nested as object)).toEqual(['Code', 'Count']);

    const scrambled = '<Note>n</Note><Nested><Count>3</Count><Code>c</Code></Nested><Pair>1</Pair><Tags>t</Tags><Numbers><int>4</int></Numbers><Items><Item><Count>5</Count><Code>i</Code></Item></Items>';
    const output = decode('Holder', scrambled);
    expect(output).toStrictEqual({ Items: [{ Code: 'i', Count: 5 }], Numbers: [4], Tags: ['t'], Pair: [1], Nested: { Code: 'c', Count: 3 }, Note: 'n' });
    expect(Object.keys(output)).toEqual(['Items', 'Numbers', 'Tags', 'Pair', 'Nested', 'Note']);
    expect(Object.keys(output.Nested as object)).toEqual(['Code', 'Count']);
  });

  test('an output round trip of an input returns the typed values', () => {
    const input = { Items: [{ Code: 'A', Count: 1 }, { Code: ' B ', Count: -2 }], Numbers: [7], Tags: ['x'], Pair: [1, 2], Nested: { Code: '', Count: 0 }, Note: ' n ' };
    // The wire value written out as XML the way envelope.ts does it (members in model order, text escaped).
    const toXml = (w: unknown): string =>
      Object.entries(w as Record<string, unknown>)
        .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const]))
        .map(([k, v]) => (typeof v === 'string' ? el(k, v) : `<${k}>${toXml(v)}</${k}>`))
        .join('');
    expect(decode('Holder', toXml(encode('Holder', input)))).toStrictEqual(input);
  });

  test('an empty nested element decodes as an object with no members', () => {
    expect(decode('Holder', '<Nested/>').Nested).toStrictEqual({});
  });

  test.each<[string, unknown, string, RegExp]>([
    ['an unknown member', { Bogus: 1 }, 'request.Bogus', /is not a member of Holder \(members: Items, Numbers, Tags, Pair, Nested, Note\)/],
    ['a misspelt member', { items: [] }, 'request.items', /is not a member of Holder/],
    ['an unknown member set to undefined', { Note: 'n', Extra: undefined }, 'request.Extra', /is not a member of Holder/],
    ['an unknown nested member', { Nested: { Count: 1, Amount: 2 } }, 'request.Nested.Amount', /is not a member of Item \(members: Code, Count\)/],
    ['a nested bad value', { Nested: { Count: 1.5 } }, 'request.Nested.Count', /must be an integer/],
    ['a nested scalar where an object belongs', { Nested: 'x' }, 'request.Nested', /must be an object, got string/],
    ['a nested array where an object belongs', { Nested: [{ Count: 1 }] }, 'request.Nested', /must be an object, got an array/],
    ['a Date where an object belongs', { Nested: new Date() }, 'request.Nested', /must be an object/],
  ])('input refused: %s', (_case, input, path, says) => {
    expectInputError(() => encode('Holder', input), path, says);
  });

  test.each<[string, unknown]>([
    ['a string', 'x'],
    ['an array', [{}]],
    ['undefined', undefined],
  ])('a request that is %s is refused', (_case, input) => {
    expectInputError(() => encode('Holder', input), 'request', /must be an object/);
  });

  test('output: a scalar where an element with members belongs is a ResponseFormatError', () => {
    expectResponseError(() => decode('Holder', '<Nested>x</Nested>'), 'result.Nested', /should be an element with members, got text 'x'/);
    expectResponseError(() => decode('Holder', '<Nested><Count>1</Count></Nested><Nested><Count>2</Count></Nested>'), 'result.Nested', /arrived more than once/);
  });
});
