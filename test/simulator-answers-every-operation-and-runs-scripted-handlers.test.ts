/**
 * `sim.handle(operation, handler)` scripts any operation of the WSDL, over real HTTP with the real client: the handler
 * sees the request exactly as `client.call` took it (decoded by the schema model, without RequestId and
 * SessionTicket), and what it returns arrives through `client.call` exactly, written by the schema in the vendor's
 * namespaces and order and valid against the XSDs. Sessions, the rate limiter (weights included) and the throttle
 * apply to scripted operations as to built-in ones; a thrown SimulatedFault arrives as the client's typed error.
 * (Operations the SDK has never seen are covered end to end in e2e/refresh-path-makes-new-operations-callable-....)
 */
import { isLockConflictError, isProjectorServiceError, isRateLimitError, isSessionInvalidError, type ProjectorError } from '../src';
import { SESSIONLESS_OPERATIONS } from '../src/policy';
import { TYPES } from '../src/soap/codec';
import { NS, OPERATION_NAMES, OPERATIONS } from '../src/soap/operations';
import { SimulatedFault, type SimRequest } from '../src/simulator';
import { callRaw, loginRaw } from '../src/simulator/testing';
import { authCount, startRig, type Rig } from './support/client';
import { bodyPayload, find, parseXml, shape, type XmlNode } from './support/xml';
import { validateEnvelope } from './support/xsd';

const SEVEN_DIGITS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const BEYOND_2_53 = '9223372036854775807';
const NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil';

/** A reply using every kind the lock types carry: Int64 beyond 2^53, int, boolean, 7-digit dateTime, base64, nesting, [] and text to escape. */
const LOCKS_REPLY = {
  Messages: [{ ErrorNumber: 136, ErrorCode: 'NonProductionEnvironment', ErrorText: 'Scripted <info> & "quotes"', Type: 'Information' as const }],
  Locks: [
    {
      EntityIdentity: { EntityCode: 'P001468-001', EntityUid: BEYOND_2_53, LockType: 'P' },
      EntityTimestamp: 'AAAAABCotjg=',
      LockStolenFlag: true,
      StolenLocks: [
        {
          LockCount: 2,
          LockHolderUserIdentity: { UserDisplayName: 'Bob "the builder" <b> & co', UserUid: '1152921504607067702' },
          MostRecentLockAcquisitionTimestamp: '2024-02-29T23:59:59.1234567Z',
        },
      ],
    },
    { EntityIdentity: { EntityUid: 1152921504607429942n, LockType: 'RT' }, LockStolenFlag: false, StolenLocks: [] },
  ],
};

/** What `call` must resolve with for LOCKS_REPLY (ResponseId and the timestamp aside). */
const LOCKS_RESULT = {
  Messages: [{ ErrorNumber: 136, ErrorCode: 'NonProductionEnvironment', ErrorText: 'Scripted <info> & "quotes"', Type: 'Information' }],
  Status: 'Ok',
  Locks: [
    {
      EntityIdentity: { EntityCode: 'P001468-001', EntityUid: BEYOND_2_53, LockType: 'P' },
      EntityTimestamp: 'AAAAABCotjg=',
      LockStolenFlag: true,
      StolenLocks: [
        {
          LockCount: 2,
          LockHolderUserIdentity: { UserDisplayName: 'Bob "the builder" <b> & co', UserUid: '1152921504607067702' },
          MostRecentLockAcquisitionTimestamp: '2024-02-29T23:59:59.1234567Z',
        },
      ],
    },
    { EntityIdentity: { EntityUid: '1152921504607429942', LockType: 'RT' }, LockStolenFlag: false, StolenLocks: [] },
  ],
};

const children = (n: XmlNode | undefined) => (n?.children ?? []).map((c) => `{${c.ns}}${c.local}${c.attrs[NIL] === 'true' ? ' nil' : ''}`);

