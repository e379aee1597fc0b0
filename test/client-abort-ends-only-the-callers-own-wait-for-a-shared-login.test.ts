/**
 * One login serves every call that needs it, but each caller waits on its own terms: a caller's abortSignal ends
 * only that caller's wait, at once (no virtual time passes), while the shared login goes on for the others; the
 * login is cancelled only when every waiter has left, and a caller arriving after that starts a fresh one.
 * The login takes 1 s of the simulator's (manual) clock, so "at once" and "after the login" are told apart exactly.
 */
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { AbortedError } from '../src/errors';
import { startSimulator, type Simulator } from '../src/simulator';
import { ALICE, PROJECT } from './support/client';

const LOGIN_IN_MS = 1_000;
const check = { locks: [{ entityIdentity: PROJECT }] };

/** A promise's outcome, observable without awaiting it, and the virtual time at which it settled. */
function watch<T>(promise: Promise<T>, clock: ManualClock) {
  const w: { settled: boolean; value?: T; error?: unknown; settledAt?: number; done: Promise<void> } = { settled: false, done: Promise.resolve() };
  w.done = promise.then(
    (value) => Object.assign(w, { settled: true, value, settledAt: clock.now() }),
    (error: unknown) => Object.assign(w, { settled: true, error, settledAt: clock.now() }),
  ).then(() => undefined);
  return w;
}

/** Lets loopback I/O and promise chains run for a while in real time, without moving the manual clock. */
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('abort while a login is shared', () => {
  let clock: ManualClock;
  let sim: Simulator;
  let client: ProjectorClient;
  const logins = () => sim.log.filter((e) => e.operation === 'PwsAuthenticate');

  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock });
    sim.setLatency('PwsAuthenticate', LOGIN_IN_MS);
    client = new ProjectorClient({ endpoint: sim.url, credentials: ALICE, clock });
  });
  afterEach(async () => {
    clock.advance(LOGIN_IN_MS);
    await client.close();
    await sim.close();
  });

  /** Resolves once the login request is on the server, sleeping out its latency. */
  async function loginInFlight(): Promise<void> {
    for (let i = 0; i < 200 && clock.pendingSleepers === 0; i++) await settle(5);
    expect(clock.pendingSleepers).toBe(1);
    expect(logins()).toHaveLength(1);
  }

  test("the first caller's abort ends only its own wait; a caller that never aborted gets the login's result", async () => {
    const a = new AbortController();
    const startedAt = clock.now();
    const callA = watch(client.checkLocks(check, { abortSignal: a.signal }), clock);
    const callB = watch(client.checkLocks(check), clock);
    await loginInFlight();

    a.abort(new Error('A gave up'));
    await callA.done;
    expect(callA.error).toBeInstanceOf(AbortedError);
    expect(callA.error).toMatchObject({ code: 'Aborted', requestSent: false });
    expect(callA.settledAt! - startedAt).toBe(0);
    await settle();
    expect(callB.settled).toBe(false);

    clock.advance(LOGIN_IN_MS);
    await callB.done;
    expect(callB.error).toBeUndefined();
    expect(callB.value).toMatchObject({ status: 'Ok' });
    expect(callB.settledAt! - startedAt).toBe(LOGIN_IN_MS);
    expect(logins()).toHaveLength(1);
    expect(logins()[0].outcome).toBe('ok');
    // A's call never reached the service; B's did, once.
    expect(sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks')).toHaveLength(1);
  });

  test("a joiner's abort ends its wait at once; the caller that started the login still gets it", async () => {
    const b = new AbortController();
    const startedAt = clock.now();
    const callA = watch(client.checkLocks(check), clock);
    await loginInFlight();
    const callB = watch(client.checkLocks(check, { abortSignal: b.signal }), clock);
    await settle();
    expect(callB.settled).toBe(false);

    b.abort(new Error('B gave up'));
    await callB.done;
    expect(callB.error).toBeInstanceOf(AbortedError);
    expect(callB.settledAt! - startedAt).toBe(0);
    expect(callA.settled).toBe(false);

    clock.advance(LOGIN_IN_MS);
    await callA.done;
    expect(callA.value).toMatchObject({ status: 'Ok' });
    expect(logins()).toHaveLength(1);
  });

  test('an already-aborted signal fails at once, whether or not a login is under way, and sends nothing', async () => {
    const aborted = AbortSignal.abort(new Error('too late'));
    const startedAt = clock.now();
    // No login yet: nothing may be sent for an aborted call.
    await expect(client.checkLocks(check, { abortSignal: aborted })).rejects.toBeInstanceOf(AbortedError);
    await expect(client.authenticate({ abortSignal: aborted })).rejects.toBeInstanceOf(AbortedError);
    expect(sim.log).toHaveLength(0);

    const callA = watch(client.checkLocks(check), clock);
    await loginInFlight();
    const late = watch(client.checkLocks(check, { abortSignal: aborted }), clock);
    await late.done;
    expect(late.error).toBeInstanceOf(AbortedError);
    expect(late.settledAt! - startedAt).toBe(0);

    clock.advance(LOGIN_IN_MS);
    await callA.done;
    expect(callA.value).toMatchObject({ status: 'Ok' });
    expect(logins()).toHaveLength(1);
  });

  test('when every waiter has left the login is cancelled, and the next caller starts a new one', async () => {
    const a = new AbortController();
    const b = new AbortController();
    const callA = watch(client.authenticate({ abortSignal: a.signal }), clock);
    const callB = watch(client.checkLocks(check, { abortSignal: b.signal }), clock);
    await loginInFlight();
    a.abort();
    b.abort();
    await Promise.all([callA.done, callB.done]);
    expect(callA.error).toBeInstanceOf(AbortedError);
    expect(callB.error).toBeInstanceOf(AbortedError);

    // Straight after the last waiter left: this caller must not inherit the cancelled login's AbortedError.
    const callC = watch(client.checkLocks(check), clock);
    for (let i = 0; i < 200 && logins().length < 2; i++) await settle(5);
    clock.advance(LOGIN_IN_MS);
    await callC.done;
    expect(callC.error).toBeUndefined();
    expect(callC.value).toMatchObject({ status: 'Ok' });
    expect(logins()).toHaveLength(2);
  });
});
