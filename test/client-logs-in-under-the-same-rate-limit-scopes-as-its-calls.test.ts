/**
 * A login is a request of the account's user like any other: PwsAuthenticate passes the same installation gate,
 * the same per-user slot and the same pacing windows as the calls it serves. So ten clients of one user sharing a
 * controller never have more than three requests of that user on the server, logins included, and the simulator
 * (which refuses a user's 5th concurrent request) never refuses one.
 */
import { systemClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { RateLimitController } from '../src/rate-limit/controller';
import { MemoryRateLimitStore } from '../src/rate-limit/store';
import { startSimulator } from '../src/simulator';
import { ALICE, PROJECT, startRig, type Rig } from './support/client';

const check = { locks: [{ entityIdentity: PROJECT }] };

/** The in-process store, recording the scopes of every reservation (pacing reserves once per admitted attempt). */
class RecordingStore extends MemoryRateLimitStore {
  readonly reserved: string[][] = [];
  override reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number) {
    this.reserved.push(entries.map((e) => e.scope));
    return super.reserve(entries, weight, windowInMs);
  }
}

describe('logins count against the scopes of the calls they serve', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('PwsAuthenticate reserves in the same installation and user scopes as the calls', async () => {
    const store = new RecordingStore(rig.clock);
    const client = rig.client({ rateLimit: { store } });
    await client.authenticate();
    const login = store.reserved.splice(0);
    await client.checkLocks(check);
    const call = store.reserved.splice(0);
    expect(login).toHaveLength(1);
    expect(call).toHaveLength(1);
    expect(login[0]).toEqual(['DEMO', `DEMO/${ALICE.userName}`]);
    // The call adds its session's scope (a hash of the ticket); installation and user are the login's.
    expect(call[0].slice(0, 2)).toEqual(login[0]);
    expect(call[0]).toHaveLength(3);
  });

  test('ten clients of one user sharing a controller: no request refused for too many active requests, logins included', async () => {
    // Real time here: requests must really overlap on the server (each takes 150 ms), which a clock that jumps
    // ahead whenever everyone sleeps would not give.
    const sim = await startSimulator();
    const store = new RecordingStore(systemClock);
    const controller = new RateLimitController({ clock: systemClock, store });
    sim.setLatency('*', 150);
    const clients = Array.from({ length: 10 }, () => new ProjectorClient({ endpoint: sim.url, credentials: ALICE, rateLimit: { controller } }));
    try {
      const results = await Promise.all(clients.map((c) => Promise.all([c.checkLocks(check), c.checkLocks(check), c.checkLocks(check)])));
      expect(results.flat().every((r) => r.status === 'Ok')).toBe(true);

      const log = sim.log;
      const throttled = log.filter((e) => e.outcome === 'throttled');
      expect(throttled.filter((e) => e.operation === 'PwsAuthenticate')).toEqual([]);
      expect(throttled).toEqual([]);
      // At most 3 of the user's requests on the server at once (2 others active when one arrives), logins included.
      expect(Math.max(...log.map((e) => e.activeForUser ?? 0))).toBeLessThanOrEqual(2);
      expect(log.filter((e) => e.operation === 'PwsAuthenticate' && e.outcome === 'ok')).toHaveLength(10);
      // Every reservation, logins' and calls' alike, is in the account's installation and user scopes.
      expect(store.reserved).toHaveLength(40);
      expect(store.reserved.every((scopes) => scopes[0] === 'DEMO' && scopes[1] === `DEMO/${ALICE.userName}`)).toBe(true);
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
      await sim.close();
    }
  });

  test("a login waits at the installation's gate while another client's 10016 pause is in force", async () => {
    const controller = new RateLimitController({ clock: rig.clock });
    const first = rig.client({ rateLimit: { controller } });
    await first.authenticate();
    rig.sim.setRateLimit({ sessionLimit: 0 });
    const refusedAt = rig.clock.now();
    // The first client's call is refused (10016) and closes the shared gate for at least the vendor's 5 s.
    const refused = first.checkLocks(check, { deadlineInMs: 1_000 }).catch((e: unknown) => e);
    await refused;
    expect((await controller.store.getPause('DEMO')).remainingInMs).toBeGreaterThanOrEqual(4_000);
    rig.sim.setRateLimit({ sessionLimit: 1_200 });

    const second = rig.client({ rateLimit: { controller } });
    await second.authenticate();
    const logins = rig.sim.log.filter((e) => e.operation === 'PwsAuthenticate');
    expect(logins).toHaveLength(2);
    expect(logins[1].receivedAt - refusedAt).toBeGreaterThanOrEqual(5_000);
  });
});
