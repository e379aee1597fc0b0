/**
 * The OAuth 2 access token as the client's session ticket: the SessionManager asks `current()` before every attempt
 * and gets a token that is valid for at least `minRemainingInMs` more (timing: token-timing.ts); `invalidate()` is
 * its answer to -101 / 10004 / FailSessionInvalid (the pipeline then repeats the call once with a new token).
 *
 * Refreshes are single flight: whoever needs one while it runs shares it. Without a store this process refreshes
 * with the refresh token it holds (token-keeper.ts); with one, the fleet coordinates through it (shared-refresh.ts).
 * Refusals block every further acquisition until setOAuth().
 */
import { inspect } from 'node:util';
import { AbortedError, AuthenticationError, SessionInvalidError, type ProjectorError } from '../errors';
import { revokeRefreshToken } from './acquire';
import type { OAuthOptions } from './options';
import { SharedRefresh, type PassResult } from './shared-refresh';
import { TokenKeeper, type OAuthStats, type TokenSourceDeps } from './token-keeper';
import { aborted, deadlinePassed, waitFor } from './token-wait';

export type { OAuthStats, TokenSourceDeps } from './token-keeper';

export interface TicketGrant {
  ticket: string;
  /** True when this client created the session and nobody else uses it (close() may log it out). */
  created: boolean;
}

export class OAuthTokenSource {
  readonly #keeper: TokenKeeper;
  readonly #shared?: SharedRefresh;
  #inflight?: Promise<PassResult>;
  #nextPassAt = 0;
  #closed = false;

  constructor(options: OAuthOptions, deps: TokenSourceDeps) {
    this.#keeper = new TokenKeeper(options, deps);
    if (options.store) this.#shared = new SharedRefresh(options.store, this.#keeper);
  }

  get stats(): OAuthStats {
    return this.#keeper.stats;
  }

  get clientId(): string {
    return this.#keeper.clientId;
  }

  /** False after a refusal or a revocation, until setOAuth(). */
  get canRefresh(): boolean {
    return this.#keeper.blockedBy === undefined && !this.#closed;
  }

  get shared(): boolean {
    return this.#shared !== undefined;
  }

  /** Secrets to redact from anything reported: client secret, current and recent refresh and access tokens. */
  get secrets(): string[] {
    return this.#keeper.secrets;
  }

  /** When the current access token expires (clock ms), if there is one. */
  get expiresAt(): number | undefined {
    return this.#keeper.access?.expiresAt;
  }

