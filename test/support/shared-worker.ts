/**
 * One worker process of a fleet that shares an installation (forked by shared-fleet.ts, run with
 * TS_EXEC_ARGV from ts-child.ts). It logs in and acquires its own lock set while setting up, says
 * `ready`, and on `go` releases that lock set `releases` times (`concurrency` at once), reporting each completion.
 * The rate-limit store is Redis (when `redisUrl` is given) or the default in-process one.
 */
import { ProjectorClient } from '../../src/client';
import type { RateLimitOptions } from '../../src/rate-limit/options';
import type { RateLimitStore } from '../../src/rate-limit/store';

export interface WorkerConfig {
  id: number;
  endpoint: string;
  credentials: { accountCode: string; userName: string; password: string };
  entity: { entityCode: string; entityUid: string };
  releases: number;
  concurrency: number;
  redisUrl?: string;
  keyPrefix?: string;
  rateLimit: Pick<RateLimitOptions, 'limits' | 'minPauseInMs' | 'maxPauseInMs' | 'giveUpAfterInMs'>;
}

export interface WorkerReport {
  id: number;
  ok: number;
  failed: number;
  errors: string[];
  /** Epoch ms when the gate was closed after a 10016 this worker saw, and for how long. */
  pauses: { at: number; waitInMs: number }[];
  warnings: string[];
  degraded: boolean;
  startedAt: number;
  finishedAt: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'progress' } | { type: 'report'; report: WorkerReport } | { type: 'error'; message: string };

const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function main(config: WorkerConfig): Promise<void> {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), info: () => undefined };
  const pauses: WorkerReport['pauses'] = [];
  let store: (RateLimitStore & { degraded?: boolean }) | undefined;
  let redis: { disconnect(): void } | undefined;
  if (config.redisUrl) {
    // Loaded only here: the SDK itself never needs ioredis unless the Redis store is used.
    const { default: Redis } = await import('ioredis');
    const { redisStore } = await import('../../src/rate-limit/redis-store');
    const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined); // the store reports outages; ioredis would otherwise print each retry
    redis = client;
    store = redisStore({ client, keyPrefix: config.keyPrefix, logger, probeIntervalInMs: 500 });
  }
  const client = new ProjectorClient({
    endpoint: config.endpoint,
    credentials: config.credentials,
    deadlineInMs: 60_000,
    logger,
    rateLimit: {
      ...config.rateLimit,
      store,
      onRateLimited: (info) => {
        // Only closures of the gate: a pacing wait holds back this call alone, and a queue wait is told after it.
        const reason = (info as { reason?: string }).reason;
        if (reason !== 'pacing' && reason !== 'queued') pauses.push({ at: Date.now(), waitInMs: info.waitInMs });
      },
    },
  });
  const lockSet = await client.acquireLocks({ locks: [{ entityIdentity: { ...config.entity, lockType: 'P' } }], durationInSeconds: 3_600 });
  await send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  const report: WorkerReport = { id: config.id, ok: 0, failed: 0, errors: [], pauses, warnings, degraded: false, startedAt: Date.now(), finishedAt: 0 };
  let next = 0;
  const lane = async () => {
    while (next < config.releases) {
      next++;
      try {
        await client.releaseLocks(lockSet.lockSetId);
        report.ok++;
      } catch (error) {
        report.failed++;
        report.errors.push(`${(error as Error).name}: ${(error as Error).message}`.slice(0, 300));
      }
      process.send!({ type: 'progress' } satisfies WorkerMessage);
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, lane));
  report.finishedAt = Date.now();
  report.degraded = store?.degraded ?? false;
  await send({ type: 'report', report });
  await client.close().catch(() => undefined);
  redis?.disconnect();
}

process.once('message', (config: WorkerConfig) => {
  main(config).then(
    () => process.exit(0),
    async (error: unknown) => {
      await send({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      process.exit(1);
    },
  );
});
