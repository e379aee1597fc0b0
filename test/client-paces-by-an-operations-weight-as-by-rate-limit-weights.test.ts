/**
 * An operation's weight counts in pacing the same whichever option names it: `operations: { X: { weight } }` or
 * `rateLimit: { weights: { X } }`. With a session limit of 100 (paced to 95) and a weight of 50, two calls never
 * share a rolling window: each call after the first waits for pacing, and four calls take three windows. (Times on
 * the client's ManualClock: with autoAdvance the simulator's arrival times all land after the last jump.)
 */
import type { RateLimitedInfo } from '../src/rate-limit/options';
import type { ProjectorClientOptions } from '../src/options';
import { PROJECT, startRig, type Rig } from './support/client';

const WINDOW_IN_MS = 60_000;
const CALLS = 4;
const check = { locks: [{ entityIdentity: PROJECT }] };

const configurations: [string, Partial<ProjectorClientOptions>][] = [
  ['operations.PwsCheckProjectorLocks.weight', { operations: { PwsCheckProjectorLocks: { weight: 50 } } }],
  ['rateLimit.weights.PwsCheckProjectorLocks', { rateLimit: { weights: { PwsCheckProjectorLocks: 50 } } }],
];

describe('a weight of 50 under a session limit of 100', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test.each(configurations)('set as %s, puts one call per rolling window', async (_, options) => {
    const pacing: RateLimitedInfo[] = [];
    const client = rig.client({
      deadlineInMs: 600_000,
      ...options,
      rateLimit: { limits: { session: 100, windowInMs: WINDOW_IN_MS }, onRateLimited: (i) => void (i.reason === 'pacing' && pacing.push(i)), ...options.rateLimit },
    });
    await client.authenticate();
    const startedAt = rig.clock.now();
    const results = await Promise.all(Array.from({ length: CALLS }, () => client.checkLocks(check)));
    expect(results.every((r) => r.status === 'Ok')).toBe(true);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks')).toHaveLength(CALLS);
    expect(pacing.length).toBeGreaterThanOrEqual(CALLS - 1);
    expect(pacing.every((i) => i.operation === 'PwsCheckProjectorLocks')).toBe(true);
    expect(rig.clock.now() - startedAt).toBeGreaterThanOrEqual((CALLS - 1) * WINDOW_IN_MS - 1_000);
  });

  test('operations.X.weight wins over rateLimit.weights.X for its client', async () => {
    const client = rig.client({ deadlineInMs: 600_000, operations: { PwsCheckProjectorLocks: { weight: 50 } }, rateLimit: { limits: { session: 100 }, weights: { PwsCheckProjectorLocks: 1 } } });
    await client.authenticate();
    const startedAt = rig.clock.now();
    await Promise.all(Array.from({ length: 2 }, () => client.checkLocks(check)));
    expect(rig.clock.now() - startedAt).toBeGreaterThanOrEqual(WINDOW_IN_MS - 1_000);
  });
});
