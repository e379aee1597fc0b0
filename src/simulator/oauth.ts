/**
 * The simulator's OAuth 2 authorization server, as a self-contained state machine on the injected clock: registered
 * client applications, authorization codes (minted through the simulator's API, with PKCE), the refresh grant with
 * rotation and reuse detection, token lifetimes, revocation, and RedirectUrl for accounts hosted elsewhere. Access
 * tokens are sessions: `resolve(ticket)` answers like SessionStore.resolve, so every other operation accepts them.
 *
 * Documented defaults (a contract, like defaults.ts; everything here is OUR ASSUMPTION unless marked vendor):
 * - client application DEMO_OAUTH_CLIENT: id 3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f, secret `demo-client-secret`,
 *   account DEMO, redirect URI http://127.0.0.1:8765/callback; refresh tokens rotate on every refresh;
 * - access tokens: ExpiresInSeconds 3600 (a third-party sample shows expires_in 3600), TimeoutMinutes 20 (idle),
 *   MaxLifetimeMinutes 480; TokenType `Bearer`;
 * - refresh tokens live 30 days from issue; authorization codes 10 minutes, single use;
 * - SoapServiceAuthority: the simulator's own host:port unless configured; RestServiceAuthority the same.
 *
 * Error numbers (the vendor documents none for OAuth: ALL OURS), in-band Status Fail, Type Error:
 *   10030 InvalidClient        unknown client id, wrong client secret
 *   10031 InvalidGrant         code unknown, expired, used, of another client, wrong redirect URI, PKCE mismatch;
 *                              refresh token unknown, expired, revoked, or already rotated away (reuse: the whole
 *                              token family is revoked, its access tokens end too)
 *   10032 UnsupportedGrantType GrantType other than `code` and `refresh_token`
 *   10010 InvalidRequestValue  a member the grant needs is missing (shared with the other operations)
 * Revocation follows RFC 7009: an unknown or already revoked token is not an error; revoking a refresh token
 * revokes its family and ends the family's access tokens.
 */
import type { Operations } from '../soap/operations';
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { SimMessage } from './catalogue';
import { hashTicket, type Session, type SessionLookup } from './sessions';
import type { SimAccount, SimUser } from './types';

export interface SimOAuthClient {
  /** A GUID. */
  clientId: string;
  clientSecret: string;
  /** The installation whose users approve this application (and whose hosting decides RedirectUrl). */
  accountCode: string;
  /** Exact redirect URIs a code may be sent to. */
  redirectUris: string[];
  name?: string;
  /** Issue a new refresh token on every refresh (the old one then counts as used). @default true */
  rotateRefreshTokens?: boolean;
}

export interface SimOAuthSettings {
  /** ExpiresInSeconds of access tokens. @default 3600 */
  accessTokenLifetimeInSeconds: number;
  /** TimeoutMinutes: an access token's session ends after this long without a call. @default 20 */
  idleTimeoutMinutes: number;
  /** MaxLifetimeMinutes (an access token never outlives it either). @default 480 */
  maxLifetimeMinutes: number;
  /** @default 30 days */
  refreshTokenLifetimeInMs: number;
  /** @default 10 minutes */
  codeLifetimeInMs: number;
  /** Answer this SoapServiceAuthority (host[:port] or URL) instead of the simulator's own. */
  soapServiceAuthority?: string;
  restServiceAuthority?: string;
}

export const DEMO_OAUTH_CLIENT: SimOAuthClient = {
  clientId: '3f0c9d2e-6b1a-4c57-9e8d-2a7b5c4d1e0f',
  clientSecret: 'demo-client-secret',
  accountCode: 'DEMO',
  redirectUris: ['http://127.0.0.1:8765/callback'],
  name: 'Demo integration',
  rotateRefreshTokens: true,
};

export const OAUTH_DEFAULTS: SimOAuthSettings = {
  accessTokenLifetimeInSeconds: 3600,
  idleTimeoutMinutes: 20,
  maxLifetimeMinutes: 480,
  refreshTokenLifetimeInMs: 30 * 24 * 3_600_000,
  codeLifetimeInMs: 10 * 60_000,
};

