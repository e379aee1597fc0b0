/**
 * The password never rides on the command line: --password is not an option, --password-stdin reads it from
 * stdin, and without a TTY and without PROJECTOR_PASSWORD the CLI refuses instead of hanging on a prompt.
 */
import { startSimulator, type Simulator } from '../src/simulator';
import { aliceEnv, runCli } from './support/run-cli';

let sim: Simulator;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startSimulator();
  env = { ...aliceEnv(sim.baseUrl), PROJECTOR_PASSWORD: '' };
});
afterAll(async () => {
  await sim.close();
});

test('--password-stdin logs in with what stdin carries', async () => {
  sim.clearLog();
  const r = await runCli(['--password-stdin', '--json', 'rate-limit'], env, 'projector\n');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, command: 'rate-limit' });
  expect(sim.log.filter((e) => e.operation === 'PwsAuthenticate').map((e) => e.outcome)).toEqual(['ok']);
});

test('a wrong password on stdin is an authentication failure that does not echo it', async () => {
  const r = await runCli(['--password-stdin', 'rate-limit'], env, 'Not-It-314\n');
  expect(r.code).toBe(3);
  expect(r.stdout + r.stderr).not.toContain('Not-It-314');
});

test('--password is not an option at all', async () => {
  sim.clearLog();
  const r = await runCli(['rate-limit', '--password', 'projector'], env);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("unknown option '--password'");
  expect(sim.log).toHaveLength(0);
});

test('no password, no TTY: a usage error, not a prompt', async () => {
  const r = await runCli(['rate-limit'], env);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('set PROJECTOR_PASSWORD, use --password-stdin');
});
