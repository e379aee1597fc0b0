/**
 * close() logs out only a session the client created with its own login. A ticket the caller passed (a string, or
 * a provider such as an OAuth token source shared by other workers) belongs to the caller: close() leaves it alive,
 * unless the client was built with `logoutOnClose: true`.
 */
import { PROJECT, startRig } from './support/client';
import type { Rig } from './support/client';

const check = { locks: [{ entityIdentity: PROJECT }] };

describe('close() and session ownership', () => {
  let rig: Rig;
  let ticket: string;
  beforeEach(async () => {
    rig = await startRig();
    // A session made elsewhere (here: by another client), handed over as a ticket.
    await rig.client().authenticate();
    [ticket] = rig.sim.issuedTickets();
    rig.sim.clearLog();
  });
  afterEach(() => rig.close());

  const logouts = () => rig.sim.log.filter((e) => e.operation === 'PwsUnauthenticate');
  const stillAlive = async () => {
    const probe = rig.client({ credentials: undefined, sessionTicket: ticket, accountCode: 'DEMO' });
    return probe.checkLocks(check);
  };

  test('a sessionTicket string is not logged out by close()', async () => {
    const client = rig.client({ credentials: undefined, sessionTicket: ticket, accountCode: 'DEMO' });
    await client.checkLocks(check);
    await client.close();
    expect(logouts()).toEqual([]);
    expect(rig.sim.issuedTickets()).toContain(ticket);
    await expect(stillAlive()).resolves.toMatchObject({ status: 'Ok' });
  });

  test('a sessionTicket provider is not logged out by close()', async () => {
    const provider = jest.fn(async () => ticket);
    const client = rig.client({ credentials: undefined, sessionTicket: provider, accountCode: 'DEMO' });
    await client.checkLocks(check);
    await client.close();
    expect(provider).toHaveBeenCalledTimes(1);
    expect(logouts()).toEqual([]);
    await expect(stillAlive()).resolves.toMatchObject({ status: 'Ok' });
  });

  test('logoutOnClose: true logs out a caller-supplied ticket, used or not', async () => {
    const client = rig.client({ credentials: undefined, sessionTicket: ticket, accountCode: 'DEMO', logoutOnClose: true });
    await client.close();
    expect(logouts()).toHaveLength(1);
    expect(logouts()[0].outcome).toBe('ok');
    expect(rig.sim.issuedTickets()).not.toContain(ticket);
  });

  test('a session from the client\'s own login is logged out; a client that never logged in sends nothing', async () => {
    const idle = rig.client();
    await idle.close();
    expect(rig.sim.log).toEqual([]);

    const own = rig.client();
    await own.checkLocks(check);
    const [mine] = rig.sim.issuedTickets().filter((t) => t !== ticket);
    await own.close();
    expect(logouts()).toHaveLength(1);
    expect(rig.sim.issuedTickets()).not.toContain(mine);
    // The ticket handed to nobody here is untouched.
    expect(rig.sim.issuedTickets()).toContain(ticket);
  });
});
