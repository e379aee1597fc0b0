/**
 * close() while calls are in flight. It is idempotent (one shared promise, one logout). A call that has not been
 * sent (waiting for a login, or in a rate-limit pause) ends with AbortedError at once, on the manual clock. A login
 * that is on the server when close() begins is not abandoned: when it completes, its session is logged out. A request
 * already on the wire may finish and its caller gets the answer; the logout follows it. One still on the wire after
 * closeTimeoutInMs is cut off: a write then is OutcomeUnknownError. After close the transport sends nothing.
 */
import { AbortedError, OutcomeUnknownError } from '../src/errors';
import { SimulatedFault } from '../src/simulator';
import { HttpTransport } from '../src/soap/http-transport';
import { envelope } from '../src/simulator/testing';
import { PROJECT } from './support/client';
import { settle, startManualRig, until, watch, type ManualRig } from './support/manual-rig';

const check = { locks: [{ entityIdentity: PROJECT }] };

describe('close() with calls in flight', () => {
  let rig: ManualRig;
  beforeEach(async () => {
    rig = await startManualRig();
  });
  afterEach(() => rig.close());

  const logouts = () => rig.sent('PwsUnauthenticate');

  test('a call still logging in ends at once; the login completes and its session is logged out', async () => {
    rig.sim.setLatency('PwsAuthenticate', 1_000);
    const client = rig.client();
    const call = watch(client.checkLocks(check));
    await until(() => rig.sent('PwsAuthenticate').length === 1 && rig.clock.pendingSleepers === 1);

    const closing = client.close();
    expect(client.close()).toBe(closing);
    await call.done;
    expect(call.error).toBeInstanceOf(AbortedError);
    expect(call.error).toMatchObject({ code: 'Aborted', requestSent: false });

    // The login answers after close began: that session is logged out, and nothing else is sent.
    rig.clock.advance(1_000);
    await closing;
    expect(rig.sent('PwsAuthenticate')[0].outcome).toBe('ok');
    expect(logouts()).toHaveLength(1);
    expect(logouts()[0].outcome).toBe('ok');
    expect(rig.sent('PwsCheckProjectorLocks')).toHaveLength(0);
    expect(rig.sim.issuedTickets()).toEqual([]);
    await expect(client.checkLocks(check)).rejects.toBeInstanceOf(AbortedError);
  });

  test('concurrent close() calls share one promise and send one logout', async () => {
    const client = rig.client();
    await client.checkLocks(check);
    const [a, b] = [client.close(), client.close()];
    expect(a).toBe(b);
    await Promise.all([a, b, client.close()]);
    expect(logouts()).toHaveLength(1);
    expect(rig.sim.issuedTickets()).toEqual([]);
  });

  test('a call paused by the rate limit ends at once with AbortedError; the logout still honours the pause', async () => {
    rig.sim.handle('PwsCheckProjectorLocks', () => {
      throw new SimulatedFault({ messages: [{ errorNumber: 10016, errorCode: 'RequestExceededRateLimit', errorText: 'Request exceeded rate limit.' }] });
    });
    const client = rig.client({ closeTimeoutInMs: 10_000, rateLimit: { random: () => 0 } });
    const call = watch(client.checkLocks(check));
    await until(() => rig.sent('PwsCheckProjectorLocks').length === 1 && rig.clock.pendingSleepers === 1);
    const pausedAt = rig.clock.now();

    const closing = watch(client.close());
    await call.done;
    expect(call.error).toBeInstanceOf(AbortedError);
    expect(call.error).toMatchObject({ code: 'Aborted', requestSent: false });
    expect(rig.clock.now()).toBe(pausedAt);
    // The logout waits out the 5 s pause like any other request (the gate is the installation's).
    await until(() => rig.clock.pendingSleepers === 1);
    expect(logouts()).toHaveLength(0);
    rig.clock.advance(5_000);
    await closing.done;
    expect(rig.sent('PwsCheckProjectorLocks')).toHaveLength(1);
    expect(logouts()).toHaveLength(1);
    expect(logouts()[0].receivedAt).toBe(pausedAt + 5_000);
  });

  test('a request on the wire gets its answer, and the logout goes out after it', async () => {
    const client = rig.client();
    await client.authenticate();
    rig.sim.setLatency('PwsCheckProjectorLocks', 1_000);
    const call = watch(client.checkLocks(check));
    await until(() => rig.sent('PwsCheckProjectorLocks').length === 1 && rig.clock.pendingSleepers === 1);

    const closing = watch(client.close());
    await settle();
    expect(call.settled).toBe(false);
    expect(closing.settled).toBe(false);
    expect(logouts()).toHaveLength(0);

    rig.clock.advance(1_000);
    await closing.done;
    expect(call.value).toMatchObject({ status: 'Ok' });
    const [answered] = rig.sent('PwsCheckProjectorLocks');
    expect(logouts()).toHaveLength(1);
    expect(logouts()[0].seq).toBeGreaterThan(answered.seq);
    expect(logouts()[0].receivedAt).toBeGreaterThanOrEqual(answered.finishedAt!);
  });

  test('a write still on the wire after closeTimeoutInMs is cut off: OutcomeUnknownError', async () => {
    const client = rig.client({ closeTimeoutInMs: 200 });
    await client.authenticate();
    rig.sim.setLatency('PwsAcquireProjectorLocks', 1_000);
    const call = watch(client.acquireLocks({ locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 }));
    await until(() => rig.sent('PwsAcquireProjectorLocks').length === 1);

    await client.close();
    await call.done;
    expect(call.error).toBeInstanceOf(OutcomeUnknownError);
    expect(call.error).toMatchObject({ requestSent: true, operation: 'PwsAcquireProjectorLocks' });
    expect(logouts()).toHaveLength(1);
  });

  test('a closed transport refuses to send', async () => {
    const transport = new HttpTransport();
    transport.close();
    const err = await transport.post(rig.sim.url, envelope('PwsTestRateLimiter', ''), { 'Content-Type': 'text/xml; charset=utf-8' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ requestSent: false });
    expect(rig.sim.log).toHaveLength(0);
  });
});
