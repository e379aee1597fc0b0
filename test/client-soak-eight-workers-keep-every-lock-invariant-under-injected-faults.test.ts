/**
 * A bounded soak: 8 workers, each its own user and client, run mixed lock lifecycles (acquire, check, renew,
 * release, withLocks, a contended shared entity) for a few seconds while the simulator injects faults in front of
 * and after the service (resets, HTML error pages, empty and truncated answers, a drip-fed body), ends every session
 * now and then, and rate limits in a scaled 3 s window (10016; workers also push their own session over the limit). Real time, scaled down: 300 ms-1 s pauses, a 3 s
 * give-up, a 5 s deadline per call. Every request goes through a recording proxy, so what left the client is known
 * even when the simulator never parsed it. At the end:
 *  - every call settled within its deadline, and everything thrown was a ProjectorError;
 *  - no lock is held that the SDK reported released (the simulator says so, over its own API);
 *  - no acquire or renew was sent twice, unless the server had refused the earlier try before running it;
 *  - no password and no ticket appears in any error's message, JSON or inspect output.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { ProjectorClient } from '../src/client';
import { LockConflictError, LockNotFoundError, OutcomeUnknownError, ProjectorError } from '../src/errors';
import type { AcquireLocksRequest } from '../src/types';
import { startSimulator, type FaultSpec, type SimEntity, type Simulator } from '../src/simulator';

const WORKERS = 8;
const ROUNDS = 8;
const DEADLINE_IN_MS = 5_000;
/** What a call may take past its deadline: the work after its last wait (mapping the answer, the event loop). */
const SETTLE_SLACK_IN_MS = 300;
const BUDGET_IN_MS = 30_000;
const ACCOUNT = 'SOAK';
const WRITES = new Set(['PwsAcquireProjectorLocks', 'PwsRenewProjectorLocks']);

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const users = Array.from({ length: WORKERS }, (_, i) => ({
  userName: `worker${i}@soak.example.com`,
  password: `Soak-${i}-Pa55word-${(i + 7) * 7919}`,
  displayName: `Worker ${i}`,
  userUid: String(1152921504607600000n + BigInt(i)),
}));
const auditor = { userName: 'auditor@soak.example.com', password: 'Audit-Pa55word-4711', displayName: 'Auditor', userUid: '1152921504607609999' };
const own: SimEntity[] = users.map((_, i) => ({ entityCode: `P-SOAK-${i}`, entityUid: String(1152921504607500000n + BigInt(i)) }));
const shared: SimEntity[] = [0, 1].map((i) => ({ entityCode: `P-SHARED-${i}`, entityUid: String(1152921504607550000n + BigInt(i)) }));
const lockOn = (e: SimEntity): AcquireLocksRequest => ({ locks: [{ entityIdentity: { entityCode: e.entityCode, lockType: 'P' } }], durationInSeconds: 3_600 });

const FAULTS: FaultSpec[] = [
  { kind: 'reset-before-body' },
  { kind: 'reset-after-body' },
  { kind: 'http-status', status: 500 },
  { kind: 'http-status', status: 502 },
  { kind: 'http-status', status: 503, headers: { 'Retry-After': '1' } },
  { kind: 'empty-200' },
  { kind: 'truncated-xml' },
  { kind: 'wrong-content-type' },
  { kind: 'drip-feed', chunkIntervalInMs: 60 },
];

interface Sent {
  operation: string;
  requestId: number;
  ticket?: string;
}

