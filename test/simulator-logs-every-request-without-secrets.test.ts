/**
 * The request log: every POST in arrival order with operation, RequestId, account, user, a ticket hash,
 * simulator-clock timestamps and the outcome, so tests can assert e.g. "no call arrived during a pause".
 * Passwords and tickets never appear in it.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { ManualClock } from '../src/clock';
import { startSimulator, type Simulator } from '../src/simulator';
import { callRaw, loginRaw } from '../src/simulator/testing';

describe('simulator request log', () => {
  let sim: Simulator;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock({ startAt: Date.UTC(2026, 0, 1) });
    sim = await startSimulator({ clock });
  });
  afterEach(() => sim.close());

  it('records each request with its outcome and a ticket hash, never the ticket or the password', async () => {
    const ticket = await loginRaw(sim.url);
    clock.advance(5000);
    await callRaw(sim.url, 'PwsReleaseProjectorLocks', `<req:RequestId>42</req:RequestId><req:SessionTicket>${ticket}</req:SessionTicket><req:ProjectorLockSetId>7</req:ProjectorLockSetId>`);
    await callRaw(sim.url, 'PwsAuthenticate', '<req:AccountCode>DEMO</req:AccountCode><req:Password>hunter2-secret</req:Password><req:UserName>bob@example.com</req:UserName>');

    const start = Date.UTC(2026, 0, 1);
    expect(sim.log).toEqual([
      expect.objectContaining({ seq: 1, operation: 'PwsAuthenticate', accountCode: 'DEMO', userName: 'alice@example.com', receivedAt: start, outcome: 'ok', httpStatus: 200, activeForUser: 0 }),
      expect.objectContaining({ seq: 2, operation: 'PwsReleaseProjectorLocks', requestId: 42, receivedAt: start + 5000, outcome: 'fail', errorNumber: 50475 }),
      expect.objectContaining({ seq: 3, operation: 'PwsAuthenticate', userName: 'bob@example.com', outcome: 'fail', errorNumber: 10001 }),
    ]);
    const hash = createHash('sha256').update(ticket).digest('hex');
    expect(hash.startsWith(sim.log[1].ticketHash!)).toBe(true);
    expect(sim.log[0].ticketHash).toBe(sim.log[1].ticketHash);
    expect(sim.log.every((e) => e.finishedAt !== undefined && e.finishedAt >= e.receivedAt)).toBe(true);

    const dump = JSON.stringify(sim.log) + inspect(sim.log, { depth: 5 });
    expect(dump).not.toContain(ticket);
    expect(dump).not.toContain('hunter2-secret');
    expect(dump).not.toContain('projector');
  });

  it('shows that no call arrived during a pause, and clears on demand', async () => {
    await loginRaw(sim.url);
    const pauseStart = clock.now();
    clock.advance(5000);
    await loginRaw(sim.url, 'bob@example.com');
    expect(sim.log.filter((e) => e.receivedAt > pauseStart && e.receivedAt < pauseStart + 5000)).toEqual([]);
    sim.clearLog();
    expect(sim.log).toHaveLength(0);
    await loginRaw(sim.url);
    expect(sim.log.map((e) => e.seq)).toEqual([3]);
  });
});
