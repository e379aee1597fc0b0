/**
 * An answer the client cannot read follows the idempotency rule of the README's error table, whatever form it takes
 * (an IIS/ASP.NET HTML error page on 500, an empty 200, HTML on 200, truncated XML):
 *  - an idempotent operation (release, check) is sent again, and the retry really does the work: a release after
 *    an error page releases the lock, so another user can take it;
 *  - a non-idempotent one (acquire) is not sent again, and surfaces OutcomeUnknownError with the original failure
 *    as its cause: it may or may not have run on the server.
 * A well-formed answer to another request (a wrong ResponseId) stays a ResponseFormatError and is never re-sent.
 */
import { LockConflictError, OutcomeUnknownError, ProjectorError, ResponseFormatError, TransportError } from '../src/errors';
import type { FaultSpec } from '../src/simulator';
import { BOB, PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const RELEASE = 'PwsReleaseProjectorLocks';
const ACQUIRE = 'PwsAcquireProjectorLocks';
const CHECK = 'PwsCheckProjectorLocks';
const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 600 };
const HTML_200: FaultSpec = { kind: 'raw', status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>' };

/** [name, fault, whether the simulator ran the operation before mangling its answer, class of the original failure] */
const UNREADABLE: [string, FaultSpec, boolean, new (...a: never[]) => ProjectorError][] = [
  ['an HTML error page on 500', { kind: 'http-status', status: 500 }, false, TransportError],
  ['an empty 200', { kind: 'empty-200' }, false, ResponseFormatError],
  ['an HTML page on 200', HTML_200, false, ResponseFormatError],
  ['the SOAP answer labelled text/html', { kind: 'wrong-content-type' }, true, ResponseFormatError],
  ['truncated XML', { kind: 'truncated-xml' }, true, ResponseFormatError],
];

describe('unreadable answers', () => {
  let rig: Rig;
  let alice: ReturnType<Rig['client']>;
  beforeEach(async () => {
    rig = await startRig();
    alice = rig.client();
    await alice.authenticate();
  });
  afterEach(() => rig.close());

  test.each(UNREADABLE)('%s on a release: sent again, and the lock really is released', async (_name, fault, ran) => {
    const set = await alice.acquireLocks(acquire);
    rig.sim.clearLog();
    rig.sim.injectFaults(fault);
    const released = await alice.releaseLocks(set.lockSetId);
    // A release that ran before its answer was lost is found done on the retry (50476): a success either way.
    expect(released).toMatchObject({ lockSetId: set.lockSetId, alreadyReleased: ran });
    const sent = rig.sim.log.filter((e) => e.operation === RELEASE);
    expect(sent.map((e) => e.outcome)).toEqual(['injected-fault', ran ? 'warning' : 'ok']);
    // Nothing of Alice's holds the project any more: Bob can lock it.
    const bob = rig.client({ credentials: BOB });
    const bobs = await bob.acquireLocks(acquire);
    expect(bobs.lockSetId).toBeGreaterThan(0);
    await bob.releaseLocks(bobs.lockSetId);
  });

  test.each(UNREADABLE)('%s on a check: sent again and answered', async (_name, fault) => {
    rig.sim.clearLog();
    rig.sim.injectFaults(fault);
    await expect(alice.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).resolves.toMatchObject({ status: 'Ok' });
    expect(rig.sim.log.filter((e) => e.operation === CHECK).map((e) => e.outcome)).toEqual(['injected-fault', 'ok']);
  });

  test.each(UNREADABLE)('%s on an acquire: OutcomeUnknownError carrying the cause, sent once', async (_name, fault, ran, causeType) => {
    rig.sim.clearLog();
    rig.sim.injectFaults(fault);
    const err = await alice.acquireLocks(acquire).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err).toMatchObject({ code: 'OutcomeUnknown', operation: ACQUIRE, requestSent: true, retryable: false, attempts: 1 });
    const cause = (err as OutcomeUnknownError).cause;
    expect(cause).toBeInstanceOf(causeType);
    expect(cause).not.toBeInstanceOf(OutcomeUnknownError);
    expect(rig.sim.log.filter((e) => e.operation === ACQUIRE)).toHaveLength(1);
    // The outcome really is unknown to the client: the fault decided whether the lock was taken.
    const check = alice.checkLocks({ locks: [{ entityIdentity: PROJECT }] });
    if (ran) await expect(check).rejects.toBeInstanceOf(LockConflictError);
    else await expect(check).resolves.toMatchObject({ status: 'Ok' });
  });

  test('an error page on every attempt of a release ends in the TransportError after the documented 3 attempts', async () => {
    const set = await alice.acquireLocks(acquire);
    rig.sim.clearLog();
    rig.sim.injectFaults({ kind: 'http-status', status: 500 }, 3);
    const err = await alice.releaseLocks(set.lockSetId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ httpStatus: 500, operation: RELEASE, attempts: 3 });
    expect(rig.sim.log.filter((e) => e.operation === RELEASE)).toHaveLength(3);
    await expect(alice.releaseLocks(set.lockSetId)).resolves.toMatchObject({ alreadyReleased: false });
  });
});
