/**
 * A PwsFault names the request it answers in its ResponseId. One that answers another request (a proxy mix-up, a
 * replayed body) says nothing about this call: it is a ResponseFormatError, and nothing acts on it as this call's:
 * no LockConflictError with someone else's holders, no rate-limit pause for everyone, no retry. A fault with
 * ResponseId 0 (the server did not say) is still taken as this call's.
 */
import { LockConflictError, ResponseFormatError } from '../src/errors';
import { SimulatedFault } from '../src/simulator';
import { PROJECT, startRig, type Rig } from './support/client';

const acquire = { locks: [{ entityIdentity: PROJECT }], durationInSeconds: 60 };
const conflict = { errorNumber: 50469, errorCode: 'EntityAlreadyLocked', errorText: 'One or more existing locks prevent acquisition of requested lock.' };
const rateLimited = { errorNumber: 10016, errorCode: 'RequestExceededRateLimit', errorText: 'Request exceeded rate limit.' };

describe('a PwsFault with another request\'s ResponseId', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  const sent = (operation: string) => rig.sim.log.filter((e) => e.operation === operation);

  test('a lock conflict answering another request is a ResponseFormatError, sent once', async () => {
    rig.sim.handle('PwsAcquireProjectorLocks', (_req, ctx) => {
      throw new SimulatedFault({ messages: [conflict], detail: { ResponseId: ctx.requestId + 1 } });
    });
    const err = await rig.client().acquireLocks(acquire).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(err).not.toBeInstanceOf(LockConflictError);
    expect(err).toMatchObject({ code: 'ResponseFormat', requestSent: true, retryable: false, attempts: 1 });
    expect((err as Error).message).toMatch(/ResponseId \d+ answers another request than RequestId \d+/);
    expect(sent('PwsAcquireProjectorLocks')).toHaveLength(1);
  });

  test('a 10016 answering another request closes no gate and is not retried', async () => {
    rig.sim.handle('PwsCheckProjectorLocks', (_req, ctx) => {
      throw new SimulatedFault({ messages: [rateLimited], detail: { ResponseId: ctx.requestId + 1 } });
    });
    const client = rig.client();
    await client.authenticate();
    const at = rig.clock.now();
    const err = await client.checkLocks({ locks: [{ entityIdentity: PROJECT }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(sent('PwsCheckProjectorLocks')).toHaveLength(1);
    // No pause: the next call goes out at once.
    await expect(client.testRateLimiter()).resolves.toMatchObject({ status: 'Ok' });
    expect(rig.clock.now()).toBe(at);
  });

  test('a fault with ResponseId 0 is still this call\'s', async () => {
    rig.sim.handle('PwsAcquireProjectorLocks', () => {
      throw new SimulatedFault({ messages: [conflict], detail: { ResponseId: 0 } });
    });
    await expect(rig.client().acquireLocks(acquire)).rejects.toBeInstanceOf(LockConflictError);
  });
});
