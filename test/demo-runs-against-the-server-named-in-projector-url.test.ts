/**
 * With PROJECTOR_URL and credentials in the environment the demo talks to that server instead of starting its
 * own. Without a second user it skips the steal and the simulated rate-limit hits; a wrong password fails with
 * exit 1 and an error that does not contain the password.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../src/simulator';
import { TS_EXEC_ARGV } from './support/ts-child';

const ROOT = path.join(__dirname, '..');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

function runDemo(extra: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...extra };
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_EXEC_ARGV, 'scripts/demo.ts'], { cwd: ROOT, env, timeout: 25_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const credentials = (password: string) => ({
  PROJECTOR_URL: sim.baseUrl,
  PROJECTOR_ACCOUNT: 'DEMO',
  PROJECTOR_USER: 'alice@example.com',
  PROJECTOR_PASSWORD: password,
});

test('the demo runs its one-user steps against the given server and skips the rest', async () => {
  sim.clearLog();
  const { code, stdout } = await runDemo(credentials('projector'));
  expect(code).toBe(0);
  expect(stdout).toContain(`Running against ${sim.baseUrl} (account DEMO).`);
  expect(stdout).not.toContain('Started the embedded simulator');
  expect(stdout).toMatch(/6\. \(skipped: stealing needs PROJECTOR_USER2/);
  expect(stdout).toMatch(/7\. \(skipped: simulated rate-limit hits/);
  const users = new Set(sim.log.map((e) => e.userName).filter(Boolean));
  expect([...users]).toEqual(['alice@example.com']);
  const operations = sim.log.map((e) => e.operation);
  expect(operations).toContain('PwsAcquireProjectorLocks');
  expect(operations).not.toContain('PwsTestRateLimiter');
  expect(operations[operations.length - 1]).toBe('PwsUnauthenticate');
});

test('a wrong password ends the demo with exit 1 and a message without the password', async () => {
  const { code, stdout, stderr } = await runDemo(credentials('not-the-Password-42'));
  expect(code).toBe(1);
  expect(stderr).toMatch(/^demo failed: AuthenticationError: /);
  expect(stdout + stderr).not.toContain('not-the-Password-42');
});
