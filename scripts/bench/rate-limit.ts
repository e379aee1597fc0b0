/**
 * Rate limiting with a scaled window (2 s, session limit 120, Error mode): N calls through ProjectorClient
 * (shared gate, pacing; pauses scaled by window/60 s) against a naive client that wraps each raw call in its own
 * p-retry (no shared gate, no pacing). The floor is ceil(N * weight / limit) windows; rejected calls count hits
 * on the server too, which is what keeps a naive client limited.
 */
import pRetry from 'p-retry';
import { ProjectorClient } from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { sized } from './quick';
import { isRateLimitFault, RawSoap } from './raw-soap';
import { round, table } from './stats';

const WINDOW_IN_MS = 2_000;
const SESSION_LIMIT = 120;
const N = sized(600, 150);
const WEIGHT = 1;
const WORKERS = 8;
const SCALE = WINDOW_IN_MS / 60_000;
const ALICE = { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' };

interface Outcome {
  wallInMs: number;
  rejected: number;
  failed: number;
}

/** N calls spread over WORKERS concurrent loops; returns the wall time and the failures. */
async function drive(call: () => Promise<void>): Promise<{ wallInMs: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < N) {
        next++;
        await call().catch(() => void failed++);
      }
    }),
  );
  return { wallInMs: performance.now() - t0, failed };
}

const rejectedIn = (sim: Simulator) => sim.log.filter((e) => e.outcome === 'rate-limited').length;

async function sdkClient(sim: Simulator): Promise<Outcome> {
  const client = new ProjectorClient({
    endpoint: sim.url,
    credentials: ALICE,
    rateLimit: {
      minPauseInMs: 5_000 * SCALE,
      maxPauseInMs: 20_000 * SCALE,
      giveUpAfterInMs: 60_000 * SCALE * 3,
      // No limits given: the client learns them from the first 10016 message, as it would in production.
    },
  });
  await client.authenticate();
  sim.clearLog();
  const r = await drive(async () => void (await client.checkLocks({ lockSetId: 2601 }).catch((e: { code?: string }) => { if (e.code !== 'SpecifiedLockNotFound') throw e; })));
  const rejected = rejectedIn(sim);
  await client.close();
  return { ...r, rejected };
}

async function naiveClient(sim: Simulator): Promise<Outcome> {
  const raw = new RawSoap(sim.url);
  const ticket = await raw.login(ALICE.accountCode, ALICE.userName, ALICE.password);
  sim.clearLog();
  let id = 1;
  const r = await drive(() =>
    pRetry(
      async () => {
        const answer = await raw.call('PwsCheckProjectorLocks', [['RequestId', ++id], ['SessionTicket', ticket], ['ProjectorLockSetId', 2601]]);
        // Any fault is retried: 10016, and 10017 when more than 4 of its calls are in flight.
        if (answer.httpStatus !== 200) throw new Error(isRateLimitFault(answer) ? '10016' : `HTTP ${answer.httpStatus}`);
      },
      { retries: 8, minTimeout: 5_000 * SCALE, maxTimeout: 20_000 * SCALE, factor: 2, randomize: true },
    ),
  );
  const rejected = rejectedIn(sim);
  await raw.close();
  return { ...r, rejected };
}

export async function run(): Promise<string> {
  const minimumInMs = Math.ceil((N * WEIGHT) / SESSION_LIMIT) * WINDOW_IN_MS;
  const results: [string, Outcome][] = [];
  for (const [name, scenario] of [['ProjectorClient', sdkClient], ['naive p-retry per call', naiveClient]] as const) {
    // A fresh simulator each, so neither inherits the other's hits.
    const sim = await startSimulator({ rateLimit: { mode: 'Error', windowInMs: WINDOW_IN_MS, sessionLimit: SESSION_LIMIT, userLimit: 100_000, installationLimit: 100_000 } });
    try {
      results.push([name, await scenario(sim)]);
    } finally {
      await sim.close();
    }
  }
  const windowsOf = (o: Outcome) => Math.max(1, o.wallInMs / WINDOW_IN_MS);
  console.log(`${N} calls (weight ${WEIGHT}) from ${WORKERS} concurrent loops; window ${WINDOW_IN_MS / 1000} s, session limit ${SESSION_LIMIT}; minimum ceil(N*weight/limit)*window = ${minimumInMs / 1000} s\n`);
  console.log(
    table(
      ['client', 'wall s', 'wall/minimum', 'rejected', 'rejected/window', 'failed'],
      results.map(([name, o]) => [name, round(o.wallInMs / 1000), round(o.wallInMs / minimumInMs), o.rejected, round(o.rejected / windowsOf(o), 1), o.failed]),
    ),
  );
  const [[, sdk], [, naive]] = results;
  console.log(`\ngoal: wall/minimum <= 1.10, 0 failed, <= 1 rejected per window`);
  return `rate-limit: ratio=${round(sdk.wallInMs / minimumInMs)} rejected_per_window=${round(sdk.rejected / windowsOf(sdk), 1)} failed=${sdk.failed} naive_ratio=${round(naive.wallInMs / minimumInMs)}`;
}

if (require.main === module) run().then((line) => console.log(line), (e: unknown) => { console.error(e); process.exitCode = 1; });
