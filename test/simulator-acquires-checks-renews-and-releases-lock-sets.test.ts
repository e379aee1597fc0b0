/**
 * Lock sets over raw XML: acquire (duration 1..86400, 1..100 entities, lock types E C P R RT CP CB I), check,
 * renew and release, with the vendor's error numbers, and expiry when the duration passes on the simulator clock.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';
import { find, parseXml } from './support/xml';

const PROJECT_UID = '1152921504607429941';
const lockItem = (id: { code?: string; uid?: string; type: string }) =>
  `<com:PwsProjectorLockRequest><com:EntityIdentity>${id.code ? `<com:EntityCode>${id.code}</com:EntityCode>` : ''}` +
  `${id.uid ? `<com:EntityUid>${id.uid}</com:EntityUid>` : ''}<com:LockType>${id.type}</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest>`;
const project = lockItem({ uid: PROJECT_UID, type: 'P' });

describe('simulator lock sets', () => {
  let sim: Simulator;
  let clock: ManualClock;
  let alice: string;
  let bob: string;
  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ clock });
    alice = await loginRaw(sim.url);
    bob = await loginRaw(sim.url, 'bob@example.com');
  });
  afterEach(() => sim.close());

  const acquire = (ticket: string, locks: string, duration: number | string = 120, extra = '') =>
    callRaw(sim.url, 'PwsAcquireProjectorLocks', `<req:SessionTicket>${ticket}</req:SessionTicket><req:LockDurationSeconds>${duration}</req:LockDurationSeconds><req:Locks>${locks}</req:Locks>${extra}`);
  const bySet = (op: 'PwsCheckProjectorLocks' | 'PwsRenewProjectorLocks' | 'PwsReleaseProjectorLocks', ticket: string, id: string, duration?: number) =>
    callRaw(sim.url, op, `<req:SessionTicket>${ticket}</req:SessionTicket>${duration ? `<req:LockDurationSeconds>${duration}</req:LockDurationSeconds>` : ''}<req:ProjectorLockSetId>${id}</req:ProjectorLockSetId>`);
  const outcome = (body: string) => ({ status: textOfFirst(body, 'Status'), number: textOfFirst(body, 'ErrorNumber') });

  it('acquires a project lock and returns the set id and the lock as the WSDL shapes it', async () => {
    const res = await acquire(alice, lockItem({ code: 'P001468-001', uid: PROJECT_UID, type: 'P' }));
    expect(res.status).toBe(200);
    expect(outcome(res.body)).toEqual({ status: 'Ok', number: undefined });
    const setId = Number(textOfFirst(res.body, 'ProjectorLockSetId'));
    expect(setId).toBeGreaterThan(0);
    const lock = find(parseXml(res.body), 'PwsProjectorLock')!;
    expect(lock.children.map((c) => c.local)).toEqual(['EntityIdentity', 'EntityTimestamp', 'LockStolenFlag', 'StolenLocks']);
    expect(textOfFirst(res.body, 'EntityCode')).toBe('P001468-001');
    expect(textOfFirst(res.body, 'EntityTimestamp')).toBe('AAAAABCotjg=');
    expect(textOfFirst(res.body, 'LockStolenFlag')).toBe('false');
    expect(res.body).toContain('<b:StolenLocks i:nil="true"/>');
  });

  it('refuses a second holder with a 50469 fault, and frees the entity on release', async () => {
    const setId = textOfFirst((await acquire(alice, project)).body, 'ProjectorLockSetId')!;
    const blocked = await acquire(bob, project);
    expect(blocked.status).toBe(500);
    expect(textOfFirst(blocked.body, 'ErrorNumber')).toBe('50469');
    expect(textOfFirst(blocked.body, 'UserDisplayName')).toBe('Alice Example');
    const released = await bySet('PwsReleaseProjectorLocks', alice, setId);
    expect(outcome(released.body)).toEqual({ status: 'Ok', number: undefined });
    expect((await acquire(bob, project)).status).toBe(200);
  });

  it('checks a live set, renews it, and lets it expire when the duration passes', async () => {
    const setId = textOfFirst((await acquire(alice, project, 60)).body, 'ProjectorLockSetId')!;
    const checked = await bySet('PwsCheckProjectorLocks', alice, setId);
    expect(outcome(checked.body).status).toBe('Ok');
    expect(textOfFirst(checked.body, 'EntityUid')).toBe(PROJECT_UID);
    clock.advance(50_000);
    expect(outcome((await bySet('PwsRenewProjectorLocks', alice, setId, 60)).body).status).toBe('Ok');
    clock.advance(50_000);
    expect((await acquire(bob, project)).status).toBe(500); // renewed: still held at 100 s
    clock.advance(10_001);
    expect((await acquire(bob, project)).status).toBe(200); // expired at 110 s
    expect(outcome((await bySet('PwsCheckProjectorLocks', alice, setId)).body)).toEqual({ status: 'Fail', number: '50475' });
    expect(outcome((await bySet('PwsRenewProjectorLocks', alice, setId, 60)).body)).toEqual({ status: 'Fail', number: '50485' });
    const late = await bySet('PwsReleaseProjectorLocks', alice, setId);
    expect(outcome(late.body)).toEqual({ status: 'OkWithWarnings', number: '50476' });
  });

  it('warns 50476 on a second release, and fails 50475 for an unknown set or one of another user', async () => {
    const setId = textOfFirst((await acquire(alice, project)).body, 'ProjectorLockSetId')!;
    expect(outcome((await bySet('PwsReleaseProjectorLocks', bob, setId)).body)).toEqual({ status: 'Fail', number: '50475' });
    await bySet('PwsReleaseProjectorLocks', alice, setId);
    const again = await bySet('PwsReleaseProjectorLocks', alice, setId);
    expect(outcome(again.body)).toEqual({ status: 'OkWithWarnings', number: '50476' });
    expect(textOfFirst(again.body, 'ErrorText')).toBe(`Warning: Lock ${setId} has already been released.`);
    expect(textOfFirst(again.body, 'Type')).toBe('Warning');
    expect(outcome((await bySet('PwsReleaseProjectorLocks', alice, '999999')).body)).toEqual({ status: 'Fail', number: '50475' });
    expect(outcome((await bySet('PwsRenewProjectorLocks', alice, '999999', 60)).body)).toEqual({ status: 'Fail', number: '50475' });
  });

  it('adds entities to an existing set when ProjectorLockSetId is given', async () => {
    const setId = textOfFirst((await acquire(alice, project)).body, 'ProjectorLockSetId')!;
    const more = await acquire(alice, lockItem({ code: 'E000100', type: 'E' }), 120, `<req:ProjectorLockSetId>${setId}</req:ProjectorLockSetId>`);
    expect(textOfFirst(more.body, 'ProjectorLockSetId')).toBe(setId);
    const checked = await bySet('PwsCheckProjectorLocks', alice, setId);
    expect(checked.body.match(/<b:PwsProjectorLock>/g)).toHaveLength(2);
  });

  it('accepts every vendor lock type and refuses others with 10126', async () => {
    for (const type of ['E', 'C', 'P', 'R', 'RT', 'CP', 'CB', 'I']) {
      expect(outcome((await acquire(alice, lockItem({ uid: PROJECT_UID, type }))).body).status).toBe('Ok');
    }
    expect(outcome((await acquire(alice, lockItem({ uid: PROJECT_UID, type: 'X' }))).body)).toEqual({ status: 'Fail', number: '10126' });
    expect(outcome((await acquire(alice, lockItem({ uid: PROJECT_UID, type: 'p' }))).body)).toEqual({ status: 'Fail', number: '10126' });
  });

  it('answers 50024 for an unknown entity and for a code and uid that name different entities', async () => {
    const unknown = await acquire(alice, lockItem({ code: 'P999', type: 'P' }));
    expect(outcome(unknown.body)).toEqual({ status: 'Fail', number: '50024' });
    expect(textOfFirst(unknown.body, 'ErrorCode')).toBe('EntityNotFound');
    expect(outcome((await acquire(alice, lockItem({ code: 'E000100', uid: PROJECT_UID, type: 'P' }))).body).number).toBe('50024');
    const check = await callRaw(sim.url, 'PwsCheckProjectorLocks', `<req:SessionTicket>${alice}</req:SessionTicket><req:Locks>${lockItem({ uid: '42', type: 'P' })}</req:Locks>`);
    expect(outcome(check.body).number).toBe('50024');
  });

  it('bounds the duration to 1..86400 s and the lock list to 1..100 items', async () => {
    expect(outcome((await acquire(alice, project, 0)).body)).toEqual({ status: 'Fail', number: '10010' });
    expect(outcome((await acquire(alice, project, 86_401)).body)).toEqual({ status: 'Fail', number: '10010' });
    expect(outcome((await acquire(alice, project, 86_400)).body).status).toBe('Ok');
    expect(outcome((await acquire(alice, '')).body)).toEqual({ status: 'Fail', number: '10010' });
    expect(outcome((await acquire(alice, project.repeat(101))).body)).toEqual({ status: 'Fail', number: '10010' });
    expect(outcome((await acquire(bob, lockItem({ code: 'E000100', type: 'E' }).repeat(100))).body).status).toBe('Ok');
    const setId = textOfFirst((await acquire(alice, lockItem({ code: 'E000100', type: 'C' }))).body, 'ProjectorLockSetId')!;
    expect(outcome((await bySet('PwsRenewProjectorLocks', alice, setId, 86_401)).body)).toEqual({ status: 'Fail', number: '10010' });
  });

  it('checks a list of entities: Ok when free, a 50469 fault when someone else holds one', async () => {
    const list = `<req:SessionTicket>${bob}</req:SessionTicket><req:Locks>${project}</req:Locks>`;
    expect(outcome((await callRaw(sim.url, 'PwsCheckProjectorLocks', list)).body).status).toBe('Ok');
    await acquire(alice, project);
    const blocked = await callRaw(sim.url, 'PwsCheckProjectorLocks', list);
    expect(blocked.status).toBe(500);
    expect(textOfFirst(blocked.body, 'ErrorNumber')).toBe('50469');
  });
});
