/**
 * Issue 18 item 10, through the client: an answer whose values contradict the schema is a ResponseFormatError that
 * names the operation and the member path, never a result holding a made-up value (a date that is not one, '' for a
 * member that held elements, "a,b" for a member sent twice, 16 for "0x10"). The stub server answers raw XML: the
 * vendor's own examples with one value broken. The request did reach the server, and is not sent again. And a Date
 * past year 9999 (which toISOString would write as +010000-...) is refused before anything is sent.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TypeTable } from '../src/soap/codec';
import { ProjectorClient } from '../src/client';
import { InvalidInputError, ResponseFormatError } from '../src/errors';
import { startCapture, type Capture } from './support/loopback';

const vendor = (name: string) => readFileSync(path.join(__dirname, 'fixtures', 'vendor', name), 'utf8');
const RELEASED = vendor('release-response.xml');
const STOLEN = vendor('release-response-stolen.xml');
const RATE_LIMITER = vendor('test-rate-limiter-response.xml');
const TICKET = 'AaoSuE89vJzjNFnsXZNioA==';

let capture: Capture;
let answer = '';
beforeAll(async () => {
  // Echoes the RequestId as the server does, so that only the broken value can be what is wrong.
  capture = await startCapture((req) => {
    const id = /RequestId[^>]*>(\d+)</.exec(req.body)![1];
    return { body: answer.replace(/(<ResponseId[^>]*>)1(<\/ResponseId>)/, `$1${id}$2`) };
  });
});
afterAll(() => capture.close());

/** `from` with `find` replaced by `by` (which must occur). */
function broken(from: string, find: string | RegExp, by: string): string {
  const out = from.replace(find, by);
  expect(out).not.toBe(from);
  return out;
}

/** What the call ends with when the server answers `xml`; the request is sent exactly once. */
async function outcome(xml: string, call: (client: ProjectorClient) => Promise<unknown>, make = () => new ProjectorClient({ endpoint: capture.url, sessionTicket: TICKET })): Promise<unknown> {
  answer = xml;
  const client = make();
  const before = capture.requests.length;
  try {
    return await call(client).catch((e: unknown) => e);
  } finally {
    expect(capture.requests.length - before).toBe(1);
    await client.close();
  }
}

const release = (client: ProjectorClient) => client.releaseLocks(3673);

function expectRefusal(err: unknown, operation: string, memberPath: string, says: RegExp, errorClass: typeof ResponseFormatError = ResponseFormatError): void {
  expect(err).toBeInstanceOf(errorClass);
  expect(err).toMatchObject({ code: 'ResponseFormat', operation, requestSent: true, retryable: false });
  expect((err as Error).message).toContain(`${operation}: the response's ${memberPath} `);
  expect((err as Error).message).toMatch(says);
}

it('the unbroken examples are accepted (the stub answers what the client expects)', async () => {
  await expect(outcome(RELEASED, release)).resolves.toMatchObject({ status: 'Ok', alreadyReleased: false });
  await expect(outcome(STOLEN, release)).resolves.toMatchObject({ status: 'Ok' });
});

it.each([
  ['not a date', /is not an xs:dateTime: 'not a date'/],
  ['2024-13-45T99:99:99Z', /is not an xs:dateTime: '2024-13-45T99:99:99Z'/],
  ['2023-02-29T00:00:00Z', /is not an xs:dateTime/],
])('an xs:dateTime that is not a date (%p)', async (text, says) => {
  const xml = broken(RELEASED, '2018-10-30T21:08:14.9814113Z', text);
  expectRefusal(await outcome(xml, release), 'PwsReleaseProjectorLocks', 'PwsReleaseProjectorLocksResult.ServerTimestampUtc', says);
});

it('a simple member that arrives with child elements', async () => {
  const xml = broken(STOLEN, '<b:UserDisplayName>Web Services</b:UserDisplayName>', '<b:UserDisplayName><b:First>Web</b:First><b:Last>Services</b:Last></b:UserDisplayName>');
  expectRefusal(await outcome(xml, release), 'PwsReleaseProjectorLocks', 'PwsReleaseProjectorLocksResult.StolenLock.LockStolenByUser.UserDisplayName', /should be a value \(xs:string\) but holds elements \(First\)/);
});

it('a member that is not repeated, arriving twice', async () => {
  const xml = broken(STOLEN, '<b:FirstName>Web</b:FirstName>', '<b:FirstName>a</b:FirstName><b:FirstName>b</b:FirstName>');
  expectRefusal(await outcome(xml, release), 'PwsReleaseProjectorLocks', 'PwsReleaseProjectorLocksResult.StolenLock.LockStolenByUser.FirstName', /arrived more than once/);
});

it.each([
  ['an xs:int', '<b:ProjectorLockSetId>3836</b:ProjectorLockSetId>', '<b:ProjectorLockSetId></b:ProjectorLockSetId>', 'PwsReleaseProjectorLocksResult.StolenLock.ProjectorLockSetId', /is empty, which is not a valid xs:int/],
  ['an xs:dateTime', /<ServerTimestampUtc ([^>]*)>[^<]*</, '<ServerTimestampUtc $1><', 'PwsReleaseProjectorLocksResult.ServerTimestampUtc', /is empty, which is not a valid xs:dateTime/],
  ['the Status enumeration', /<Status ([^>]*)>Ok<\/Status>/, '<Status $1/>', 'PwsReleaseProjectorLocksResult.Status', /is empty, which is not a valid RequestStatus/],
])('a member that must hold a value, arriving empty: %s', async (_case, find, by, memberPath, says) => {
  expectRefusal(await outcome(broken(STOLEN, find, by), release), 'PwsReleaseProjectorLocks', memberPath, says);
});

