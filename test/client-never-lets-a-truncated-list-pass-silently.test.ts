/**
 * A list the server cut short (Warning 104 RowCountExceeded, Status still Ok) is visible on the result
 * (`$truncated`), logged at warn with the operation and request id, and, with `throwOnTruncation` (client-wide or
 * per call), a TruncatedResultError that carries the partial result. Scripted on the simulator over real HTTP.
 */
import { ConfigurationError, InvalidInputError, isTruncatedResultError, ManualClock, ProjectorClient, TruncatedResultError, consoleLogger, type ProjectorClientOptions } from '../src';
import { DEFAULT_ACCOUNT, DEMO_PASSWORD, startSimulator, type Simulator } from '../src/simulator';

const [alice] = DEFAULT_ACCOUNT.users;
const credentials = { accountCode: DEFAULT_ACCOUNT.accountCode, userName: alice.userName, password: DEMO_PASSWORD };
const ROW_COUNT_EXCEEDED = { ErrorNumber: 104, ErrorCode: 'RowCountExceeded', ErrorText: 'Not all rows were returned. Row count too small.', Type: 'Warning' as const };
const lock = (code: string) => ({ EntityIdentity: { EntityCode: code, LockType: 'P' }, LockStolenFlag: false, StolenLocks: [] });

let sim: Simulator;
let clock: ManualClock;
let answers: number;
let warnings: Array<{ message: string; fields: Record<string, unknown> }>;

beforeEach(async () => {
  clock = new ManualClock({ autoAdvance: true });
  sim = await startSimulator({ clock });
  answers = 0;
  warnings = [];
  // A list operation answering two rows and the 104 cut, with Status Ok, as the vendor's PwsGetProjectList example does.
  sim.handle('PwsCheckProjectorLocks', () => {
    answers++;
    return { Status: 'Ok', Messages: [ROW_COUNT_EXCEEDED], Locks: [lock('P001468-001'), lock('P001468-002')] };
  });
});
afterEach(() => sim.close());

const client = (options: Partial<ProjectorClientOptions> = {}) =>
  new ProjectorClient({
    endpoint: sim.url,
    credentials,
    clock,
    logger: consoleLogger({ debug() {}, info() {}, error() {}, warn: (message: string, fields: Record<string, unknown>) => void warnings.push({ message, fields }) }),
    ...options,
  });

test('a cut list resolves with $truncated, all rows that came and Status Ok, and logs a warning naming the operation and request id', async () => {
  await using c = client();
  const result = await c.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 });
  expect(result.Status).toBe('Ok');
  expect(result.Locks.map((l) => l.EntityIdentity?.EntityCode)).toEqual(['P001468-001', 'P001468-002']);
  expect(result.$truncated).toEqual({ message: { errorNumber: 104, errorCode: 'RowCountExceeded', errorText: ROW_COUNT_EXCEEDED.ErrorText, type: 'Warning' } });
  const cut = warnings.filter((w) => /104 RowCountExceeded/.test(w.message));
  expect(cut).toHaveLength(1);
  expect(cut[0].fields).toMatchObject({ operation: 'PwsCheckProjectorLocks', requestId: result.ResponseId });
});

test('a complete list carries no $truncated and logs nothing', async () => {
  sim.handle('PwsCheckProjectorLocks', () => ({ Locks: [lock('P001468-001')] }));
  await using c = client();
  const result = await c.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 });
  expect('$truncated' in result).toBe(false);
  expect(warnings).toEqual([]);
});

test('throwOnTruncation on the client: a TruncatedResultError carrying the partial result, sent once', async () => {
  await using c = client({ throwOnTruncation: true });
  const error = await c.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TruncatedResultError);
  expect(isTruncatedResultError(error)).toBe(true);
  const e = error as TruncatedResultError;
  expect(e).toMatchObject({ code: 'RowCountExceeded', errorNumber: 104, operation: 'PwsCheckProjectorLocks', status: 'Ok', requestSent: true, retryable: false });
  expect(e.requestId).toBe(e.partialResult.ResponseId);
  expect((e.partialResult.Locks as unknown[]).length).toBe(2);
  expect(e.partialResult.$truncated).toBe(e.truncation);
  expect(e.messages.map((m) => m.errorNumber)).toEqual([104]);
  expect(answers).toBe(1);
  // The same warning is logged whether or not it throws.
  expect(warnings.filter((w) => /104/.test(w.message))).toHaveLength(1);
});

test('the per-call option wins over the client: on for one call, off for another', async () => {
  await using lenient = client();
  await expect(lenient.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 }, { throwOnTruncation: true })).rejects.toBeInstanceOf(TruncatedResultError);
  await using strict = client({ throwOnTruncation: true });
  await expect(strict.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 }, { throwOnTruncation: false })).resolves.toHaveProperty('$truncated.message.errorNumber', 104);
  // The convenience methods run the same pipeline: the cut is in their warnings, and the option applies to them too.
  await expect(strict.checkLocks({ lockSetId: 7 })).rejects.toBeInstanceOf(TruncatedResultError);
  await expect(lenient.checkLocks({ lockSetId: 7 })).resolves.toMatchObject({ status: 'Ok', warnings: [{ errorNumber: 104 }] });
});

test('a non-boolean option is refused before anything is sent', async () => {
  expect(() => client({ throwOnTruncation: 'yes' as never })).toThrow(ConfigurationError);
  await using c = client();
  await expect(c.call('PwsCheckProjectorLocks', { ProjectorLockSetId: 7 }, { throwOnTruncation: 1 as never })).rejects.toMatchObject({ constructor: InvalidInputError, requestSent: false });
  expect(answers).toBe(0);
});
