/**
 * `projector release-locks <id>` against a simulator: a held set is released (exit 0), a released one is reported
 * as such (exit 0), a stolen one names the thief (exit 0), an unknown one exits 1; --json gives the same facts.
 */
import { ProjectorClient, isLockConflictError } from '../src';
import { startSimulator, type Simulator } from '../src/simulator';
import { aliceEnv, runCli } from './support/run-cli';

const ALICE = { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' };
const BOB = { accountCode: 'DEMO', userName: 'bob@example.com', password: 'projector' };
const locks = [{ entityIdentity: { entityCode: 'P001468-002', lockType: 'P' as const } }];
let sim: Simulator;
let alice: ProjectorClient;
let bob: ProjectorClient;

beforeAll(async () => {
  sim = await startSimulator();
  alice = new ProjectorClient({ endpoint: sim.url, credentials: ALICE });
  bob = new ProjectorClient({ endpoint: sim.url, credentials: BOB });
});
afterAll(async () => {
  await Promise.all([alice.close(), bob.close()]);
  await sim.close();
});

test('a held lock set is released, then reported as already released', async () => {
  const set = await alice.acquireLocks({ locks, durationInSeconds: 600 });
  const first = await runCli(['release-locks', String(set.lockSetId)], aliceEnv(sim.baseUrl));
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout.trim()).toBe(`Released lock set ${set.lockSetId}.`);
  // The lock is free again: bob gets it without a conflict.
  const bobs = await bob.acquireLocks({ locks, durationInSeconds: 60 });
  await bob.releaseLocks(bobs.lockSetId);

  const second = await runCli(['--json', 'release-locks', String(set.lockSetId)], aliceEnv(sim.baseUrl));
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, command: 'release-locks', lockSetId: set.lockSetId, outcome: 'already-released', status: 'OkWithWarnings' });
});

test('a stolen lock set names who stole it', async () => {
  const set = await alice.acquireLocks({ locks, durationInSeconds: 600 });
  const conflict = await bob.acquireLocks({ locks, durationInSeconds: 60 }).catch((e: unknown) => e);
  if (!isLockConflictError(conflict)) throw new Error('expected a lock conflict');
  const stolen = await bob.acquireLocks({ locks, durationInSeconds: 60, locksToSteal: conflict.lockHolders });
  const r = await runCli(['release-locks', String(set.lockSetId)], aliceEnv(sim.baseUrl));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Lock set ${set.lockSetId} had been stolen by Bob Example <bob@example.com>`);
  await bob.releaseLocks(stolen.lockSetId);
});

test('an unknown lock set exits 1 with the server\'s reason', async () => {
  const r = await runCli(['release-locks', '999999'], aliceEnv(sim.baseUrl));
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/Lock set 999999 not found .*\[SpecifiedLockNotFound\]/);
});
