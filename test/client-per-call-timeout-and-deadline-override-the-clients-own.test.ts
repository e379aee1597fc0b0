/**
 * CallOptions.timeoutInMs bounds each HTTP attempt of one call, CallOptions.deadlineInMs the whole call (waits and
 * retries included, and every attempt within it), over the client's own timeoutInMs / deadlineInMs. A drip-fed body
 * (real time) shows the attempt bound; a 10016 pause (the manual clock) shows the call bound.
 */
import { InvalidInputError, OutcomeUnknownError, RateLimitError, TransportError } from '../src/errors';
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 };
const check = { locks: [{ entityIdentity: PROJECT }] };
/** 20 chunks, 60 ms apart: the answer takes about 1.2 s of real time to arrive. */
const SLOW_BODY = { kind: 'drip-feed' as const, chunkIntervalInMs: 60 };

describe('per-call timeoutInMs and deadlineInMs', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test("timeoutInMs cuts one call's attempt short while the client's 10 s allows a slow body", async () => {
    const client = rig.client({ timeoutInMs: 10_000 });
    await client.authenticate();

    rig.sim.injectFaults(SLOW_BODY);
    const slow = await client.checkLocks(check);
    expect(slow.status).toBe('Ok');

    rig.sim.injectFaults(SLOW_BODY);
    const startedAt = Date.now();
    const err = await client.acquireLocks(acquire, { timeoutInMs: 250 }).catch((e: unknown) => e);
    const tookInMs = Date.now() - startedAt;
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).cause).toBeInstanceOf(TransportError);
    expect((err as OutcomeUnknownError).cause).toMatchObject({ code: 'Timeout' });
    expect(tookInMs).toBeGreaterThanOrEqual(200);
    expect(tookInMs).toBeLessThan(1_000);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsAcquireProjectorLocks')).toHaveLength(1);
  });

  test('timeoutInMs on a read: the cut attempt is retried and the call succeeds', async () => {
    const client = rig.client({ timeoutInMs: 10_000 });
    await client.authenticate();
    rig.sim.clearLog();
    rig.sim.injectFaults(SLOW_BODY);
    const startedAt = Date.now();
    await expect(client.checkLocks(check, { timeoutInMs: 250 })).resolves.toMatchObject({ status: 'Ok' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(rig.sim.log.map((e) => e.outcome)).toEqual(['injected-fault', 'ok']);
  });

  test("deadlineInMs ends one call at a 10016 pause it cannot sit out, while the client's deadline rides it out", async () => {
    const client = rig.client({ deadlineInMs: 120_000, rateLimit: { random: () => 0 } });
    await client.authenticate();
    rig.sim.setRateLimit({ sessionLimit: 0 });
    rig.sim.clearLog();

    const startedAt = rig.clock.now();
    const err = await client.checkLocks(check, { deadlineInMs: 3_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ attempts: 1, requestSent: false });
    expect((err as Error).message).toMatch(/deadline/);
    // Refused at once, and not one virtual millisecond spent waiting for a retry it could not make in time.
    expect(rig.clock.now() - startedAt).toBe(0);
    expect(rig.sim.log).toHaveLength(1);

    // The same call under the client's 120 s deadline waits out the 5 s minimum pause and tries again.
    rig.sim.clearLog();
    const retried = client.checkLocks(check);
    const lift = setInterval(() => rig.sim.log.length > 0 && rig.sim.setRateLimit({ sessionLimit: 1_200 }), 1);
    try {
      await expect(retried).resolves.toMatchObject({ status: 'Ok' });
    } finally {
      clearInterval(lift);
    }
    expect(rig.sim.log.map((e) => e.outcome)).toEqual(['rate-limited', 'ok']);
    expect(rig.sim.log[1].receivedAt - rig.sim.log[0].receivedAt).toBeGreaterThanOrEqual(5_000);
  });

  test('deadlineInMs also bounds the attempt on the wire: a slow answer to a write ends when the call must', async () => {
    const client = rig.client({ timeoutInMs: 10_000 });
    await client.authenticate();
    rig.sim.injectFaults(SLOW_BODY);
    const startedAt = Date.now();
    const err = await client.acquireLocks(acquire, { deadlineInMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).cause).toMatchObject({ code: 'Timeout' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  test('a per-call value that is not a positive number is InvalidInputError, and nothing is sent', async () => {
    const client = rig.client();
    await client.authenticate();
    rig.sim.clearLog();
    for (const options of [{ timeoutInMs: 0 }, { timeoutInMs: -5 }, { deadlineInMs: Number.NaN }, { deadlineInMs: '5000' as never }]) {
      const err = await client.checkLocks(check, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err).toMatchObject({ requestSent: false });
    }
    expect(rig.sim.log).toEqual([]);
  });
});
