/**
 * Fifty calls in flight on one client (and two users side by side) over keep-alive sockets: every result belongs
 * to its own request (entity, lock set, RequestId) and every request carries its own user's ticket.
 */
import type { SimEntity } from '../src/simulator';
import { BOB, startRig } from './support/client';
import type { Rig } from './support/client';

const ENTITIES: SimEntity[] = Array.from({ length: 60 }, (_, i) => ({
  entityCode: `P9${String(i).padStart(5, '0')}-001`,
  entityUid: String(1152921504700000000n + BigInt(i)),
}));
const lockOf = (e: SimEntity) => ({ entityIdentity: { entityCode: e.entityCode, lockType: 'P' as const } });

describe('parallel calls', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ entities: ENTITIES });
  });
  afterEach(() => rig.close());

  test('50 parallel acquires, checks and releases: each result matches its own request', async () => {
    const client = rig.client({ rateLimit: { maxConcurrentPerUser: 4 } });
    const mine = ENTITIES.slice(0, 50);
    const sets = await Promise.all(mine.map((e) => client.acquireLocks({ locks: [lockOf(e)], durationInSeconds: 600 })));
    sets.forEach((set, i) => {
      expect(set.locks).toHaveLength(1);
      expect(set.locks[0].entityIdentity).toMatchObject({ entityCode: mine[i].entityCode, entityUid: mine[i].entityUid });
    });
    expect(new Set(sets.map((s) => s.lockSetId)).size).toBe(50);

    const checks = await Promise.all(sets.map((s) => client.checkLocks({ lockSetId: s.lockSetId })));
    checks.forEach((c, i) => expect(c.locks.map((l) => l.entityIdentity.entityCode)).toEqual([mine[i].entityCode]));

    const released = await Promise.all(sets.map((s) => client.releaseLocks(s.lockSetId)));
    released.forEach((r, i) => expect(r).toMatchObject({ lockSetId: sets[i].lockSetId, alreadyReleased: false, status: 'Ok' }));
    // Each release answered for its own lock set: releasing them again finds every one already released.
    const again = await Promise.all(sets.map((s) => client.releaseLocks(s.lockSetId)));
    expect(again.every((r) => r.alreadyReleased)).toBe(true);

    const log = rig.sim.log.filter((e) => e.operation !== 'PwsAuthenticate');
    expect(log).toHaveLength(200);
    expect(new Set(log.map((e) => e.requestId)).size).toBe(200);
    expect(log.every((e) => e.outcome === 'ok' || e.outcome === 'warning')).toBe(true);
  });

  test('two users calling in parallel never swap tickets or results', async () => {
    const alice = rig.client();
    const bob = rig.client({ credentials: BOB });
    const [a, b] = [ENTITIES.slice(0, 25), ENTITIES.slice(25, 50)];
    const [aliceSets, bobSets] = await Promise.all([
      Promise.all(a.map((e) => alice.acquireLocks({ locks: [lockOf(e)], durationInSeconds: 600 }))),
      Promise.all(b.map((e) => bob.acquireLocks({ locks: [lockOf(e)], durationInSeconds: 600 }))),
    ]);
    aliceSets.forEach((s, i) => expect(s.locks[0].entityIdentity.entityCode).toBe(a[i].entityCode));
    bobSets.forEach((s, i) => expect(s.locks[0].entityIdentity.entityCode).toBe(b[i].entityCode));

    const logins = rig.sim.log.filter((e) => e.operation === 'PwsAuthenticate');
    expect(logins).toHaveLength(2);
    const ticketOf = new Map(logins.map((e) => [e.userName!, e.ticketHash!]));
    expect(ticketOf.get('alice@example.com')).not.toBe(ticketOf.get(BOB.userName));
    const calls = rig.sim.log.filter((e) => e.operation === 'PwsAcquireProjectorLocks');
    expect(calls).toHaveLength(50);
    for (const e of calls) expect(e.ticketHash).toBe(ticketOf.get(e.userName!));
    expect(calls.filter((e) => e.userName === BOB.userName)).toHaveLength(25);
  });
});