describe('xs:double by its lexical space', () => {
  const SNAPSHOT = '{http://projectorpsa.com/DataContracts/Shared/Common/}PwsRateLimitSnapshot';
  // wsdl/ has no xs:double member in an answer: the client runs here on a contract whose rate-limit snapshot gained
  // one (LoadFactor, last), as a WSDL refresh would bring it. Nothing else differs from the generated model.
  /** The client and error classes of a module registry whose generated model has the extra member. */
  async function withLoadFactorModel(): Promise<{ client: typeof ProjectorClient; error: typeof ResponseFormatError }> {
    let isolated: typeof import('../src/client') | undefined;
    let errors: typeof import('../src/errors') | undefined;
    await jest.isolateModulesAsync(async () => {
      const actual = jest.requireActual<typeof import('../generated')>('../generated');
      const snapshot = actual.TYPES[SNAPSHOT];
      if (snapshot.kind !== 'complex') throw new Error(`${SNAPSHOT} is not complex`);
      const member = { name: 'LoadFactor', ns: snapshot.ns, type: '{http://www.w3.org/2001/XMLSchema}double', minOccurs: 0, maxOccurs: 1, nillable: false };
      const types: TypeTable = { ...actual.TYPES, [SNAPSHOT]: { ...snapshot, members: [...snapshot.members, member] } };
      jest.doMock('../generated', () => ({ ...actual, TYPES: types }));
      isolated = (await import('../src/client')) as typeof import('../src/client');
      errors = (await import('../src/errors')) as typeof import('../src/errors');
    });
    return { client: isolated!.ProjectorClient, error: errors!.ResponseFormatError };
  }
  const withLoadFactor = (text: string) => broken(RATE_LIMITER, '<b:UserRateLimit>1800</b:UserRateLimit>', `<b:UserRateLimit>1800</b:UserRateLimit><b:LoadFactor>${text}</b:LoadFactor>`);
  const rateLimiter = (client: ProjectorClient) => client.call('PwsTestRateLimiter', {});
  let isolated: Awaited<ReturnType<typeof withLoadFactorModel>>;
  beforeAll(async () => {
    isolated = await withLoadFactorModel();
  });
  const through = (xml: string) => outcome(xml, rateLimiter, () => new isolated.client({ endpoint: capture.url, sessionTicket: TICKET }));

  it('accepts a double, INF and NaN as XSD spells them', async () => {
    const values = [];
    for (const text of ['0.75', '-1.5E-3', 'INF', '-INF', 'NaN']) {
      const result = (await through(withLoadFactor(text))) as { RateLimitSnapshot: { LoadFactor: number } };
      values.push(result.RateLimitSnapshot.LoadFactor);
    }
    expect(values).toEqual([0.75, -0.0015, Infinity, -Infinity, NaN]);
  });

  it.each(['0x10', 'Infinity', '-Infinity', 'inf', '1_000', ''])('refuses %p', async (text) => {
    const says = text === '' ? /is empty, which is not a valid xs:double/ : new RegExp(`is not an xs:double: '${text}'`);
    expectRefusal(await through(withLoadFactor(text)), 'PwsTestRateLimiter', 'PwsTestRateLimiterResult.RateLimitSnapshot.LoadFactor', says, isolated.error);
  });
});

describe('a Date past what .NET can hold is refused before anything is sent', () => {
  const check = (when: Date) => ({
    LocksToSteal: [{ EntityIdentity: { EntityCode: 'P001468-001', LockType: 'P' }, EntityLockSummary: [{ LockCount: 1, MostRecentLockAcquisitionTimestamp: when }] }],
  });

  it.each([
    ['year 10000', new Date(Date.UTC(10000, 0, 1)), /year 10000, outside the years 1 to 9999/],
    ['the largest Date', new Date(8.64e15), /year 275760, outside the years 1 to 9999/],
    ['year 0', new Date('0000-06-01T00:00:00Z'), /year 0, outside the years 1 to 9999/],
  ])('%s: InvalidInputError naming the member, nothing sent', async (_case, when, says) => {
    const client = new ProjectorClient({ endpoint: capture.url, sessionTicket: TICKET });
    const before = capture.requests.length;
    try {
      const err = await client.call('PwsCheckProjectorLocks', check(when)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err).toMatchObject({ code: 'InvalidInput', operation: 'PwsCheckProjectorLocks', requestSent: false });
      expect((err as Error).message).toContain('request.LocksToSteal[0].EntityLockSummary[0].MostRecentLockAcquisitionTimestamp ');
      expect((err as Error).message).toMatch(says);
      expect(capture.requests.length).toBe(before);
    } finally {
      await client.close();
    }
  });

  it('the last millisecond of year 9999 goes out as it is', async () => {
    answer = RELEASED.replace(/PwsReleaseProjectorLocks/g, 'PwsCheckProjectorLocks').replace(/<a:StolenLock[^>]*\/>/, '');
    const client = new ProjectorClient({ endpoint: capture.url, sessionTicket: TICKET });
    try {
      await client.call('PwsCheckProjectorLocks', check(new Date('9999-12-31T23:59:59.999Z')));
      expect(capture.requests[capture.requests.length - 1].body).toContain('>9999-12-31T23:59:59.999Z<');
    } finally {
      await client.close();
    }
  });
});
