/**
 * The rate-limit state on Redis, so every process and host of one installation honours one gate and one pacing
 * window. Every state change is one Lua script (atomic on the server), and every script reads the time with
 * TIME, so deadlines are measured on the Redis server's clock and skewed hosts still agree.
 *
 * Hits are counted in time buckets, as in the in-memory store (BUCKETS_PER_WINDOW per window, a bucket leaves the
 * window with its newest hit), so a reservation costs O(1) on the server however many calls the window holds.
 * Every reservation also marks this process live in each of its scopes (a sorted set of process ids scored by
 * server time, with a TTL); the count read back says how many processes share a scope, so that during an outage
 * each process paces to its share of the limit.
 *
 * ioredis is an optional peer dependency: nothing here imports it at run time. The caller builds the client and
 * passes it in; it is typed structurally. `redisStore()` wraps this store with the in-process fallback.
 */
import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { FallbackRateLimitStore, type FallbackLogger } from './fallback-store';
import { BUCKETS_PER_WINDOW, MAX_BUCKETS, MemoryRateLimitStore, type PauseState, type RateLimitStore } from './store';

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
  /**
   * A process counts as live in a scope for this long after its last reservation there (refused ones included).
   * While Redis is down, each process paces a scope to its limit divided by the processes live in it just before
   * the outage. Too long only makes the outage's shares smaller; too short could make them too large.
   * @default twice the pacing window (2 min for the 60 s window), and at least 10 s
   */
  liveProcessTtlInMs?: number;
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

