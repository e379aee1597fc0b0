/**
 * How to test your own code against the simulator, with jest: the simulator runs in-process on 127.0.0.1, scripts
 * any operation with `sim.handle`, and shares a ManualClock with the client so rate-limit pauses take no real time.
 * `npm test` runs this file; in your project import from '@internal/projector-sdk' and '.../simulator'.
 */
import { ManualClock, ProjectorClient, isLockConflictError } from '../src';
import { DEFAULT_ACCOUNT, DEMO_PASSWORD, startSimulator, type Simulator } from '../src/simulator';

/** The code under test: "is the project free to edit right now?" */
async function projectIsFree(client: ProjectorClient, entityCode: string): Promise<boolean> {
  try {
    await client.withLocks({ locks: [{ entityIdentity: { entityCode, lockType: 'P' } }], durationInSeconds: 30 }, () => undefined);
    return true;
  } catch (err) {
    if (isLockConflictError(err)) return false;
    throw err;
  }
}

const [alice, bob] = DEFAULT_ACCOUNT.users;
const login = (userName: string) => ({ accountCode: DEFAULT_ACCOUNT.accountCode, userName, password: DEMO_PASSWORD });

let sim: Simulator;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock({ autoAdvance: true });
  sim = await startSimulator({ clock });
});
afterEach(() => sim.close());

test('a project nobody holds is free; one Bob holds is not', async () => {
  await using aliceClient = new ProjectorClient({ endpoint: sim.url, credentials: login(alice.userName), clock });
  await using bobClient = new ProjectorClient({ endpoint: sim.url, credentials: login(bob.userName), clock });
  expect(await projectIsFree(aliceClient, 'P001468-001')).toBe(true);
  await bobClient.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 600 });
  expect(await projectIsFree(aliceClient, 'P001468-001')).toBe(false);
});

test('a scripted answer: your code sees exactly what the handler returned', async () => {
  sim.handle('PwsTestRateLimiter', () => ({
    RateLimitSnapshot: {
      EnabledFlag: true, InstallationHitCount: 10, InstallationRateLimit: 2400, RollingWindowSeconds: 60,
      SessionHitCount: 1, SessionRateLimit: 1200, UserHitCount: 5, UserRateLimit: 1800,
    },
  }));
  await using client = new ProjectorClient({ endpoint: sim.url, credentials: login(alice.userName), clock });
  const result = await client.call('PwsTestRateLimiter', {});
  expect(result.RateLimitSnapshot).toMatchObject({ InstallationHitCount: 10, UserRateLimit: 1800 });
});

test('rate limiting is ridden out on the shared clock: a 10016 costs no real time', async () => {
  await using client = new ProjectorClient({ endpoint: sim.url, credentials: login(alice.userName), clock });
  await client.testRateLimiter();
  sim.setRateLimit({ sessionLimit: 1, windowInMs: 6_000 });
  const before = clock.now();
  await expect(client.testRateLimiter()).resolves.toMatchObject({ status: 'Ok' });
  expect(clock.now() - before).toBeGreaterThanOrEqual(5_000); // at least the vendor's 5 s pause, on the fake clock
});
