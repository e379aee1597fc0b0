/**
 * The browser step of the authorization-code flow, done once by a person: open the authorization URL, approve, and
 * land on the redirect URI with `?code=...&state=...`.
 *
 * GUESS (not in our reference): the URL format. We follow the only description we have, a third-party guide:
 * `https://app.projectorpsa.com/oauth2authorize/<AccountCode>?response_type=code&client_id=...&redirect_uri=...&scope=...`
 * (the vendor's guide does say the authorization endpoint includes the account code), plus `state` (RFC 6749) and
 * `code_challenge` / `code_challenge_method` (RFC 7636) under their standard names. Pass `authorizeBaseUrl` if
 * Projector tells you another host.
 */
import { ConfigurationError } from '../errors';

export const DEFAULT_AUTHORIZE_BASE_URL = 'https://app.projectorpsa.com';
export const AUTHORIZE_PATH = '/oauth2authorize/';

/** Projector account codes: at most 30 letters, digits, '-' and '_', starting and ending with a letter or digit. */
const ACCOUNT_CODE = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,28}[A-Za-z0-9])?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isAccountCode = (v: unknown): v is string => typeof v === 'string' && ACCOUNT_CODE.test(v);
/** Client identifiers are GUIDs (reference §3.1a: "ClientIdentifier (GUID, req)"). */
export const isClientId = (v: unknown): v is string => typeof v === 'string' && GUID.test(v);

export interface AuthorizationUrlOptions {
  accountCode: string;
  /** The registered client application's identifier (a GUID). */
  clientId: string;
  /** Must match one registered for the client application exactly; the code exchange sends it again. */
  redirectUri: string;
  /** Space-separated scopes (or a list); scopes map to Projector permissions. */
  scope?: string | readonly string[];
  /** Opaque value echoed on the redirect; check it there (CSRF). Strongly recommended. */
  state?: string;
  /** The S256 challenge of your PKCE verifier (createPkcePair()). Strongly recommended. */
  codeChallenge?: string;
  /** @default 'S256' (the only method this SDK produces) */
  codeChallengeMethod?: 'S256' | 'plain';
  /** @default 'https://app.projectorpsa.com' (a guess, see the module comment) */
  authorizeBaseUrl?: string;
}

const bad = (message: string) => new ConfigurationError(`authorizationUrl: ${message}`, { code: 'Configuration', requestSent: false });

function checkRedirectUri(uri: unknown, where: string): string {
  if (typeof uri !== 'string' || uri.length === 0) throw bad(`${where} must be an absolute URL`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw bad(`${where} must be an absolute URL`);
  }
  if (url.hash) throw bad(`${where} must not have a fragment`);
  return uri;
}

/** The URL a person opens to approve the client application for `accountCode`. */
export function authorizationUrl(options: AuthorizationUrlOptions): string {
  if (!options || typeof options !== 'object') throw bad('needs an options object');
  if (!isAccountCode(options.accountCode)) throw bad('accountCode must be a Projector account code (1..30 letters, digits, - and _)');
  if (!isClientId(options.clientId)) throw bad('clientId must be the client application\'s GUID');
  const redirectUri = checkRedirectUri(options.redirectUri, 'redirectUri');
  const base = new URL(options.authorizeBaseUrl ?? DEFAULT_AUTHORIZE_BASE_URL);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && /^(127\.|localhost$|\[::1\]$)/.test(base.hostname))) {
    throw bad('authorizeBaseUrl must be https (plain http only for a loopback test server)');
  }
  const url = new URL(`${base.origin}${AUTHORIZE_PATH}${encodeURIComponent(options.accountCode)}`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  if (scope !== undefined && scope !== '') url.searchParams.set('scope', String(scope));
  if (options.state !== undefined) url.searchParams.set('state', options.state);
  if (options.codeChallenge !== undefined) {
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(options.codeChallenge)) throw bad('codeChallenge must be base64url (use createPkcePair())');
    url.searchParams.set('code_challenge', options.codeChallenge);
    url.searchParams.set('code_challenge_method', options.codeChallengeMethod ?? 'S256');
  }
  return url.toString();
}

export interface AuthorizationCallback {
  code: string;
  state?: string;
}

/**
 * Reads the redirect a person landed on after approving (`https://app.example.com/cb?code=...&state=...`).
 * @throws {ConfigurationError} when it carries an OAuth `error`, no code, or a state other than `expectedState`.
 */
export function parseAuthorizationCallback(callbackUrl: string, expectedState?: string): AuthorizationCallback {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw bad('the callback is not a URL');
  }
  const error = url.searchParams.get('error');
  if (error) throw bad(`the authorization was refused (${error.replace(/[^\w.-]/g, '?').slice(0, 64)})`);
  const code = url.searchParams.get('code');
  if (!code) throw bad('the callback carries no code');
  const state = url.searchParams.get('state') ?? undefined;
  if (expectedState !== undefined && state !== expectedState) throw bad('the callback\'s state does not match (possible CSRF); start again');
  return { code, state };
}