const message = (errorNumber: number, errorCode: string, errorText: string): SimMessage => ({
  additionalErrorText: `Error ${errorNumber}: ${errorCode}`,
  errorCode,
  errorNumber,
  errorText,
  type: 'Error',
});

export const OAUTH_MSG = {
  invalidClient: () => message(10030, 'InvalidClient', 'The client identifier or client secret is invalid.'),
  invalidGrant: (why: string) => message(10031, 'InvalidGrant', `The authorization grant is invalid: ${why}.`),
  unsupportedGrantType: () => message(10032, 'UnsupportedGrantType', "GrantType must be 'code' or 'refresh_token'."),
  missing: (member: string) => message(10010, 'InvalidRequestValue', `${member} is required for this grant.`),
};

/** The request of PwsAcquireOauth2Token as a handler receives it (the generated wire type, less the SDK-filled members). */
export type AcquireRequest = Omit<Operations['PwsAcquireOauth2Token']['received'], 'RequestId' | 'SessionTicket'>;

/** The operation's own result members, as the simulator answers them (the generated wire type, less the base members). */
export type AcquireResult = Omit<Operations['PwsAcquireOauth2Token']['reply'], 'Messages' | 'ResponseId' | 'Status' | 'ServerTimestampUtc'>;

export type OAuthOutcome =
  | { kind: 'ok'; result: AcquireResult; accountCode: string; userName: string; ticket?: string }
  | { kind: 'fail'; message: SimMessage; accountCode: string; userName: string };

/** Where accounts and users come from (the simulator's SessionStore fits). */
export interface OAuthDirectory {
  findAccount(accountCode: string): SimAccount | undefined;
  findUser(accountCode: string, userName: string): SimUser | undefined;
}

export interface OAuthContext {
  /** accountCode -> base URL of the instance hosting it (case-insensitive keys). */
  redirect: Record<string, string>;
  /** host:port of this simulator (the default Soap/RestServiceAuthority). */
  authority: string;
}

/** One access token's life, for tests that prove no expired token was ever used (tokens themselves never appear). */
export interface AccessTokenRecord {
  ticketHash: string;
  clientId: string;
  family: number;
  issuedAt: number;
  /** When ExpiresInSeconds (or MaxLifetimeMinutes) runs out. */
  expiresAt: number;
  /** When it ended early: logout, idle timeout, family revoked. */
  endedAt?: number;
  endedBy?: 'logout' | 'idle' | 'expired' | 'family-revoked' | 'invalidated';
}

export type OAuthEventKind = 'code-minted' | 'code-exchanged' | 'refreshed' | 'rotated' | 'reuse-detected' | 'family-revoked' | 'revoked' | 'refused';

export interface OAuthEvent {
  kind: OAuthEventKind;
  at: number;
  clientId: string;
  family?: number;
  errorNumber?: number;
  /** sha256 prefix of the refresh token involved (never the token). */
  tokenHash?: string;
}

interface CodeRecord {
  clientId: string;
  account: SimAccount;
  user: SimUser;
  redirectUri: string;
  scope?: string;
  challenge?: string;
  method?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
  family?: number;
}

interface RefreshRecord {
  family: number;
  issuedAt: number;
  expiresAt: number;
  state: 'current' | 'rotated' | 'revoked';
}

interface Family {
  id: number;
  client: SimOAuthClient;
  account: SimAccount;
  user: SimUser;
  scope?: string;
  revoked: boolean;
  refreshTokens: Set<string>;
  accessTokens: Set<string>;
}

interface AccessRecord {
  session: Session;
  record: AccessTokenRecord;
  idleTimeoutInMs: number;
}

const ENDED_REMEMBERED = 100_000;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const norm = (s: string) => s.trim().toLowerCase();
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 16);

export class OAuthServer {
  readonly settings: SimOAuthSettings;
  private readonly clients = new Map<string, SimOAuthClient>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly families = new Map<number, Family>();
  private readonly access = new Map<string, AccessRecord>();
  private readonly ended = new Map<string, true>();
  private readonly records: AccessTokenRecord[] = [];
  private readonly eventLog: OAuthEvent[] = [];
  private nextFamily = 1;

