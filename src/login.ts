/**
 * One PwsAuthenticate login, the way the vendor describes it: a set RedirectUrl (scheme + host) means "this account
 * lives elsewhere, send the same request there"; the client follows it onto its current service path, at most
 * MAX_REDIRECTS hops and never back to a server already tried, and refuses plain http off loopback exactly as it
 * would for a configured endpoint. The exchange itself runs through the client's pipeline (gate, retries, mapping).
 */
import { AuthenticationError, ConfigurationError, ResponseFormatError } from './errors';
import type { AreaLogger } from './logger';
import { redirectEndpoint } from './options';
import type { Credentials } from './options';
import { isLoopback } from './soap/http-transport';

export const MAX_REDIRECTS = 3;

export interface LoginParts {
  /** The .svc URL logins go to now; `moveTo` changes it for every later call. */
  endpoint(): string;
  moveTo(endpoint: string): void;
  allowInsecureHttp: boolean;
  cultureName?: string;
  utcOffsetMinutes?: number;
  /** Sends one PwsAuthenticate request through the pipeline and resolves with its typed result. */
  send(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  logger: AreaLogger;
}

/** Logs in; resolves with the ticket and the raw result (the session's account and user). */
export async function logIn(parts: LoginParts, credentials: Credentials): Promise<{ ticket: string; result: Record<string, unknown> }> {
  const seen = new Set<string>();
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    seen.add(new URL(parts.endpoint()).origin);
    const result = await parts.send({
      AccountCode: credentials.accountCode,
      CultureName: parts.cultureName,
      Password: credentials.password,
      UserName: credentials.userName,
      UtcOffsetMinutes: parts.utcOffsetMinutes,
    });
    if (typeof result.RedirectUrl === 'string' && result.RedirectUrl) {
      const next = redirectTarget(parts, result.RedirectUrl);
      if (seen.has(new URL(next).origin)) {
        throw new AuthenticationError('PwsAuthenticate redirected back to a server already tried (redirect loop)', { code: 'RedirectLoop', operation: 'PwsAuthenticate' });
      }
      parts.logger.info('following RedirectUrl', { to: new URL(next).origin });
      parts.moveTo(next);
      continue;
    }
    if (typeof result.SessionTicket !== 'string' || !result.SessionTicket) {
      throw new ResponseFormatError('PwsAuthenticate succeeded without a SessionTicket', { code: 'ResponseFormat', operation: 'PwsAuthenticate' });
    }
    return { ticket: result.SessionTicket, result };
  }
  throw new AuthenticationError(`PwsAuthenticate redirected more than ${MAX_REDIRECTS} times`, { code: 'RedirectLoop', operation: 'PwsAuthenticate' });
}

/** Where a RedirectUrl sends the session; refused like a configured endpoint would be (no plain http off loopback). */
function redirectTarget(parts: LoginParts, redirectUrl: string): string {
  let next: URL;
  try {
    next = new URL(redirectEndpoint(parts.endpoint(), redirectUrl));
  } catch (err) {
    throw new ResponseFormatError('PwsAuthenticate answered with a RedirectUrl that is not an http(s) URL', { code: 'ResponseFormat', operation: 'PwsAuthenticate', cause: err });
  }
  if (next.protocol === 'http:' && !parts.allowInsecureHttp && !isLoopback(next.hostname)) {
    throw new ConfigurationError(`PwsAuthenticate redirected to plain http at ${next.hostname}: use https, or set allowInsecureHttp`, {
      code: 'Configuration', operation: 'PwsAuthenticate', requestSent: false, retryable: false,
    });
  }
  return next.toString();
}