/** Forwards every POST to the simulator byte for byte (a reset stays a reset) and records what the client sent. */
async function startRecordingProxy(target: string): Promise<{ url: string; sent: Sent[]; close(): Promise<void> }> {
  const sent: Sent[] = [];
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      sent.push({
        operation: /\/(Pws\w+)"?\s*$/.exec(String(req.headers.soapaction ?? ''))?.[1] ?? 'unknown',
        requestId: Number(/RequestId[^>]*>(\d+)</.exec(text)?.[1] ?? Number.NaN),
        ticket: /SessionTicket[^>]*>([^<]+)</.exec(text)?.[1],
      });
      const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (c: Buffer) => res.write(c));
        answer.on('end', () => res.end());
        answer.on('close', () => {
          if (!answer.complete) res.destroy();
        });
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/OpsProjectorWcfSvc/PwsProjectorServices.svc`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

interface CallRecord {
  worker: number;
  label: string;
  startedAt: number;
  settledAt: number;
  error?: unknown;
}

test('8 workers under injected faults: deadlines hold, released locks are free, writes are sent once, secrets stay out', async () => {
  const sim: Simulator = await startSimulator({
    accounts: [{ accountCode: ACCOUNT, users: [...users, auditor] }],
    entities: [...own, ...shared],
    rateLimit: { windowInMs: 3_000, installationLimit: 200, userLimit: 30, sessionLimit: 16 },
  });
  const proxy = await startRecordingProxy(sim.baseUrl);
  const clients: ProjectorClient[] = [];
  const newClient = (credentials: { userName: string; password: string }, seed: number) => {
    const c = new ProjectorClient({
      endpoint: proxy.url,
      credentials: { accountCode: ACCOUNT, userName: credentials.userName, password: credentials.password },
      timeoutInMs: 400,
      deadlineInMs: DEADLINE_IN_MS,
      closeTimeoutInMs: 800,
      rateLimit: { minPauseInMs: 300, maxPauseInMs: 1_000, giveUpAfterInMs: 3_000, busyRetryDelayInMs: 100, transportRetryDelayInMs: 50, random: prng(seed) },
    });
    clients.push(c);
    return c;
  };

  const calls: CallRecord[] = [];
  const reportedReleased: { worker: number; lockSetId: number }[] = [];
  /** Entities a worker may still hold without the SDK having said otherwise (unknown outcome, failed release). */
  const unsettled = users.map(() => new Set<string>());
  let injected = 0;
  let sessionsEnded = 0;
  const consumed = () => sim.log.filter((e) => e.outcome === 'injected-fault').length;
  const startedAt = Date.now();

  async function timed<T>(worker: number, label: string, run: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
    const record: CallRecord = { worker, label, startedAt: Date.now(), settledAt: 0 };
    calls.push(record);
    try {
      return { value: await run() };
    } catch (error) {
      record.error = error;
      return { error };
    } finally {
      record.settledAt = Date.now();
    }
  }

  async function worker(w: number): Promise<void> {
    const random = prng(1_000 + w);
    const client = newClient(users[w], 2_000 + w);
    const mine = own[w];
    const chaos = () => {
      const r = random();
      // One fault at a time, hitting whichever request comes next (any worker's).
      if (r < 0.3 && injected === consumed()) {
        sim.injectFaults(FAULTS[Math.floor(random() * FAULTS.length)]);
        injected++;
      } else if (r > 0.97) {
        sim.invalidateAllSessions();
        sessionsEnded++;
      }
    };

    /** Acquires the worker's own entity; a lock left by an earlier unknown outcome is taken back by stealing it. */
    const acquireOwn = async (): Promise<number | undefined> => {
      chaos();
      const first = await timed(w, 'acquire', () => client.acquireLocks(lockOn(mine)));
      if (first.value) return first.value.lockSetId;
      if (first.error instanceof OutcomeUnknownError) unsettled[w].add(mine.entityCode);
      if (!(first.error instanceof LockConflictError)) return undefined;
      chaos();
      const stolen = await timed(w, 'acquire-steal', () => client.acquireLocks({ ...lockOn(mine), locksToSteal: (first.error as LockConflictError).lockHolders }));
      if (stolen.error instanceof OutcomeUnknownError) unsettled[w].add(mine.entityCode);
      return stolen.value?.lockSetId;
    };

    const release = async (lockSetId: number, entity: SimEntity): Promise<void> => {
      chaos();
      const r = await timed(w, 'release', () => client.releaseLocks(lockSetId));
      if (r.value && !r.value.stolenBy) reportedReleased.push({ worker: w, lockSetId });
      else unsettled[w].add(entity.entityCode);
    };

    for (let round = 0; round < ROUNDS && Date.now() - startedAt < BUDGET_IN_MS; round++) {
      // Now and then the worker's own session is pushed over its limit: its next calls meet 10016 until the window turns.
      if (random() < 0.15) await timed(w, 'flood', () => client.testRateLimiter({ simulateSessionHitsAfter: 40 }));
      const kind = random();
      if (kind < 0.4) {
        const lockSetId = await acquireOwn();
        if (lockSetId === undefined) continue;
        chaos();
        await timed(w, 'check', () => client.checkLocks({ lockSetId }));
        chaos();
        await timed(w, 'renew', () => client.renewLocks(lockSetId, 3_600));
        await release(lockSetId, mine);
      } else if (kind < 0.75) {
        chaos();
        let lockSetId: number | undefined;
        const r = await timed(w, 'withLocks', () =>
          client.withLocks(lockOn(mine), async (set) => {
            lockSetId = set.lockSetId;
            chaos();
            await client.checkLocks({ lockSetId: set.lockSetId }).catch(() => undefined);
            return set.lockSetId;
          }),
        );
        if (r.value !== undefined) reportedReleased.push({ worker: w, lockSetId: r.value });
        else if (r.error instanceof LockConflictError && lockSetId === undefined) {
          // A lock of its own from an earlier unknown outcome: take it back, then give it up properly.
          const id = await acquireOwn();
          if (id !== undefined) await release(id, mine);
        } else unsettled[w].add(mine.entityCode);
      } else {
        const entity = shared[Math.floor(random() * shared.length)];
        chaos();
        const r = await timed(w, 'acquire-shared', () => client.acquireLocks(lockOn(entity)));
        if (r.value) await release(r.value.lockSetId, entity);
        else if (!(r.error instanceof LockConflictError)) unsettled[w].add(entity.entityCode);
      }
    }
  }

  try {
    await Promise.all(users.map((_, w) => worker(w)));
    const elapsedInMs = Date.now() - startedAt;

    // Every call settled within its deadline, and every failure was a typed SDK error.
    expect(calls.length).toBeGreaterThan(WORKERS * ROUNDS);
    for (const c of calls) {
      if (c.label === 'withLocks') expect(c.settledAt - c.startedAt).toBeLessThanOrEqual(2 * DEADLINE_IN_MS + SETTLE_SLACK_IN_MS);
      else expect(c.settledAt - c.startedAt).toBeLessThanOrEqual(DEADLINE_IN_MS + SETTLE_SLACK_IN_MS);
      if (c.error !== undefined) expect(c.error).toBeInstanceOf(ProjectorError);
    }
    // The chaos really happened: faults of every kind were hit, sessions died, and Projector said 10016.
    expect(consumed()).toBeGreaterThanOrEqual(10);
    expect(sim.log.some((e) => e.outcome === 'rate-limited')).toBe(true);
    expect(sessionsEnded + sim.log.filter((e) => e.errorNumber === -101 || e.errorNumber === 10004).length).toBeGreaterThan(0);
    expect(reportedReleased.length).toBeGreaterThan(WORKERS);

    // A fault still queued would hit the audit: a check (idempotent, so retried) takes it.
    const audit = newClient(auditor, 99);
    await audit.checkLocks({ locks: [{ entityIdentity: { entityCode: shared[0].entityCode, lockType: 'P' } }] }).catch(() => undefined);
    expect(consumed()).toBe(injected);

    // No lock is held that the SDK reported released: releasing each such set again is a no-op on the simulator.
    const perUser = users.map((u, w) => newClient(u, 3_000 + w));
    for (const { worker: w, lockSetId } of reportedReleased) {
      const again = await perUser[w].releaseLocks(lockSetId).catch((e: unknown) => e);
      if (again instanceof LockNotFoundError) continue;
      expect(again).toMatchObject({ lockSetId, alreadyReleased: true });
      expect((again as { stolenBy?: unknown }).stolenBy).toBeUndefined();
    }
    // And any entity still locked is held by a worker the SDK never told it was free.
    for (const entity of [...own, ...shared]) {
      const state = await audit.checkLocks({ locks: [{ entityIdentity: { entityCode: entity.entityCode, lockType: 'P' } }] }).catch((e: unknown) => e);
      if (!(state instanceof LockConflictError)) {
        expect(state).toMatchObject({ status: 'Ok' });
        continue;
      }
      for (const holder of state.lockHolders.flatMap((h) => h.entityLockSummary)) {
        const w = users.findIndex((u) => u.displayName === holder.lockHolderUserIdentity?.userDisplayName);
        expect(w).toBeGreaterThanOrEqual(0);
        expect([...unsettled[w]]).toContain(entity.entityCode);
      }
    }

    // No write was sent twice: each re-send of an acquire or renew followed a refusal the server gave before running it.
    const refusedBeforeRunning = (e: (typeof sim.log)[number]) =>
      e.outcome === 'rate-limited' || e.outcome === 'throttled' || (e.outcome === 'fail' && (e.errorNumber === -101 || e.errorNumber === 10004));
    const writes = new Map<number, number>();
    for (const s of proxy.sent) if (WRITES.has(s.operation)) writes.set(s.requestId, (writes.get(s.requestId) ?? 0) + 1);
    expect(writes.size).toBeGreaterThan(WORKERS);
    for (const [requestId, sentTimes] of writes) {
      const seen = sim.log.filter((e) => e.requestId === requestId);
      expect(seen.length).toBeGreaterThanOrEqual(sentTimes - 1);
      expect(seen.length).toBeLessThanOrEqual(sentTimes);
      expect(seen.slice(0, sentTimes - 1).every(refusedBeforeRunning)).toBe(true);
    }

    // No password or ticket in anything an error shows.
    const secrets = [...users, auditor].map((u) => u.password);
    const tickets = new Set([...proxy.sent.map((s) => s.ticket).filter((t): t is string => !!t), ...sim.issuedTickets()]);
    expect(tickets.size).toBeGreaterThan(WORKERS);
    const errors = calls.filter((c) => c.error !== undefined).map((c) => c.error as ProjectorError);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      const shown = [e.message, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), String(e.stack)].join('\n');
      for (const s of [...secrets, ...tickets]) expect(shown).not.toContain(s);
    }
    expect(elapsedInMs).toBeLessThan(BUDGET_IN_MS + 2 * DEADLINE_IN_MS);
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    await proxy.close();
    await sim.close();
  }
}, 60_000);
