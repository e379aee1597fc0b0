/**
 * The rate-limit state on Redis, so every process and host of one installation honours one gate and one pacing
 * window. Every state change is one Lua script (atomic on the server), and every script reads the time with
 * TIME, so deadlines are measured on the Redis server's clock and skewed hosts still agree.
 *
 * ioredis is an optional peer dependency: nothing here imports it at run time. The caller builds the client and
 * passes it in; it is typed structurally. `redisStore()` wraps this store with the in-process fallback.
 */
import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { FallbackRateLimitStore, type FallbackLogger } from './fallback-store';
import { MemoryRateLimitStore, type PauseState, type RateLimitStore } from './store';

/** What the store needs of a Redis client; an ioredis `Redis` (or `Cluster`) instance fits. */
export interface RedisClientLike {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  ping(): Promise<unknown>;
}

export interface RedisStoreOptions {
  client: RedisClientLike;
  /**
   * Prefix of every key. The default carries a hash tag so all keys live in one Redis Cluster slot (one script
   * may touch several scopes). @default '{projector-rl}:'
   */
  keyPrefix?: string;
  /** A command slower than this counts as failed and the call goes on with the in-process gate. @default 200 */
  commandTimeoutInMs?: number;
  /** While degraded, try Redis again at most this often. @default 5000 */
  probeIntervalInMs?: number;
  /**
   * How long an episode's first-failure time outlives its pause, so the 60 s give-up is measured from the real
   * first 10016 even across a quiet spell. @default 120000
   */
  episodeRetentionInMs?: number;
  /**
   * Hits stay in the shared window this much longer than the window itself. A hit is stamped when it is
   * reserved, but Projector counts it when the request arrives; with many processes that gap varies, and without
   * this allowance a window edge lets a few more calls through than the limit. @default 100
   */
  arrivalAllowanceInMs?: number;
  /** Gets one warning when Redis fails and one info line when it answers again. */
  logger?: FallbackLogger;
  /** Clock of the in-process fallback (and of probe spacing). @default systemClock */
  clock?: Clock;
}

// Shared prologue: server time in ms. Effects replication (default since Redis 5) makes TIME safe before writes.
const NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

const GET_PAUSE = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'until', 'episode')
local remaining = math.max(0, tonumber(v[1] or 0) - now)
local age = -1
if v[2] then age = now - tonumber(v[2]) end
return {remaining, age}
`;

// ARGV: pauseInMs, episodeRetentionInMs
const PAUSE = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'until', 'episode')
local untilAt = math.max(tonumber(v[1] or 0), now + math.max(0, tonumber(ARGV[1])))
local episode = tonumber(v[2] or now)
redis.call('HSET', KEYS[1], 'until', untilAt, 'episode', episode)
redis.call('PEXPIRE', KEYS[1], math.max(0, untilAt - now) + tonumber(ARGV[2]))
return {math.max(0, untilAt - now), now - episode}
`;

// A concurrent 10016 may have re-closed the gate after the caller's success: then the episode is still live.
const END_EPISODE = `${NOW}
local untilAt = tonumber(redis.call('HGET', KEYS[1], 'until') or 0)
if untilAt <= now then redis.call('DEL', KEYS[1]) end
return 1
`;

