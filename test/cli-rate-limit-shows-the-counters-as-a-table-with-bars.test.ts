/** `projector rate-limit`: the live counters, as a table with bars, or as the snapshot with --json. */
import { ProjectorClient } from '../src';
import { startSimulator, type Simulator } from '../src/simulator';
import { aliceEnv, runCli } from './support/run-cli';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ rateLimit: { installationLimit: 1000, userLimit: 800, sessionLimit: 600 } });
});
afterAll(async () => {
  await sim.close();
});

test('the table shows each scope\'s hits, limit and a bar that grows with them', async () => {
  const other = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' } });
  await other.testRateLimiter({ simulateInstallationHitsAfter: 500, simulateUserHitsAfter: 200 });
  await other.close();
  const installationBefore = sim.snapshotCounters('DEMO').installation;

  const r = await runCli(['rate-limit'], aliceEnv(sim.baseUrl));
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toBe('rate limiting enabled, rolling window 60 s');
  // The CLI's own login and call count too (one hit each).
  const installation = installationBefore + 2;
  expect(lines[1]).toMatch(new RegExp(`^installation +${installation} / 1000 +\\[#{15}\\.{15}\\] +${((installation / 1000) * 100).toFixed(1)}%$`));
  expect(lines[2]).toMatch(/^user +\d+ \/ {2}800 +\[#{8}\.{22}\]/);
  // Logging in creates the session, so only the CLI's one call counts in it.
  expect(lines[3]).toMatch(/^session +1 \/ {2}600 +\[\.{30}\] +0\.2%$/);
});

test('--json gives the snapshot', async () => {
  const r = await runCli(['--json', 'rate-limit'], aliceEnv(sim.baseUrl));
  expect(r.code).toBe(0);
  const { snapshot } = JSON.parse(r.stdout) as { snapshot: Record<string, number | boolean> };
  expect(snapshot).toMatchObject({ enabledFlag: true, installationRateLimit: 1000, userRateLimit: 800, sessionRateLimit: 600, rollingWindowSeconds: 60, sessionHitCount: 1 });
  expect(snapshot.installationHitCount).toBeGreaterThanOrEqual(506);
});
