/**
 * The codec driven by the real generated model (generated/model.json) through encodeRequest / decodeResult, the way the
 * pipeline uses it: requests go out in schema order with the SDK's RequestId/SessionTicket placeholders, answers (XML
 * read by src/soap/xml-tree.ts, as the client reads them) come back typed (ints as numbers, Int64 as exact strings, collections as arrays), and the vendor rules of
 * src/soap/vendor-rules.ts hold by type and member.
 */
import { InvalidInputError, ResponseFormatError } from '../src/errors';
import { decodeFaultDetail, decodeResult, encodeRequest, type OperationName } from '../src/soap/operations';
import { LOCK_TYPES, MAX_ITEMS_PER_REQUEST } from '../src/soap/vendor-rules';
import { readXml, XSI_NS, type XNode } from '../src/soap/xml-tree';

const BIG_UID = '1152921504607429941'; // past 2^53, as the vendor's examples show Uids
const TICKS = '2022-02-13T04:22:54.4566169Z';
const SVC = 'http://projectorpsa.com/PwsProjectorServices/';
/** Prefixes as WCF writes them: c CommonServices (the base members), a Responses, b Shared/Common, i xsi. */
const PREFIXES = `xmlns:c="http://projectorpsa.com/CommonServices/" xmlns:a="http://projectorpsa.com/DataContracts/Responses/" xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/" xmlns:i="${XSI_NS}"`;
/** An operation's output wrapper element holding `inner`, as envelope.ts hands it to decodeResult. */
const response = (operation: string, inner: string): XNode => readXml(`<${operation}Response xmlns="${SVC}" ${PREFIXES}>${inner}</${operation}Response>`);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw, got none');
}
function expectInputError(operation: OperationName, request: unknown, path: string, says: RegExp): void {
  const err = thrown(() => encodeRequest(operation, request, { requestId: 1, ticket: true }));
  expect(err).toBeInstanceOf(InvalidInputError);
  expect(err).toMatchObject({ code: 'InvalidInput', operation, requestSent: false, retryable: false });
  expect(err.message).toContain(`${operation}: ${path} `);
  expect(err.message).toMatch(says);
}

