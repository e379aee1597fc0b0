/**
 * Any operation of the WSDL through one typed method: `client.call(operation, request)`. Request and result use the
 * WSDL's own member names; every value has the type the generated types promise (Int64 and decimals as exact
 * strings, collections as arrays, nil members absent). Sessions, the rate-limit gate, retries and error mapping are
 * the same as for the convenience methods.
 *
 * Run: `npx ts-node examples/generic-call.ts` (starts the simulator).
 */
import { ProjectorClient } from '../src';
import type { RequestOf, ResultOf } from '../src';
import { DEFAULT_ACCOUNT, DEMO_PASSWORD, startSimulator } from '../src/simulator';

async function main(): Promise<void> {
  const sim = await startSimulator();
  await using client = new ProjectorClient({
    endpoint: sim.url,
    credentials: { accountCode: DEFAULT_ACCOUNT.accountCode, userName: DEFAULT_ACCOUNT.users[0].userName, password: DEMO_PASSWORD },
  });
  try {
    const check: RequestOf<'PwsCheckProjectorLocks'> = {
      Locks: [{ EntityIdentity: { EntityUid: 1152921504607429941n, LockType: 'P' } }],
    };
    const result: ResultOf<'PwsCheckProjectorLocks'> = await client.call('PwsCheckProjectorLocks', check);
    for (const lock of result.Locks) {
      console.log(`${lock.EntityIdentity?.EntityUid} (${typeof lock.EntityIdentity?.EntityUid}) stolen: ${lock.LockStolenFlag}`);
    }
    const limits = await client.call('PwsTestRateLimiter', {});
    console.log(`status ${limits.Status} at ${limits.ServerTimestampUtc}; session limit ${limits.RateLimitSnapshot?.SessionRateLimit}`);
  } finally {
    await sim.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
