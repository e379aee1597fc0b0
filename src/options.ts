/**
 * The client's one options bag (Azure SDK style) and its documented defaults.
 */
import type { Clock } from './clock';
import { InvalidInputError } from './errors';
import type { Logger } from './logger';
import type { RateLimitController } from './rate-limit/controller';
import type { RateLimitOptions } from './rate-limit/options';

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
  /** Installation scope for rate limiting when using a ticket (credentials give it). @default 'default' */
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
}

export interface CallOptions {
  /** Cancels the call, including any rate-limit pause it is waiting in. */
  abortSignal?: AbortSignal;
}

/** Completes a base URL with the service path; rejects anything that is not http(s). */
export function resolveEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidInputError('endpoint is not a valid URL', { code: 'Configuration', requestSent: false });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(`endpoint must be http(s), got ${url.protocol}`, { code: 'Configuration', requestSent: false });
  }
  if (url.username || url.password) throw new InvalidInputError('endpoint must not carry credentials', { code: 'Configuration', requestSent: false });
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
