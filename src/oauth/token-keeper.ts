/**
 * What one process holds of an OAuth client application: its credentials and refresh token, the access token in
 * use, the secrets it must keep redacting, and the one step that acquires a token with a refresh token.
 *
 * Rotation: when an answer carries a new RefreshToken it replaces the old one at once, is published to the shared
 * store first (the caller's `beforeHook`, so no other process presents the old one), then handed to onRefreshToken,
 * which is awaited before the acquisition completes. A failing hook is reported and never loses the token.
 *
 * A refused client secret or refresh token blocks every further acquisition (AuthenticationError, sent once) until
 * setOAuth() gives new settings.
 */
import { inspect } from 'node:util';
import type { Clock } from '../clock';
import { AuthenticationError, ProjectorError } from '../errors';
import type { AreaLogger } from '../logger';
import { redactSecrets } from '../soap/redact';
import { acquireToken, type OAuthCaller, type TokenAnswer } from './acquire';
import type { OAuthOptions, RefreshTokenInfo } from './options';
import { accessOf, isIdle, type Access } from './token-timing';

/** Counters for tests, benchmarks and dashboards. */
export interface OAuthStats {
  /** PwsAcquireOauth2Token answers with a token, in this process. */
  acquisitions: number;
  /** Of those, how many carried a new refresh token. */
  rotations: number;
  /** Refreshes started ahead of expiry while calls went on with the current token. */
  refreshesAhead: number;
  /** Calls that found no usable token and waited for one. */
  waits: number;
  /** Time those calls waited in total, and the longest single wait (clock ms). */
  waitedInMs: number;
  longestWaitInMs: number;
  /** Tokens taken over from the shared store (refreshed by another process). */
  adopted: number;
  /** Times the refresh lease was held by another process when this one wanted to refresh. */
  leaseBusy: number;
  /** Store commands that failed. */
  storeFailures: number;
  /** onRefreshToken calls that threw. */
  hookFailures: number;
}

export interface TokenSourceDeps {
  caller: OAuthCaller;
  clock: Clock;
  logger: AreaLogger;
  /** Deadline of one acquisition call (the lease, when shorter, wins). */
  deadlineInMs: number;
}

const REMEMBERED_SECRETS = 8;

export class TokenKeeper {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  version = 0;
  options: OAuthOptions;
  access?: Access;
  blockedBy?: AuthenticationError;
  hookPending?: { token: string; info: RefreshTokenInfo };
  readonly #dead: string[] = [];
  readonly #recent: string[] = [];
  readonly stats: OAuthStats = {
    acquisitions: 0, rotations: 0, refreshesAhead: 0, waits: 0, waitedInMs: 0, longestWaitInMs: 0, adopted: 0, leaseBusy: 0, storeFailures: 0, hookFailures: 0,
  };

  constructor(options: OAuthOptions, readonly deps: TokenSourceDeps) {
    this.options = { ...options };
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.refreshToken = options.refreshToken;
  }

  /** Secrets to redact from anything reported: client secret, current and recent refresh and access tokens. */
  get secrets(): string[] {
    return [this.clientSecret, this.refreshToken, this.access?.token, this.hookPending?.token, ...this.#recent].filter(
      (s): s is string => typeof s === 'string' && s.length >= 4,
    );
  }

  /** Holds secrets in plain fields: whatever prints it sees the client id only. */
  [inspect.custom](): string {
    return `TokenKeeper { clientId: ${this.clientId} }`;
  }

  get now(): number {
    return this.deps.clock.now();
  }

  /** The context of one acquisition call: its deadline never outlasts the refresh lease. */
  ctx(signal?: AbortSignal) {
    const lease = this.options.store ? this.options.store.leaseInMs - 5_000 : Number.POSITIVE_INFINITY;
    return { clock: this.deps.clock, logger: this.deps.logger, signal, deadlineInMs: Math.max(1_000, Math.min(this.deps.deadlineInMs, lease)) };
  }

