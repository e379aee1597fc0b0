/**
 * generated/types.ts must catch at compile time what the codec would reject at run time: a small program against a
 * fresh generation, type-checked by tsc. Every `@ts-expect-error` line must really be an error (tsc reports an
 * unused one), and the lines without one must compile.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { generate } from '../scripts/generate';

const ROOT = path.resolve(__dirname, '..');

const PROGRAM = `
import type { Operations, WireTypes } from './generated';

type Acquire = Operations['PwsAcquireProjectorLocks'];

export const full: Acquire['request'] = {
  RequestId: 1,
  SessionTicket: 'ticket',
  LockDurationSeconds: 600,
  Locks: [{ EntityIdentity: { EntityCode: 'P001468-001', EntityUid: 1152921504607429941n, LockType: 'P' } }],
  LocksToSteal: [{ EntityLockSummary: [{ LockCount: 1, MostRecentLockAcquisitionTimestamp: new Date() }] }],
};
export const empty: Acquire['request'] = {};
export const uidAsString: Acquire['request'] = { Locks: [{ EntityIdentity: { EntityUid: '1152921504607429941', EntityId: 7 } }] };

// @ts-expect-error LockDurationSeconds is xs:int: a number, not a string
export const intAsString: Acquire['request'] = { LockDurationSeconds: '600' };
// @ts-expect-error Locks is a collection: an array, not one item
export const oneItem: Acquire['request'] = { Locks: { EntityTimestamp: 'x' } };
// @ts-expect-error EntityUid is xs:long: string, bigint or number
export const longAsBoolean: Acquire['request'] = { Locks: [{ EntityIdentity: { EntityUid: true } }] };
// @ts-expect-error members keep their XSD names
export const camelCase: Acquire['request'] = { lockDurationSeconds: 600 };
// @ts-expect-error not a member of PwsAcquireProjectorLocksRq
export const unknownMember: Acquire['request'] = { Lockz: [] };

declare const result: Acquire['result'];
export const locks: WireTypes.PwsProjectorLock[] = result.Locks;
export const uid: string | undefined = result.Locks[0]?.EntityIdentity?.EntityUid;
export const status: 'Ok' | 'OkWithWarnings' | 'Fail' | 'FailSessionInvalid' | undefined = result.Status;
// @ts-expect-error a received xs:long is a decimal string, never a number
export const uidAsNumber: number | undefined = result.Locks[0]?.EntityIdentity?.EntityUid;
// @ts-expect-error a received xs:dateTime is the server's string, not a Date
export const when: Date | undefined = result.ServerTimestampUtc;
// @ts-expect-error a received collection is always an array
export const maybeMissing: Acquire['result'] = { ...result, Locks: undefined };

// @ts-expect-error an enum takes only its values
export const badStatus: Operations['PwsAuthenticate']['reply'] = { Status: 'Okay' };
// @ts-expect-error a message's ErrorNumber is xs:int, also inside a collection
export const badFlag: Operations['PwsReleaseProjectorLocks']['reply'] = { StolenLock: { ProjectorLockSetId: 1 }, Messages: [{ ErrorNumber: '1' }] };
`;

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-wire-types-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

it('accepts well-typed requests and replies and rejects each wrong member type', async () => {
  await generate({ outDir: path.join(tmp, 'generated'), quiet: true });
  await fs.writeFile(path.join(tmp, 'check.ts'), PROGRAM);
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  const base = JSON.parse(await fs.readFile(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const tsconfig = { compilerOptions: { ...base.compilerOptions, types: ['node'], noEmit: true }, files: ['check.ts'] };
  await fs.writeFile(path.join(tmp, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = await promisify(execFile)(tsc, ['--noEmit', '-p', tmp], { cwd: tmp }).then(
    () => ({ code: 0, output: '' }),
    (err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, output: err.stdout ?? '' }),
  );
  expect(result).toEqual({ code: 0, output: '' });
}, 120_000);
