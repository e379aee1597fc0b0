/**
 * `projector ... --give-up-ms 2000` against a server with a tiny limit: the command gives up after about 2 s of
 * 10016s and prints its error at once. The logout in close() is best-effort: pacing it would take a minute, so it is
 * dropped instead of holding the error back (it once came out after 31 s). Real time: the CLI is a child process.
 */
import { startSimulator, type Simulator } from '../src/simulator';
import { aliceEnv, runCli } from './support/run-cli';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

test('rate-limit --give-up-ms 2000 under a limit of 1 prints its RateLimitError within about 3 s of its first request', async () => {
  // The login is the user's one hit in the window; the command's own call is over the limit, and stays so.
  sim.setRateLimit({ userLimit: 1 });
  const run = runCli(['rate-limit', '--give-up-ms', '2000'], aliceEnv(sim.baseUrl));
  const r = await run;
  const exitedAt = Date.now();

  expect(r.code).toBe(4);
  expect(r.stderr).toContain('[RequestExceededRateLimit]');
  const first = sim.log[0];
  expect(first).toMatchObject({ operation: 'PwsAuthenticate', outcome: 'ok' });
  // From the CLI's first request to its exit (process start-up, which varies with the machine, is not counted).
  const tookInMs = exitedAt - first.receivedAt;
  expect(tookInMs).toBeGreaterThanOrEqual(2_000);
  expect(tookInMs).toBeLessThan(3_500);
  // Refused, paused, and given up (once the 10016 had taught pacing the limit of 1, no retry could fit in 2 s).
  const calls = sim.log.filter((e) => e.operation === 'PwsTestRateLimiter');
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(calls.every((e) => e.outcome === 'rate-limited')).toBe(true);
  expect(r.stderr).toContain('giveUpAfterInMs (2000 ms)');
  // The paced logout was never sent.
  expect(sim.log.filter((e) => e.operation === 'PwsUnauthenticate')).toEqual([]);
});
