/**
 * Every call in flight listens for close() on the client's own stop signal, so a service with many concurrent calls
 * puts many listeners on it. That is expected, not a leak: Node must not print MaxListenersExceededWarning for it.
 * (Run in a child process: warnings go to the real process's stderr, which jest's sandbox does not see.)
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TS_EXEC_ARGV } from './support/ts-child';

const ROOT = path.join(__dirname, '..');
const SCRIPT = `
const { ProjectorClient } = require('./src');
const { startSimulator } = require('./src/simulator');
(async () => {
  const sim = await startSimulator();
  const client = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' }, rateLimit: { maxConcurrentPerUser: 2 } });
  const results = await Promise.all(Array.from({ length: 50 }, () => client.call('PwsTestRateLimiter', {})));
  await new Promise((resolve) => setImmediate(resolve));
  await client.close();
  await sim.close();
  console.log(results.filter((r) => r.Status === 'Ok').length);
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('50 calls waiting on one client at once: all answered, no MaxListenersExceededWarning', () => {
  const child = spawnSync(process.execPath, [...TS_EXEC_ARGV, '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(child.error).toBeUndefined();
  expect(child.stderr).not.toMatch(/MaxListenersExceededWarning/);
  expect(child.stdout.trim()).toBe('50');
  expect(child.status).toBe(0);
});
