/**
 * `npm start`: the SDK's lifecycle, end to end, through the public API only. By default it starts the simulator
 * in-process (real clock, a 2 s rate-limit window, short pauses) so the whole tour takes a few seconds; with
 * PROJECTOR_URL + PROJECTOR_ACCOUNT/USER/PASSWORD it runs against that server instead, and the steal and
 * rate-limit steps (a second user, simulated hits) run there only with PROJECTOR_USER2/PROJECTOR_PASSWORD2.
 * The OAuth step (no password: a client application's refresh token) runs on the simulator, or on a real server with
 * PROJECTOR_OAUTH_CLIENT_ID, PROJECTOR_OAUTH_CLIENT_SECRET and PROJECTOR_OAUTH_REFRESH_TOKEN_FILE (the file is
 * read, and rewritten with every rotated refresh token, so the token on record stays valid).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { authorizationUrl, createPkcePair, exchangeAuthorizationCode, isLockConflictError, parseAuthorizationCallback, ProjectorClient } from '../src';
import type { Credentials, LockEntity, OAuthOptions, RateLimitedInfo, RateLimitOptions } from '../src';
import { startSimulator, DEFAULT_ACCOUNT, DEMO_OAUTH_CLIENT, DEMO_PASSWORD } from '../src/simulator';
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

/** Step 9: the same kind of work with no password at all, through an OAuth 2 client application. */
async function oauthStep(s: Setup): Promise<void> {
  const env = process.env;
  let oauth: OAuthOptions;
  let persist: (token: string) => void;
  if (s.sim) {
    step(9, 'OAuth 2: get a refresh token once (a person approves), then work without any password');
    const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
    const redirectUri = DEMO_OAUTH_CLIENT.redirectUris[0];
    const pkce = createPkcePair();
    const state = 'demo-state';
    const url = authorizationUrl({ accountCode: s.alice.accountCode, clientId, redirectUri, scope: 'projects', state, codeChallenge: pkce.codeChallenge });
    say(`   authorization URL: ${url.slice(0, url.indexOf('?'))}?response_type=code&client_id=...&code_challenge=... (S256)`);
    // The browser step: here the simulator approves for alice, as `projector oauth authorize-url` + a person would.
    const { code } = parseAuthorizationCallback(s.sim.oauth.approve(url, s.alice.userName).redirectTo, state);
    const tokens = await exchangeAuthorizationCode({ endpoint: s.endpoint, clientId, clientSecret, code, codeVerifier: pkce.codeVerifier, redirectUri, endSession: true });
    say(`   exchanged the code (with the PKCE verifier) for a refresh token; access tokens live ${tokens.expiresInSeconds} s`);
    let stored = tokens.refreshToken;
    oauth = { clientId, clientSecret, refreshToken: stored };
    persist = (token) => void (stored = token);
  } else if (env.PROJECTOR_OAUTH_CLIENT_ID && env.PROJECTOR_OAUTH_CLIENT_SECRET && env.PROJECTOR_OAUTH_REFRESH_TOKEN_FILE) {
    step(9, 'OAuth 2: work without any password (refresh token from PROJECTOR_OAUTH_REFRESH_TOKEN_FILE)');
    const file = env.PROJECTOR_OAUTH_REFRESH_TOKEN_FILE;
    oauth = { clientId: env.PROJECTOR_OAUTH_CLIENT_ID, clientSecret: env.PROJECTOR_OAUTH_CLIENT_SECRET, refreshToken: readFileSync(file, 'utf8').trim() };
    persist = (token) => writeFileSync(file, token, { mode: 0o600 });
  } else {
    say('\n9. (skipped: OAuth on a real server needs PROJECTOR_OAUTH_CLIENT_ID, PROJECTOR_OAUTH_CLIENT_SECRET and PROJECTOR_OAUTH_REFRESH_TOKEN_FILE)');
    return;
  }
  let rotations = 0;
  const service = new ProjectorClient({
    endpoint: s.endpoint,
    rateLimit: s.rateLimit,
    oauth: { ...oauth, onRefreshToken: (token) => { rotations++; persist(token); } },
  });
  try {
    const check = await service.checkLocks({ locks: [{ entityIdentity: s.entity }] });
    say(`   a client configured with only oauth checked the lock (status ${check.status}): the access token is its session ticket`);
    say(`   the refresh token rotated ${rotations} time(s); onRefreshToken stored the new one for the next start`);
  } finally {
    await service.close();
  }
  say('   closed: the access token it acquired was logged out; the refresh token stays valid (revokeRefreshToken() ends it)');
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

    await oauthStep(s);
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
