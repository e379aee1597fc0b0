/**
 * How other teams get the SDK: `npm run build`, `npm pack`, install the tarball into a blank project (offline,
 * from the npm cache the repo was installed from), then a TypeScript consumer that imports the client and
 * `<pkg>/simulator` must type-check with the repo's tsc and talk to the simulator it starts. Also checks that the
 * tarball carries the WSDL the generated client loads at run time, and that the installed `projector` bin runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string };
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'projector-consumer-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const CONSUMER = `
import { ProjectorClient, isLockNotFoundError, type ReleaseLocksResult } from '${PKG.name}';
import { startSimulator, type Simulator } from '${PKG.name}/simulator';

async function main(): Promise<void> {
  const sim: Simulator = await startSimulator();
  const client = new ProjectorClient({
    endpoint: sim.url,
    credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' },
  });
  try {
    const auth = await client.authenticate();
    console.log('user', auth?.user?.emailAddress);
    const set = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 });
    const released: ReleaseLocksResult = await client.releaseLocks(set.lockSetId);
    console.log('released', released.status, released.alreadyReleased);
    await client.releaseLocks(424242).catch((e: unknown) => console.log('unknown set', isLockNotFoundError(e)));
  } finally {
    await client.close();
    await sim.close();
  }
  console.log('operations', sim.log.map((e) => e.operation).join(','));
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
`;

test('the packed tarball installs into a blank project and a typed consumer logs in, locks and releases', async () => {
  await exec('npm', ['run', 'build'], { cwd: ROOT });
  const { stdout: packed } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  const [info] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['wsdl/PwsProjectorServices.wsdl', 'dist/src/index.d.ts', 'dist/src/simulator/index.d.ts', 'dist/src/cli/index.js']));
  expect(files.filter((f) => /^(src|test|scripts|generated)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);

  const app = path.join(work, 'app');
  await exec('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await exec('npm', ['install', path.join(work, info.filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });

  writeFileSync(path.join(app, 'index.ts'), CONSUMER);
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'out',
      typeRoots: [path.join(ROOT, 'node_modules', '@types')], types: ['node'],
    },
    files: ['index.ts'],
  }));
  // Type errors make tsc exit non-zero, which rejects here with its output.
  await exec(process.execPath, [TSC, '-p', app], { cwd: app });

  const { stdout } = await exec(process.execPath, [path.join(app, 'out', 'index.js')], { cwd: app });
  expect(stdout.trim().split('\n')).toEqual([
    'user alice@example.com',
    'released Ok false',
    'unknown set true',
    'operations PwsAuthenticate,PwsAcquireProjectorLocks,PwsReleaseProjectorLocks,PwsReleaseProjectorLocks,PwsUnauthenticate',
  ]);

  const bin = path.join(app, 'node_modules', '.bin', 'projector');
  const help = await exec(bin, ['--help'], { cwd: app });
  expect(help.stdout).toContain('Usage: projector');
  const generate = await exec(bin, ['generate'], { cwd: app }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
  expect(generate.code).toBe(2);
  expect(generate.stderr).toContain("needs the SDK's repository");
}, 90_000);
