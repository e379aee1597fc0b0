/**
 * One token acquisition (PwsAcquireOauth2Token) and one revocation (PwsRevokeOauth2RefreshToken), through the
 * client's ordinary pipeline (`call`: validation, rate-limit gate, retries, error mapping), plus what the vendor
 * documents around them (reference §1, §3.1a):
 *  - a set RedirectUrl means the call did NOT succeed: it is sent again to that server (scheme + host onto the current
 *    path), at most 3 hops, never back to a server already tried;
 *  - SoapServiceAuthority names the server the token works on: later calls go to that authority's service path
 *    (https only; plain http only for a loopback host, i.e. the simulator, or with allowInsecureHttp);
 *  - a refused client secret, code or refresh token is an AuthenticationError, sent once and never retried.
 */
import type { Clock } from '../clock';
import {
  AuthenticationError, ProjectorError, ProjectorServiceError, ResponseFormatError, SessionInvalidError,
} from '../errors';
import type { AreaLogger } from '../logger';
import { redirectEndpoint, resolveEndpoint } from '../options';
import { isLoopback } from '../soap/http-transport';
import { redactSecrets } from '../soap/redact';
import type { OperationName, RequestOf, ResultOf } from '../types';

export const ACQUIRE = 'PwsAcquireOauth2Token';
/** @internal A client's OAuthCaller, for the SDK's own OAuth code (not part of the public API). */
export const OAUTH_CALLER: unique symbol = Symbol.for('@internal/projector-sdk/oauth-caller');
export const REVOKE = 'PwsRevokeOauth2RefreshToken';
const MAX_REDIRECTS = 3;

/** What the OAuth code needs of a client: its pipeline, and its endpoint (which moves after a redirect). */
export interface OAuthCaller {
  call<Op extends OperationName>(operation: Op, request: RequestOf<Op>, options: { abortSignal?: AbortSignal; deadlineInMs?: number }): Promise<ResultOf<Op>>;
  /** The .svc URL calls go to now. */
  readonly endpoint: string;
  /** Later calls go to `endpoint`. */
  moveTo(endpoint: string): void;
  readonly allowInsecureHttp: boolean;
}

export type Grant =
  | { grantType: 'refresh_token'; clientId: string; clientSecret: string; refreshToken: string }
  | { grantType: 'code'; clientId: string; clientSecret: string; code: string; codeVerifier?: string; redirectUri: string };

/** A successful PwsAcquireOauth2Token, in the SDK's terms. */
export interface TokenAnswer {
  accessToken: string;
  /** ExpiresInSeconds; 0 when the server sent none. */
  expiresInSeconds: number;
  maxLifetimeMinutes: number;
  timeoutMinutes: number;
  /** As returned: a new one means the old one was rotated away. */
  refreshToken?: string;
  tokenType?: string;
  soapServiceAuthority?: string;
  restServiceAuthority?: string;
  /** The .svc endpoint the token is valid on (where later calls go). */
  endpoint: string;
  /** Clock ms just before the successful request was sent: lifetimes count from here (never later than the server). */
  startedAt: number;
}

export interface AcquireContext {
  clock: Clock;
  logger: AreaLogger;
  signal?: AbortSignal;
  deadlineInMs?: number;
}

const secretsOf = (grant: Grant): string[] =>
  (grant.grantType === 'code' ? [grant.clientSecret, grant.code, grant.codeVerifier] : [grant.clientSecret, grant.refreshToken]).filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );

/** Whether a URL may carry tokens: https, or http to a loopback host (or anywhere with allowInsecureHttp). */
function checkSecure(url: URL, allowInsecureHttp: boolean, what: string, operation: OperationName): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopback(url.hostname))) return;
  throw new ResponseFormatError(`${operation}: ${what} (${url.protocol}//${url.hostname}) is not https; refusing to send tokens there`, {
    code: 'InsecureRedirect', operation, retryable: false,
  });
}

/**
 * The service endpoint of a SoapServiceAuthority ("secure3.projectorpsa.com", "host:port", or a URL). A bare
 * authority gets https, except a loopback one reached over http now (the simulator). Same origin: `current` as is.
 */
export function serviceEndpointOf(authority: string | undefined, current: string, allowInsecureHttp: boolean): string {
  const value = authority?.trim();
  if (!value) return current;
  const here = new URL(current);
  let url: URL;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) url = new URL(value);
    else {
      url = new URL(`https://${value}`);
      if (here.protocol === 'http:' && isLoopback(url.hostname)) url = new URL(`http://${value}`);
    }
  } catch {
    throw new ResponseFormatError(`${ACQUIRE}: SoapServiceAuthority is not a host name or URL`, { code: 'ResponseFormat', operation: ACQUIRE });
  }
  checkSecure(url, allowInsecureHttp, 'SoapServiceAuthority', ACQUIRE);
  if (url.origin === here.origin) return current;
  return resolveEndpoint(url.origin);
}

/**
 * Server refusals of the grant become AuthenticationError (never retried; the caller blocks further attempts).
 * Transport failures, rate limiting, aborts and unreadable answers keep their class: they say nothing about the
 * credentials. Texts are redacted of the grant's secrets once more (the server might quote what it refused).
 */
