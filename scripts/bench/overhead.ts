/**
 * What the facade costs per call, side by side on one simulator (rate limiting Disabled, in its own process so
 * its CPU is not charged to the clients): (a) raw undici + fast-xml-parser, (b) the generated node-soap client
 * with its default HTTP client, (c) ProjectorClient. Rounds are interleaved so drift hits all three alike.
 * Also: cold start of the built package in a fresh process, and RSS growth over 20k facade calls.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createClientAsync } from 'soap';
import { ProjectorClient } from '../../src';
import { QUICK, sized } from './quick';
import { RawSoap } from './raw-soap';
import { startSimulatorProcess } from './simulator-process';
import { round, summarize, table } from './stats';

const ROOT = path.join(__dirname, '..', '..');
const ALICE = { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' };
const WARMUP = sized(300, 20);
const ROUNDS = sized(5, 1);
const PER_ROUND = sized(600, 50);
const RSS_CALLS = sized(20_000, 200);
const COLD_STARTS = sized(5, 1);

type Call = () => Promise<unknown>;

async function timed(call: Call, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    into.push(performance.now() - t0);
  }
}

/** Fresh `node` processes that require the built package, construct a client and make one call (lazy login included). */
async function coldStarts(url: string): Promise<{ inProcessMs: number; processMs: number }> {
  // CI runs `npm run build` just before `npm run bench -- --quick`: a second build would only cost time.
  if (!QUICK || !existsSync(path.join(ROOT, 'dist/src/index.js'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'scripts/tsconfig.build.json'], { cwd: ROOT });
  }
  const script = `
    const t0 = performance.now();
    const { ProjectorClient } = require(${JSON.stringify(path.join(ROOT, 'dist/src'))});
    const c = new ProjectorClient({ endpoint: ${JSON.stringify(url)}, credentials: ${JSON.stringify(ALICE)} });
    c.testRateLimiter().then(() => { process.stdout.write(String(performance.now() - t0)); return c.close(); });`;
  const inProcess: number[] = [];
  const whole: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: ROOT });
    whole.push(performance.now() - t0);
    inProcess.push(Number(stdout));
  }
  return { inProcessMs: summarize(inProcess).p50, processMs: summarize(whole).p50 };
}

export async function run(): Promise<string> {
  const { url, child } = await startSimulatorProcess(ROOT);
  const raw = new RawSoap(url);
  const facade = new ProjectorClient({ endpoint: url, credentials: ALICE });
  try {
    const rawTicket = await raw.login(ALICE.accountCode, ALICE.userName, ALICE.password);
    // node-soap over the same WSDL, as wsdl-tsclient's generated client used it: the baseline the facade replaces.
    const generated = await createClientAsync(path.join(ROOT, 'wsdl/PwsProjectorServices.wsdl'));
    generated.setEndpoint(url);
    const nodeSoap = generated as unknown as Record<string, (args: unknown) => Promise<[unknown]>>;
    const [auth] = await nodeSoap.PwsAuthenticateAsync({ serviceRequest: { RequestId: 1, AccountCode: ALICE.accountCode, Password: ALICE.password, UserName: ALICE.userName } } as never);
    const genTicket = (auth as { PwsAuthenticateResult: { SessionTicket: string } }).PwsAuthenticateResult.SessionTicket;

    let id = 1;
    const variants: [string, Call][] = [
      ['raw undici + fast-xml-parser', () => raw.call('PwsTestRateLimiter', [['RequestId', ++id], ['SessionTicket', rawTicket]])],
      ['generated (node-soap)', () => nodeSoap.PwsTestRateLimiterAsync({ serviceRequest: { RequestId: ++id, SessionTicket: genTicket } } as never)],
      ['facade (ProjectorClient)', () => facade.testRateLimiter()],
    ];
    for (const [, call] of variants) await timed(call, WARMUP, []);
    const samples = variants.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) for (const [i, [, call]] of variants.entries()) await timed(call, PER_ROUND, samples[i]);
    const [rawS, genS, facS] = samples.map(summarize);

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < RSS_CALLS; i++) await facade.testRateLimiter();
    gc?.();
    const after = process.memoryUsage();
    const rssGrowthMb = (after.rss - before.rss) / 1024 / 1024;
    const heapGrowthMb = (after.heapUsed - before.heapUsed) / 1024 / 1024;

    const cold = await coldStarts(url);
    const facadeOverGenerated = facS.p50 / genS.p50;
    const facadeOverRaw = facS.p50 / rawS.p50;

    console.log(`PwsTestRateLimiter, ${ROUNDS * PER_ROUND} sequential calls per client (after ${WARMUP} warm-up), simulator in its own process\n`);
    console.log(table(['client', 'p50 ms', 'p95 ms', 'mean ms', 'calls/s'], [rawS, genS, facS].map((s, i) => [variants[i][0], round(s.p50, 3), round(s.p95, 3), round(s.mean, 3), Math.round(s.throughput)])));
    console.log(`\nfacade/generated (p50) = ${round(facadeOverGenerated)}   target <= 1.0`);
    console.log(`facade/raw       (p50) = ${round(facadeOverRaw)}   target <= 1.7`);
    console.log(`cold start (require dist + construct + first call incl. login): ${Math.round(cold.inProcessMs)} ms in-process, ${Math.round(cold.processMs)} ms whole process (median of ${COLD_STARTS})`);
    console.log(`RSS growth over ${RSS_CALLS} facade calls: ${round(rssGrowthMb, 1)} MB (heap used ${round(heapGrowthMb, 1)} MB)${gc ? '' : ' (global.gc not exposed: run with --expose-gc for a stable figure)'}`);
    return `overhead: facade/generated=${round(facadeOverGenerated)} facade/raw=${round(facadeOverRaw)} cold_start_ms=${Math.round(cold.inProcessMs)} rss_growth_mb=${round(rssGrowthMb, 1)}`;
  } finally {
    await facade.close();
    await raw.close();
    child.kill('SIGINT');
  }
}

if (require.main === module) run().then((line) => console.log(line), (e: unknown) => { console.error(e); process.exitCode = 1; });
