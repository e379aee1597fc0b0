import { inspect } from 'node:util';
import { ProjectorError } from '../src/errors';
import { ALICE, PROJECT, startRig } from './support/client';

const PASSWORD = 'S3cret-Pa55word!';

describe('secrets', () => {
  test('no password or ticket in inspect, JSON, messages, logs or hook arguments of a client, a result or an error', async () => {
    const rig = await startRig({ accounts: [{ accountCode: 'DEMO', users: [{ userName: ALICE.userName, password: PASSWORD }] }] });
    const logged: string[] = [];
    const capture = (...args: unknown[]) => logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
    const hookArgs: unknown[] = [];
    const client = rig.client({
      credentials: { ...ALICE, password: PASSWORD },
      logger: { debug: capture, info: capture, warn: capture, error: capture },
      rateLimit: { onRateLimited: (info) => void hookArgs.push(info), onRetry: (info) => void hookArgs.push(info), minPauseInMs: 5000 },
    });
    try {
      const result = await client.checkLocks({ locks: [{ entityIdentity: PROJECT }] });
      const ticketHash = rig.sim.log[0].ticketHash;
      expect(ticketHash).toBeDefined();
      // Provoke a rate-limit pause and a failure so that hooks, logs and errors all carry something.
      await client.testRateLimiter({ simulateSessionHitsAfter: 100_000 });
      const err = await client.releaseLocks(424242).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProjectorError);
      const tickets = rig.sim.issuedTickets();
      expect(tickets.length).toBeGreaterThan(0);
      const surfaces = [
        inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client),
        inspect(result, { depth: 10 }), JSON.stringify(result),
        inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err), (err as Error).message, String((err as Error).stack),
        ...logged, inspect(hookArgs, { depth: 10 }),
      ];
      for (const text of surfaces) {
        expect(text).not.toContain(PASSWORD);
        for (const t of tickets) expect(text).not.toContain(t);
      }
      expect(hookArgs.length).toBeGreaterThan(0);
    } finally {
      await rig.close();
    }
  });
});
