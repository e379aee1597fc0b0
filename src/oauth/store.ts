/**
 * Where the token state of one OAuth client application lives when several processes share it. Without a store, a
 * client keeps its access and refresh token in memory. With one (redisTokenStore), every process of the fleet reads
 * the same current access token and refresh token, and only the holder of the refresh lease sends a refresh, so no
 * process ever presents a refresh token another one has rotated away.
 *
 * Every value that carries time is in the writer's clock ms (`expiresAt`) *and* as a remaining time on the store's
 * own clock (`accessTtlInMs`): a reader trusts the earlier of the two, so neither a skewed host nor an injected
 * test clock makes a token look younger than it is.
 */

/** The shared state of one client application (one client id). */
export interface SharedTokenState {
  /** The current refresh token: the newest the fleet knows. */
  refreshToken: string;
  /** Bumped by every publish (refresh or rotation); a publish older than what is stored is refused. */
  version: number;
  /** The current access token, while it lives. */
  access?: SharedAccess;
  /** Process id of the holder of the refresh lease, while one is held. */
  leaseHolder?: string;
  /** The refresh token of `version` was refused (or revoked): nobody sends it again. */
  failure?: { version: number; code: string; errorNumber?: number };
  /** Set by revokeRefreshToken(): the fleet's refresh token is gone until new settings are given. */
  revoked?: boolean;
}

export interface SharedAccess {
  accessToken: string;
  /** Writer's clock, ms since the epoch. */
  expiresAt: number;
  /** Remaining lifetime on the store's clock when read (ms). */
  ttlInMs: number;
  /** The SOAP endpoint the token is valid on (a ticket only works on the instance that issued it). */
  endpoint: string;
  /** The token's whole lifetime, ms (the refresh margins are fractions of it). */
  lifetimeInMs: number;
  /** Idle timeout of the session (TimeoutMinutes), ms; 0 when unknown. */
  idleTimeoutInMs: number;
  /** Version of the state the token belongs to. */
  version: number;
}

export interface PublishRequest {
  /** The lease holder publishing (its lease is released in the same step); undefined for a publish without a lease. */
  owner?: string;
  version: number;
  refreshToken: string;
  access?: Omit<SharedAccess, 'ttlInMs' | 'version'>;
  /** Remaining lifetime of the access token from now, ms (the key expires then). */
  accessTtlInMs?: number;
}

/** What the token source needs of a shared store. Each method is one atomic step on the store. */
export interface OAuthTokenStore {
  readonly kind: string;
  /** Longest a refresh lease is held: a holder that dies blocks the others at most this long. */
  readonly leaseInMs: number;
  read(clientId: string): Promise<SharedTokenState | undefined>;
  /** Stores `refreshToken` as version `version` only when nothing is stored yet; returns what is stored afterwards. */
  seed(clientId: string, refreshToken: string, version: number): Promise<SharedTokenState>;
  /** Takes the refresh lease for `owner` unless someone holds it. */
  lease(clientId: string, owner: string): Promise<boolean>;
  /** Gives the lease back (only when `owner` still holds it). */
  releaseLease(clientId: string, owner: string): Promise<void>;
  /** Writes a new state unless a newer version is stored; releases `owner`'s lease. False when refused as stale. */
  publish(clientId: string, request: PublishRequest): Promise<boolean>;
  /** Records that the refresh token of `version` was refused, and releases `owner`'s lease. */
  fail(clientId: string, owner: string, failure: { version: number; code: string; errorNumber?: number }): Promise<void>;
  /** New settings from an operator: their refresh token replaces whatever is stored, as the next version. */
  reset(clientId: string, refreshToken: string): Promise<SharedTokenState>;
  /** The refresh token was revoked: the access token is dropped and every process is told. */
  revoke(clientId: string): Promise<void>;
}
