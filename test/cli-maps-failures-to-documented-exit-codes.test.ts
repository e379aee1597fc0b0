/**
 * The exit codes `projector --help` documents: 2 usage (nothing sent), 3 authentication, 4 rate limited,
 * 5 transport. (0 and 1 are covered by the release-locks test.)
 */
import * as net from 'node:net';
import { startSimulator, type Simulator } from '../src/simulator';
import { aliceEnv, runCli } from './support/run-cli';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

test('usage errors exit 2 and send nothing', async () => {
  sim.clearLog();
  const env = aliceEnv(sim.baseUrl);
  const results = await Promise.all([
    runCli(['release-locks', 'abc'], env),
    runCli(['no-such-command'], env),
    runCli(['rate-limit'], { ...env, PROJECTOR_URL: '' }),
    runCli(['rate-limit'], { ...env, PROJECTOR_PASSWORD: '' }),
  ]);
  expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
  expect(results[0].stderr).toContain('lockSetId must be a positive 32-bit integer');
  expect(results[2].stderr).toContain('PROJECTOR_URL');
  expect(results[3].stderr).toContain('no password');
  expect(sim.log).toHaveLength(0);
});

test('a refused login exits 3, and --json carries the error code', async () => {
  const r = await runCli(['--json', 'rate-limit'], { ...aliceEnv(sim.baseUrl), PROJECTOR_PASSWORD: 'wrong-Secret-77' });
  expect(r.code).toBe(3);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 3, error: { name: 'AuthenticationError', code: 'AuthenticationFailed' } });
  expect(r.stdout + r.stderr).not.toContain('wrong-Secret-77');
});

test('a login that stays rate limited past --give-up-ms exits 4', async () => {
  // A limit of 0 puts every call over it, the login included; nothing else needs to flood the window.
  sim.setRateLimit({ installationLimit: 0 });
  sim.clearLog();
  try {
    const r = await runCli(['rate-limit', '--give-up-ms', '300'], aliceEnv(sim.baseUrl));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('[RequestExceededRateLimit]');
    expect(sim.log.every((e) => e.operation === 'PwsAuthenticate' && e.outcome === 'rate-limited')).toBe(true);
  } finally {
    sim.setRateLimit({ installationLimit: 2400 });
  }
});

test('an unreachable server exits 5', async () => {
  // A port that was just free: nothing listens there.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const r = await runCli(['release-locks', '2601'], aliceEnv(`http://127.0.0.1:${port}`));
  expect(r.code).toBe(5);
  expect(r.stderr).toMatch(/\[TransportError\]/);
});
