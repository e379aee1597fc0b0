/**
 * The client's one options bag (Azure SDK style) and its documented defaults.
 */
import type { Clock } from './clock';
import { ConfigurationError } from './errors';
import type { Logger } from './logger';
import type { RateLimitController } from './rate-limit/controller';
import type { RateLimitOptions } from './rate-limit/options';
import { checkOAuthOptions, type OAuthOptions } from './oauth/options';
import type { OperationOverride } from './policy';
import type { TelemetryOptions } from './telemetry';

export const SERVICE_PATH = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';

export interface Credentials {
  accountCode: string;
  userName: string;
  password: string;
}

/** A ticket you already have (e.g. an OAuth 2 access token: Projector accepts those as session tickets). */
export type TicketSource = string | (() => Promise<string>);

export interface ProjectorClientOptions {
  /** The .svc URL, or a base URL such as `https://secure2.projectorpsa.com` (the service path is added). */
  endpoint: string;
  /** Log in with PwsAuthenticate (lazily, on the first call). */
  credentials?: Credentials;
  /**
   * Use a ticket instead of credentials. With a function, the client calls it again when the session dies;
   * with a string it cannot re-login and surfaces SessionInvalidError.
   */
  sessionTicket?: TicketSource;
  /**
   * Use a registered OAuth 2 client application instead of a password: its access tokens are the session tickets,
   * acquired lazily with the refresh token, refreshed ahead of expiry, rotated through `onRefreshToken`, and shared
   * between processes with `store: redisTokenStore(...)`. See the README's OAuth section.
   */
  oauth?: OAuthOptions;
  /** Installation scope for rate limiting when using a ticket or OAuth (credentials give it). @default 'default' */
  accountCode?: string;
  /** Sent with PwsAuthenticate. */
  cultureName?: string;
  utcOffsetMinutes?: number;
  /** Deadline of one HTTP attempt, including a slow (drip-fed) body. @default 30000 */
  timeoutInMs?: number;
  /** Deadline of a whole call, including rate-limit pauses and retries. @default 120000 (the vendor's 60 s give-up fits inside) */
  deadlineInMs?: number;
  /** @default 10000 */
  connectTimeoutInMs?: number;
  /** Responses larger than this (after decompression) are aborted while streaming. @default 10485760 (10 MB) */
  maxResponseBytes?: number;
  /** Allow plain http: to a non-loopback host. @default false (https required; loopback always allowed) */
  allowInsecureHttp?: boolean;
  /** Extra trusted CA certificates (PEM); certificate checks themselves are always on. */
  ca?: string | Buffer;
  /** Rate-limit behaviour, or a controller shared by several clients of one installation. */
  rateLimit?: RateLimitOptions | { controller: RateLimitController };
  /** @default DEBUG=projector:* to stderr, otherwise silent */
  logger?: Partial<Logger>;
  /** Time source; tests inject a ManualClock. @default systemClock */
  clock?: Clock;
  /**
   * Per-operation overrides of what the WSDL cannot say: `{ PwsSaveTimeCards: { idempotent: false, weight: 5 } }`.
   * `idempotent: true` lets the SDK re-send the operation after a reset or an unreadable answer.
   */
  operations?: Partial<Record<string, OperationOverride>>;
  /**
   * Whether close() logs out a session the client did not create itself (a `sessionTicket` you passed, e.g. an
   * OAuth access token other workers share). @default false: only sessions from the client's own login are logged out.
   */
  logoutOnClose?: boolean;
  /** How long close() may spend on its best-effort logout. @default 5000 */
  closeTimeoutInMs?: number;
  /**
   * A list the server cut short (Warning 104 RowCountExceeded) throws TruncatedResultError, carrying the partial
   * result, instead of resolving with `$truncated` set. @default false
   */
  throwOnTruncation?: boolean;
  /**
   * OpenTelemetry: spans and metrics through `@opentelemetry/api` (an optional peer), loaded when installed.
   * Pass `{ api }` to hand the module over explicitly (bundles), or `{ api: false }` to turn it off.
   */
  openTelemetry?: TelemetryOptions;
}