  remember(secret: string | undefined): void {
    if (!secret) return;
    this.#recent.push(secret);
    if (this.#recent.length > REMEMBERED_SECRETS) this.#recent.shift();
  }

  isDead(token: string): boolean {
    return this.#dead.includes(token);
  }

  /** The session of `ticket` is dead: never hand it out again. */
  invalidate(ticket: string): void {
    if (!this.#dead.includes(ticket)) {
      this.#dead.push(ticket);
      if (this.#dead.length > REMEMBERED_SECRETS) this.#dead.shift();
    }
    if (this.access?.token === ticket) this.access = undefined;
  }

  usable(a: Access, now: number): boolean {
    return now < a.useUntil && !this.idle(a, now) && !this.isDead(a.token);
  }

  /**
   * Idle for TimeoutMinutes, so the server has probably ended the session. Only this process's own token can be
   * judged from its own last use: a shared token is kept busy by the whole fleet, and a quiet worker that declared
   * it idle would force a new acquisition and a rotation under everyone. For a shared token the server's answer
   * decides (FailSessionInvalid: invalidate, one refresh fleet-wide, the call is sent again).
   */
  idle(a: Access, now: number): boolean {
    return this.options.store === undefined && isIdle(a, now);
  }

  setAccess(a: Access): void {
    if (this.access && this.access.token !== a.token) this.remember(this.access.token);
    this.access = a;
    if (a.endpoint && a.endpoint !== this.deps.caller.endpoint) this.deps.caller.moveTo(a.endpoint);
  }

  block(error: AuthenticationError): never {
    this.blockedBy = error;
    throw error;
  }

  blockedError(): AuthenticationError {
    const b = this.blockedBy!;
    return new AuthenticationError(`OAuth token acquisition is blocked after a refusal (${b.code}); call setOAuth() with new settings`, {
      code: b.code, errorNumber: b.errorNumber, messages: b.messages, operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
    });
  }

  /** Sends the refresh grant; adopts the answer; rotation: the new refresh token replaces the old one. */
  async acquireWith(refreshToken: string, version: number, created: boolean, beforeHook?: (rotated: boolean) => Promise<void>): Promise<void> {
    let answer: TokenAnswer;
    try {
      answer = await acquireToken(this.deps.caller, { grantType: 'refresh_token', clientId: this.clientId, clientSecret: this.clientSecret, refreshToken }, this.ctx());
    } catch (error) {
      if (error instanceof AuthenticationError) {
        this.deps.logger.error('the OAuth refresh was refused; no further attempts until setOAuth()', { code: error.code, errorNumber: error.errorNumber });
        this.blockedBy = error;
      }
      throw error;
    }
    const rotated = answer.refreshToken !== undefined && answer.refreshToken !== refreshToken;
    this.stats.acquisitions++;
    if (rotated) {
      this.stats.rotations++;
      this.remember(refreshToken);
      this.refreshToken = answer.refreshToken!;
    } else this.refreshToken = refreshToken;
    this.version = version;
    const previous = this.access;
    if (previous && this.usable(previous, answer.startedAt)) this.stats.refreshesAhead++;
    this.setAccess(accessOf(this.options, answer, version, created));
    this.deps.logger.info('OAuth access token acquired', {
      clientId: this.clientId,
      version,
      rotated,
      expiresInSeconds: answer.expiresInSeconds,
      timeoutMinutes: answer.timeoutMinutes,
      endpoint: new URL(answer.endpoint).origin,
    });
    await beforeHook?.(rotated);
    if (rotated) await this.deliver(this.refreshToken, { clientId: this.clientId, version, reason: 'rotated' });
  }

  private async deliver(token: string, info: RefreshTokenInfo): Promise<void> {
    const hook = this.options.onRefreshToken;
    this.hookPending = undefined;
    if (!hook) return;
    try {
      await hook(token, info);
    } catch (error) {
      this.stats.hookFailures++;
      this.hookPending = { token, info: { ...info, reason: 'redelivery' } };
      const what = error instanceof Error ? error.name : typeof error;
      this.deps.logger.error('onRefreshToken failed; the new refresh token is in use and will be offered again', { clientId: this.clientId, version: info.version, error: what });
      this.report(new ProjectorError(`onRefreshToken failed (${what}); the new refresh token is kept and offered again at the next refresh`, { code: 'RefreshTokenHookFailed', requestSent: false }));
    }
  }

  /** Offers a refresh token whose hook failed again (only while it is still the current one). */
  async redeliver(): Promise<void> {
    const pending = this.hookPending;
    if (!pending) return;
    if (pending.token !== this.refreshToken) {
      this.hookPending = undefined;
      return;
    }
    await this.deliver(pending.token, pending.info);
  }

  /** A failure that fails no call: to onError, without secrets. */
  report(error: unknown): void {
    const hook = this.options.onError;
    if (!hook) return;
    const safe = error instanceof ProjectorError ? error : new ProjectorError(redactSecrets(error instanceof Error ? error.message : String(error), this.secrets), { code: 'OAuthError', requestSent: false });
    try {
      hook(safe);
    } catch {
      // A failing error hook must not break anything either.
    }
  }
}
