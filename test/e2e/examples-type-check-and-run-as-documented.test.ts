/**
 * The examples/ folder is documentation that must keep working: each example type-checks (strict) and runs exactly
 * as its header says (`npx ts-node examples/<name>.ts`, against an embedded simulator), and prints what it promises.
 * examples/your-code.test.ts is a jest test and runs with the rest of `npm test`.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
// Without PROJECTOR_URL the examples start the embedded simulator.
const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '' };
delete env.PROJECTOR_URL;

test('every example type-checks under --strict', async () => {
  await exec(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'examples', 'tsconfig.json')], { cwd: ROOT });
}, 120_000);

test.each([
  ['lock-job.ts', /^worked under lock set \d+ \(1 lock\)$/m],
  ['oauth-job.ts', /^worked as a service account: session limit \d+, lock set \d+ released\nrefresh token rotated 1 time\(s\); the stored one is current$/m],
  ['generic-call.ts', /^1152921504607429941 \(string\) stolen: false\nstatus Ok at \d{4}-\d\d-\d\dT[\d:.]+Z; session limit \d+$/m],
])('npx ts-node examples/%s runs against the embedded simulator', async (file, expected) => {
  const { stdout } = await exec('npx', ['ts-node', path.join('examples', file)], { cwd: ROOT, env });
  expect(stdout).toMatch(expected);
}, 60_000);
