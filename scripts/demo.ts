/**
 * `npm start`: the SDK's lifecycle, end to end, through the public API only. By default it starts the simulator
 * in-process (real clock, a 2 s rate-limit window, short pauses) so the whole tour takes a few seconds; with
 * PROJECTOR_URL + PROJECTOR_ACCOUNT/USER/PASSWORD it runs against that server instead, and the steal and
 * rate-limit steps (a second user, simulated hits) run there only with PROJECTOR_USER2/PROJECTOR_PASSWORD2.
 */
import { isLockConflictError, ProjectorClient } from '../src';
import type { Credentials, LockEntity, RateLimitedInfo, RateLimitOptions } from '../src';
import { startSimulator, DEFAULT_ACCOUNT, DEMO_PASSWORD } from '../src/simulator';
import type { Simulator } from '../src/simulator';

const SIM_WINDOW_IN_MS = 2_000;
const SIM_SESSION_LIMIT = 100;

interface Setup {
  endpoint: string;
  alice: Credentials;
  bob?: Credentials;
  entity: LockEntity;
  /** Pauses scaled to the simulator's short window; a real server gets the vendor defaults (5 s, up to 60 s). */
  rateLimit: RateLimitOptions;
  sim?: Simulator;
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => say(`\n${n}. ${title}`);
const who = (u?: { userDisplayName?: string; emailAddress?: string }) => u?.userDisplayName ?? u?.emailAddress ?? 'someone';

async function setup(): Promise<Setup> {
  const env = process.env;
  if (env.PROJECTOR_URL) {
    const need = (name: string) => env[name] || (() => { throw new Error(`PROJECTOR_URL is set, so ${name} is needed too`); })();
    const account = need('PROJECTOR_ACCOUNT');
    const second = env.PROJECTOR_USER2 && env.PROJECTOR_PASSWORD2;
    say(`Running against ${env.PROJECTOR_URL} (account ${account}).`);
    return {
      endpoint: env.PROJECTOR_URL,
      alice: { accountCode: account, userName: need('PROJECTOR_USER'), password: need('PROJECTOR_PASSWORD') },
      bob: second ? { accountCode: account, userName: env.PROJECTOR_USER2!, password: env.PROJECTOR_PASSWORD2! } : undefined,
      entity: { entityCode: env.PROJECTOR_DEMO_ENTITY ?? 'P001468-001', lockType: (env.PROJECTOR_DEMO_LOCK_TYPE ?? 'P') as LockEntity['lockType'] },
      rateLimit: {},
    };
  }
  const sim = await startSimulator({ rateLimit: { mode: 'Error', windowInMs: SIM_WINDOW_IN_MS, sessionLimit: SIM_SESSION_LIMIT } });
  const [a, b] = DEFAULT_ACCOUNT.users;
  say(`Started the embedded simulator at ${sim.url}`);
  say(`(rate-limit window scaled to ${SIM_WINDOW_IN_MS / 1000} s, session limit ${SIM_SESSION_LIMIT}, so this takes seconds, not minutes)`);
  return {
    endpoint: sim.url,
    alice: { accountCode: DEFAULT_ACCOUNT.accountCode, userName: a.userName, password: DEMO_PASSWORD },
    bob: { accountCode: DEFAULT_ACCOUNT.accountCode, userName: b.userName, password: DEMO_PASSWORD },
    entity: { entityCode: 'P001468-001', lockType: 'P' },
    rateLimit: { minPauseInMs: 400, maxPauseInMs: 1_000, giveUpAfterInMs: 15_000 },
    sim,
  };
}

/** Shows each rate-limit pause: a live countdown on a terminal, one plain line per pause otherwise. */
function pauseReporter() {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const onRateLimited = (info: RateLimitedInfo) => {
    stop();
    const counts = info.counts.sessionHits !== undefined ? ` (session hits ${info.counts.sessionHits} of ${info.counts.sessionLimit})` : '';
    if (!process.stdout.isTTY) {
      say(`   rate limited${counts}: pausing ${info.waitInMs} ms (attempt ${info.attempt}, ${(info.elapsedInMs / 1000).toFixed(1)} s into the episode)`);
      return;
    }
    const endsAt = Date.now() + info.waitInMs;
    const draw = () => {
      const left = Math.max(0, endsAt - Date.now());
      process.stdout.write(`\r   rate limited${counts}: retrying in ${(left / 1000).toFixed(1)} s (attempt ${info.attempt})   `);
      if (left === 0) stop();
    };
    draw();
    timer = setInterval(draw, 100);
  };
  const done = () => {
    stop();
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  };
  return { onRateLimited, done };
}

async function main(): Promise<void> {
  const s = await setup();
  const reporter = pauseReporter();
  const alice = new ProjectorClient({ endpoint: s.endpoint, credentials: s.alice, rateLimit: { ...s.rateLimit, onRateLimited: reporter.onRateLimited } });
  const bob = s.bob && new ProjectorClient({ endpoint: s.endpoint, credentials: s.bob, rateLimit: s.rateLimit });
  const locks = [{ entityIdentity: s.entity }];
  try {
    step(1, 'Log in');
    const auth = await alice.authenticate();
    say(`   logged in as ${who(auth?.user)} <${auth?.user?.emailAddress ?? s.alice.userName}> on ${auth?.account?.name ?? s.alice.accountCode}`);

    step(2, `Acquire a lock on ${s.entity.entityCode} (${s.entity.lockType})`);
    const set = await alice.acquireLocks({ locks, durationInSeconds: 300 });
    say(`   lock set ${set.lockSetId}, ${set.locks.length} lock(s), held for 300 s`);

    step(3, 'Show the locks of the set');
    const check = await alice.checkLocks({ lockSetId: set.lockSetId });
    for (const l of check.locks) say(`   ${l.entityIdentity.entityCode ?? l.entityIdentity.entityUid} [${l.entityIdentity.lockType}] ${l.lockStolenFlag ? 'STOLEN' : 'held'}`);

    step(4, 'Release it');
    const released = await alice.releaseLocks(set.lockSetId);
    say(`   released lock set ${set.lockSetId} (status ${released.status})`);

    step(5, 'Release it again');
    const again = await alice.releaseLocks(set.lockSetId);
    say(`   ${again.alreadyReleased ? `already released: a warning (50476), not an error (status ${again.status})` : `status ${again.status}`}`);

    if (bob) {
      step(6, 'Bob steals the lock; Alice finds out when she releases');
      const mine = await alice.acquireLocks({ locks, durationInSeconds: 300 });
      say(`   alice holds lock set ${mine.lockSetId}`);
      try {
        await bob.acquireLocks({ locks, durationInSeconds: 60 });
        say('   bob got the lock without a conflict (unexpected)');
      } catch (err) {
        if (!isLockConflictError(err)) throw err;
        say(`   bob is refused: locked by ${who(err.lockHolderUserIdentity)} (LockConflictError); he steals it with locksToSteal`);
        const taken = await bob.acquireLocks({ locks, durationInSeconds: 60, locksToSteal: err.lockHolders });
        say(`   bob now holds lock set ${taken.lockSetId}`);
        const r = await alice.releaseLocks(mine.lockSetId);
        say(`   alice releases ${mine.lockSetId}: stolenBy = ${who(r.stolenBy)} <${r.stolenBy?.emailAddress ?? '?'}>`);
        await bob.releaseLocks(taken.lockSetId);
        say(`   bob releases ${taken.lockSetId}`);
      }
    } else say('\n6. (skipped: stealing needs PROJECTOR_USER2 / PROJECTOR_PASSWORD2)');

    if (s.sim || bob) {
      step(7, 'Drive the session into rate limiting and watch the client pause and recover');
      const before = await alice.testRateLimiter();
      const limit = before.snapshot?.sessionRateLimit ?? SIM_SESSION_LIMIT;
      say(`   session hits ${before.snapshot?.sessionHitCount} of ${limit} in ${before.snapshot?.rollingWindowSeconds} s; adding ${limit} simulated hits`);
      await alice.testRateLimiter({ simulateSessionHitsAfter: limit });
      const startedAt = Date.now();
      const after = await alice.checkLocks({ locks });
      reporter.done();
      say(`   recovered: checkLocks succeeded (status ${after.status}) after ${((Date.now() - startedAt) / 1000).toFixed(1)} s of pauses`);
    } else say('\n7. (skipped: simulated rate-limit hits on a real installation need PROJECTOR_USER2 / PROJECTOR_PASSWORD2 as consent)');

    step(8, 'Log out');
    const out = await alice.unauthenticate();
    say(`   logged out (status ${out.status})`);
    const twice = await alice.unauthenticate();
    say(`   logging out again is harmless: alreadyLoggedOut = ${twice.alreadyLoggedOut}`);
  } finally {
    reporter.done();
    await Promise.allSettled([alice.close(), bob?.close()]);
    await s.sim?.close();
  }
  say('\nDone.');
}

main().catch((err: unknown) => {
  // Error messages and toJSON are secret-free by contract; print the safe view, not the raw cause.
  process.stderr.write(`demo failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exitCode = 1;
});
