/**
 * A large list answer (5,000 elements, as a sync job's PwsGet...List can return) passes when `maxResponseBytes`
 * allows it, and a smaller cap refuses it while streaming, naming the option, instead of buffering without bound.
 */
import { isTransportError } from '../src';
import { startRig, type Rig } from './support/client';

const COUNT = 5_000;
const lock = (i: number) => ({
  EntityIdentity: { EntityCode: `P${String(i).padStart(6, '0')}-001`, EntityUid: 1152921504607429941n + BigInt(i), LockType: 'P' },
  EntityTimestamp: 'AAAAABCotjg=',
  LockStolenFlag: i % 2 === 0,
  StolenLocks: [{ LockCount: i, LockHolderUserIdentity: { UserDisplayName: `User ${i} <&>`, UserUid: '1152921504607067702' }, MostRecentLockAcquisitionTimestamp: '2024-02-29T23:59:59.1234567Z' }],
});

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
  rig.sim.handle('PwsCheckProjectorLocks', () => ({ Locks: Array.from({ length: COUNT }, (_, i) => lock(i)) }));
});
afterAll(() => rig.close());

test('5,000 elements arrive whole and exact with a raised maxResponseBytes', async () => {
  const client = rig.client({ maxResponseBytes: 64 * 1024 * 1024 });
  const result = await client.call('PwsCheckProjectorLocks', {});
  expect(result.Locks).toHaveLength(COUNT);
  expect(result.Locks[COUNT - 1]).toStrictEqual({
    EntityIdentity: { EntityCode: 'P004999-001', EntityUid: '1152921504607434940', LockType: 'P' },
    EntityTimestamp: 'AAAAABCotjg=',
    LockStolenFlag: false,
    StolenLocks: [{ LockCount: 4999, LockHolderUserIdentity: { UserDisplayName: 'User 4999 <&>', UserUid: '1152921504607067702' }, MostRecentLockAcquisitionTimestamp: '2024-02-29T23:59:59.1234567Z' }],
  });
});

test('a cap below the answer refuses it with a TransportError that names maxResponseBytes', async () => {
  const client = rig.client({ maxResponseBytes: 256 * 1024 });
  const err = await client.call('PwsCheckProjectorLocks', {}).catch((e: unknown) => e);
  expect(isTransportError(err)).toBe(true);
  expect((err as Error).message).toMatch(/exceeds the maxResponseBytes cap of 262144 bytes/);
});
