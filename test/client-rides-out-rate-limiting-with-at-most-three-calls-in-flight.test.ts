/**
 * The per-user concurrency cap over HTTP, with simulator latency on the shared ManualClock: by default never more
 * than 3 requests of one user are in flight at the server; with a cap above Projector's 4 the server's refusals
 * of the 5th are retried until every call succeeds exactly once.
 */
import type { RequestLogEntry } from '../src/simulator';
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const check = { locks: [{ entityIdentity: PROJECT }] };

/** Most requests whose [receivedAt, finishedAt) intervals overlap at one instant. */
function peakOverlap(log: readonly RequestLogEntry[]): number {
  const edges = log.flatMap((e) => [
    { at: e.receivedAt, d: 1 },
    { at: e.finishedAt!, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d); // an end at t frees its slot before a start at t
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

describe('concurrency cap', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('30 concurrent calls with 1 s of server latency: never more than 3 in flight', async () => {
    const client = rig.client();
    await client.authenticate();
    rig.sim.setLatency('*', 1_000);
    rig.sim.clearLog();
    const results = await Promise.all(Array.from({ length: 30 }, () => client.checkLocks(check)));
    expect(results.every((r) => r.status === 'Ok')).toBe(true);
    const log = rig.sim.log;
    expect(log).toHaveLength(30);
    expect(log.every((e) => e.outcome === 'ok' && e.finishedAt !== undefined)).toBe(true);
    expect(Math.max(...log.map((e) => e.activeForUser!))).toBeLessThanOrEqual(2); // itself not included
    expect(peakOverlap(log)).toBeLessThanOrEqual(3);
  });

  test('with maxConcurrentPerUser 6 the server refuses the 5th request, and each refusal is retried until all succeed', async () => {
    const client = rig.client({ rateLimit: { maxConcurrentPerUser: 6 } });
    await client.authenticate();
    rig.sim.setLatency('*', 1_000);
    rig.sim.clearLog();
    const results = await Promise.all(Array.from({ length: 30 }, () => client.checkLocks(check)));
    expect(results).toHaveLength(30);
    const log = rig.sim.log;
    const throttled = log.filter((e) => e.outcome === 'throttled');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((e) => e.activeForUser! >= 4)).toBe(true);
    const perCall = new Map<number, RequestLogEntry[]>();
    for (const e of log) perCall.set(e.requestId!, [...(perCall.get(e.requestId!) ?? []), e]);
    expect(perCall.size).toBe(30);
    for (const entries of perCall.values()) {
      expect(entries.filter((e) => e.outcome === 'ok')).toHaveLength(1);
      expect(entries.at(-1)!.outcome).toBe('ok');
    }
    // The server never ran more than its 4 at once.
    expect(peakOverlap(log.filter((e) => e.outcome === 'ok'))).toBeLessThanOrEqual(4);
  });
});
