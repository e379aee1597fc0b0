/**
 * Getting the first refresh token, once, by a person: after the browser step (authorizationUrl), the code from the
 * redirect is exchanged for tokens with PwsAcquireOauth2Token (GrantType `code`, plus the PKCE verifier), through
 * an ordinary client's pipeline. Store the refresh token as a secret; the access token is a live session.
 */
import { inspect } from 'node:util';
import { ProjectorClient } from '../client';
import { ConfigurationError } from '../errors';
import { normalizeLogger } from '../logger';
import type { ProjectorClientOptions } from '../options';
import { systemClock } from '../clock';
import { acquireToken, OAUTH_CALLER, type OAuthCaller, type TokenAnswer } from './acquire';
import { isClientId } from './authorize-url';
import { isCodeVerifier } from './pkce';

export interface ExchangeAuthorizationCodeOptions extends Omit<ProjectorClientOptions, 'credentials' | 'sessionTicket' | 'oauth'> {
  clientId: string;
  clientSecret: string;
  /** The `code` of the redirect (single use, short-lived). */
  code: string;
  /** The PKCE verifier whose challenge went into the authorization URL. */
  codeVerifier?: string;
  /** Exactly the redirectUri of the authorization URL. */
  redirectUri: string;
  /** Log the access token's session out right away (when you only want the refresh token). @default false */
  endSession?: boolean;
}

/**
 * The tokens of an exchange. The tokens are readable properties, but `util.inspect`, `JSON.stringify` and template
 * strings show only the non-secret fields, so the object can be logged safely by mistake.
 */
export class OAuthTokenSet {
  readonly #accessToken: string;
  readonly #refreshToken: string;
  readonly expiresInSeconds: number;
  readonly maxLifetimeMinutes: number;
  readonly timeoutMinutes: number;
  readonly tokenType?: string;
  readonly soapServiceAuthority?: string;
  readonly restServiceAuthority?: string;
  /** The .svc endpoint the access token is valid on. */
  readonly endpoint: string;
  /** Whether the access token's session was logged out already (endSession). */
  readonly sessionEnded: boolean;

  constructor(answer: TokenAnswer, sessionEnded: boolean) {
    this.#accessToken = answer.accessToken;
    this.#refreshToken = answer.refreshToken ?? '';
    this.expiresInSeconds = answer.expiresInSeconds;
    this.maxLifetimeMinutes = answer.maxLifetimeMinutes;
    this.timeoutMinutes = answer.timeoutMinutes;
    this.tokenType = answer.tokenType;
    this.soapServiceAuthority = answer.soapServiceAuthority;
    this.restServiceAuthority = answer.restServiceAuthority;
    this.endpoint = answer.endpoint;
    this.sessionEnded = sessionEnded;
  }

  /** Secret: keep it in a secret store; give it to `oauth.refreshToken`. '' when the server issued none. */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** Secret: a live session ticket (unless sessionEnded). */
  get accessToken(): string {
    return this.#accessToken;
  }

  toJSON(): Record<string, unknown> {
    const { expiresInSeconds, maxLifetimeMinutes, timeoutMinutes, tokenType, soapServiceAuthority, restServiceAuthority, endpoint, sessionEnded } = this;
    return { expiresInSeconds, maxLifetimeMinutes, timeoutMinutes, tokenType, soapServiceAuthority, restServiceAuthority, endpoint, sessionEnded, refreshToken: '[REDACTED]', accessToken: '[REDACTED]' };
  }

  toString(): string {
    return '[OAuthTokenSet]';
  }

  [inspect.custom](): string {
    return `OAuthTokenSet ${inspect(this.toJSON())}`;
  }
}

const bad = (message: string) => new ConfigurationError(`exchangeAuthorizationCode: ${message}`, { code: 'Configuration', requestSent: false });

/**
 * Exchanges an authorization code for a refresh token (and an access token), following RedirectUrl and
 * SoapServiceAuthority like every acquisition.
 * @throws {AuthenticationError} when Projector refuses the code, the verifier, the redirect URI or the client secret.
 */
export async function exchangeAuthorizationCode(options: ExchangeAuthorizationCodeOptions): Promise<OAuthTokenSet> {
  if (!options || typeof options !== 'object') throw bad('needs an options object');
  const { clientId, clientSecret, code, codeVerifier, redirectUri, endSession, ...clientOptions } = options;
  if (!isClientId(clientId)) throw bad('clientId must be the client application\'s GUID');
  if (typeof clientSecret !== 'string' || !clientSecret) throw bad('clientSecret must be a non-empty string');
  if (typeof code !== 'string' || !code) throw bad('code must be a non-empty string');
  if (codeVerifier !== undefined && !isCodeVerifier(codeVerifier)) throw bad('codeVerifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  if (typeof redirectUri !== 'string' || !redirectUri) throw bad('redirectUri must be the redirect URI of the authorization URL');
  // A client without a session: the exchange needs none, and nothing else is called before it.
  const client = new ProjectorClient({
    ...clientOptions,
    sessionTicket: () => Promise.reject(bad('this client only exchanges a code')),
  });
  try {
    const caller: OAuthCaller = client[OAUTH_CALLER]();
    const answer = await acquireToken(
      caller,
      { grantType: 'code', clientId, clientSecret, code, codeVerifier, redirectUri },
      { clock: clientOptions.clock ?? systemClock, logger: normalizeLogger(clientOptions.logger, 'oauth') },
    );
    let ended = false;
    if (endSession) {
      const logout = new ProjectorClient({ ...clientOptions, endpoint: answer.endpoint, sessionTicket: answer.accessToken });
      try {
        await logout.unauthenticate();
        ended = true;
      } finally {
        await logout.close();
      }
    }
    return new OAuthTokenSet(answer, ended);
  } finally {
    await client.close();
  }
}