/** Options of one call. Unset values fall back to the client's options. */
export interface CallOptions {
  /** Cancels the call, including any rate-limit pause it is waiting in. */
  abortSignal?: AbortSignal;
  /** Deadline of each HTTP attempt of this call. @default the client's timeoutInMs (30000) */
  timeoutInMs?: number;
  /** Deadline of this whole call, waits and retries included. @default the client's deadlineInMs (120000) */
  deadlineInMs?: number;
  /** A list cut short throws TruncatedResultError. @default the client's throwOnTruncation (false) */
  throwOnTruncation?: boolean;
}

/** Completes a base URL with the service path; rejects anything that is not http(s). */
export function resolveEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigurationError('endpoint is not a valid URL', { code: 'Configuration', requestSent: false });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`endpoint must be http(s), got ${url.protocol}`, { code: 'Configuration', requestSent: false });
  }
  if (url.username || url.password) throw new ConfigurationError('endpoint must not carry credentials', { code: 'Configuration', requestSent: false });
  if (url.pathname === '/' || url.pathname === '') url.pathname = SERVICE_PATH;
  url.hash = '';
  return url.toString();
}

/** Where a RedirectUrl (scheme + host) sends the current path. */
export function redirectEndpoint(current: string, redirectUrl: string): string {
  const target = new URL(redirectUrl);
  const here = new URL(current);
  return resolveEndpoint(`${target.origin}${here.pathname}${here.search}`);
}

const configError = (message: string) => new ConfigurationError(`ProjectorClient: ${message}`, { code: 'Configuration', requestSent: false, retryable: false });

/** Credentials must name an account, a user and a password (the constructor and setCredentials check them alike). */
export function checkCredentials(credentials: unknown): asserts credentials is Credentials {
  if (typeof credentials !== 'object' || credentials === null) throw configError('credentials must be { accountCode, userName, password }');
  const c = credentials as Record<string, unknown>;
  for (const key of ['accountCode', 'userName', 'password'] as const) {
    if (typeof c[key] !== 'string' || (c[key] as string).length === 0) throw configError(`credentials.${key} must be a non-empty string`);
  }
}

/**
 * Every configuration problem, found in the constructor rather than on the first call. Returns the resolved endpoint.
 * `isLoopback` and `isOperation` are passed in so this module stays free of the transport and the generated model.
 */
export function checkClientOptions(options: ProjectorClientOptions, isLoopback: (host: string) => boolean, isOperation: (name: string) => boolean): string {
  if (!options || typeof options !== 'object') throw configError('needs an options object');
  if (typeof options.endpoint !== 'string') throw configError('endpoint must be a URL string');
  const endpoint = resolveEndpoint(options.endpoint);
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !options.allowInsecureHttp && !isLoopback(url.hostname)) {
    throw configError(`plain http is refused for ${url.hostname}: use https, or set allowInsecureHttp`);
  }
  const { credentials, sessionTicket, oauth } = options;
  if (credentials === undefined && sessionTicket === undefined && oauth === undefined) throw configError('needs credentials or a sessionTicket (or oauth)');
  if (oauth !== undefined && (credentials !== undefined || sessionTicket !== undefined)) {
    throw configError('takes either credentials or oauth (or a sessionTicket), not both: with oauth the access token is the session ticket');
  }
  checkOAuthOptions(oauth);
  if (credentials !== undefined) checkCredentials(credentials);
  if (sessionTicket !== undefined && !(typeof sessionTicket === 'function' || (typeof sessionTicket === 'string' && sessionTicket.length > 0))) {
    throw configError('sessionTicket must be a non-empty string or a function returning one');
  }
  for (const key of ['timeoutInMs', 'deadlineInMs', 'connectTimeoutInMs', 'maxResponseBytes', 'closeTimeoutInMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw configError(`${key} must be a positive number`);
  }
  if (options.throwOnTruncation !== undefined && typeof options.throwOnTruncation !== 'boolean') throw configError('throwOnTruncation must be a boolean');
  for (const [name, override] of Object.entries(options.operations ?? {})) {
    if (!isOperation(name)) throw configError(`operations.${name} names no operation of the WSDL`);
    if (override?.weight !== undefined && !(override.weight > 0)) throw configError(`operations.${name}.weight must be positive`);
  }
  return endpoint;
}
