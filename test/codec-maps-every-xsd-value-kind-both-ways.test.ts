/**
 * The codec's value mapping, per XSD construct, both directions, against a small hand-written type table (not the
 * generated one) that holds every construct once: each builtin the model can name, an enumeration, a WCF collection
 * of complex items and one of ints, a directly repeated member, a bounded one, nested complex types and a required
 * member. Rows read (construct, input, wire, output): the caller's value, what goes to node-soap, and what a caller
 * gets back when node-soap hands that wire value in.
 */
import { xmlEscape } from 'soap/lib/utils';
import { XS_NS, type MemberModel, type TypeModel } from '../generated';
import { InvalidInputError, ResponseFormatError } from '../src/errors';
import { Decoder, Encoder, collectionItem, safeText, type TypeTable } from '../src/soap/codec';
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
  // As in generated/model.ts: builtins are simple types based on themselves.
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
const decode = (type: string, wire: unknown) => decoder.complex(own(type), wire, 'result');

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
    expect(decode('Scalars', { [construct]: wire })).toStrictEqual({ [construct]: output });
  });

  test('the integer family keeps values beyond 2^53 exact both ways (no Number in between)', () => {
    const big = '123456789012345678901234567890123456789';
    expect(encode('Scalars', { integer: big, long: TWO_POW_53_PLUS_1 })).toStrictEqual({ long: TWO_POW_53_PLUS_1, integer: big });
    expect(decode('Scalars', { integer: big, long: TWO_POW_53_PLUS_1 })).toStrictEqual({ long: TWO_POW_53_PLUS_1, integer: big });
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
    ['string', '', ''],
  ])('%s: %p -> %p', (construct, input, wire) => {
    expect(encode('Scalars', { [construct]: input })).toStrictEqual({ [construct]: wire });
  });
});

