/**
 * The OAuth token state on Redis, so that many worker processes share one client application's access token and
 * refresh token. Every step is one Lua script (atomic on the server). Three keys per client id, all with TTLs:
 *
 *   <prefix>state:<clientId>   hash: the current refresh token and its version (+ a refusal or revocation mark);
 *                              expires `stateTtlInMs` after the last write (refreshes renew it)
 *   <prefix>access:<clientId>  hash: the current access token, its expiry, the endpoint it is valid on;
 *                              expires with the token
 *   <prefix>lease:<clientId>   string: the process refreshing right now; expires after `leaseInMs`
 *
 * Only the lease holder sends a refresh; the others keep using the current access token while it is valid, or wait
 * for the holder's result. A publish carries a version and is refused when a newer one is stored, so a late writer
 * can never put an older refresh token back.
 *
 * ioredis is an optional peer dependency and is never imported here: pass your client (the same one the rate-limit
 * `redisStore` uses is fine: `redisTokenStore({ client })`).
 */
import { createHash } from 'node:crypto';
import type { RedisClientLike } from '../rate-limit/redis-store';
import type { OAuthTokenStore, PublishRequest, SharedTokenState } from './store';

export interface RedisTokenStoreOptions {
  /** An ioredis client (or anything with eval/evalsha). The rate-limit store's client can be shared. */
  client: Pick<RedisClientLike, 'eval' | 'evalsha'>;
  /** Prefix of every key; the default's hash tag keeps a client's keys in one Redis Cluster slot. @default '{projector-oauth}:' */
  keyPrefix?: string;
  /**
   * Longest a refresh lease is held. Must exceed one refresh (the SDK gives a refresh this long minus 5 s); a holder
   * that dies blocks the fleet's refreshes at most this long. @default 60000
   */
  leaseInMs?: number;
  /** The refresh token's key lives this long after its last write. @default 30 days */
  stateTtlInMs?: number;
  /** A Redis command slower than this counts as failed (the SDK then falls back, see the README). @default 1000 */
  commandTimeoutInMs?: number;
}

const NO = '';

// KEYS: state, access, lease. Returns 13 strings ('' for missing): refresh, version, failVersion, failCode,
// failNumber, revoked, token, expiresAt, endpoint, idle, accessVersion, access PTTL, lease holder, lifetime.
const READ_BODY = `
local s = redis.call('HMGET', KEYS[1], 'refresh', 'version', 'failVersion', 'failCode', 'failNumber', 'revoked')
local a = redis.call('HMGET', KEYS[2], 'token', 'expiresAt', 'endpoint', 'idle', 'version', 'lifetime')
local out = {}
for i = 1, 6 do out[i] = s[i] or '' end
for i = 1, 5 do out[6 + i] = a[i] or '' end
out[12] = tostring(redis.call('PTTL', KEYS[2]))
out[13] = redis.call('GET', KEYS[3]) or ''
out[14] = a[6] or ''
return out
`;

