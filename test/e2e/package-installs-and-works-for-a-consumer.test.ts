/**
 * How other teams get the SDK: `npm run build`, `npm pack`, install the tarball into a blank project (offline,
 * from the npm cache the repo was installed from), then a TypeScript consumer that imports the client and
 * `<pkg>/simulator` must type-check with the repo's tsc (strict, no skipLibCheck) and talk to the simulator it
 * starts, through a convenience method and through the generic `call`, with its spans going to an in-memory
 * OpenTelemetry exporter; the repository's runnable examples, importing the package, type-check and run too. The same consumer also runs as a plain ESM module and as esbuild bundles (CJS and ESM):
 * nothing is looked up on disk at run time. Also checks that the installed `projector` bin runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
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
import { ProjectorClient, isLockNotFoundError, type ReleaseLocksResult, type ResultOf } from '${PKG.name}';
import { startSimulator, type Simulator } from '${PKG.name}/simulator';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

async function main(): Promise<void> {
  const exporter = new InMemorySpanExporter();
  otel.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  const sim: Simulator = await startSimulator();
  const client = new ProjectorClient({
    endpoint: sim.url,
    credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' },
    openTelemetry: { api: otel },
  });
  try {
    const auth = await client.authenticate();
    console.log('user', auth?.user?.emailAddress);
    const set = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 });
    const released: ReleaseLocksResult = await client.releaseLocks(set.lockSetId);
    console.log('released', released.status, released.alreadyReleased);
    await client.releaseLocks(424242).catch((e: unknown) => console.log('unknown set', isLockNotFoundError(e)));
    const check: ResultOf<'PwsTestRateLimiter'> = await client.call('PwsTestRateLimiter', {});
    console.log('call', check.Status, typeof check.RateLimitSnapshot?.SessionRateLimit);
  } finally {
    await client.close();
    await sim.close();
  }
  console.log('operations', sim.log.map((e) => e.operation).join(','));
  console.log('spans', exporter.getFinishedSpans().map((s) => s.name.split('/')[1]).join(','));
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
`;

const EXPECTED = [
  'user alice@example.com',
  'released Ok false',
  'unknown set true',
  'call Ok number',
  'operations PwsAuthenticate,PwsAcquireProjectorLocks,PwsReleaseProjectorLocks,PwsReleaseProjectorLocks,PwsTestRateLimiter,PwsUnauthenticate',
  'spans PwsAuthenticate,PwsAcquireProjectorLocks,PwsReleaseProjectorLocks,PwsReleaseProjectorLocks,PwsTestRateLimiter,PwsUnauthenticate',
];

/** The same program for plain Node ESM, without types. */
const ESM_CONSUMER = `
import { ProjectorClient } from '${PKG.name}';
import { startSimulator } from '${PKG.name}/simulator';
const sim = await startSimulator();
const client = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' } });
const r = await client.call('PwsTestRateLimiter', {});
console.log('esm', r.Status, typeof r.RateLimitSnapshot.SessionRateLimit);
await client.close();
await sim.close();
`;

/** The runnable examples of examples/ (your-code.test.ts is a jest file, run by npm test). */
const EXAMPLES = ['lock-job.ts', 'oauth-job.ts'];

const ESBUILD = path.join(ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild');
/** An ESM bundle of CommonJS packages needs a real \`require\` for Node's built-ins (esbuild's documented banner). */
const ESM_BANNER = "import { createRequire as __pkgCreateRequire } from 'node:module'; const require = __pkgCreateRequire(import.meta.url);";

test('the packed tarball installs into a blank project and a typed consumer logs in, locks and releases', async () => {
  await exec('npm', ['run', 'build'], { cwd: ROOT });
  const { stdout: packed } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  const [info] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['dist/generated/index.js', 'dist/generated/model.json', 'dist/generated/contract.json', 'dist/generated/types.d.ts', 'dist/src/index.d.ts', 'dist/src/simulator/index.d.ts', 'dist/src/cli/index.js']));
  expect(files.filter((f) => /^(src|test|scripts|generated)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);

  const app = path.join(work, 'app');
  await exec('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await exec('npm', ['install', path.join(work, info.filename), '@opentelemetry/api@1.9', '@opentelemetry/sdk-trace-base@2.2', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });

  writeFileSync(path.join(app, 'index.ts'), CONSUMER);
  // The repository's examples, as a consumer would write them: importing the package instead of ../src.
  for (const example of EXAMPLES) {
    const source = readFileSync(path.join(ROOT, 'examples', example), 'utf8').replace(/from '\.\.\/src'/g, `from '${PKG.name}'`).replace(/from '\.\.\/src\/simulator'/g, `from '${PKG.name}/simulator'`);
    expect(source).not.toContain("'../src");
    writeFileSync(path.join(app, example), source);
  }
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'out',
      typeRoots: [path.join(ROOT, 'node_modules', '@types')], types: ['node'],
    },
    files: ['index.ts', ...EXAMPLES],
  }));
  // Type errors make tsc exit non-zero, which rejects here with its output.
  await exec(process.execPath, [TSC, '-p', app], { cwd: app });

  const { stdout } = await exec(process.execPath, [path.join(app, 'out', 'index.js')], { cwd: app });
  expect(stdout.trim().split('\n')).toEqual(EXPECTED);
  for (const example of EXAMPLES) {
    const run = await exec(process.execPath, [path.join(app, 'out', example.replace(/\.ts$/, '.js'))], { cwd: app, env: { ...process.env, PROJECTOR_URL: '' } });
    expect({ example, out: run.stdout }).toEqual({ example, out: expect.stringMatching(/lock set \d+/) });
  }

  writeFileSync(path.join(app, 'esm.mjs'), ESM_CONSUMER);
  const esm = await exec(process.execPath, [path.join(app, 'esm.mjs')], { cwd: app });
  expect(esm.stdout.trim()).toBe('esm Ok number');

  // Bundles: run from another folder, so nothing can be found in node_modules or on disk next to the package.
  const bundles = path.join(work, 'bundles');
  await exec('mkdir', ['-p', bundles]);
  await exec(ESBUILD, ['index.ts', '--bundle', '--platform=node', '--format=cjs', `--outfile=${path.join(bundles, 'app.cjs')}`, '--log-level=error'], { cwd: app });
  await exec(ESBUILD, ['index.ts', '--bundle', '--platform=node', '--format=esm', `--banner:js=${ESM_BANNER}`, `--outfile=${path.join(bundles, 'app.mjs')}`, '--log-level=error'], { cwd: app });
  for (const bundle of ['app.cjs', 'app.mjs']) {
    const run = await exec(process.execPath, [path.join(bundles, bundle)], { cwd: bundles });
    expect(run.stdout.trim().split('\n')).toEqual(EXPECTED);
  }

  const bin = path.join(app, 'node_modules', '.bin', 'projector');
  const help = await exec(bin, ['--help'], { cwd: app });
  expect(help.stdout).toContain('Usage: projector');
  const generate = await exec(bin, ['generate'], { cwd: app }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
  expect(generate.code).toBe(2);
  expect(generate.stderr).toContain("needs the SDK's repository");
}, 180_000);