describe('encodeRequest', () => {
  test('PwsAuthenticate goes out in schema order, whatever order the caller used, with RequestId first and no ticket', () => {
    const wire = encodeRequest(
      'PwsAuthenticate',
      { UtcOffsetMinutes: -300, UserName: 'jdoe@acme.com', Password: ' pass word ', CultureName: 'en-US', AccountCode: 'my-account-code' },
      { requestId: 7 },
    );
    expect(wire).toStrictEqual({
      serviceRequest: {
        RequestId: '7',
        AccountCode: 'my-account-code',
        CultureName: 'en-US',
        Password: ' pass word ',
        UserName: 'jdoe@acme.com',
        UtcOffsetMinutes: '-300',
      },
    });
    expect(Object.keys(wire.serviceRequest as object)).toEqual(['RequestId', 'AccountCode', 'CultureName', 'Password', 'UserName', 'UtcOffsetMinutes']);
  });

  test('PwsAcquireProjectorLocks: ticket placeholder in its place, a collection as its item element, an Int64 exact', () => {
    const wire = encodeRequest(
      'PwsAcquireProjectorLocks',
      { Locks: [{ EntityIdentity: { LockType: 'P', EntityUid: BigInt(BIG_UID), EntityCode: 'P001468-001' } }], LockDurationSeconds: 120 },
      { requestId: 1, ticket: true },
    );
    expect(wire).toStrictEqual({
      serviceRequest: {
        RequestId: '1',
        SessionTicket: '',
        LockDurationSeconds: '120',
        Locks: { PwsProjectorLockRequest: [{ EntityIdentity: { EntityCode: 'P001468-001', EntityUid: BIG_UID, LockType: 'P' } }] },
      },
    });
    expect(Object.keys(wire.serviceRequest as object)).toEqual(['RequestId', 'SessionTicket', 'LockDurationSeconds', 'Locks']);
  });

  test('an operation with nothing but the base members takes no request at all', () => {
    expect(encodeRequest('PwsUnauthenticate', undefined, { requestId: 9, ticket: true })).toStrictEqual({ serviceRequest: { RequestId: '9', SessionTicket: '' } });
    expect(encodeRequest('PwsUnauthenticate', {}, { requestId: 9, ticket: true })).toStrictEqual({ serviceRequest: { RequestId: '9', SessionTicket: '' } });
  });

  test('PwsCheckProjectorLocks: [] goes out as an empty collection element, an absent list not at all', () => {
    expect(encodeRequest('PwsCheckProjectorLocks', { Locks: [], ProjectorLockSetId: 3 }, { requestId: 2, ticket: true })).toStrictEqual({
      serviceRequest: { RequestId: '2', SessionTicket: '', Locks: {}, ProjectorLockSetId: '3' },
    });
    expect(encodeRequest('PwsCheckProjectorLocks', { ProjectorLockSetId: 3 }, { requestId: 2, ticket: true })).toStrictEqual({
      serviceRequest: { RequestId: '2', SessionTicket: '', ProjectorLockSetId: '3' },
    });
  });

  test.each<[OperationName, unknown, string, RegExp]>([
    ['PwsAuthenticate', { RequestId: 5, AccountCode: 'a', UserName: 'u', Password: 'p' }, 'request.RequestId', /is filled in by the SDK; leave it out/],
    ['PwsReleaseProjectorLocks', { SessionTicket: 'AAAA', ProjectorLockSetId: 1 }, 'request.SessionTicket', /is filled in by the SDK; leave it out/],
    ['PwsUnauthenticate', { SessionTicket: undefined }, 'request.SessionTicket', /is filled in by the SDK/],
    ['PwsAuthenticate', { AccountCode: 'a', UserName: 'u', Pasword: 'p' }, 'request.Pasword',
      /is not a member of PwsAuthenticateRq \(members: RequestId, SessionTicket, AccountCode, CultureName, Fingerprint, Password, UserName, UtcOffsetMinutes, CrossoverTicket\)/],
    ['PwsUnauthenticate', 'ticket', 'request', /must be an object, got string/],
    ['PwsReleaseProjectorLocks', { ProjectorLockSetId: '12' }, 'request.ProjectorLockSetId', /must be an integer \(xs:int\), got string/],
    ['PwsReleaseProjectorLocks', { ProjectorLockSetId: 2 ** 31 }, 'request.ProjectorLockSetId', /between -2147483648 and 2147483647/],
    ['PwsAcquireProjectorLocks', { LockDurationSeconds: 60, Locks: [{ EntityIdentity: { EntityUid: 2 ** 60, LockType: 'P' } }] },
      'request.Locks[0].EntityIdentity.EntityUid', /not a safe integer; pass xs:long values as strings or bigint/],
  ])('%s refuses %p', (operation, request, path, says) => {
    expectInputError(operation, request, path, says);
  });
});

