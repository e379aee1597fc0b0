/**
 * `oauth: { ... }` of ProjectorClientOptions: a registered OAuth 2 client application and the refresh token a person
 * obtained for it once (authorizationUrl + exchangeAuthorizationCode, or `projector oauth exchange`). The client
 * then needs no password: its access tokens are Projector session tickets (reference §3.1a).
 */
import { ConfigurationError } from '../errors';
import { isClientId } from './authorize-url';
import type { OAuthTokenStore } from './store';

/** What `onRefreshToken` learns besides the new refresh token. Nothing secret. */
export interface RefreshTokenInfo {
  clientId: string;
  /** Increases with every refresh of this client id (in the shared store, fleet-wide). */
  version: number;
  /** 'rotated': the server just issued it; 'redelivery': an earlier call of the hook failed and it is offered again. */
  reason: 'rotated' | 'redelivery';
}

export interface OAuthOptions {
  /** The client application's identifier (a GUID, from Management Portal -> Integration -> OAuth). */
  clientId: string;
  clientSecret: string;
  /** The refresh token obtained once by a person (see the README); the newest one after rotations. */
  refreshToken: string;
  /**
   * Called with every new refresh token the server issues (rotation), and awaited before the acquisition completes:
   * persist it here so a restart starts from it. If it throws, the new token is still used (and kept in the shared
   * store), the failure is logged (error level) and reported to `onError`, and the token is offered again at the
   * next refresh and at close().
   */
  onRefreshToken?: (refreshToken: string, info: RefreshTokenInfo) => unknown;
  /** Failures that do not fail a call: a failing onRefreshToken, a background refresh that failed. Secret-free. */
  onError?: (error: Error) => void;
  /**
   * Share the tokens between processes (`redisTokenStore({ client })`): one refresh at a time fleet-wide, the others
   * use the current access token or wait for the result. Without it, tokens live in this client's memory.
   */
  store?: OAuthTokenStore;
  /**
   * Refresh this long before the access token expires, in the background while the current token is still used.
   * @default a quarter of the token's lifetime, at most 5 minutes (at most half the lifetime in any case)
   */
  refreshAheadInMs?: number;
  /**
   * A token is never handed to a call with less validity left than this (it covers the gate, the send and the
   * network): the call waits for the refresh instead. @default a tenth of the lifetime, at most 60 s
   * (never more than refreshAheadInMs)
   */
  minRemainingInMs?: number;
  /** With a store: how often a process waiting for another one's refresh looks again. @default 100 */
  storePollIntervalInMs?: number;
  /**
   * With a store: how long a call waits for a usable token (another process's refresh, or the store coming back)
   * before failing with SessionInvalidError `OAuthTokenUnavailable` (retryable). @default 30000
   */
  storeWaitInMs?: number;
}

const bad = (message: string) => new ConfigurationError(`ProjectorClient: ${message}`, { code: 'Configuration', requestSent: false, retryable: false });

/** Every problem of `oauth`, found in the constructor (messages never quote a secret). */
export function checkOAuthOptions(o: OAuthOptions | undefined): void {
  if (o === undefined) return;
  if (typeof o !== 'object' || o === null) throw bad('oauth must be { clientId, clientSecret, refreshToken }');
  if (!isClientId(o.clientId)) throw bad('oauth.clientId must be the client application\'s GUID');
  for (const key of ['clientSecret', 'refreshToken'] as const) {
    if (typeof o[key] !== 'string' || o[key].length === 0) throw bad(`oauth.${key} must be a non-empty string`);
  }
  for (const key of ['onRefreshToken', 'onError'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw bad(`oauth.${key} must be a function`);
  }
  for (const key of ['refreshAheadInMs', 'minRemainingInMs', 'storeWaitInMs', 'storePollIntervalInMs'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw bad(`oauth.${key} must be a number >= 0`);
  }
  if (o.store !== undefined && (typeof o.store !== 'object' || o.store === null || typeof o.store.read !== 'function')) {
    throw bad('oauth.store must be a token store such as redisTokenStore({ client })');
  }
}
