/**
 * `npm start` on the embedded simulator: the demo runs as a real child process (its own simulator, a 2 s
 * rate-limit window) and must exit 0 after walking every step of the lifecycle.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { TS_EXEC_ARGV } from './support/ts-child';

const ROOT = path.join(__dirname, '..');

function runDemo(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_EXEC_ARGV, 'scripts/demo.ts'], { cwd: ROOT, env, timeout: 25_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test('the demo logs in, locks, releases twice, sees a steal, pauses under rate limiting, recovers and logs out', async () => {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('PROJECTOR_')) delete env[name];
  const { code, stdout, stderr } = await runDemo(env);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const lines = stdout.split('\n');
  const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const expected = [
    /logged in as Alice Example <alice@example\.com>/,
    /^ {3}lock set \d+, 1 lock\(s\)/,
    /P001468-001 \[P\] held/,
    /released lock set \d+ \(status Ok\)/,
    /already released: a warning \(50476\)/,
    /bob is refused: locked by Alice Example \(LockConflictError\)/,
    /stolenBy = Bob Example <bob@example\.com>/,
    /rate limited \(session hits \d+ of 100\): pausing \d+ ms \(attempt 1,/,
    /recovered: checkLocks succeeded \(status Ok\)/,
    /logged out \(status Ok\)/,
    /alreadyLoggedOut = true/,
    /^Done\.$/,
  ];
  const positions = expected.map(index);
  expect(positions.every((p) => p >= 0)).toBe(true);
  // The steps happen in the order of the lifecycle.
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  // Not a TTY here, so the pause reporter writes plain lines, no carriage-return countdown.
  expect(stdout).not.toContain('\r');
}, 30_000);
