/**
 * `npm run bench -- vendor`: is the SDK as light with the vendor's real contract (147 operations + the 3 later
 * ones) as with wsdl/ (9)? Both are built in one run, each in a temp copy of the repository: the wsdl/ copy as it
 * is; the vendor copy as a user builds it (`npm run fetch-wsdl -- <url>` against the vendor's files served the way
 * WCF serves them, then `npm run generate`, timed: generate_s; generated_files counts generated/ afterwards).
 *
 * Per contract, a probe runs as a child process from its copy (node --expose-gc -r ts-node/register/transpile-only)
 * against that copy's simulator in another process (rate limiting off): the first call, login included; the heap
 * after 350 calls (after gc); the client CPU per call (process.cpuUsage) over CPU_CALLS after warm-up, all on
 * PwsTestRateLimiter. Then `npx ts-node` runs a file importing the SDK, as the README runs the examples: spawn to
 * its first line, median of TSNODE_RUNS. envelope_ratio: bytes of the PwsTestRateLimiter envelope the vendor copy
 * sends (captured by a recording proxy) over the bytes of the same Body in an Envelope with only the namespaces it
 * uses. Probes and ts-node starts alternate between the contracts so the machine's drift hits both alike.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { copyProject, type ProjectCopy } from '../../test/support/wcf-service';
import { readVendorContract, startWcfService, withLaterOperations } from '../vendor-service';
import { minimalEnvelope } from './envelope';
import { startSimulatorProcess } from './simulator-process';
import { round, summarize, table } from './stats';

// Each probe is a fresh process: a first call varies by tens of ms between runs, so take the median of several.
const PROBE_ROUNDS = 5;
const HEAP_CALLS = 350;
const WARMUP_CALLS = 300;
const CPU_CALLS = 2_000;
const TSNODE_RUNS = 5;
const PROBE_FILE = 'bench-vendor-probe.ts';
const START_FILE = 'bench-vendor-start.ts';

/** Runs in the copy: prints one JSON line with its figures. argv: simulator URL, recording proxy URL. */
const PROBE = `
import { ProjectorClient } from './src';
const credentials = { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' };
const gc = (globalThis as { gc?: () => void }).gc!;
async function main(): Promise<void> {
  const [url, proxyUrl] = process.argv.slice(2);
  const t0 = performance.now();
  const client = new ProjectorClient({ endpoint: url, credentials });
  await client.testRateLimiter();
  const firstCallMs = performance.now() - t0;
  for (let i = 1; i < ${HEAP_CALLS}; i++) await client.testRateLimiter();
  gc();
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  for (let i = 0; i < ${WARMUP_CALLS}; i++) await client.testRateLimiter();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ${CPU_CALLS}; i++) await client.testRateLimiter();
  const cpu = process.cpuUsage(cpu0);
  await client.close();
  const recorded = new ProjectorClient({ endpoint: proxyUrl, credentials });
  await recorded.testRateLimiter();
  await recorded.close();
  process.stdout.write(JSON.stringify({ firstCallMs, heapMb, cpuPerCallMs: (cpu.user + cpu.system) / 1000 / ${CPU_CALLS} }) + '\\n');
}
main().catch((e: unknown) => { console.error(e); process.exit(1); });
`;
const START = `import { ProjectorClient } from './src';\nconsole.log('first line', typeof ProjectorClient);\n`;

interface Figures {
  firstCallMs: number;
  heapMb: number;
  cpuPerCallMs: number;
}

interface Contract {
  name: 'wsdl' | 'vendor';
  copy: ProjectCopy;
  probes: Figures[];
  starts: number[];
  envelope?: string;
}

const besideNode = (command: string) => {
  const file = path.join(path.dirname(process.execPath), command);
  return existsSync(file) ? file : command;
};

function sh(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(command)} ${args.join(' ')} failed in ${cwd}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

async function countFiles(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).length;
}

