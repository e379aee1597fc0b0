/**
 * The older throttle: a user may have 4 requests in progress; the 5th is refused before it runs with a PwsFault
 * ("You currently have 5 active requests, exceeding the threshold of 4"). Latency is slept on the simulator's
 * ManualClock, so requests stay in progress until the test moves time.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition not reached');
}

describe('simulator concurrency throttle', () => {
  let sim: Simulator;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock });
    sim.setLatency('PwsTestRateLimiter', 1000);
  });
  afterEach(() => sim.close());

  const slow = (t: string) => callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${t}</req:SessionTicket>`);
  const quick = (t: string) => callRaw(sim.url, 'PwsCheckProjectorLocks', `<req:SessionTicket>${t}</req:SessionTicket><req:ProjectorLockSetId>1</req:ProjectorLockSetId>`);

  it('refuses the 5th concurrent request of a user, counting all of the user\'s sessions', async () => {
    const t1 = await loginRaw(sim.url);
    const t2 = await loginRaw(sim.url);
    const bob = await loginRaw(sim.url, 'bob@example.com');
    const inFlight = [slow(t1), slow(t1), slow(t2), slow(t2)];
    await until(() => clock.pendingSleepers === 4);

    const refused = await quick(t1);
    expect(refused.status).toBe(500);
    expect(textOfFirst(refused.body, 'ErrorText')).toBe('You currently have 5 active requests, exceeding the threshold of 4.');
    expect(textOfFirst(refused.body, 'ErrorCode')).toBe('TooManyActiveRequests');
    expect(sim.log[sim.log.length - 1]).toMatchObject({ outcome: 'throttled', activeForUser: 4, httpStatus: 500 });

    expect((await quick(bob)).status).toBe(200); // another user is not affected

    clock.advance(1000);
    const done = await Promise.all(inFlight);
    expect(done.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await quick(t1)).status).toBe(200);
    expect(sim.log[sim.log.length - 1].activeForUser).toBe(0);
  });

  it('honours a configured threshold', async () => {
    await sim.close();
    sim = await startSimulator({ clock, maxActiveRequestsPerUser: 1 });
    sim.setLatency('PwsTestRateLimiter', 1000);
    const t = await loginRaw(sim.url);
    const first = slow(t);
    await until(() => clock.pendingSleepers === 1);
    const refused = await quick(t);
    expect(textOfFirst(refused.body, 'ErrorText')).toBe('You currently have 2 active requests, exceeding the threshold of 1.');
    clock.advance(1000);
    expect((await first).status).toBe(200);
  });
});
