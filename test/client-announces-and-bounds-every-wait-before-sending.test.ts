/**
 * No wait before a request is silent or unbounded. Every wait (at the gate another call's 10016 closed, in the queue
 * for a per-user slot, for room in a pacing window) reaches onRateLimited with its `reason` and the logger; a pacing
 * wait longer than giveUpAfterInMs is a RateLimitError at once; and close() spends at most closeTimeoutInMs on its
 * best-effort logout. All on the simulator's manual clock: the waits are virtual, their lengths exact.
 */
import { RateLimitError } from '../src/errors';
import type { RateLimitedInfo } from '../src/rate-limit/options';
import { RateLimitController } from '../src/rate-limit/controller';
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const check = { locks: [{ entityIdentity: PROJECT }] };

/** A message-first logger that keeps every entry. */
function recordingLogger() {
  const entries: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, meta: Record<string, unknown> = {}) => void entries.push({ level, message, meta });
  return { entries, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('every wait before sending is announced and bounded', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('pacing under a limit of 5 per 5 s: each wait reaches the hook as "pacing" and is logged at info', async () => {
    const seen: RateLimitedInfo[] = [];
    const { entries, logger } = recordingLogger();
    const client = rig.client({ logger, rateLimit: { limits: { session: 5, windowInMs: 5_000 }, safetyFactor: 1, onRateLimited: (i) => void seen.push(i) } });
    await client.authenticate();
    rig.sim.clearLog();
    const startedAt = rig.clock.now();
    for (let i = 0; i < 12; i++) await client.checkLocks(check);
    const tookInMs = rig.clock.now() - startedAt;

    // 12 calls at 5 per 5 s need three windows; every wait was announced before it began.
    const pacing = seen.filter((i) => i.reason === 'pacing');
    expect(pacing).toHaveLength(2);
    expect(pacing.every((i) => i.mode === 'Error' && i.operation === 'PwsCheckProjectorLocks' && i.waitInMs > 4_000 && i.waitInMs <= 5_000)).toBe(true);
    expect(tookInMs).toBe(pacing.reduce((sum, i) => sum + i.waitInMs, 0));
    const logged = entries.filter((e) => e.message === 'rate limit: waiting before sending' && e.meta.reason === 'pacing');
    expect(logged.map((e) => [e.level, e.meta.waitInMs])).toEqual(pacing.map((i) => ['info', i.waitInMs]));
    expect(logged[0].meta).toMatchObject({ operation: 'PwsCheckProjectorLocks', area: 'rate-limit' });
    // And the load stayed under the limit on the simulator's own count.
    const arrivals = rig.sim.log.map((e) => e.receivedAt);
    for (const t of arrivals) expect(arrivals.filter((x) => x > t - 5_000 && x <= t).length).toBeLessThanOrEqual(5);
  });

  test("a call held at the gate another call's 10016 closed is told 'paused' and how long; the refused call 'rate-limited'", async () => {
    const seen: { client: string; info: RateLimitedInfo }[] = [];
    let waiting = 'first';
    const controller = new RateLimitController({ clock: rig.clock, random: () => 0, onRateLimited: (info) => void seen.push({ client: waiting, info }) });
    const first = rig.client({ rateLimit: { controller } });
    const second = rig.client({ rateLimit: { controller } });
    await Promise.all([first.checkLocks(check), second.authenticate()]);
    rig.sim.setRateLimit({ sessionLimit: 1 });
    let refused!: () => void;
    const gateClosed = new Promise<void>((resolve) => (refused = resolve));
    const firstCall = first.checkLocks(check);
    // Wait until the first call's 10016 has closed the gate, then let the second call arrive at it.
    const poll = setInterval(() => seen.some((s) => s.info.reason === 'rate-limited') && refused(), 1);
    await gateClosed;
    clearInterval(poll);
    rig.sim.setRateLimit({ sessionLimit: 1_200 });
    waiting = 'second';
    await Promise.all([firstCall, second.checkLocks(check)]);

    const own = seen.filter((s) => s.info.reason === 'rate-limited');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ client: 'first', info: { waitInMs: 5_000, counts: { sessionLimit: 1 } } });
    const paused = seen.filter((s) => s.info.reason === 'paused');
    expect(paused).toHaveLength(1);
    expect(paused[0].client).toBe('second');
    expect(paused[0].info.waitInMs).toBeGreaterThan(0);
    expect(paused[0].info.waitInMs).toBeLessThanOrEqual(5_000);
  });

  test("a call queued for a per-user slot is told 'queued' once it has its slot, with the time it waited", async () => {
    const seen: RateLimitedInfo[] = [];
    const { entries, logger } = recordingLogger();
    const client = rig.client({ logger, rateLimit: { maxConcurrentPerUser: 1, onRateLimited: (i) => void seen.push(i) } });
    await client.authenticate();
    rig.sim.setLatency('PwsCheckProjectorLocks', 1_500);
    await Promise.all([client.checkLocks(check), client.checkLocks(check)]);
    const queued = seen.filter((i) => i.reason === 'queued');
    expect(queued).toHaveLength(1);
    expect(queued[0].waitInMs).toBe(1_500);
    expect(entries.filter((e) => e.meta.reason === 'queued').map((e) => [e.level, e.meta.waitInMs])).toEqual([['info', 1_500]]);
  });

  test('a pacing wait longer than giveUpAfterInMs (3 s) is a RateLimitError at once, not a 60 s wait', async () => {
    const client = rig.client({ rateLimit: { limits: { session: 2, windowInMs: 60_000 }, safetyFactor: 1, giveUpAfterInMs: 3_000 } });
    await client.checkLocks(check);
    await client.checkLocks(check);
    rig.sim.clearLog();
    const startedAt = rig.clock.now();
    const err = await client.checkLocks(check).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ code: 'RequestExceededRateLimit', operation: 'PwsCheckProjectorLocks', requestSent: false, attempts: 0 });
    expect((err as Error).message).toMatch(/pacing/);
    expect(rig.clock.now() - startedAt).toBeLessThanOrEqual(3_000);
    expect(rig.sim.log).toEqual([]);
  });

  test('close() gives its logout at most closeTimeoutInMs: a logout that would be paced for a minute is dropped at once', async () => {
    const { entries, logger } = recordingLogger();
    // giveUpAfterInMs above the window, so only the close timeout can stop the logout's pacing wait.
    const client = rig.client({ logger, closeTimeoutInMs: 2_000, rateLimit: { limits: { user: 2, windowInMs: 60_000 }, safetyFactor: 1, giveUpAfterInMs: 120_000 } });
    await client.checkLocks(check);
    const startedAt = rig.clock.now();
    await client.close();
    expect(rig.clock.now() - startedAt).toBeLessThanOrEqual(2_000);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsUnauthenticate')).toEqual([]);
    expect(entries.filter((e) => e.level === 'warn' && e.message === 'logout during close failed')).toHaveLength(1);
    // Closed for good all the same.
    await expect(client.checkLocks(check)).rejects.toMatchObject({ code: 'Aborted' });
  });
});
