/**
 * Secrets of the OAuth flow (client secret, every refresh token, every access token) never reach a log line (a
 * logger at debug level that records everything), an error (message, toJSON, util.inspect), a hook argument
 * (onRateLimited, onRetry, onError; onRefreshToken gets the new refresh token and nothing else secret), or
 * util.inspect of the client and its options. The run covers acquisitions, rotations, a refusal, a dead session,
 * an acquisition whose outcome is unknown, and rate limiting.
 */
import { inspect } from 'node:util';
import { ManualClock } from '../src/clock';
import { ProjectorClient } from '../src/client';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';
import { hashTicket } from '../src/simulator/sessions';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
let sim: Simulator;
const clock = new ManualClock({ autoAdvance: true });

beforeAll(async () => {
  sim = await startSimulator({ clock, rateLimit: { mode: 'Error', sessionLimit: 3, windowInMs: 10_000 }, oauth: { accessTokenLifetimeInSeconds: 600 } });
});
afterAll(() => sim.close());

test('no secret in logs, errors, hook arguments or util.inspect', async () => {
  const lines: string[] = [];
  const record = (level: string) => (...args: unknown[]) => lines.push(`${level} ${inspect(args, { depth: 10 })} ${JSON.stringify(args)}`);
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const hookArgs: unknown[] = [];
  const refreshTokens: string[] = [];
  const initial = sim.oauth.issueRefreshToken({ clientId, userName: 'alice@example.com' });
  refreshTokens.push(initial);
  const options = {
    endpoint: sim.url,
    clock,
    logger,
    rateLimit: { onRateLimited: (i: unknown) => void hookArgs.push(i), onRetry: (i: unknown) => void hookArgs.push(i) },
    oauth: {
      clientId,
      clientSecret,
      refreshToken: initial,
      onRefreshToken: (token: string, info: unknown) => {
        refreshTokens.push(token);
        hookArgs.push(info);
      },
      onError: (e: Error) => void hookArgs.push(e, inspect(e), JSON.stringify(e)),
    },
  };
  const client = new ProjectorClient(options);
  const errors: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      errors.push(e);
    }
  };
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  // Rate limiting (3 session hits per window): pauses, hooks, retries.
  await attempt(() => Promise.all(Array.from({ length: 5 }, () => client.call('PwsTestRateLimiter', {}))));
  // A dead session, a refresh, a rotation.
  sim.invalidateAllSessions();
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  // A connection reset during the acquisition, a wrong client secret, a rotated-away refresh token.
  clock.advance(700_000);
  sim.injectFaults({ kind: 'reset-before-body' });
  await attempt(() => client.call('PwsTestRateLimiter', {})); // OutcomeUnknownError: an acquisition is never re-sent
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  client.setOAuth({ clientId, clientSecret: 'wrong-secret-value-123', refreshToken: refreshTokens.at(-1)! });
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  client.setOAuth({ clientId, clientSecret, refreshToken: initial }); // rotated away long ago: reuse
  await attempt(() => client.call('PwsTestRateLimiter', {}));
  const inspected = [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)];
  await client.close();

  const accessTokens = sim.oauth.accessTokens().length;
  expect(accessTokens).toBeGreaterThanOrEqual(3);
  expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['OutcomeUnknown', 'InvalidClient', 'InvalidClient', 'InvalidGrant']);
  const secrets = [clientSecret, 'wrong-secret-value-123', ...refreshTokens];
  const haystack = [
    ...lines,
    ...errors.flatMap((e) => [String(e), (e as Error).message, (e as Error).stack ?? '', JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })]),
    ...hookArgs.map((a) => (typeof a === 'string' ? a : `${inspect(a, { depth: 10 })} ${JSON.stringify(a)}`)),
    ...inspected,
  ].join('\n');
  expect(lines.length).toBeGreaterThan(5);
  for (const s of secrets) expect({ secret: `${s.slice(0, 4)}…`, found: haystack.includes(s) }).toEqual({ secret: `${s.slice(0, 4)}…`, found: false });
  // Access tokens are 24-character Base64: hash every such string in the haystack against every token issued.
  const issued = new Set(sim.oauth.accessTokens().map((r) => r.ticketHash));
  const leaked = (haystack.match(/[A-Za-z0-9+/]{22}==/g) ?? []).filter((candidate) => issued.has(hashTicket(candidate)));
  expect(leaked).toEqual([]);
});