  constructor(
    private readonly clock: Clock,
    private readonly directory: OAuthDirectory,
    settings: Partial<SimOAuthSettings> = {},
    clients: SimOAuthClient[] = [DEMO_OAUTH_CLIENT],
  ) {
    this.settings = { ...OAUTH_DEFAULTS, ...settings };
    for (const c of clients) this.registerClient(c);
  }

  /** Changes lifetimes (and authorities) from now on; tokens already issued keep theirs. */
  configure(update: Partial<SimOAuthSettings>): void {
    Object.assign(this.settings, update);
  }

  registerClient(client: SimOAuthClient): void {
    if (!GUID.test(client.clientId)) throw new TypeError(`clientId must be a GUID, got ${client.clientId}`);
    this.clients.set(norm(client.clientId), { rotateRefreshTokens: true, ...client, redirectUris: [...client.redirectUris] });
  }

  /** Every event in order (token hashes only). */
  get events(): readonly OAuthEvent[] {
    return this.eventLog;
  }

  /** Every access token issued, with its lifetime on the simulator's clock. */
  accessTokens(): readonly AccessTokenRecord[] {
    return this.records;
  }

  /** The record of a ticket hash (as the request log shows it), if it is one of this server's access tokens. */
  accessTokenByHash(ticketHash: string): AccessTokenRecord | undefined {
    return this.records.find((r) => r.ticketHash === ticketHash);
  }

  count(kind: OAuthEventKind): number {
    return this.eventLog.filter((e) => e.kind === kind).length;
  }

  /** Live access tokens (to prove none of them leaks anywhere). */
  liveTickets(): string[] {
    return [...this.access.keys()];
  }

  /**
   * The browser step, without a browser: `userName` approves the application for the account named in the
   * authorization URL. Returns the code and the URL the browser would be redirected to.
   */
  approve(authorizationUrl: string, userName: string): { code: string; state?: string; redirectTo: string } {
    const url = new URL(authorizationUrl);
    const match = /\/oauth2authorize\/([^/]+)$/.exec(url.pathname);
    if (!match) throw new Error('not an authorization URL (/oauth2authorize/<AccountCode>)');
    const p = url.searchParams;
    if (p.get('response_type') !== 'code') throw new Error('response_type must be code');
    const method = p.get('code_challenge_method') ?? undefined;
    if (method !== undefined && method !== 'S256' && method !== 'plain') throw new Error('code_challenge_method must be S256 or plain');
    const code = this.mintAuthorizationCode({
      clientId: p.get('client_id') ?? '',
      accountCode: decodeURIComponent(match[1]),
      userName,
      redirectUri: p.get('redirect_uri') ?? '',
      scope: p.get('scope') ?? undefined,
      codeChallenge: p.get('code_challenge') ?? undefined,
      codeChallengeMethod: method as 'S256' | 'plain' | undefined,
    });
    const state = p.get('state') ?? undefined;
    const to = new URL(p.get('redirect_uri')!);
    to.searchParams.set('code', code);
    if (state !== undefined) to.searchParams.set('state', state);
    return { code, state, redirectTo: to.toString() };
  }