  /** A token valid for at least minRemainingInMs more; acquires (or waits for) one when there is none. */
  async current(signal?: AbortSignal, leaveAfterInMs?: number): Promise<TicketGrant> {
    const k = this.#keeper;
    const now = k.now;
    const a = k.access;
    if (a && k.usable(a, now)) {
      if (now >= a.refreshAt || this.#shared?.unpublished || k.hookPending) this.kick(now);
      a.lastUsedAt = now;
      return { ticket: a.token, created: a.created };
    }
    if (a && k.idle(a, now)) k.invalidate(a.token);
    k.stats.waits++;
    const startedAt = k.now;
    try {
      return await this.obtain(signal, leaveAfterInMs);
    } finally {
      const waited = k.now - startedAt;
      k.stats.waitedInMs += waited;
      k.stats.longestWaitInMs = Math.max(k.stats.longestWaitInMs, waited);
    }
  }

  /** The session of `ticket` is dead (-101, 10004, FailSessionInvalid, or logged out): never hand it out again. */
  invalidate(ticket: string | undefined): void {
    if (ticket) this.#keeper.invalidate(ticket);
  }

  /** New settings (e.g. after an AuthenticationError): lifts the block; the next call acquires with them. */
  setOAuth(options: OAuthOptions): void {
    const k = this.#keeper;
    k.remember(k.refreshToken);
    k.options = { ...k.options, ...options };
    k.clientId = options.clientId;
    k.clientSecret = options.clientSecret;
    k.refreshToken = options.refreshToken;
    k.blockedBy = undefined;
    if (k.access) k.invalidate(k.access.token);
    k.hookPending = undefined;
    this.#nextPassAt = 0;
    // An operator's refresh token is the newest there is: with a store it replaces the stored one as the next version.
    if (this.#shared) this.#shared.reset();
    else k.version++;
  }

  /**
   * PwsRevokeOauth2RefreshToken for the current (newest) refresh token; afterwards acquisitions are blocked until
   * setOAuth(). The access token in use stays valid until it expires (revoking the refresh token does not end it).
   */
  async revoke(signal?: AbortSignal): Promise<void> {
    await this.#inflight?.catch(() => undefined);
    const k = this.#keeper;
    const store = k.options.store;
    const shared = this.#shared;
    if (store && shared) {
      try {
        const state = await store.read(k.clientId);
        if (state && !state.revoked) shared.adoptRefresh(state);
      } catch {
        shared.failed();
      }
    }
    await revokeRefreshToken(k.deps.caller, { clientId: k.clientId, clientSecret: k.clientSecret, refreshToken: k.refreshToken }, { ...k.ctx(signal) });
    if (store && shared) {
      try {
        await store.revoke(k.clientId);
      } catch {
        shared.failed();
      }
    }
    k.deps.logger.info('refresh token revoked', { clientId: k.clientId });
    k.remember(k.refreshToken);
    k.refreshToken = '';
    if (shared) shared.unpublished = false;
    k.blockedBy = new AuthenticationError('The refresh token was revoked (revokeRefreshToken); call setOAuth() with new settings', {
      code: 'RefreshTokenRevoked', operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
    });
  }

  /** Waits for a refresh under way and offers a refresh token whose hook failed once more. */
  async close(): Promise<void> {
    await this.#inflight?.catch(() => undefined);
    await this.#keeper.redeliver();
    await this.#shared?.publishPending();
    this.#closed = true;
  }

  toJSON(): Record<string, unknown> {
    const k = this.#keeper;
    return { clientId: k.clientId, shared: this.shared, version: k.version, hasAccessToken: k.access !== undefined, expiresAt: k.access?.expiresAt, blocked: k.blockedBy?.code };
  }

  [inspect.custom](): string {
    return `OAuthTokenSource ${inspect(this.toJSON())}`;
  }

  /** Starts a background pass unless one runs, the last one asked to wait, or acquisitions are blocked. */
  private kick(now: number): void {
    const k = this.#keeper;
    if (this.#inflight || now < this.#nextPassAt || k.blockedBy || this.#closed) return;
    this.pass().then(
      (r) => {
        if (r === 'busy') this.#nextPassAt = k.now + this.pollInterval();
      },
      (error: unknown) => {
        // The calls go on with the current token; the next one after the delay tries again.
        this.#nextPassAt = k.now + this.retryDelay();
        k.deps.logger.warn('refreshing the access token ahead of expiry failed; retrying later', { code: (error as ProjectorError)?.code });
        k.report(error);
      },
    );
  }

  private pollInterval(): number {
    return this.#keeper.options.storePollIntervalInMs ?? 100;
  }

  private retryDelay(): number {
    const a = this.#keeper.access;
    const ahead = a ? a.useUntil - a.refreshAt : 0;
    return Math.max(this.pollInterval(), Math.min(5_000, ahead / 4));
  }

  /** Waits (with this caller's signal and deadline only) until a usable token exists. */
  private async obtain(signal?: AbortSignal, leaveAfterInMs?: number): Promise<TicketGrant> {
    const k = this.#keeper;
    const clock = k.deps.clock;
    const until = clock.now() + (k.options.storeWaitInMs ?? 30_000);
    const leaveAt = leaveAfterInMs === undefined ? undefined : Date.now() + leaveAfterInMs;
    for (;;) {
      if (signal?.aborted) throw aborted(signal);
      if (k.blockedBy) throw k.blockedError();
      if (this.#closed) throw new AbortedError('The client is closed', { code: 'Aborted', requestSent: false });
      const result = await waitFor(this.pass(), signal, leaveAt === undefined ? undefined : leaveAt - Date.now());
      const a = k.access;
      const now = clock.now();
      if (a && k.usable(a, now)) {
        a.lastUsedAt = now;
        return { ticket: a.token, created: a.created };
      }
      if (result === 'done' && !this.shared) {
        throw new SessionInvalidError('PwsAcquireOauth2Token returned a token that is already too close to its expiry', { code: 'OAuthTokenUnavailable', requestSent: false, retryable: true });
      }
      if (now >= until) {
        throw new SessionInvalidError(
          this.#shared?.storeDown
            ? 'No usable OAuth access token: the token store does not answer, and refreshing without it could present a refresh token another process has rotated away'
            : 'No usable OAuth access token: another process holds the refresh lease and has not published a new token yet',
          { code: 'OAuthTokenUnavailable', requestSent: false, retryable: true },
        );
      }
      if (leaveAt !== undefined && Date.now() >= leaveAt) throw deadlinePassed();
      await clock.sleep(this.pollInterval(), signal).catch(() => {
        throw aborted(signal!);
      });
    }
  }

  /** One refresh pass, single flight: whoever comes while it runs shares it. */
  private pass(): Promise<PassResult> {
    if (!this.#inflight) {
      this.#inflight = this.runPass().finally(() => {
        this.#inflight = undefined;
      });
      // A background pass nobody awaits must not become an unhandled rejection.
      this.#inflight.catch(() => undefined);
    }
    return this.#inflight;
  }

  private async runPass(): Promise<PassResult> {
    const k = this.#keeper;
    if (k.blockedBy) throw k.blockedError();
    await k.redeliver();
    if (this.#shared) return this.#shared.pass();
    // No store: refresh with the refresh token this process holds.
    const a = k.access;
    const now = k.now;
    if (a && k.usable(a, now) && now < a.refreshAt) return 'done';
    await k.acquireWith(k.refreshToken, k.version + 1, true);
    return 'done';
  }
}