describe('sim.handle scripts any operation', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  it('a handler sees the request in call shape, and its result arrives through client.call exactly', async () => {
    const seen: SimRequest<'PwsCheckProjectorLocks'>[] = [];
    const contexts: unknown[] = [];
    rig.sim.handle('PwsCheckProjectorLocks', (request, context) => {
      seen.push(request);
      contexts.push(context);
      return LOCKS_REPLY;
    });
    const client = rig.client();
    const result = await client.call('PwsCheckProjectorLocks', {
      Locks: [
        { EntityIdentity: { EntityUid: 1152921504607429941n, LockType: 'P' } },
        { EntityIdentity: { EntityCode: '  A & <B>  ', LockType: 'RT' }, EntityTimestamp: 'AAAAABCotjk=' },
      ],
      ProjectorLockSetId: 2601,
    });

    expect(seen).toStrictEqual([
      {
        Locks: [
          { EntityIdentity: { EntityUid: '1152921504607429941', LockType: 'P' } },
          { EntityIdentity: { EntityCode: '  A & <B>  ', LockType: 'RT' }, EntityTimestamp: 'AAAAABCotjk=' },
        ],
        LocksToSteal: [],
        ProjectorLockSetId: 2601,
      },
    ]);
    expect(typeof seen[0].ProjectorLockSetId).toBe('number');
    expect(contexts).toEqual([{ operation: 'PwsCheckProjectorLocks', requestId: expect.any(Number), accountCode: 'DEMO', userName: 'alice@example.com' }]);

    const { ResponseId, ServerTimestampUtc, ...rest } = result;
    expect(rest).toStrictEqual(LOCKS_RESULT);
    expect(ResponseId).toBe((contexts[0] as { requestId: number }).requestId);
    expect(ServerTimestampUtc).toMatch(SEVEN_DIGITS);
    expect(typeof result.Locks[0].StolenLocks[0].LockCount).toBe('number');
    expect(typeof result.Locks[0].LockStolenFlag).toBe('boolean');
  });

  it('writes the scripted answer in the schema order and namespaces, WCF-style nils included, valid against the XSDs', async () => {
    rig.sim.handle('PwsCheckProjectorLocks', () => LOCKS_REPLY);
    const ticket = await loginRaw(rig.sim.url);
    const res = await callRaw(rig.sim.url, 'PwsCheckProjectorLocks', `<req:SessionTicket>${ticket}</req:SessionTicket><req:ProjectorLockSetId>5</req:ProjectorLockSetId>`);
    expect(res.status).toBe(200);
    await expect(validateEnvelope(res.body)).resolves.toEqual({ valid: true, errors: [] });

    const payload = bodyPayload(res.body);
    expect(`{${payload.ns}}${payload.local}`).toBe(`{${NS.service}}PwsCheckProjectorLocksResponse`);
    const result = find(payload, 'PwsCheckProjectorLocksResult', NS.service);
    expect(children(result)).toEqual([
      `{${NS.commonServices}}Messages`,
      `{${NS.commonServices}}ResponseId`,
      `{${NS.commonServices}}Status`,
      `{${NS.commonServices}}ServerTimestampUtc`,
      `{${NS.responses}}Locks`,
    ]);
    const lock = find(result!, 'PwsProjectorLock', NS.common)!;
    expect(children(lock)).toEqual([`{${NS.common}}EntityIdentity`, `{${NS.common}}EntityTimestamp`, `{${NS.common}}LockStolenFlag`, `{${NS.common}}StolenLocks`]);
    // Absent nillable members are written nil, as WCF does; ReferenceId1/2 of the message too.
    expect(children(find(lock, 'EntityIdentity', NS.common))).toEqual([
      `{${NS.common}}EntityCode`,
      `{${NS.common}}EntityId nil`,
      `{${NS.common}}EntityUid`,
      `{${NS.common}}LockType`,
    ]);
    expect(children(find(result!, 'PwsMessage', NS.common)).slice(-2)).toEqual([`{${NS.common}}ReferenceId1 nil`, `{${NS.common}}ReferenceId2 nil`]);
    // The vendor's prefixes: base members with their own default xmlns, operation members a:, shared structures b:.
    expect(res.body).toContain(`<PwsCheckProjectorLocksResponse xmlns="${NS.service}"><PwsCheckProjectorLocksResult xmlns:a="${NS.responses}" xmlns:i="${NS.xsi}">`);
    expect(res.body).toContain(`<ResponseId xmlns="${NS.commonServices}">`);
    expect(res.body).toContain(`<a:Locks xmlns:b="${NS.common}"><b:PwsProjectorLock><b:EntityIdentity><b:EntityCode>P001468-001</b:EntityCode><b:EntityId i:nil="true"/>`);
    expect(res.body).toContain('<b:UserDisplayName>Bob &quot;the builder&quot; &lt;b&gt; &amp; co</b:UserDisplayName>');
    expect(find(result!, 'EntityUid', NS.common)!.text).toBe(BEYOND_2_53);
  });

  it('a handler that returns nothing answers Ok with the base members; handle(op, undefined) brings the built-in back', async () => {
    rig.sim.handle('PwsAcquireProjectorLocks', () => undefined as never);
    const client = rig.client();
    const scripted = await client.call('PwsAcquireProjectorLocks', { LockDurationSeconds: 60, Locks: [{ EntityIdentity: { EntityCode: 'P001468-001', LockType: 'P' } }] });
    expect(scripted).toStrictEqual({ Messages: [], ResponseId: expect.any(Number), Status: 'Ok', ServerTimestampUtc: expect.stringMatching(SEVEN_DIGITS), Locks: [] });

    const ticket = await loginRaw(rig.sim.url);
    const raw = await callRaw(
      rig.sim.url,
      'PwsAcquireProjectorLocks',
      `<req:SessionTicket>${ticket}</req:SessionTicket><req:LockDurationSeconds>60</req:LockDurationSeconds><req:Locks><com:PwsProjectorLockRequest><com:EntityIdentity><com:EntityCode>X</com:EntityCode><com:LockType>P</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest></req:Locks>`,
    );
    await expect(validateEnvelope(raw.body)).resolves.toEqual({ valid: true, errors: [] });
    expect(shape(bodyPayload(raw.body)).map((l) => l.trim())).toEqual([
      `{${NS.service}}PwsAcquireProjectorLocksResponse`,
      `{${NS.service}}PwsAcquireProjectorLocksResult`,
      `{${NS.commonServices}}Messages`,
      `{${NS.commonServices}}ResponseId`,
      `{${NS.commonServices}}Status`,
      `{${NS.commonServices}}ServerTimestampUtc`,
      `{${NS.responses}}Locks nil`,
    ]);

    rig.sim.handle('PwsAcquireProjectorLocks', undefined);
    const real = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 });
    expect(real.lockSetId).toBeGreaterThan(0);
    expect(real.locks).toHaveLength(1);
  });

  it('an async handler may answer a Status and Warning of its own; a Warning alone makes it OkWithWarnings', async () => {
    const warning = { ErrorNumber: 50476, ErrorCode: 'LockAlreadyReleased', ErrorText: 'Warning: Lock 7 has already been released.', Type: 'Warning' as const };
    rig.sim.handle('PwsReleaseProjectorLocks', async (request) => {
      await new Promise((r) => setImmediate(r));
      return request.ProjectorLockSetId === 7 ? { Messages: [warning] } : { Status: 'Fail', Messages: [{ ErrorNumber: 50475, ErrorCode: 'SpecifiedLockNotFound', ErrorText: 'Invalid lock specified.', Type: 'Error' }] };
    });
    const client = rig.client();
    const released = await client.releaseLocks(7);
    expect(released).toMatchObject({ status: 'OkWithWarnings', alreadyReleased: true });
    const failed = await client.releaseLocks(8).catch((e: ProjectorError) => e);
    expect(failed).toMatchObject({ code: 'SpecifiedLockNotFound', errorNumber: 50475 });
  });

  it('a thrown SimulatedFault arrives as the typed error; other throws and schema-breaking replies are s:Server faults', async () => {
    const client = rig.client();
    rig.sim.handle('PwsAcquireProjectorLocks', () => {
      throw new SimulatedFault({
        messages: [{ errorNumber: 50469, errorCode: 'EntityAlreadyLocked', errorText: 'One or more existing locks prevent acquisition of requested lock.' }],
        detail: {
          AllowLocksToBeStolenFlag: false,
          LockHolderUserIdentity: { UserDisplayName: 'Bob Example', UserUid: '1152921504607067702' },
          LockHolders: [
            {
              EntityIdentity: { EntityCode: 'P001468-001', EntityUid: '1152921504607429941', LockType: 'P' },
              EntityLockSummary: [{ LockCount: 1, LockHolderUserIdentity: { UserDisplayName: 'Bob Example', UserUid: '1152921504607067702' }, MostRecentLockAcquisitionTimestamp: '2026-01-02T03:04:05.1234567Z' }],
            },
          ],
        },
      });
    });
    const conflict = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 }).catch((e: unknown) => e);
    expect(isLockConflictError(conflict)).toBe(true);
    if (!isLockConflictError(conflict)) return;
    expect(conflict.allowLocksToBeStolen).toBe(false);
    expect(conflict.errorNumber).toBe(50469);
    expect(conflict.lockHolders).toEqual([
      {
        entityIdentity: { entityCode: 'P001468-001', entityUid: '1152921504607429941', lockType: 'P' },
        entityLockSummary: [{ lockCount: 1, lockHolderUserIdentity: { userDisplayName: 'Bob Example', userUid: '1152921504607067702' }, mostRecentLockAcquisitionTimestamp: '2026-01-02T03:04:05.1234567Z' }],
      },
    ]);

    // The fault on the wire: HTTP 500, s:Client, a PwsFault the XSDs accept.
    const ticket = await loginRaw(rig.sim.url);
    const raw = await callRaw(rig.sim.url, 'PwsAcquireProjectorLocks', `<req:SessionTicket>${ticket}</req:SessionTicket><req:LockDurationSeconds>60</req:LockDurationSeconds>`);
    expect(raw.status).toBe(500);
    await expect(validateEnvelope(raw.body)).resolves.toEqual({ valid: true, errors: [] });
    expect(raw.body).toContain(`<faultcode>s:Client</faultcode><faultstring xml:lang="en-US">One or more existing locks prevent acquisition of requested lock.</faultstring><detail><PwsFault xmlns="${NS.common}"`);

    rig.sim.handle('PwsTestRateLimiter', () => {
      throw new SimulatedFault({ messages: [{ errorNumber: 12345, errorCode: 'SomethingElse', errorText: 'Scripted failure' }] });
    });
    const other = await client.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
    expect(isProjectorServiceError(other)).toBe(true);
    expect(other).toMatchObject({ errorNumber: 12345, code: 'SomethingElse' });

    rig.sim.handle('PwsTestRateLimiter', () => {
      throw new Error('boom in the script');
    });
    const threw = await callRaw(rig.sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
    expect(threw.status).toBe(500);
    expect(parseXml(threw.body).children[0].children[0].children.map((c) => c.text)).toEqual(['s:Server', "The simulator's handler for PwsTestRateLimiter threw: boom in the script"]);

    rig.sim.handle('PwsTestRateLimiter', () => ({ RateLimitSnapshot: { InstallationHitCount: 'many' } }) as never);
    const wrong = await callRaw(rig.sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
    expect(wrong.status).toBe(500);
    expect(wrong.body).toContain('result.RateLimitSnapshot.InstallationHitCount must be an integer');
  });

  it('a scripted operation needs a live session: an expired one gets -101, and the client logs in again once', async () => {
    let runs = 0;
    rig.sim.handle('PwsTestRateLimiter', () => {
      runs++;
      return { RateLimitSnapshot: { EnabledFlag: true, InstallationHitCount: runs } };
    });
    const client = rig.client();
    await client.call('PwsTestRateLimiter', {});
    rig.sim.invalidateAllSessions();
    rig.sim.clearLog();

    const again = await client.call('PwsTestRateLimiter', {});
    expect(again.RateLimitSnapshot).toEqual({ EnabledFlag: true, InstallationHitCount: 2 });
    expect(runs).toBe(2);
    expect(rig.sim.log.map((e) => `${e.operation}:${e.outcome}:${e.errorNumber ?? ''}`)).toEqual([
      'PwsTestRateLimiter:fail:-101',
      'PwsAuthenticate:ok:',
      'PwsTestRateLimiter:ok:',
    ]);
    expect(authCount(rig.sim)).toBe(1);

    // No ticket at all: 10004 in-band, written by the template of the operation, and the handler does not run.
    const raw = await callRaw(rig.sim.url, 'PwsTestRateLimiter', '<req:RequestId>9</req:RequestId>');
    expect(raw.status).toBe(200);
    expect(raw.body).toContain('<Status xmlns="http://projectorpsa.com/CommonServices/">FailSessionInvalid</Status>');
    expect(raw.body).toContain('<b:ErrorNumber>10004</b:ErrorNumber>');
    expect(runs).toBe(2);
    const dead = await rig.client({ credentials: undefined, sessionTicket: 'not-a-ticket' }).call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
    expect(isSessionInvalidError(dead)).toBe(true);
  });

  it('rate limiting applies to a scripted operation, with its weight: over the limit in Error mode it is a 10016 PwsFault', async () => {
    let runs = 0;
    rig.sim.handle('PwsRenewProjectorLocks', () => {
      runs++;
      return {};
    });
    rig.sim.setRateLimit({ weights: { PwsRenewProjectorLocks: 5 }, sessionLimit: 10 });
    const client = rig.client({ rateLimit: { giveUpAfterInMs: 0 } });
    await client.call('PwsRenewProjectorLocks', { LockDurationSeconds: 60, ProjectorLockSetId: 1 });
    await client.call('PwsRenewProjectorLocks', { LockDurationSeconds: 60, ProjectorLockSetId: 1 });
    const ticket = rig.sim.issuedTickets()[0];
    expect(rig.sim.snapshotCounters('DEMO', 'alice@example.com', ticket).session).toBe(10);

    const limited = await client.call('PwsRenewProjectorLocks', { LockDurationSeconds: 60, ProjectorLockSetId: 1 }).catch((e: unknown) => e);
    expect(isRateLimitError(limited)).toBe(true);
    expect(limited).toMatchObject({ errorNumber: 10016, code: 'RequestExceededRateLimit' });
    expect(runs).toBe(2);
    const last = rig.sim.log[rig.sim.log.length - 1];
    expect(last).toMatchObject({ operation: 'PwsRenewProjectorLocks', outcome: 'rate-limited', errorNumber: 10016, httpStatus: 500 });
  });

  it("the per-user throttle applies while a handler runs: the user's fifth concurrent request is refused with 10017", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    rig.sim.handle('PwsTestRateLimiter', async () => {
      entered++;
      await gate;
      return {};
    });
    const ticket = await loginRaw(rig.sim.url);
    const call = () => callRaw(rig.sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
    const running = [call(), call(), call(), call()];
    while (entered < 4) await new Promise((r) => setTimeout(r, 2));
    const fifth = await call();
    expect(fifth.status).toBe(500);
    expect(fifth.body).toContain('<ErrorNumber>10017</ErrorNumber>');
    release();
    expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(entered).toBe(4);
  });

  it('every operation of the WSDL can be answered generically: Ok with only the base members, valid, sessions enforced', async () => {
    // Every operation of our WSDL has built-in behaviour today, so each is scripted with an empty answer: the generic
    // path (what an operation the simulator has never heard of gets) is exercised for all of them.
    const plain = [...OPERATION_NAMES];
    expect(plain.length).toBeGreaterThanOrEqual(9);
    const ticket = await loginRaw(rig.sim.url);
    for (const op of plain) rig.sim.handle(op, () => ({}));
    for (const op of plain) {
      const sessionless = SESSIONLESS_OPERATIONS.has(op);
      const res = await callRaw(rig.sim.url, op, `<req:RequestId>41</req:RequestId>${sessionless ? '' : `<req:SessionTicket>${ticket}</req:SessionTicket>`}`);
      expect(res.status).toBe(200);
      await expect(validateEnvelope(res.body)).resolves.toEqual({ valid: true, errors: [] });
      const resultType = TYPES[OPERATIONS[op].resultType];
      const own = resultType.kind === 'complex' ? resultType.members.filter((m) => m.ns !== NS.commonServices) : [];
      const result = find(bodyPayload(res.body), OPERATIONS[op].resultMember!)!;
      // Base members with values; every member of the operation's own nil when nillable, left out otherwise.
      expect(children(result)).toEqual([
        `{${NS.commonServices}}Messages`,
        `{${NS.commonServices}}ResponseId`,
        `{${NS.commonServices}}Status`,
        `{${NS.commonServices}}ServerTimestampUtc`,
        ...own.filter((m) => m.nillable).map((m) => `{${m.ns}}${m.name} nil`),
      ]);
      expect(result.children.slice(1, 3).map((c) => c.text)).toEqual(['41', 'Ok']);
      // Validated against the XSDs like every request: a stray element is a fault naming it.
      const invalid = await callRaw(rig.sim.url, op, `<req:RequestId>43</req:RequestId><req:NoSuchMember>1</req:NoSuchMember>`);
      expect(invalid.status).toBe(500);
      expect(invalid.body).toMatch(/<faultcode>s:Client<\/faultcode><faultstring xml:lang="en-US">Element \{[^}]+\}NoSuchMember is not expected/);
      if (!sessionless) {
        const refused = await callRaw(rig.sim.url, op, '<req:RequestId>42</req:RequestId>');
        expect(find(bodyPayload(refused.body), 'Status')!.text).toBe('FailSessionInvalid');
        await expect(validateEnvelope(refused.body)).resolves.toEqual({ valid: true, errors: [] });
      }
    }
    expect(rig.sim.log.filter((e) => plain.includes(e.operation as never)).every((e) => ['ok', 'fail', 'rejected'].includes(e.outcome))).toBe(true);
  });

  it('a sessionless operation runs without a ticket, scripted too, and counts against the rate limiter', async () => {
    const sessionless = OPERATION_NAMES.find((op) => SESSIONLESS_OPERATIONS.has(op) && op !== 'PwsAuthenticate');
    expect(sessionless).toBeDefined();
    const seen: unknown[] = [];
    rig.sim.handle(sessionless!, (request, context) => {
      seen.push(context);
      return {};
    });
    rig.sim.setRateLimit({ installationLimit: 1 });
    const first = await callRaw(rig.sim.url, sessionless!, '<req:RequestId>1</req:RequestId>');
    expect(find(bodyPayload(first.body), 'Status')!.text).toBe('Ok');
    const second = await callRaw(rig.sim.url, sessionless!, '<req:RequestId>2</req:RequestId>');
    expect(second.status).toBe(500);
    expect(second.body).toContain('<ErrorNumber>10016</ErrorNumber>');
    expect(seen).toEqual([{ operation: sessionless, requestId: 1, accountCode: '', userName: '' }]);
  });

  it('refuses to script a name that is not an operation, or a handler that is not a function', () => {
    const untyped = rig.sim.handle.bind(rig.sim) as (operation: string, handler: unknown) => void;
    expect(() => untyped('PwsNoSuchOperation', () => ({}))).toThrow(/PwsNoSuchOperation is not an operation of the WSDL/);
    expect(() => rig.sim.handle('PwsTestRateLimiter', 42 as never)).toThrow(TypeError);
  });
});
