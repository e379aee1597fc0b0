/**
 * At most 3 calls per user are in flight (Projector refuses a user's 5th and the browser needs one); users do not
 * share slots; a "too many active requests" refusal is retried after the busy delay.
 */
import { ManualClock } from '../src/clock';
import { ProjectorServiceError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeAgainst } from './support/pipeline';

function trackingServer(clock: ManualClock) {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  let served = 0;
  return {
    peak,
    get served() {
      return served;
    },
    async handle(user: string, latencyInMs: number): Promise<number> {
      const now = (inFlight.get(user) ?? 0) + 1;
      inFlight.set(user, now);
      peak.set(user, Math.max(peak.get(user) ?? 0, now));
      await clock.sleep(latencyInMs);
      inFlight.set(user, inFlight.get(user)! - 1);
      return ++served;
    },
  };
}

test('40 calls of one user never have more than 3 in flight, and all complete', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock });
  const server = trackingServer(clock);
  const scopes = () => ({ installation: 'DEMO', user: 'DEMO/erin@example.com' });
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      executeAgainst(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, () => server.handle('erin', 20 + ((i * 37) % 90))),
    ),
  );
  expect(new Set(results).size).toBe(40);
  expect(server.peak.get('erin')).toBe(3);
  expect(controller.inFlight('DEMO/erin@example.com')).toBe(0);
});

test('each user has its own slots, and the cap is configurable', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const controller = new RateLimitController({ clock, maxConcurrentPerUser: 2 });
  const server = trackingServer(clock);
  const users = ['frank', 'grace', 'heidi'];
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => {
      const user = users[i % 3];
      const scopes = () => ({ installation: 'DEMO', user: `DEMO/${user}@example.com` });
      return executeAgainst(controller, { operation: 'PwsReleaseProjectorLocks', idempotent: true, scopes }, () => server.handle(user, 50));
    }),
  );
  expect(users.map((u) => server.peak.get(u))).toEqual([2, 2, 2]);
});

test('a refusal for too many active requests is retried after the busy delay', async () => {
  const clock = new ManualClock({ autoAdvance: true });
  const t0 = clock.now();
  const controller = new RateLimitController({ clock, busyRetryDelayInMs: 1_500 });
  const scopes = () => ({ installation: 'DEMO', user: 'DEMO/ivan@example.com' });
  const sentAt: number[] = [];
  const result = await executeAgainst(controller, { operation: 'PwsAcquireProjectorLocks', idempotent: false, scopes }, async () => {
    sentAt.push(clock.now() - t0);
    if (sentAt.length === 1) throw new ProjectorServiceError('You currently have 5 active requests, exceeding the threshold of 4', { code: 'TooManyActiveRequests' });
    return 'acquired';
  });
  expect(result).toBe('acquired');
  expect(sentAt).toEqual([0, 1_500]);
});