describe('vendor rules apply by type and member', () => {
  const acquire = (patch: Record<string, unknown>, entity: Record<string, unknown> = {}) => ({
    LockDurationSeconds: 120,
    Locks: [{ EntityIdentity: { EntityCode: 'P001468-001', LockType: 'P', ...entity } }],
    ...patch,
  });
  const lockRequest = { EntityIdentity: { EntityCode: 'P-1', LockType: 'P' } };
  const stealList = (n: number) => Array.from({ length: n }, () => ({ EntityIdentity: { EntityCode: 'P-1', LockType: 'P' }, EntityLockSummary: [{ LockCount: 1, MostRecentLockAcquisitionTimestamp: TICKS }] }));

  test.each<[string, OperationName, unknown, string, RegExp]>([
    ['LockDurationSeconds below 1', 'PwsAcquireProjectorLocks', acquire({ LockDurationSeconds: 0 }), 'request.LockDurationSeconds', /must be at least 1, got 0/],
    ['LockDurationSeconds above a day', 'PwsAcquireProjectorLocks', acquire({ LockDurationSeconds: 86401 }), 'request.LockDurationSeconds', /must be at most 86400, got 86401/],
    ['LockDurationSeconds missing', 'PwsAcquireProjectorLocks', acquire({ LockDurationSeconds: undefined }), 'request.LockDurationSeconds', /is required/],
    ['LockDurationSeconds not an integer', 'PwsAcquireProjectorLocks', acquire({ LockDurationSeconds: 1.5 }), 'request.LockDurationSeconds', /must be an integer/],
    ['renewal LockDurationSeconds above a day', 'PwsRenewProjectorLocks', { LockDurationSeconds: 100000, ProjectorLockSetId: 1 }, 'request.LockDurationSeconds', /must be at most 86400/],
    ['renewal without ProjectorLockSetId', 'PwsRenewProjectorLocks', { LockDurationSeconds: 60 }, 'request.ProjectorLockSetId', /is required/],
    ['release with ProjectorLockSetId 0', 'PwsReleaseProjectorLocks', { ProjectorLockSetId: 0 }, 'request.ProjectorLockSetId', /must be at least 1/],
    ['a LockType outside the list', 'PwsAcquireProjectorLocks', acquire({}, { LockType: 'X' }), 'request.Locks[0].EntityIdentity.LockType', /must be one of E, C, P, R, RT, CP, CB, I$/],
    ['a lower-case LockType', 'PwsAcquireProjectorLocks', acquire({}, { LockType: 'p' }), 'request.Locks[0].EntityIdentity.LockType', /must be one of E, C, P, R, RT, CP, CB, I/],
    ['no LockType', 'PwsAcquireProjectorLocks', acquire({}, { LockType: undefined }), 'request.Locks[0].EntityIdentity.LockType', /is required/],
    ['an entity with neither EntityCode nor EntityUid', 'PwsAcquireProjectorLocks', acquire({}, { EntityCode: undefined, EntityId: 5 }), 'request.Locks[0].EntityIdentity', /needs EntityCode or EntityUid/],
    ['an entity with both set to null', 'PwsAcquireProjectorLocks', acquire({}, { EntityCode: null, EntityUid: null }), 'request.Locks[0].EntityIdentity', /needs EntityCode or EntityUid/],
    ['an EntityCode over 24 characters', 'PwsAcquireProjectorLocks', acquire({}, { EntityCode: 'P'.repeat(25) }), 'request.Locks[0].EntityIdentity.EntityCode', /is longer than 24 characters/],
    ['a lock request without EntityIdentity', 'PwsAcquireProjectorLocks', acquire({ Locks: [{ EntityTimestamp: 'x' }] }), 'request.Locks[0].EntityIdentity', /is required/],
    ['no Locks', 'PwsAcquireProjectorLocks', acquire({ Locks: undefined }), 'request.Locks', /is required/],
    ['an empty Locks', 'PwsAcquireProjectorLocks', acquire({ Locks: [] }), 'request.Locks', /must hold at least 1 item\(s\), got 0/],
    ['too many Locks', 'PwsAcquireProjectorLocks', acquire({ Locks: Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => lockRequest) }), 'request.Locks', /may hold at most 100 items \(Projector's limit\), got 101/],
    ['too many LocksToSteal', 'PwsAcquireProjectorLocks', acquire({ LocksToSteal: stealList(101) }), 'request.LocksToSteal', /may hold at most 100 items/],
    ['a lock summary without items', 'PwsAcquireProjectorLocks', acquire({ LocksToSteal: [{ EntityIdentity: lockRequest.EntityIdentity, EntityLockSummary: [] }] }), 'request.LocksToSteal[0].EntityLockSummary', /must hold at least 1 item/],
    ['a lock summary item without its timestamp', 'PwsAcquireProjectorLocks', acquire({ LocksToSteal: [{ EntityIdentity: lockRequest.EntityIdentity, EntityLockSummary: [{ LockCount: 1 }] }] }), 'request.LocksToSteal[0].EntityLockSummary[0].MostRecentLockAcquisitionTimestamp', /is required/],
    ['a negative LockCount', 'PwsAcquireProjectorLocks', acquire({ LocksToSteal: [{ EntityIdentity: lockRequest.EntityIdentity, EntityLockSummary: [{ LockCount: -1, MostRecentLockAcquisitionTimestamp: TICKS }] }] }), 'request.LocksToSteal[0].EntityLockSummary[0].LockCount', /must be at least 0/],
    ['too many Locks to check', 'PwsCheckProjectorLocks', { Locks: Array.from({ length: 101 }, () => lockRequest) }, 'request.Locks', /may hold at most 100 items/],
    ['an AccountCode with a space', 'PwsAuthenticate', { AccountCode: 'my account', UserName: 'u', Password: 'p' }, 'request.AccountCode', /may contain only letters, digits, - and _/],
    ['an AccountCode ending in -', 'PwsAuthenticate', { AccountCode: 'acme-', UserName: 'u', Password: 'p' }, 'request.AccountCode', /starting and ending with a letter or digit/],
    ['an empty AccountCode', 'PwsAuthenticate', { AccountCode: '', UserName: 'u', Password: 'p' }, 'request.AccountCode', /must not be empty/],
    ['an AccountCode over 30 characters', 'PwsAuthenticate', { AccountCode: 'a'.repeat(31), UserName: 'u', Password: 'p' }, 'request.AccountCode', /is longer than 30 characters/],
    ['no UserName', 'PwsAuthenticate', { AccountCode: 'acme', Password: 'p' }, 'request.UserName', /is required/],
    ['no Password', 'PwsAuthenticate', { AccountCode: 'acme', UserName: 'u', Password: null }, 'request.Password', /is required/],
    ['a CultureName over 15 characters', 'PwsAuthenticate', { AccountCode: 'acme', UserName: 'u', Password: 'p', CultureName: 'x'.repeat(16) }, 'request.CultureName', /is longer than 15 characters/],
    ['a UtcOffsetMinutes over a day', 'PwsAuthenticate', { AccountCode: 'acme', UserName: 'u', Password: 'p', UtcOffsetMinutes: 1441 }, 'request.UtcOffsetMinutes', /must be at most 1440/],
    ['a UtcOffsetMinutes under minus a day', 'PwsAuthenticate', { AccountCode: 'acme', UserName: 'u', Password: 'p', UtcOffsetMinutes: -1441 }, 'request.UtcOffsetMinutes', /must be at least -1440/],
  ])('%s is refused', (_case, operation, request, path, says) => {
    expectInputError(operation, request, path, says);
  });

  test.each([...LOCK_TYPES])('LockType %s is accepted', (lockType) => {
    const wire = encodeRequest('PwsAcquireProjectorLocks', acquire({}, { LockType: lockType }), { requestId: 1, ticket: true });
    expect(wire).toMatchObject({ serviceRequest: { Locks: { PwsProjectorLockRequest: [{ EntityIdentity: { LockType: lockType } }] } } });
  });

  test.each([1, 86400])('LockDurationSeconds %p is accepted', (seconds) => {
    expect(encodeRequest('PwsAcquireProjectorLocks', acquire({ LockDurationSeconds: seconds }), { requestId: 1, ticket: true })).toMatchObject({
      serviceRequest: { LockDurationSeconds: String(seconds) },
    });
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['EntityCode alone', { EntityUid: undefined }, { EntityCode: 'P001468-001', LockType: 'P' }],
    ['EntityUid alone, as a bigint past 2^53', { EntityCode: undefined, EntityUid: BigInt(BIG_UID) }, { EntityUid: BIG_UID, LockType: 'P' }],
    ['EntityUid alone, as a decimal string', { EntityCode: null, EntityUid: BIG_UID }, { EntityUid: BIG_UID, LockType: 'P' }],
    ['both', { EntityUid: BIG_UID }, { EntityCode: 'P001468-001', EntityUid: BIG_UID, LockType: 'P' }],
  ])('an entity named by %s is accepted', (_case, entity, wireEntity) => {
    const wire = encodeRequest('PwsAcquireProjectorLocks', acquire({}, entity), { requestId: 1, ticket: true });
    expect((wire.serviceRequest as { Locks: { PwsProjectorLockRequest: unknown[] } }).Locks.PwsProjectorLockRequest).toStrictEqual([{ EntityIdentity: wireEntity }]);
  });

  test('exactly 100 locks are accepted', () => {
    const wire = encodeRequest('PwsAcquireProjectorLocks', acquire({ Locks: Array.from({ length: 100 }, () => lockRequest) }), { requestId: 1, ticket: true });
    expect((wire.serviceRequest as { Locks: { PwsProjectorLockRequest: unknown[] } }).Locks.PwsProjectorLockRequest).toHaveLength(100);
  });
});

describe('decodeResult', () => {
  const lock = (stolenLocks: string, patch: Record<string, string> = {}) => {
    const m = { EntityUid: BIG_UID, LockStolenFlag: 'false', ...patch };
    return `<b:PwsProjectorLock><b:EntityIdentity><b:EntityCode>P001468-001</b:EntityCode><b:EntityId>17</b:EntityId><b:EntityUid>${m.EntityUid}</b:EntityUid><b:LockType>P</b:LockType></b:EntityIdentity>` +
      `<b:EntityTimestamp>AAAAAAAB9Bc=</b:EntityTimestamp><b:LockStolenFlag>${m.LockStolenFlag}</b:LockStolenFlag>${stolenLocks}</b:PwsProjectorLock>`;
  };
  /** A PwsAcquireProjectorLocks answer; `locks` is the whole Locks element ('' leaves it out). */
  const acquired = (locks: string, lockSetId = '42') =>
    response('PwsAcquireProjectorLocks', `<PwsAcquireProjectorLocksResult>
      <c:Messages/><c:ResponseId>1</c:ResponseId><c:Status>Ok</c:Status><c:ServerTimestampUtc>${TICKS}</c:ServerTimestampUtc>
      ${locks}<a:ProjectorLockSetId>${lockSetId}</a:ProjectorLockSetId></PwsAcquireProjectorLocksResult>`);
  const typedLock = { EntityIdentity: { EntityCode: 'P001468-001', EntityId: 17, EntityUid: BIG_UID, LockType: 'P' }, EntityTimestamp: 'AAAAAAAB9Bc=', LockStolenFlag: false, StolenLocks: [] };

  test.each<[string, string]>([
    ['nil (i:nil="true")', '<b:StolenLocks i:nil="true"/>'],
    ['left out', ''],
    ['empty', '<b:StolenLocks/>'],
  ])('PwsAcquireProjectorLocks: a single PwsProjectorLock is a one-element array; StolenLocks %s is []', (_case, stolen) => {
    const result = decodeResult('PwsAcquireProjectorLocks', acquired(`<a:Locks>${lock(stolen)}</a:Locks>`));
    expect(result).toStrictEqual({ Messages: [], ResponseId: 1, Status: 'Ok', ServerTimestampUtc: TICKS, Locks: [typedLock], ProjectorLockSetId: 42 });
    expect(Object.keys(result)).toEqual(['Messages', 'ResponseId', 'Status', 'ServerTimestampUtc', 'Locks', 'ProjectorLockSetId']);
    expect(Object.keys((result.Locks as object[])[0])).toEqual(['EntityIdentity', 'EntityTimestamp', 'LockStolenFlag', 'StolenLocks']);
  });

  test('PwsAcquireProjectorLocks: two locks, one with a single stolen-lock summary item', () => {
    const stolen = `<b:StolenLocks><b:PwsEntityLockSummaryItem><b:LockCount>2</b:LockCount><b:LockHolderUserIdentity><b:UserDisplayName>Jane Doe</b:UserDisplayName><b:UserId i:nil="true"/><b:UserUid>1152921504607067737</b:UserUid></b:LockHolderUserIdentity><b:MostRecentLockAcquisitionTimestamp>${TICKS}</b:MostRecentLockAcquisitionTimestamp></b:PwsEntityLockSummaryItem></b:StolenLocks>`;
    const result = decodeResult('PwsAcquireProjectorLocks', acquired(`<a:Locks>${lock('<b:StolenLocks i:nil="true"/>')}${lock(stolen, { LockStolenFlag: '1' })}</a:Locks>`));
    expect(result.Locks).toStrictEqual([
      typedLock,
      { ...typedLock, LockStolenFlag: true, StolenLocks: [{ LockCount: 2, LockHolderUserIdentity: { UserDisplayName: 'Jane Doe', UserUid: '1152921504607067737' }, MostRecentLockAcquisitionTimestamp: TICKS }] },
    ]);
  });

  test.each<[string, string]>([
    ['nil', '<a:Locks i:nil="true"/>'],
    ['absent', ''],
    ['empty', '<a:Locks/>'],
  ])('PwsAcquireProjectorLocks: Locks %s is []', (_case, locks) => {
    expect(decodeResult('PwsAcquireProjectorLocks', acquired(locks)).Locks).toStrictEqual([]);
  });

  test('PwsAuthenticate: Int64 Uids exact, nil members absent, a single message as an array, an unknown status kept', () => {
    const result = decodeResult('PwsAuthenticate', response('PwsAuthenticate', `<PwsAuthenticateResult>
        <c:Messages><b:PwsMessage><b:ErrorCode>NonProductionInstance</b:ErrorCode><b:ErrorNumber>136</b:ErrorNumber><b:ErrorText>Test instance</b:ErrorText><b:Type>Warning</b:Type><b:ReferenceId1 i:nil="true"/></b:PwsMessage></c:Messages>
        <c:ResponseId>1</c:ResponseId><c:Status>OkWithSomethingNew</c:Status><c:ServerTimestampUtc>${TICKS}</c:ServerTimestampUtc>
        <a:RedirectUrl i:nil="true"/><a:SessionTicket>AAAAAAAAAAAAAAAAAAAAAA==</a:SessionTicket>
        <a:AccountIdentity><b:AccountCode>revcorp-doc</b:AccountCode><b:AccountId i:nil="true"/><b:AccountUid>1152921504606846977</b:AccountUid></a:AccountIdentity>
        <a:SuperUserFlag>false</a:SuperUserFlag>
      </PwsAuthenticateResult>`));
    expect(result).toStrictEqual({
      Messages: [{ ErrorCode: 'NonProductionInstance', ErrorNumber: 136, ErrorText: 'Test instance', Type: 'Warning' }],
      ResponseId: 1,
      Status: 'OkWithSomethingNew',
      ServerTimestampUtc: TICKS,
      SessionTicket: 'AAAAAAAAAAAAAAAAAAAAAA==',
      AccountIdentity: { AccountCode: 'revcorp-doc', AccountUid: '1152921504606846977' },
      SuperUserFlag: false,
    });
  });

  test.each<[string, XNode | undefined, RegExp]>([
    ['no result element', response('PwsAcquireProjectorLocks', ''), /^PwsAcquireProjectorLocks: the response has no PwsAcquireProjectorLocksResult element$/],
    ['a nil result element', response('PwsAcquireProjectorLocks', '<PwsAcquireProjectorLocksResult i:nil="true"/>'), /has no PwsAcquireProjectorLocksResult element/],
    ['no response at all', undefined, /has no PwsAcquireProjectorLocksResult element/],
    ['a non-integer ProjectorLockSetId', acquired('', '4x'), /PwsAcquireProjectorLocksResult\.ProjectorLockSetId is not an integer: '4x'/],
    // An Int64 in exponent form would have to be rounded to be read: it is not an xs:long.
    ['an Int64 in exponent form', acquired(`<a:Locks>${lock('', { EntityUid: '1.1529215046074299E18' })}</a:Locks>`), /PwsAcquireProjectorLocksResult\.Locks\[0\]\.EntityIdentity\.EntityUid is not an integer: '1\.1529215046074299E18'/],
    ['a LockStolenFlag that is no boolean', acquired(`<a:Locks>${lock('', { LockStolenFlag: 'maybe' })}</a:Locks>`), /PwsAcquireProjectorLocksResult\.Locks\[0\]\.LockStolenFlag is not a boolean: 'maybe'/],
    ['a result member in the wrong namespace', response('PwsAcquireProjectorLocks', `<PwsAcquireProjectorLocksResult><ResponseId>1</ResponseId></PwsAcquireProjectorLocksResult>`), /PwsAcquireProjectorLocksResult\.ResponseId arrived in namespace 'http:\/\/projectorpsa\.com\/PwsProjectorServices\/', not 'http:\/\/projectorpsa\.com\/CommonServices\/'/],
  ])('a ResponseFormatError for %s', (_case, answer, says) => {
    const err = thrown(() => decodeResult('PwsAcquireProjectorLocks', answer as XNode));
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(err).toMatchObject({ code: 'ResponseFormat', operation: 'PwsAcquireProjectorLocks' });
    expect(err.message).toMatch(says);
  });

  test('a PwsFault detail decodes by the same rules', () => {
    const detail = readXml(`<detail><PwsFault xmlns="http://projectorpsa.com/DataContracts/Shared/Common/" xmlns:i="${XSI_NS}">
        <Messages><PwsMessage><ErrorNumber>10041</ErrorNumber><Type>Error</Type></PwsMessage><PwsMessage><ErrorNumber>136</ErrorNumber><Type>Warning</Type></PwsMessage></Messages>
        <ResponseId>3</ResponseId>
        <LockHolders><PwsEntityLockSummary><EntityIdentity><EntityUid>${BIG_UID}</EntityUid><LockType>P</LockType></EntityIdentity><EntityLockSummary><PwsEntityLockSummaryItem><LockCount>1</LockCount><MostRecentLockAcquisitionTimestamp>${TICKS}</MostRecentLockAcquisitionTimestamp></PwsEntityLockSummaryItem></EntityLockSummary></PwsEntityLockSummary></LockHolders>
        <LockTaker i:nil="true"/>
        <AllowLocksToBeStolenFlag>1</AllowLocksToBeStolenFlag>
      </PwsFault></detail>`);
    expect(decodeFaultDetail('PwsAcquireProjectorLocks', detail)).toStrictEqual({
      element: 'PwsFault',
      value: {
        Messages: [{ ErrorNumber: 10041, Type: 'Error' }, { ErrorNumber: 136, Type: 'Warning' }],
        ResponseId: 3,
        LockHolders: [{ EntityIdentity: { EntityUid: BIG_UID, LockType: 'P' }, EntityLockSummary: [{ LockCount: 1, MostRecentLockAcquisitionTimestamp: TICKS }] }],
        AllowLocksToBeStolenFlag: true,
      },
    });
  });
});
