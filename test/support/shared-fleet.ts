/**
 * A fleet of worker processes (shared-worker.ts) sharing one simulated installation, for the multi-process tests
 * and `npm run bench -- shared`. Start-up (TypeScript, WSDL, login, lock acquisition) happens before `go`, so what
 * is measured is the release workload alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { SimAccount, SimEntity, Simulator } from '../../src/simulator';
import type { WorkerConfig, WorkerMessage, WorkerReport } from './shared-worker';
import { TS_EXEC_ARGV } from './ts-child';

export const FLEET_ACCOUNT = 'FLEET';
const PASSWORD = 'fleet-password';

export function fleetAccount(workers: number): SimAccount {
  const users = Array.from({ length: workers }, (_, i) => ({ userName: `worker${i}@example.com`, password: PASSWORD, userUid: String(1152921504607100000n + BigInt(i)) }));
  return { accountCode: FLEET_ACCOUNT, accountUid: '1152921504606900001', users };
}

export function fleetEntities(workers: number): SimEntity[] {
  return Array.from({ length: workers }, (_, i) => ({ entityCode: `FLEET-${i}`, entityUid: String(1152921504608000000n + BigInt(i)) }));
}

export interface FleetOptions {
  workers: number;
  releases: number;
  concurrency?: number;
  redisUrl?: string;
  keyPrefix?: string;
  rateLimit: WorkerConfig['rateLimit'];
}

export interface FleetResult {
  reports: WorkerReport[];
  startedAt: number;
  finishedAt: number;
}

export interface Fleet {
  go(): Promise<FleetResult>;
  /** Resolves once `count` releases (over all workers) have completed. */
  whenCompleted(count: number): Promise<void>;
  kill(): void;
}

const WORKER = path.join(__dirname, 'shared-worker.ts');

export async function startFleet(sim: Simulator, options: FleetOptions): Promise<Fleet> {
  const account = fleetAccount(options.workers);
  const entities = fleetEntities(options.workers);
  const children: ChildProcess[] = [];
  const reports: WorkerReport[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let completed = 0;
  const kill = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));

  const exits = Promise.all(
    Array.from({ length: options.workers }, (_, id) => {
      const child = fork(WORKER, [], { execArgv: TS_EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      const config: WorkerConfig = {
        id,
        endpoint: sim.url,
        credentials: { accountCode: FLEET_ACCOUNT, userName: account.users[id].userName, password: PASSWORD },
        entity: { entityCode: entities[id].entityCode, entityUid: entities[id].entityUid },
        releases: options.releases,
        concurrency: options.concurrency ?? 3,
        redisUrl: options.redisUrl,
        keyPrefix: options.keyPrefix,
        rateLimit: options.rateLimit,
      };
      child.send(config);
      return new Promise<void>((resolve, reject) => {
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') {
            completed++;
            for (const w of waiters.filter((x) => completed >= x.count)) w.resolve();
          } else if (m.type === 'report') reports.push(m.report);
          else if (m.type === 'error') reject(new Error(`worker ${id}: ${m.message}`));
        });
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${id} exited with ${code}`))));
      });
    }),
  );
  exits.catch(kill);

  // All workers set up before any starts the measured work.
  await Promise.race([
    Promise.all(children.map((c) => new Promise<void>((resolve) => c.on('message', (m: WorkerMessage) => m.type === 'ready' && resolve())))),
    exits.then(() => Promise.reject(new Error('a worker exited before it was ready'))),
  ]);

  return {
    async go() {
      children.forEach((c) => c.send('go'));
      await exits;
      reports.sort((a, b) => a.id - b.id);
      return { reports, startedAt: Math.min(...reports.map((r) => r.startedAt)), finishedAt: Math.max(...reports.map((r) => r.finishedAt)) };
    },
    whenCompleted(count) {
      return completed >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
    },
    kill,
  };
}
