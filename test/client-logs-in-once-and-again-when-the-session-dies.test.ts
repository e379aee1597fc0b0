import { SessionInvalidError } from '../src/errors';
import { ALICE, PROJECT, authCount, startRig } from './support/client';
import type { Rig } from './support/client';

describe('session handling', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('50 concurrent first calls share exactly one PwsAuthenticate', async () => {
    const client = rig.client();
    const results = await Promise.all(Array.from({ length: 50 }, () => client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })));
    expect(results).toHaveLength(50);
    expect(results.every((r) => r.status === 'Ok')).toBe(true);
    expect(authCount(rig.sim)).toBe(1);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks' && e.outcome === 'ok')).toHaveLength(50);
  });

  test('a session that dies mid-batch is replaced by one re-login and no call is lost', async () => {
    const client = rig.client();
    await client.checkLocks({ locks: [{ entityIdentity: PROJECT }] });
    const first = Promise.all(Array.from({ length: 10 }, () => client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })));
    await first;
    rig.sim.invalidateAllSessions();
    const batch = await Promise.all(Array.from({ length: 20 }, () => client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })));
    expect(batch).toHaveLength(20);
    expect(authCount(rig.sim)).toBe(2);
    const okChecks = rig.sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks' && e.outcome === 'ok');
    expect(okChecks).toHaveLength(31);
  });

  test('a session that dies again right after the renewal surfaces SessionInvalidError instead of looping', async () => {
    // The provider hands out tickets the server never issued, so every session is dead on arrival.
    const provider = jest.fn(async () => 'AAAAAAAAAAAAAAAAAAAAAA==');
    const client = rig.client({ credentials: undefined, sessionTicket: provider, accountCode: 'DEMO' });
    await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).rejects.toBeInstanceOf(SessionInvalidError);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsCheckProjectorLocks')).toHaveLength(2);
  });

  test('a fixed caller-supplied ticket cannot be renewed: SessionInvalidError, and no login is attempted', async () => {
    const login = rig.client();
    await login.authenticate();
    const ticket = await rawTicket(rig);
    const client = rig.client({ credentials: undefined, sessionTicket: ticket, accountCode: 'DEMO' });
    await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).resolves.toMatchObject({ status: 'Ok' });
    rig.sim.invalidateSession(ticket);
    const before = authCount(rig.sim);
    await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).rejects.toBeInstanceOf(SessionInvalidError);
    expect(authCount(rig.sim)).toBe(before);
  });

  test('a ticket provider is asked again when the session dies', async () => {
    // Each ticket is fetched when asked for, so the second one is issued after the sessions were invalidated.
    const provider = jest.fn(() => rawTicket(rig));
    const client = rig.client({ credentials: undefined, sessionTicket: provider, accountCode: 'DEMO' });
    await client.checkLocks({ locks: [{ entityIdentity: PROJECT }] });
    rig.sim.invalidateAllSessions();
    await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).resolves.toMatchObject({ status: 'Ok' });
    expect(provider).toHaveBeenCalledTimes(2);
  });

  test('unauthenticate is idempotent and never logs in', async () => {
    const client = rig.client();
    await expect(client.unauthenticate()).resolves.toMatchObject({ alreadyLoggedOut: true });
    expect(rig.sim.log).toHaveLength(0);
    await client.authenticate();
    await expect(client.unauthenticate()).resolves.toMatchObject({ alreadyLoggedOut: false, status: 'Ok' });
    await expect(client.unauthenticate()).resolves.toMatchObject({ alreadyLoggedOut: true });
    expect(authCount(rig.sim)).toBe(1);
    expect(rig.sim.log.filter((e) => e.operation === 'PwsUnauthenticate')).toHaveLength(1);
  });

  test('a server-side dead session counts as logged out', async () => {
    const client = rig.client();
    await client.authenticate();
    rig.sim.invalidateAllSessions();
    await expect(client.unauthenticate()).resolves.toMatchObject({ alreadyLoggedOut: true });
    expect(authCount(rig.sim)).toBe(1);
  });

  test('await using logs out when the block ends', async () => {
    {
      await using client = rig.client();
      await client.authenticate();
    }
    expect(rig.sim.log.map((e) => e.operation)).toEqual(['PwsAuthenticate', 'PwsUnauthenticate']);
    expect(rig.sim.log[1].outcome).toBe('ok');
  });
});

/** Logs in with raw HTTP (not through the SDK) and returns the ticket. */
async function rawTicket(rig: Rig): Promise<string> {
  const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" xmlns:r="http://projectorpsa.com/DataContracts/Requests/"><s:Body><p:PwsAuthenticate><p:serviceRequest><r:RequestId>7</r:RequestId><r:AccountCode>${ALICE.accountCode}</r:AccountCode><r:Password>${ALICE.password}</r:Password><r:UserName>${ALICE.userName}</r:UserName></p:serviceRequest></p:PwsAuthenticate></s:Body></s:Envelope>`;
  const res = await fetch(rig.sim.url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsAuthenticate"' },
    body,
  });
  const text = await res.text();
  const m = /SessionTicket>([^<]+)</.exec(text);
  if (!m) throw new Error(`no ticket in ${text}`);
  return m[1];
}