// Per scope, three KEYS: the buckets (sorted set: member = the bucket's first hit time, score = its newest hit's
// time), their weights (hash: member -> weight, plus 'used', the total), and the live processes (sorted set:
// process id -> last seen). ARGV: weight, windowInMs, ttlInMs, process id, liveTtlInMs, bucket width in ms,
// MAX_BUCKETS, then one limit per scope (-1 = none known: record only).
// Returns {granted, waitInMs, live processes of scope 1, of scope 2, ...}.
const RESERVE = `${NOW}
local weight = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local liveTtl = tonumber(ARGV[5])
local width = tonumber(ARGV[6])
local maxBuckets = tonumber(ARGV[7])
local scopes = #KEYS / 3
local wait = 0
local live = {}
for i = 1, scopes do
  local buckets, weights, members = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  redis.call('ZADD', members, now, ARGV[4])
  redis.call('ZREMRANGEBYSCORE', members, '-inf', now - liveTtl)
  redis.call('PEXPIRE', members, liveTtl)
  live[i] = redis.call('ZCARD', members)
  -- Drop the buckets whose newest hit has left the window (each bucket once: O(1) per call amortized).
  local expired = redis.call('ZRANGEBYSCORE', buckets, '-inf', now - window)
  local used = tonumber(redis.call('HGET', weights, 'used') or 0)
  if #expired > 0 then
    for _, id in ipairs(expired) do used = used - tonumber(redis.call('HGET', weights, id) or 0) end
    redis.call('HDEL', weights, unpack(expired))
    redis.call('ZREMRANGEBYSCORE', buckets, '-inf', now - window)
    if redis.call('ZCARD', buckets) == 0 then used = 0 end
    redis.call('HSET', weights, 'used', used)
  end
  local limit = tonumber(ARGV[7 + i])
  -- A call heavier than the whole limit could never fit: it goes through once the window is empty.
  if limit >= 0 and used + weight > limit and used > 0 then
    -- When enough of the oldest buckets leave the window: at most MAX_BUCKETS of them.
    local all = redis.call('ZRANGE', buckets, 0, -1, 'WITHSCORES')
    local freed = 0
    local untilAt = now + 1
    for j = 1, #all, 2 do
      freed = freed + tonumber(redis.call('HGET', weights, all[j]) or 0)
      untilAt = tonumber(all[j + 1]) + window
      if used - freed + weight <= limit then break end
    end
    wait = math.max(wait, untilAt - now)
  end
end
if wait > 0 then
  table.insert(live, 1, wait)
  table.insert(live, 1, 0)
  return live
end
for i = 1, scopes do
  local buckets, weights = KEYS[3 * i - 2], KEYS[3 * i - 1]
  local newest = redis.call('ZRANGE', buckets, -1, -1, 'WITHSCORES')
  local id = tostring(now)
  -- Into the newest bucket while it is young enough, or when there are as many buckets as allowed (the window
  -- grew since they were made): stamping the merged hits with now only holds them longer, never shorter.
  if #newest > 0 and (now - tonumber(newest[1]) < width or redis.call('ZCARD', buckets) >= maxBuckets) then
    id = newest[1]
  end
  local lastAt = tonumber(redis.call('ZSCORE', buckets, id) or now)
  redis.call('ZADD', buckets, math.max(lastAt, now), id)
  redis.call('HINCRBY', weights, id, weight)
  redis.call('HINCRBY', weights, 'used', weight)
  redis.call('PEXPIRE', buckets, tonumber(ARGV[3]))
  redis.call('PEXPIRE', weights, tonumber(ARGV[3]))
end
table.insert(live, 1, 0)
table.insert(live, 1, 1)
return live
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
/** How many scopes' live-process counts a store remembers (the least recently reserved are forgotten first). */
const MAX_REMEMBERED_SCOPES = 10_000;

/** The Redis store without failover; use `redisStore()` unless you want Redis errors to reach the SDK. */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  private readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly episodeRetentionInMs: number;
  /** @internal Hits stay in the shared window this much longer than the window (see the option). */
  readonly arrivalAllowanceInMs: number;
  private readonly liveProcessTtlInMs?: number;
  /** This process (this store instance) in the live-process sets. */
  private readonly instance = randomBytes(6).toString('hex');
  /** Processes live in each scope, as of this process's last reservation there; least recently used first. */
  private readonly live = new Map<string, number>();

  constructor(options: Pick<RedisStoreOptions, 'client' | 'keyPrefix' | 'episodeRetentionInMs' | 'arrivalAllowanceInMs' | 'liveProcessTtlInMs'>) {
    this.client = options.client;
    this.prefix = options.keyPrefix ?? '{projector-rl}:';
    this.episodeRetentionInMs = options.episodeRetentionInMs ?? 120_000;
    this.arrivalAllowanceInMs = Math.max(0, options.arrivalAllowanceInMs ?? 100);
    this.liveProcessTtlInMs = options.liveProcessTtlInMs;
  }

  /** @internal The keys of a scope, for tests and tooling. */
  keys(scope: string): { pause: string; buckets: string; weights: string; live: string } {
    // Not the former `hits:` key (one member per hit): during a rolling upgrade the two versions must not read
    // each other's layout (they pace apart until the old processes are gone).
    return { pause: `${this.prefix}pause:${scope}`, buckets: `${this.prefix}buckets:${scope}`, weights: `${this.prefix}weights:${scope}`, live: `${this.prefix}live:${scope}` };
  }

  /**
   * How many processes (stores) were live in a scope at this process's last reservation there, itself included;
   * undefined when it never reserved there. The in-process fallback divides the scope's limit by it.
   */
  liveProcesses(scope: string): number | undefined {
    return this.live.get(scope);
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
    const liveTtl = Math.ceil(this.liveProcessTtlInMs ?? Math.max(10_000, 2 * window));
    const limits = entries.map((e) => (Number.isFinite(e.limit) ? Math.max(0, Math.floor(e.limit)) : -1));
    const args = [Math.max(0, Math.ceil(weight)), window, window + TTL_SLACK_IN_MS, this.instance, liveTtl, window / BUCKETS_PER_WINDOW, MAX_BUCKETS, ...limits];
    const keys = entries.flatMap((e) => {
      const k = this.keys(e.scope);
      return [k.buckets, k.weights, k.live];
    });
    const [granted, waitInMs, ...live] = (await this.run(SCRIPTS.reserve, keys, args)) as number[];
    entries.forEach((e, i) => this.remember(e.scope, Number(live[i])));
    return { granted: granted === 1, waitInMs: Number(waitInMs) };
  }

  private remember(scope: string, live: number): void {
    this.live.delete(scope); // re-inserted last: the Map's order is least recently reserved first
    this.live.set(scope, Math.max(1, live));
    if (this.live.size > MAX_REMEMBERED_SCOPES) this.live.delete(this.live.keys().next().value!);
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
 * in-process gate (one warning is logged), each process pacing to its share of every limit (the limit divided by
 * the processes live in the scope just before the outage), and return to Redis once it answers again.
 *
 * @example rateLimit: { store: redisStore({ client: new Redis(process.env.REDIS_URL), keyPrefix: '{acme-rl}:' }) }
 */
export function redisStore(options: RedisStoreOptions): FallbackRateLimitStore {
  const clock = options.clock ?? systemClock;
  const shared = new RedisRateLimitStore(options);
  const commandTimeoutInMs = options.commandTimeoutInMs ?? 200;
  return new FallbackRateLimitStore(shared, new MemoryRateLimitStore(clock), {
    clock,
    windowAllowanceInMs: shared.arrivalAllowanceInMs + commandTimeoutInMs,
    logger: options.logger,
    commandTimeoutInMs,
    probeIntervalInMs: options.probeIntervalInMs ?? 5_000,
  });
}
