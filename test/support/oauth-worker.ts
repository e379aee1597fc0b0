/**
 * One worker process of a fleet that shares one OAuth client application and one refresh token (forked by
 * oauth-fleet.ts, run with TS_EXEC_ARGV from ts-child.ts). It builds a client configured with `oauth`
 * only (tokens shared through Redis), says `ready`, and on `go` calls PwsTestRateLimiter in a loop for
 * `durationInMs`, then reports its counts, the SDK's OAuth counters and every refresh token its hook received.
 */
import { ProjectorClient } from '../../src/client';
import { redisTokenStore } from '../../src/oauth/redis-token-store';
import type { OAuthStats } from '../../src/oauth/token-source';

export interface OAuthWorkerConfig {
  id: number;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  redisUrl: string;
  keyPrefix: string;
  durationInMs: number;
  leaseInMs: number;
  pollIntervalInMs: number;
  concurrency: number;
}

export interface OAuthWorkerReport {
  id: number;
  ok: number;
  failed: number;
  errors: string[];
  stats?: OAuthStats;
  warnings: string[];
  /** Versions of the refresh tokens handed to onRefreshToken by this worker. */
  rotatedVersions: number[];
}

export type OAuthWorkerMessage =
  | { type: 'ready' }
  | { type: 'rotated'; version: number; refreshToken: string }
  | { type: 'report'; report: OAuthWorkerReport }
  | { type: 'error'; message: string };

const send = (message: OAuthWorkerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function main(config: OAuthWorkerConfig): Promise<void> {
  const warnings: string[] = [];
  const rotatedVersions: number[] = [];
  const { default: Redis } = await import('ioredis');
  // No offline queue: while Redis is down, commands fail at once and the SDK falls back instead of queueing.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50, connectTimeout: 500, disconnectTimeout: 100 });
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const client = new ProjectorClient({
    endpoint: config.endpoint,
    deadlineInMs: 60_000,
    logger: { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(`error: ${m}`), info: () => undefined },
    oauth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      refreshToken: config.refreshToken,
      store: redisTokenStore({ client: redis, keyPrefix: config.keyPrefix, leaseInMs: config.leaseInMs, commandTimeoutInMs: 300 }),
      storePollIntervalInMs: config.pollIntervalInMs,
      onRefreshToken: async (refreshToken, info) => {
        rotatedVersions.push(info.version);
        await send({ type: 'rotated', version: info.version, refreshToken });
      },
    },
  });
  await send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  const report: OAuthWorkerReport = { id: config.id, ok: 0, failed: 0, errors: [], warnings, rotatedVersions };
  const until = Date.now() + config.durationInMs;
  const lane = async () => {
    while (Date.now() < until) {
      try {
        await client.call('PwsTestRateLimiter', {});
        report.ok++;
      } catch (error) {
        report.failed++;
        if (report.errors.length < 20) report.errors.push(`${(error as Error).name} ${(error as { code?: string }).code}: ${(error as Error).message}`.slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, lane));
  report.stats = client.oauthStats;
  await client.close();
  await send({ type: 'report', report });
  redis.disconnect();
}

process.once('message', (config: OAuthWorkerConfig) => {
  main(config).then(
    () => process.exit(0),
    async (error: unknown) => {
      await send({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      process.exit(1);
    },
  );
});
