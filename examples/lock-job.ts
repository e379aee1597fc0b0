/**
 * A job that changes a project under a Projector lock, the way the SDK means it to be done: `withLocks` acquires,
 * runs your work, and always releases; a conflict tells you who holds the lock; a lock stolen while you worked is
 * an error, not a silent success.
 *
 * Run: `npx ts-node examples/lock-job.ts` (starts the simulator) or with PROJECTOR_URL, PROJECTOR_ACCOUNT,
 * PROJECTOR_USER and PROJECTOR_PASSWORD set to use a real server. In your project import from
 * '@internal/projector-sdk' and '@internal/projector-sdk/simulator' instead of the relative paths.
 */
import { isLockConflictError, isLockStolenError, ProjectorClient } from '../src';
import type { Credentials } from '../src';
import { DEFAULT_ACCOUNT, DEMO_PASSWORD, startSimulator } from '../src/simulator';

async function main(): Promise<void> {
  const env = process.env;
  const sim = env.PROJECTOR_URL ? undefined : await startSimulator();
  const endpoint = env.PROJECTOR_URL || sim!.url;
  const credentials: Credentials = sim
    ? { accountCode: DEFAULT_ACCOUNT.accountCode, userName: DEFAULT_ACCOUNT.users[0].userName, password: DEMO_PASSWORD }
    : { accountCode: env.PROJECTOR_ACCOUNT!, userName: env.PROJECTOR_USER!, password: env.PROJECTOR_PASSWORD! };

  // `await using` logs out and closes the connection pool when the block ends, whatever happens in it.
  await using client = new ProjectorClient({ endpoint, credentials });
  try {
    const summary = await client.withLocks(
      { locks: [{ entityIdentity: { entityCode: env.PROJECTOR_DEMO_ENTITY ?? 'P001468-001', lockType: 'P' } }], durationInSeconds: 120 },
      async (lockSet) => {
        // ... save the project here, while the lock set is held ...
        return `worked under lock set ${lockSet.lockSetId} (${lockSet.locks.length} lock)`;
      },
    );
    console.log(summary);
  } catch (err) {
    if (isLockConflictError(err)) {
      const holder = err.lockHolderUserIdentity?.userDisplayName ?? 'another user';
      console.log(`locked by ${holder}; ${err.allowLocksToBeStolen ? 'it may be stolen with locksToSteal' : 'it cannot be stolen'}`);
    } else if (isLockStolenError(err)) {
      console.log(`${err.stolenBy?.userDisplayName ?? 'someone'} took the lock while we worked: redo the work`);
    } else {
      throw err;
    }
  } finally {
    await sim?.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
