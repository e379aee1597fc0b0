/**
 * Stealing: LockHolders from a 50469 PwsFault, sent back unchanged as LocksToSteal, take the lock over
 * (LockStolenFlag, StolenLocks). Anything that no longer matches the current lock state fails with 50469 again.
 * The victim learns it: check/renew answer a PwsFault whose LockTaker names the thief, release returns StolenLock.
 */
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';
import { find, parseXml, type XmlNode } from './support/xml';

const item = (uid: string, type = 'P') =>
  `<com:PwsProjectorLockRequest><com:EntityIdentity><com:EntityUid>${uid}</com:EntityUid><com:LockType>${type}</com:LockType></com:EntityIdentity></com:PwsProjectorLockRequest>`;
const PROJECT = '1152921504607429941';
const SYSTEM_LOCKED = '1152921504607450001';

/** Re-serializes PwsFault.LockHolders as request XML (`com:` prefix, nil members omitted). */
const asRequest = (n: XmlNode): string =>
  n.attrs['{http://www.w3.org/2001/XMLSchema-instance}nil'] === 'true'
    ? ''
    : `<com:${n.local}>${n.children.length ? n.children.map(asRequest).join('') : n.text}</com:${n.local}>`;
const holdersOf = (faultXml: string) => find(parseXml(faultXml), 'LockHolders')!.children.map(asRequest).join('');

describe('simulator lock stealing', () => {
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

  const acquire = (ticket: string, uid: string, steal = '') =>
    callRaw(sim.url, 'PwsAcquireProjectorLocks', `<req:SessionTicket>${ticket}</req:SessionTicket><req:LockDurationSeconds>300</req:LockDurationSeconds><req:Locks>${item(uid)}</req:Locks>${steal && `<req:LocksToSteal>${steal}</req:LocksToSteal>`}`);
  const bySet = (op: 'PwsCheckProjectorLocks' | 'PwsRenewProjectorLocks' | 'PwsReleaseProjectorLocks', ticket: string, id: string) =>
    callRaw(sim.url, op, `<req:SessionTicket>${ticket}</req:SessionTicket>${op === 'PwsRenewProjectorLocks' ? '<req:LockDurationSeconds>60</req:LockDurationSeconds>' : ''}<req:ProjectorLockSetId>${id}</req:ProjectorLockSetId>`);

  it('steals with the LockHolders of the conflict and reports what it stole', async () => {
    const victimSet = textOfFirst((await acquire(alice, PROJECT)).body, 'ProjectorLockSetId')!;
    clock.advance(1234);
    const conflict = await acquire(bob, PROJECT);
    expect(conflict.status).toBe(500);
    expect(textOfFirst(conflict.body, 'AllowLocksToBeStolenFlag')).toBe('true');
    const stolen = await acquire(bob, PROJECT, holdersOf(conflict.body));
    expect(stolen.status).toBe(200);
    expect(textOfFirst(stolen.body, 'LockStolenFlag')).toBe('true');
    const stolenItem = find(parseXml(stolen.body), 'StolenLocks')!;
    expect(find(stolenItem, 'UserUid')!.text).toBe('1152921504607067701');
    expect(find(stolenItem, 'LockCount')!.text).toBe('1');

    // The victim: check and renew see a PwsFault naming the taker; release returns StolenLock.
    for (const op of ['PwsCheckProjectorLocks', 'PwsRenewProjectorLocks'] as const) {
      const res = await bySet(op, alice, victimSet);
      expect(res.status).toBe(500);
      const taker = find(parseXml(res.body), 'LockTaker')!;
      expect(find(taker, 'UserDisplayName')!.text).toBe('Bob Example');
      expect(find(taker, 'ProjectorLockSetId')!.text).toBe(victimSet);
    }
    const released = await bySet('PwsReleaseProjectorLocks', alice, victimSet);
    expect(textOfFirst(released.body, 'Status')).toBe('Ok');
    expect(find(parseXml(released.body), 'LockStolenByUser')).toBeDefined();
    expect(textOfFirst(released.body, 'EmailAddress')).toBe('bob@example.com');
    // And the thief holds it now.
    expect((await acquire(alice, PROJECT)).status).toBe(500);
  });

  it('refuses a steal whose LocksToSteal no longer matches the lock state', async () => {
    await acquire(alice, PROJECT);
    const conflict = await acquire(bob, PROJECT);
    const stale = holdersOf(conflict.body).replace(/<com:MostRecentLockAcquisitionTimestamp>[^<]+</, '<com:MostRecentLockAcquisitionTimestamp>2020-01-01T00:00:00.0000000Z<');
    const res = await acquire(bob, PROJECT, stale);
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('50469');
    const wrongHolder = holdersOf(conflict.body).replace('<com:UserUid>1152921504607067701<', '<com:UserUid>1152921504607067702<');
    expect((await acquire(bob, PROJECT, wrongHolder)).status).toBe(500);
  });

  it('never lets locks of internal processes be stolen', async () => {
    await acquire(alice, SYSTEM_LOCKED);
    const conflict = await acquire(bob, SYSTEM_LOCKED);
    expect(textOfFirst(conflict.body, 'AllowLocksToBeStolenFlag')).toBe('false');
    const res = await acquire(bob, SYSTEM_LOCKED, holdersOf(conflict.body));
    expect(res.status).toBe(500);
    expect(textOfFirst(res.body, 'ErrorNumber')).toBe('50469');
  });
});