/** Forwards to `target` and keeps the body of every PwsTestRateLimiter request. */
async function startRecorder(target: string): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks);
      if (String(req.headers.soapaction).includes('PwsTestRateLimiter')) bodies.push(body.toString('utf8'));
      const forward = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${to.pathname}`;
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function probe(contract: Contract, simUrl: string): Promise<void> {
  const recorder = await startRecorder(simUrl);
  try {
    const stdout = await sh(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', PROBE_FILE, simUrl, recorder.url], contract.copy.dir);
    contract.probes.push(JSON.parse(stdout.trim().split('\n').pop()!) as Figures);
    contract.envelope = recorder.bodies[0];
  } finally {
    await recorder.close();
  }
}

/** Milliseconds from spawning `npx ts-node <file>` to its first line of output. */
function tsNodeStart(cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(besideNode('npx'), ['ts-node', START_FILE], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let firstLineMs: number | undefined;
    child.stdout.on('data', () => (firstLineMs ??= performance.now() - t0));
    // Resolved at exit, so the next start does not share the machine with this one's teardown.
    child.once('exit', (code) => (firstLineMs === undefined ? reject(new Error(`npx ts-node ${START_FILE} exited (${code}) before its first line`)) : resolve(firstLineMs)));
  });
}

async function buildVendorCopy(): Promise<{ copy: ProjectCopy; generateS: number; files: number }> {
  const copy = await copyProject();
  const service = await startWcfService(withLaterOperations(readVendorContract()));
  try {
    await sh(besideNode('npm'), ['run', 'fetch-wsdl', '--', service.url], copy.dir);
  } finally {
    await service.close();
  }
  const t0 = performance.now();
  await sh(besideNode('npm'), ['run', 'generate'], copy.dir);
  const generateS = (performance.now() - t0) / 1000;
  return { copy, generateS, files: await countFiles(path.join(copy.dir, 'generated')) };
}

const median = (xs: number[]) => summarize(xs).p50;

/** Medians of one contract's runs. */
const figure = (c: Contract) => ({
  firstCallMs: median(c.probes.map((p) => p.firstCallMs)),
  cpuPerCallMs: median(c.probes.map((p) => p.cpuPerCallMs)),
  heapMb: median(c.probes.map((p) => p.heapMb)),
  startMs: median(c.starts),
  envelopeBytes: Buffer.byteLength(c.envelope ?? ''),
  minimalBytes: Buffer.byteLength(minimalEnvelope(c.envelope ?? '')),
});


export async function run(): Promise<string> {
  const [built, wsdlCopy] = await Promise.all([buildVendorCopy(), copyProject()]);
  const contracts: Contract[] = [
    { name: 'wsdl', copy: wsdlCopy, probes: [], starts: [] },
    { name: 'vendor', copy: built.copy, probes: [], starts: [] },
  ];
  const sims: ChildProcess[] = [];
  let figures: ReturnType<typeof figure>[];
  try {
    const urls = await Promise.all(
      contracts.map(async (c) => {
        await fs.writeFile(path.join(c.copy.dir, PROBE_FILE), PROBE);
        await fs.writeFile(path.join(c.copy.dir, START_FILE), START);
        const sim = await startSimulatorProcess(c.copy.dir);
        sims.push(sim.child);
        return sim.url;
      }),
    );
    for (let r = 0; r < PROBE_ROUNDS; r++) for (const [i, c] of contracts.entries()) await probe(c, urls[i]);
    for (let r = 0; r < TSNODE_RUNS; r++) for (const c of contracts) c.starts.push(await tsNodeStart(c.copy.dir));
    figures = contracts.map(figure);
  } finally {
    for (const child of sims) child.kill('SIGINT');
    await Promise.all(contracts.map((c) => c.copy.remove()));
  }
  const [wsdl, vendor] = figures;


  const ratio = (key: keyof typeof wsdl) => vendor[key] / wsdl[key];
  console.log(`PwsTestRateLimiter; probes: median of ${PROBE_ROUNDS}, CPU over ${CPU_CALLS} calls after ${HEAP_CALLS + WARMUP_CALLS}; ts-node start: median of ${TSNODE_RUNS}\n`);
  console.log(
    table(
      ['contract', 'first call ms', 'CPU ms/call', 'heap MB @350', 'ts-node start ms', 'envelope B', 'minimal B'],
      [wsdl, vendor].map((f, i) => [contracts[i].name, round(f.firstCallMs, 1), round(f.cpuPerCallMs, 3), round(f.heapMb, 1), Math.round(f.startMs), f.envelopeBytes, f.minimalBytes]),
    ),
  );
  console.log(`\nvendor copy: npm run generate ${round(built.generateS, 1)} s, ${built.files} files under generated/`);
  const r2 = (n: number) => n.toFixed(2);
  return (
    `vendor: envelope_ratio=${r2(vendor.envelopeBytes / vendor.minimalBytes)} first_call_ratio=${r2(ratio('firstCallMs'))} ` +
    `call_cpu_ratio=${r2(ratio('cpuPerCallMs'))} heap_ratio=${r2(ratio('heapMb'))} tsnode_start_ratio=${r2(ratio('startMs'))} ` +
    `generate_s=${built.generateS.toFixed(1)} generated_files=${built.files}`
  );
}

if (require.main === module) run().then((line) => console.log(line), (e: unknown) => { console.error(e); process.exitCode = 1; });