describe('what node-soap may hand in, and what a caller gets', () => {
  // [construct, wire, output]
  test.each<[string, unknown, unknown]>([
    ['boolean', '1', true],
    ['boolean', '0', false],
    ['boolean', ' true ', true],
    ['boolean', true, true],
    ['int', ' 42\n', 42],
    ['int', '+7', 7],
    ['int', '-0012', -12],
    ['int', 42, 42],
    ['unsignedShort', '65535', 65535],
    ['long', ' 9223372036854775807 ', '9223372036854775807'],
    ['long', '+0042', '42'],
    ['long', 42, '42'],
    ['unsignedLong', '18446744073709551615', '18446744073709551615'],
    ['decimal', ` ${MONEY}\n`, MONEY],
    ['double', '1E3', 1000],
    ['double', '-1.5e-3', -0.0015],
    ['float', '-INF', -Infinity],
    ['dateTime', ` ${TICKS} `, TICKS],
    ['Color', 'Purple', 'Purple'],
    ['Color', ' Blue ', 'Blue'],
    // an element with attributes and text
    ['int', { attributes: { 'xsi:type': 'xsd:int' }, $value: '5' }, 5],
    ['string', { attributes: { 'xml:lang': 'en' }, $value: ' kept ' }, ' kept '],
    // an empty element: node-soap gives null; an empty string is a string (an enum's is kept as sent), a number it is not
    ['string', null, ''],
    ['Color', null, ''],
  ])('%s: %p -> %p', (construct, wire, output) => {
    expect(decode('Scalars', { [construct]: wire })).toStrictEqual({ [construct]: output });
  });

  test.each(['int', 'unsignedByte', 'long', 'integer', 'decimal', 'double', 'float', 'boolean', 'dateTime'])('%s: an empty element leaves the member absent', (construct) => {
    expect(decode('Scalars', { [construct]: null })).toStrictEqual({});
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
  // [construct, wire, what the message says]
  test.each<[string, unknown, RegExp]>([
    ['int', '4.2', /is not an integer: '4.2'/],
    ['int', 'abc', /is not an integer/],
    ['int', '', /is not an integer/],
    ['int', '1e3', /is not an integer/],
    ['short', '0x10', /is not an integer/],
    ['long', '1.0', /is not an integer/],
    ['long', 'NaN', /is not an integer/],
    // node-soap's parseInt for a typed xs:long: past 2^53 the digits are already gone
    ['long', 9007199254740992, /arrived rounded/],
    ['long', 2 ** 63, /arrived rounded/],
    ['unsignedLong', 18446744073709552000, /arrived rounded/],
    // out of the type's range: for xs:int the number would already be rounded
    ['int', '2147483648', /is out of the xs:int range/],
    ['int', '99999999999999999999', /is out of the xs:int range/],
    ['unsignedByte', '-1', /is out of the xs:unsignedByte range/],
    ['short', '40000', /is out of the xs:short range/],
    ['long', '9223372036854775808', /is out of the xs:long range/],
    ['unsignedLong', '-1', /is out of the xs:unsignedLong range/],
    ['positiveInteger', '0', /is out of the xs:positiveInteger range/],
    // node-soap's Number() for a typed xs:decimal: money may already have lost digits, so no number is taken
    ['decimal', 12345678901234567000, /arrived as a number/],
    ['decimal', 12.5, /arrived as a number/],
    // node-soap's new Date() for a typed xs:dateTime: cut to milliseconds, so no Date is taken
    ['dateTime', new Date(Date.UTC(2024, 0, 31, 12)), /arrived as a Date/],
    ['decimal', 'abc', /is not a decimal/],
    ['decimal', '1e5', /is not a decimal/],
    ['double', 'abc', /is not a number/],
    ['double', '', /is not a number/],
    ['double', 'inf', /is not a number/],
    ['boolean', 'yes', /is not a boolean/],
    ['boolean', 'TRUE', /is not a boolean/],
    ['boolean', '', /is not a boolean/],
  ])('%s: %p is refused', (construct, wire, says) => {
    expectResponseError(() => decode('Scalars', { [construct]: wire }), `result.${construct}`, says);
  });

  test('the error names the operation and the path through nested members and collection items', () => {
    const wire = { Items: { Item: [{ Code: 'A', Count: '1' }, { Code: 'B', Count: 'two' }] } };
    expectResponseError(() => decode('Holder', wire), 'result.Items[1].Count', /^PwsTestRateLimiter: the response's result\.Items\[1\]\.Count is not an integer: 'two'$/);
    expectResponseError(() => decode('Holder', { Nested: { Count: '1.5' } }), 'result.Nested.Count', /is not an integer/);
  });
});

describe('strings a CDATA-shaped value would break are re-encoded (safeText)', () => {
  // What node-soap writes for a string value is xmlEscape(value); a CDATA-shaped one it passes through raw.
  const asXmlText = (value: string) => parseXml(`<v>${xmlEscape(value)}</v>`);

  test.each([
    '<![CDATA[x]]><injected/><![CDATA[y]]>',
    '<![CDATA[</Password><Password>evil]]>',
    '<![CDATA[]]>',
    '<![CDATA[a]]]]>',
    '<![CDATA[ ]]> ]]> ]]>',
  ])('%p goes out as CDATA that carries exactly the same text', (value) => {
    const wire = encode('Scalars', { string: value }).string as string;
    expect(wire).not.toBe(value);
    const parsed = asXmlText(wire);
    expect(parsed.children).toEqual([]);
    expect(parsed.text).toBe(value);
  });

  test.each(['plain & <text>', '<![CDATA[ no end', 'no start ]]>', 'x<![CDATA[y]]>', '<![CDATA[y]]>x'])('%p is left to node-soap, which escapes it', (value) => {
    expect(safeText(value)).toBe(value);
    expect(encode('Scalars', { string: value })).toStrictEqual({ string: value });
    expect(asXmlText(value).text).toBe(value);
  });
});

describe('WCF collections (a complex type whose only member is one repeated element)', () => {
  test('are recognised by shape: ArrayOfItem and ArrayOfint are, Holder and Item are not', () => {
    expect(collectionItem(own('ArrayOfItem'), TYPES)).toMatchObject({ name: 'Item', type: own('Item') });
    expect(collectionItem(own('ArrayOfint'), TYPES)).toMatchObject({ name: 'int', type: xs('int') });
    expect(collectionItem(own('Holder'), TYPES)).toBeUndefined();
    expect(collectionItem(own('Item'), TYPES)).toBeUndefined();
  });

  // [case, wire value of Holder.Items, output]
  test.each<[string, unknown, unknown]>([
    ['absent', undefined, []],
    ['an empty element (node-soap gives null)', null, []],
    ['an empty element given as {}', {}, []],
    ['nil as i:nil="true"', { attributes: { 'i:nil': 'true' } }, []],
    ['nil as xsi:nil="1"', { attributes: { 'xsi:nil': '1' } }, []],
    ['an element with only namespace attributes', { attributes: { 'xmlns:a': 'urn:x' } }, []],
    ['a single item (node-soap gives an object)', { Item: { Code: 'A', Count: '1' } }, [{ Code: 'A', Count: 1 }]],
    ['two items', { Item: [{ Code: 'A', Count: '1' }, { Code: 'B', Count: '2' }] }, [{ Code: 'A', Count: 1 }, { Code: 'B', Count: 2 }]],
    // node-soap leaves nil items out and gives an empty one as null: one empty item is still one item
    ['an item that is an empty element', { Item: null }, [{}]],
    ['two items that are empty elements', { Item: [null, null] }, [{}, {}]],
  ])('output, %s -> %p', (_case, wire, output) => {
    const result = decode('Holder', wire === undefined ? {} : { Items: wire });
    expect(result.Items).toStrictEqual(output);
  });

  test.each<[string, unknown, unknown]>([
    ['a single int', { int: '5' }, [5]],
    ['several ints', { int: ['1', '-2', '3'] }, [1, -2, 3]],
    ['nil', { attributes: { 'i:nil': 'true' } }, []],
    ['empty', null, []],
    // an empty <int/> carries no number: it is left out, never an undefined in a number[]
    ['an empty int item', { int: null }, []],
    ['an empty int item among others', { int: ['1', null, '3'] }, [1, 3]],
  ])('output of a collection of simple items, %s -> %p', (_case, wire, output) => {
    expect(decode('Holder', { Numbers: wire }).Numbers).toStrictEqual(output);
  });

  test('every collection member comes back as an array, even when the server left them all out', () => {
    expect(decode('Holder', {})).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
    expect(decode('Holder', null)).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
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
  test.each<[string, unknown, unknown]>([
    ['absent', undefined, []],
    ['nil', { attributes: { 'i:nil': 'true' } }, []],
    ['one (node-soap gives the value, not an array)', 'a', ['a']],
    ['one empty element (node-soap gives null)', null, ['']],
    ['several', ['a', ' b ', ''], ['a', ' b ', '']],
    ['several empty elements', [null, null], ['', '']],
  ])('output, %s -> %p', (_case, wire, output) => {
    expect(decode('Holder', wire === undefined ? {} : { Tags: wire }).Tags).toStrictEqual(output);
  });

  test.each<[string, unknown, unknown]>([
    ['one', '7', [7]],
    ['two', ['7', '8'], [7, 8]],
    ['an empty element carries no number', null, []],
    ['an empty element among others', ['7', null], [7]],
  ])('output of repeated ints, %s -> %p', (_case, wire, output) => {
    expect(decode('Holder', { Pair: wire }).Pair).toStrictEqual(output);
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
  test.each<[string, unknown]>([
    ['left out', undefined],
    ['i:nil="true"', { attributes: { 'i:nil': 'true' } }],
    ['xsi:nil="1"', { attributes: { 'xsi:nil': '1' } }],
    ['a:nil="true" with more attributes', { attributes: { 'xmlns:a': 'urn:x', 'a:nil': 'true' } }],
  ])('output: a member %s is absent (undefined), whatever its construct', (_case, wire) => {
    for (const construct of [...BUILTINS.filter((b) => b !== 'anyType'), 'Color']) {
      const result = decode('Scalars', wire === undefined ? {} : { [construct]: wire });
      expect(result).toStrictEqual({});
      expect(construct in result).toBe(false);
    }
    expect(decode('Holder', wire === undefined ? {} : { Nested: wire, Note: wire })).toStrictEqual({ Items: [], Numbers: [], Tags: [], Pair: [] });
  });

  test('a nil attribute that is false is a value, not nil', () => {
    expect(decode('Scalars', { string: { attributes: { 'i:nil': 'false' }, $value: 'x' } })).toStrictEqual({ string: 'x' });
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
    expect(decode('Strict', { Id: '1' })).toStrictEqual({ Id: 1 });
    expectResponseError(() => decode('Strict', { Name: 'n' }), 'result.Id', /is missing/);
    expectResponseError(() => decode('Strict', { Id: { attributes: { 'i:nil': 'true' } } }), 'result.Id', /is missing/);
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

    const scrambled = { Note: 'n', Nested: { Count: '3', Code: 'c' }, Pair: '1', Tags: 't', Numbers: { int: '4' }, Items: { Item: { Count: '5', Code: 'i' } } };
    const output = decode('Holder', scrambled);
    expect(output).toStrictEqual({ Items: [{ Code: 'i', Count: 5 }], Numbers: [4], Tags: ['t'], Pair: [1], Nested: { Code: 'c', Count: 3 }, Note: 'n' });
    expect(Object.keys(output)).toEqual(['Items', 'Numbers', 'Tags', 'Pair', 'Nested', 'Note']);
    expect(Object.keys(output.Nested as object)).toEqual(['Code', 'Count']);
  });

  test('an output round trip of an input returns the typed values', () => {
    const input = { Items: [{ Code: 'A', Count: 1 }, { Code: ' B ', Count: -2 }], Numbers: [7], Tags: ['x'], Pair: [1, 2], Nested: { Code: '', Count: 0 }, Note: ' n ' };
    expect(decode('Holder', encode('Holder', input))).toStrictEqual(input);
  });

  test('an empty nested element (node-soap gives null) decodes as an object with no members', () => {
    expect(decode('Holder', { Nested: null }).Nested).toStrictEqual({});
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
    expectResponseError(() => decode('Holder', { Nested: 'x' }), 'result.Nested', /should be an element with members, got string/);
    expectResponseError(() => decode('Holder', { Nested: [{ Count: '1' }, { Count: '2' }] }), 'result.Nested', /should be an element with members, got an array/);
  });
});