// KEYS: one sorted set of hits per scope (score = time, member = "weight:time:unique").
// ARGV: weight, windowInMs, ttlInMs, unique, then one limit per key (-1 = none known: record only).
const RESERVE = `${NOW}
local weight = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[4 + i])
  if limit >= 0 then
    local hits = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    local used = 0
    for j = 1, #hits, 2 do used = used + tonumber(string.match(hits[j], '^(%d+):')) end
    -- A call heavier than the whole limit could never fit: it goes through once the window is empty.
    if used + weight > limit and used > 0 then
      local freed = 0
      local untilAt = now + 1
      for j = 1, #hits, 2 do
        freed = freed + tonumber(string.match(hits[j], '^(%d+):'))
        untilAt = tonumber(hits[j + 1]) + window
        if used - freed + weight <= limit then break end
      end
      wait = math.max(wait, untilAt - now)
    end
  end
end
if wait > 0 then return {0, wait} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, weight .. ':' .. now .. ':' .. ARGV[4])
  redis.call('PEXPIRE', key, tonumber(ARGV[3]))
end
return {1, 0}
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = sha1(source);
  }
}

const SCRIPTS = { getPause: new Script(GET_PAUSE), pause: new Script(PAUSE), endEpisode: new Script(END_EPISODE), reserve: new Script(RESERVE) };

/** Slack on key TTLs so a key never expires while a script still needs it (and clocks round differently). */
const TTL_SLACK_IN_MS = 1_000;

/** The Redis store without failover; use `redisStore()` unless you want Redis errors to reach the SDK. */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  private readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly episodeRetentionInMs: number;
  private readonly arrivalAllowanceInMs: number;
  private readonly instance = randomBytes(6).toString('hex');
  private sequence = 0;

  constructor(options: Pick<RedisStoreOptions, 'client' | 'keyPrefix' | 'episodeRetentionInMs' | 'arrivalAllowanceInMs'>) {
    this.client = options.client;
    this.prefix = options.keyPrefix ?? '{projector-rl}:';
    this.episodeRetentionInMs = options.episodeRetentionInMs ?? 120_000;
    this.arrivalAllowanceInMs = Math.max(0, options.arrivalAllowanceInMs ?? 100);
  }

  /** @internal The keys of a scope, for tests and tooling. */
  keys(scope: string): { pause: string; hits: string } {
    return { pause: `${this.prefix}pause:${scope}`, hits: `${this.prefix}hits:${scope}` };
  }

  async getPause(scope: string): Promise<PauseState> {
    return this.pauseState(await this.run(SCRIPTS.getPause, [this.keys(scope).pause], []));
  }

  async pause(scope: string, pauseInMs: number): Promise<PauseState> {
    const args = [Math.max(0, Math.ceil(pauseInMs)), this.episodeRetentionInMs];
    return this.pauseState(await this.run(SCRIPTS.pause, [this.keys(scope).pause], args));
  }

  async endEpisode(scope: string): Promise<void> {
    await this.run(SCRIPTS.endEpisode, [this.keys(scope).pause], []);
  }

  async reserve(entries: { scope: string; limit: number }[], weight: number, windowInMs: number): Promise<{ granted: boolean; waitInMs: number }> {
    const window = Math.max(1, Math.ceil(windowInMs)) + this.arrivalAllowanceInMs;
    // Unique per process and call, so two hits in the same millisecond are two members, not one.
    const unique = `${this.instance}.${(this.sequence = (this.sequence + 1) % 1e9)}`;
    const limits = entries.map((e) => (Number.isFinite(e.limit) ? Math.max(0, Math.floor(e.limit)) : -1));
    const args = [Math.max(0, Math.ceil(weight)), window, window + TTL_SLACK_IN_MS, unique, ...limits];
    const [granted, waitInMs] = (await this.run(SCRIPTS.reserve, entries.map((e) => this.keys(e.scope).hits), args)) as [number, number];
    return { granted: granted === 1, waitInMs: Number(waitInMs) };
  }

  /** @internal One round trip that proves Redis answers again. */
  async probe(): Promise<void> {
    await this.client.ping();
  }

  private pauseState(reply: unknown): PauseState {
    const [remaining, age] = reply as [number, number];
    return { remainingInMs: Number(remaining), episodeAgeInMs: Number(age) < 0 ? undefined : Number(age) };
  }

  /** EVALSHA, loading the script with EVAL the first time a server has not seen it (or after SCRIPT FLUSH). */
  private async run(script: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!/NOSCRIPT/.test(String((error as Error)?.message))) throw error;
      return this.client.eval(script.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * A rate-limit store shared through Redis, with failover: when Redis fails or is slow, calls go on with an
 * in-process gate (one warning is logged) and return to Redis once it answers again.
 *
 * @example rateLimit: { store: redisStore({ client: new Redis(process.env.REDIS_URL), keyPrefix: '{acme-rl}:' }) }
 */
export function redisStore(options: RedisStoreOptions): FallbackRateLimitStore {
  const clock = options.clock ?? systemClock;
  return new FallbackRateLimitStore(new RedisRateLimitStore(options), new MemoryRateLimitStore(clock), {
    clock,
    logger: options.logger,
    commandTimeoutInMs: options.commandTimeoutInMs ?? 200,
    probeIntervalInMs: options.probeIntervalInMs ?? 5_000,
  });
}