const SCRIPTS = {
  read: READ_BODY,
  // ARGV: refresh token, version, state TTL
  seed: `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'refresh', ARGV[1], 'version', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
${READ_BODY}`,
  // KEYS: lease. ARGV: owner, lease ms
  lease: `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`,
  // KEYS: lease. ARGV: owner
  release: `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`,
  // ARGV: owner ('' = none), version, refresh, state TTL, access token ('' = none), expiresAt, endpoint, idle, access TTL, lifetime
  publish: `
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
local ok = 0
if tonumber(ARGV[2]) > cur then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'refresh', ARGV[3], 'version', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  if ARGV[5] ~= '' and tonumber(ARGV[9]) > 0 then
    redis.call('HSET', KEYS[2], 'token', ARGV[5], 'expiresAt', ARGV[6], 'endpoint', ARGV[7], 'idle', ARGV[8], 'version', ARGV[2], 'lifetime', ARGV[10])
    redis.call('PEXPIRE', KEYS[2], ARGV[9])
  end
  ok = 1
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return ok`,
  // ARGV: owner, version, code, error number
  fail: `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'failVersion', ARGV[2], 'failCode', ARGV[3], 'failNumber', ARGV[4])
end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1`,
  // ARGV: refresh token, state TTL
  reset: `
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'refresh', ARGV[1], 'version', cur + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
${READ_BODY}`,
  // ARGV: state TTL
  revoke: `
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'refresh', '', 'version', cur + 1, 'revoked', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
const SHA = Object.fromEntries(Object.entries(SCRIPTS).map(([k, v]) => [k, createHash('sha1').update(v).digest('hex')])) as Record<ScriptName, string>;

function parseState(reply: unknown): SharedTokenState | undefined {
  const r = (reply as unknown[]).map((v) => (v === null || v === undefined || v === false ? NO : String(v)));
  const [refresh, version, failVersion, failCode, failNumber, revoked, token, expiresAt, endpoint, idle, accessVersion, pttl, lease, lifetime] = r;
  if (version === NO) return undefined;
  const state: SharedTokenState = { refreshToken: refresh, version: Number(version) };
  if (revoked === '1') state.revoked = true;
  if (failVersion !== NO) state.failure = { version: Number(failVersion), code: failCode, errorNumber: failNumber === NO ? undefined : Number(failNumber) };
  const ttl = Number(pttl);
  if (token !== NO && ttl > 0) {
    state.access = {
      accessToken: token,
      expiresAt: Number(expiresAt),
      ttlInMs: ttl,
      endpoint,
      lifetimeInMs: Number(lifetime) || 0,
      idleTimeoutInMs: Number(idle) || 0,
      version: Number(accessVersion),
    };
  }
  if (lease !== NO) state.leaseHolder = lease;
  return state;
}

export class RedisTokenStore implements OAuthTokenStore {
  readonly kind = 'redis';
  readonly leaseInMs: number;
  private readonly client: RedisTokenStoreOptions['client'];
  private readonly prefix: string;
  private readonly stateTtlInMs: number;
  private readonly commandTimeoutInMs: number;

  constructor(options: RedisTokenStoreOptions) {
    if (!options?.client || typeof options.client.eval !== 'function') throw new TypeError('redisTokenStore needs { client } (an ioredis client)');
    this.client = options.client;
    this.prefix = options.keyPrefix ?? '{projector-oauth}:';
    this.leaseInMs = Math.max(1_000, options.leaseInMs ?? 60_000);
    this.stateTtlInMs = Math.max(60_000, options.stateTtlInMs ?? 30 * 24 * 3_600_000);
    this.commandTimeoutInMs = Math.max(10, options.commandTimeoutInMs ?? 1_000);
  }

  /** @internal The keys of a client id, for tests and tooling. */
  keys(clientId: string): { state: string; access: string; lease: string } {
    const id = clientId.toLowerCase();
    return { state: `${this.prefix}state:${id}`, access: `${this.prefix}access:${id}`, lease: `${this.prefix}lease:${id}` };
  }

  private all(clientId: string): string[] {
    const k = this.keys(clientId);
    return [k.state, k.access, k.lease];
  }

  async read(clientId: string): Promise<SharedTokenState | undefined> {
    return parseState(await this.run('read', this.all(clientId), []));
  }

  async seed(clientId: string, refreshToken: string, version: number): Promise<SharedTokenState> {
    return parseState(await this.run('seed', this.all(clientId), [refreshToken, version, this.stateTtlInMs]))!;
  }

  async lease(clientId: string, owner: string): Promise<boolean> {
    return Number(await this.run('lease', [this.keys(clientId).lease], [owner, this.leaseInMs])) === 1;
  }

  async releaseLease(clientId: string, owner: string): Promise<void> {
    await this.run('release', [this.keys(clientId).lease], [owner]);
  }

  async publish(clientId: string, r: PublishRequest): Promise<boolean> {
    const a = r.access;
    const ttl = a ? Math.max(0, Math.floor(r.accessTtlInMs ?? 0)) : 0;
    const args = [r.owner ?? NO, r.version, r.refreshToken, this.stateTtlInMs, a?.accessToken ?? NO, a?.expiresAt ?? 0, a?.endpoint ?? NO, a?.idleTimeoutInMs ?? 0, ttl, a?.lifetimeInMs ?? 0];
    return Number(await this.run('publish', this.all(clientId), args)) === 1;
  }

  async fail(clientId: string, owner: string, failure: { version: number; code: string; errorNumber?: number }): Promise<void> {
    await this.run('fail', this.all(clientId), [owner, failure.version, failure.code, failure.errorNumber ?? NO]);
  }

  async reset(clientId: string, refreshToken: string): Promise<SharedTokenState> {
    return parseState(await this.run('reset', this.all(clientId), [refreshToken, this.stateTtlInMs]))!;
  }

  async revoke(clientId: string): Promise<void> {
    await this.run('revoke', this.all(clientId), [this.stateTtlInMs]);
  }

  /** EVALSHA (EVAL the first time a server has not seen the script), bounded by the command timeout. */
  private run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const attempt = async () => {
      try {
        return await this.client.evalsha(SHA[name], keys.length, ...keys, ...args);
      } catch (error) {
        if (!/NOSCRIPT/.test(String((error as Error)?.message))) throw error;
        return this.client.eval(SCRIPTS[name], keys.length, ...keys, ...args);
      }
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.commandTimeoutInMs} ms`)), this.commandTimeoutInMs);
      timer.unref?.();
      attempt().then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          // Only the kind of failure: a Redis error could quote a script argument (a token).
          reject(new Error(`Redis command failed (${e instanceof Error ? e.name : typeof e})`));
        },
      );
    });
  }
}

/**
 * A token store shared through Redis, for fleets of processes that share one OAuth client application.
 * @example oauth: { clientId, clientSecret, refreshToken, store: redisTokenStore({ client: new Redis(process.env.REDIS_URL) }) }
 */
export function redisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  return new RedisTokenStore(options);
}