export function toGrantError(error: unknown, secrets: readonly string[], operation: OperationName = ACQUIRE): unknown {
  if (!(error instanceof ProjectorError)) return error;
  const refused = error instanceof AuthenticationError || ((error instanceof ProjectorServiceError || error instanceof SessionInvalidError) && !error.retryable);
  const messages = error.messages.map((m) => {
    const copy = { ...m };
    for (const k of ['additionalErrorText', 'errorText'] as const) if (copy[k]) copy[k] = redactSecrets(copy[k]!, secrets);
    return copy;
  });
  if (!refused) return error;
  const e = new AuthenticationError(redactSecrets(error.message, secrets), {
    code: error.code,
    errorNumber: error.errorNumber,
    messages,
    operation,
    requestId: error.requestId,
    status: error.status,
    retryable: false,
    requestSent: error.requestSent,
    attempts: error.attempts,
  });
  return e;
}

/** PwsAcquireOauth2Token with `grant`, following RedirectUrl and moving the caller to the token's SOAP authority. */
export async function acquireToken(caller: OAuthCaller, grant: Grant, ctx: AcquireContext): Promise<TokenAnswer> {
  const secrets = secretsOf(grant);
  const request: RequestOf<typeof ACQUIRE> =
    grant.grantType === 'code'
      ? { ClientIdentifier: grant.clientId, ClientSecret: grant.clientSecret, Code: grant.code, CodeVerifier: grant.codeVerifier, GrantType: 'code', RedirectUri: grant.redirectUri }
      : { ClientIdentifier: grant.clientId, ClientSecret: grant.clientSecret, GrantType: 'refresh_token', RefreshToken: grant.refreshToken };
  const seen = new Set<string>();
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    seen.add(new URL(caller.endpoint).origin);
    const startedAt = ctx.clock.now();
    let raw: ResultOf<typeof ACQUIRE>;
    try {
      raw = await caller.call(ACQUIRE, request, { abortSignal: ctx.signal, deadlineInMs: ctx.deadlineInMs });
    } catch (error) {
      throw toGrantError(error, secrets);
    }
    if (typeof raw.RedirectUrl === 'string' && raw.RedirectUrl.trim()) {
      let next: string;
      try {
        next = redirectEndpoint(caller.endpoint, raw.RedirectUrl.trim());
      } catch {
        throw new ResponseFormatError(`${ACQUIRE}: RedirectUrl is not a URL`, { code: 'ResponseFormat', operation: ACQUIRE });
      }
      const to = new URL(next);
      checkSecure(to, caller.allowInsecureHttp, 'RedirectUrl', ACQUIRE);
      if (seen.has(to.origin)) {
        throw new AuthenticationError(`${ACQUIRE} redirected back to a server already tried (redirect loop)`, { code: 'RedirectLoop', operation: ACQUIRE });
      }
      ctx.logger.info('following RedirectUrl', { operation: ACQUIRE, to: to.origin });
      caller.moveTo(next);
      continue;
    }
    if (typeof raw.AccessToken !== 'string' || raw.AccessToken.length === 0) {
      throw new ResponseFormatError(`${ACQUIRE} succeeded without an AccessToken`, { code: 'ResponseFormat', operation: ACQUIRE });
    }
    const endpoint = serviceEndpointOf(raw.SoapServiceAuthority, caller.endpoint, caller.allowInsecureHttp);
    if (endpoint !== caller.endpoint) {
      ctx.logger.info('moving to the SoapServiceAuthority of the token', { operation: ACQUIRE, to: new URL(endpoint).origin });
      caller.moveTo(endpoint);
    }
    const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
    return {
      accessToken: raw.AccessToken,
      expiresInSeconds: int(raw.ExpiresInSeconds),
      maxLifetimeMinutes: int(raw.MaxLifetimeMinutes),
      timeoutMinutes: int(raw.TimeoutMinutes),
      refreshToken: typeof raw.RefreshToken === 'string' && raw.RefreshToken.length > 0 ? raw.RefreshToken : undefined,
      tokenType: raw.TokenType ?? undefined,
      soapServiceAuthority: raw.SoapServiceAuthority ?? undefined,
      restServiceAuthority: raw.RestServiceAuthority ?? undefined,
      endpoint,
      startedAt,
    };
  }
  throw new AuthenticationError(`${ACQUIRE} redirected more than ${MAX_REDIRECTS} times`, { code: 'RedirectLoop', operation: ACQUIRE });
}

/** PwsRevokeOauth2RefreshToken. Refusals become AuthenticationError; an unknown token is not an error (RFC 7009). */
export async function revokeRefreshToken(caller: OAuthCaller, grant: { clientId: string; clientSecret: string; refreshToken: string }, ctx: AcquireContext): Promise<void> {
  try {
    await caller.call(REVOKE, { ClientIdentifier: grant.clientId, ClientSecret: grant.clientSecret, RefreshToken: grant.refreshToken }, { abortSignal: ctx.signal, deadlineInMs: ctx.deadlineInMs });
  } catch (error) {
    throw toGrantError(error, [grant.clientSecret, grant.refreshToken], REVOKE);
  }
}