  /** An authorization code, as if `userName` had approved the application in a browser. */
  mintAuthorizationCode(o: {
    clientId: string;
    userName: string;
    redirectUri: string;
    accountCode?: string;
    scope?: string;
    codeChallenge?: string;
    codeChallengeMethod?: 'S256' | 'plain';
  }): string {
    const client = this.clients.get(norm(o.clientId));
    if (!client) throw new Error('unknown client application');
    const accountCode = o.accountCode ?? client.accountCode;
    if (norm(accountCode) !== norm(client.accountCode)) throw new Error('the client application is not registered for that account');
    if (!client.redirectUris.includes(o.redirectUri)) throw new Error('redirect_uri is not registered for the client application');
    const account = this.directory.findAccount(accountCode);
    const user = this.directory.findUser(accountCode, o.userName);
    if (!account || !user) throw new Error('unknown account or user');
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, {
      clientId: norm(client.clientId),
      account,
      user,
      redirectUri: o.redirectUri,
      scope: o.scope,
      challenge: o.codeChallenge,
      method: o.codeChallenge ? (o.codeChallengeMethod ?? 'plain') : undefined,
      expiresAt: this.clock.now() + this.settings.codeLifetimeInMs,
      used: false,
    });
    this.event('code-minted', client.clientId);
    return code;
  }

  /** A refresh token of a new family, as if a person had done the whole authorization-code step. */
  issueRefreshToken(o: { clientId: string; userName: string; accountCode?: string; scope?: string }): string {
    const client = this.clients.get(norm(o.clientId));
    if (!client) throw new Error('unknown client application');
    const accountCode = o.accountCode ?? client.accountCode;
    const account = this.directory.findAccount(accountCode);
    const user = this.directory.findUser(accountCode, o.userName);
    if (!account || !user) throw new Error('unknown account or user');
    const family = this.newFamily(client, account, user, o.scope);
    return this.newRefreshToken(family);
  }

  /** PwsAcquireOauth2Token. */
  acquire(rq: AcquireRequest, ctx: OAuthContext): OAuthOutcome {
    const client = this.checkClient(rq);
    if ('message' in client) return { kind: 'fail', message: client.message, accountCode: '', userName: '' };
    const hostedAt = Object.entries(ctx.redirect).find(([k]) => norm(k) === norm(client.accountCode))?.[1];
    if (hostedAt) {
      return { kind: 'ok', accountCode: client.accountCode, userName: '', result: { ExpiresInSeconds: 0, MaxLifetimeMinutes: 0, TimeoutMinutes: 0, RedirectUrl: hostedAt } };
    }
    const grant = rq.GrantType?.trim();
    if (grant === 'code') return this.codeGrant(client, rq, ctx);
    if (grant === 'refresh_token') return this.refreshGrant(client, rq, ctx);
    if (!grant) return this.refuse(client, OAUTH_MSG.missing('GrantType'));
    return this.refuse(client, OAUTH_MSG.unsupportedGrantType());
  }

  /** PwsRevokeOauth2RefreshToken (RFC 7009 semantics, see the module comment). */
  revoke(rq: { ClientIdentifier?: string; ClientSecret?: string; RefreshToken?: string }): { kind: 'ok' } | { kind: 'fail'; message: SimMessage } {
    const client = this.checkClient(rq);
    if ('message' in client) return { kind: 'fail', message: client.message };
    if (!rq.RefreshToken) return { kind: 'fail', message: OAUTH_MSG.missing('RefreshToken') };
    const record = this.refreshTokens.get(rq.RefreshToken);
    if (!record) return { kind: 'ok' };
    const family = this.families.get(record.family)!;
    if (family.client !== client) return { kind: 'fail', message: OAUTH_MSG.invalidGrant('the refresh token was issued to another client') };
    if (!family.revoked) {
      this.revokeFamily(family, 'revoked');
      this.event('revoked', client.clientId, family.id, undefined, rq.RefreshToken);
    }
    return { kind: 'ok' };
  }

  /** Like SessionStore.resolve: the session of a live access token (and counts the call as activity). */
  resolve(ticket: string | undefined): SessionLookup {
    if (!ticket) return { error: 'unknown' };
    const a = this.access.get(ticket);
    if (!a) return { error: this.ended.has(ticket) ? 'ended' : 'unknown' };
    const now = this.clock.now();
    if (now >= a.record.expiresAt) {
      this.end(ticket, 'expired', a.record.expiresAt);
      return { error: 'ended' };
    }
    if (now - a.session.lastUsedAt > a.idleTimeoutInMs) {
      this.end(ticket, 'idle', a.session.lastUsedAt + a.idleTimeoutInMs);
      return { error: 'ended' };
    }
    a.session.lastUsedAt = now;
    return { session: a.session };
  }

  /** Whether `ticket` is (or was) one of this server's access tokens. */
  owns(ticket: string | undefined): boolean {
    return ticket !== undefined && (this.access.has(ticket) || this.ended.has(ticket));
  }

  /** Ends an access token's session (PwsUnauthenticate, sim.invalidateSession). */
  end(ticket: string, why: AccessTokenRecord['endedBy'] = 'logout', at = this.clock.now()): void {
    const a = this.access.get(ticket);
    if (!a) return;
    a.session.ended = true;
    a.record.endedAt = at;
    a.record.endedBy = why;
    this.access.delete(ticket);
    this.families.get(a.record.family)?.accessTokens.delete(ticket);
    this.ended.set(ticket, true);
    if (this.ended.size > ENDED_REMEMBERED) this.ended.delete(this.ended.keys().next().value!);
  }

  endAll(): void {
    for (const t of [...this.access.keys()]) this.end(t, 'invalidated');
  }

  // -----------------------------------------------------------------------------------------------------------

  private event(kind: OAuthEventKind, clientId: string, family?: number, errorNumber?: number, token?: string): void {
    this.eventLog.push({ kind, at: this.clock.now(), clientId, family, errorNumber, tokenHash: token ? tokenHash(token) : undefined });
  }

  private checkClient(rq: { ClientIdentifier?: string; ClientSecret?: string }): SimOAuthClient | { message: SimMessage } {
    const client = rq.ClientIdentifier ? this.clients.get(norm(rq.ClientIdentifier)) : undefined;
    if (!client || !rq.ClientSecret || rq.ClientSecret !== client.clientSecret) {
      this.event('refused', rq.ClientIdentifier ?? '', undefined, 10030);
      return { message: OAUTH_MSG.invalidClient() };
    }
    return client;
  }

  private refuse(client: SimOAuthClient, m: SimMessage, family?: Family): OAuthOutcome {
    this.event('refused', client.clientId, family?.id, m.errorNumber);
    return { kind: 'fail', message: m, accountCode: family?.account.accountCode ?? client.accountCode, userName: family?.user.userName ?? '' };
  }

  private codeGrant(client: SimOAuthClient, rq: AcquireRequest, ctx: OAuthContext): OAuthOutcome {
    if (!rq.Code) return this.refuse(client, OAUTH_MSG.missing('Code'));
    if (!rq.RedirectUri) return this.refuse(client, OAUTH_MSG.missing('RedirectUri'));
    const code = this.codes.get(rq.Code);
    if (!code || code.clientId !== norm(client.clientId)) return this.refuse(client, OAUTH_MSG.invalidGrant('unknown authorization code'));
    if (code.used) {
      // RFC 6749 4.1.2: a code used twice revokes what it produced.
      const family = code.family === undefined ? undefined : this.families.get(code.family);
      if (family && !family.revoked) this.revokeFamily(family, 'family-revoked');
      return this.refuse(client, OAUTH_MSG.invalidGrant('the authorization code was already used'), family);
    }
    if (this.clock.now() >= code.expiresAt) return this.refuse(client, OAUTH_MSG.invalidGrant('the authorization code has expired'));
    if (code.redirectUri !== rq.RedirectUri) return this.refuse(client, OAUTH_MSG.invalidGrant('RedirectUri does not match the authorization request'));
    if (code.challenge !== undefined) {
      if (!rq.CodeVerifier) return this.refuse(client, OAUTH_MSG.invalidGrant('CodeVerifier is required (a code challenge was sent)'));
      const derived = code.method === 'S256' ? createHash('sha256').update(rq.CodeVerifier, 'ascii').digest('base64url') : rq.CodeVerifier;
      if (derived !== code.challenge) return this.refuse(client, OAUTH_MSG.invalidGrant('CodeVerifier does not match the code challenge'));
    }
    code.used = true;
    const family = this.newFamily(client, code.account, code.user, code.scope);
    code.family = family.id;
    this.event('code-exchanged', client.clientId, family.id);
    return this.issue(family, this.newRefreshToken(family), ctx);
  }

  private refreshGrant(client: SimOAuthClient, rq: AcquireRequest, ctx: OAuthContext): OAuthOutcome {
    if (!rq.RefreshToken) return this.refuse(client, OAUTH_MSG.missing('RefreshToken'));
    const record = this.refreshTokens.get(rq.RefreshToken);
    const family = record && this.families.get(record.family);
    if (!record || !family || family.client !== client) return this.refuse(client, OAUTH_MSG.invalidGrant('unknown refresh token'));
    if (record.state === 'rotated') {
      // Reuse of a rotated-away token: someone holds a copy. Revoke the family (its access tokens end too).
      this.event('reuse-detected', client.clientId, family.id, 10031, rq.RefreshToken);
      this.revokeFamily(family, 'family-revoked');
      return this.refuse(client, OAUTH_MSG.invalidGrant('the refresh token was already used; its token family has been revoked'), family);
    }
    if (record.state === 'revoked' || family.revoked) return this.refuse(client, OAUTH_MSG.invalidGrant('the refresh token has been revoked'), family);
    if (this.clock.now() >= record.expiresAt) return this.refuse(client, OAUTH_MSG.invalidGrant('the refresh token has expired'), family);
    let refreshToken = rq.RefreshToken;
    if (client.rotateRefreshTokens !== false) {
      record.state = 'rotated';
      refreshToken = this.newRefreshToken(family);
      this.event('rotated', client.clientId, family.id, undefined, rq.RefreshToken);
    }
    this.event('refreshed', client.clientId, family.id);
    return this.issue(family, refreshToken, ctx);
  }

  private newFamily(client: SimOAuthClient, account: SimAccount, user: SimUser, scope?: string): Family {
    const family: Family = { id: this.nextFamily++, client, account, user, scope, revoked: false, refreshTokens: new Set(), accessTokens: new Set() };
    this.families.set(family.id, family);
    return family;
  }

  private newRefreshToken(family: Family): string {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    this.refreshTokens.set(token, { family: family.id, issuedAt: now, expiresAt: now + this.settings.refreshTokenLifetimeInMs, state: 'current' });
    family.refreshTokens.add(token);
    return token;
  }

  private revokeFamily(family: Family, why: 'family-revoked' | 'revoked'): void {
    family.revoked = true;
    for (const t of family.refreshTokens) {
      const r = this.refreshTokens.get(t);
      if (r) r.state = 'revoked';
    }
    for (const t of [...family.accessTokens]) this.end(t, 'family-revoked');
    if (why === 'family-revoked') this.event('family-revoked', family.client.clientId, family.id);
  }

  private issue(family: Family, refreshToken: string, ctx: OAuthContext): OAuthOutcome {
    const s = this.settings;
    const now = this.clock.now();
    const ticket = randomBytes(16).toString('base64');
    const lifetimeInMs = Math.min(s.accessTokenLifetimeInSeconds * 1000, s.maxLifetimeMinutes * 60_000);
    const session: Session = { ticket, ticketHash: hashTicket(ticket), account: family.account, user: family.user, createdAt: now, lastUsedAt: now, ended: false };
    const record: AccessTokenRecord = { ticketHash: session.ticketHash, clientId: family.client.clientId, family: family.id, issuedAt: now, expiresAt: now + lifetimeInMs };
    this.access.set(ticket, { session, record, idleTimeoutInMs: s.idleTimeoutMinutes * 60_000 });
    family.accessTokens.add(ticket);
    this.records.push(record);
    return {
      kind: 'ok',
      accountCode: family.account.accountCode,
      userName: family.user.userName,
      ticket,
      result: {
        AccessToken: ticket,
        ExpiresInSeconds: s.accessTokenLifetimeInSeconds,
        MaxLifetimeMinutes: s.maxLifetimeMinutes,
        RefreshToken: refreshToken,
        RestServiceAuthority: s.restServiceAuthority ?? ctx.authority,
        SoapServiceAuthority: s.soapServiceAuthority ?? ctx.authority,
        TimeoutMinutes: s.idleTimeoutMinutes,
        TokenType: 'Bearer',
      },
    };
  }
}
