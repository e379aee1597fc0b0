/**
 * The OAuth 2 access token as the client's session ticket: the SessionManager asks `current()` before every attempt
 * and gets a token that is valid for at least `minRemainingInMs` more; `invalidate()` is its answer to -101 / 10004 /
 * FailSessionInvalid (the pipeline then repeats the call once with a new token).
 *
 * Life of a token, on the injected clock:
 *
 *   acquired ──── refreshAt ─────────── useUntil ──── expiresAt (ExpiresInSeconds, or MaxLifetimeMinutes if shorter)
 *              used by calls      │  used by calls, while       │  never handed out: calls wait for the new one
 *                                 │  ONE refresh runs behind    │
 *                                 └─ (single flight) ───────────┘
 *
 * A session also dies after TimeoutMinutes without use: a token idle that long (minus minRemainingInMs) counts as
 * expired too.
 *
 * Refresh tokens: when an answer carries a new RefreshToken (rotation) it replaces the old one at once, is
 * published to the shared store first (so no other process presents the old one), then handed to onRefreshToken,
 * which is awaited before the acquisition completes. A failing hook is reported and never loses the token.
 *
 * Refusals: a refused client secret or refresh token blocks every further acquisition (AuthenticationError,
 * sent once) until setOAuth() gives new settings; with a store, the refusal is recorded there so no other process
 * sends the same refused token again.
 *
 * With a shared store, one refresh at a time fleet-wide (a lease with a TTL); the others keep using the current
 * token while it is usable, or wait for the holder's result. When the store is down, a process never refreshes with
 * a refresh token it learned from the store (another process may have rotated it meanwhile: presenting it would
 * make Projector revoke the whole token family). Only a process that rotated a token while the store was down (the
 * one whose refresh was under way when it failed) goes on alone, keeps the newest token in memory, hands it to
 * onRefreshToken and publishes it as soon as the store answers. Everyone else uses their token until it is no
 * longer usable and then waits for the store (storeWaitInMs per call).
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Clock } from '../clock';
import { AbortedError, AuthenticationError, ProjectorError, SessionInvalidError, TransportError } from '../errors';
import type { AreaLogger } from '../logger';
import { redactSecrets } from '../soap/redact';
import { acquireToken, revokeRefreshToken, type OAuthCaller, type TokenAnswer } from './acquire';
import type { OAuthOptions, RefreshTokenInfo } from './options';
import type { OAuthTokenStore, SharedAccess, SharedTokenState } from './store';

export interface TicketGrant {
  ticket: string;
  /** True when this client created the session and nobody else uses it (close() may log it out). */
  created: boolean;
}

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

interface Access {
  token: string;
  expiresAt: number;
  refreshAt: number;
  useUntil: number;
  lifetimeInMs: number;
  idleTimeoutInMs: number;
  minRemainingInMs: number;
  lastUsedAt: number;
  version: number;
  endpoint: string;
  created: boolean;
}

type PassResult = 'done' | 'busy';

const REMEMBERED_SECRETS = 8;

export interface TokenSourceDeps {
  caller: OAuthCaller;
  clock: Clock;
  logger: AreaLogger;
  /** Deadline of one acquisition call (the lease, when shorter, wins). */
  deadlineInMs: number;
}

export class OAuthTokenSource {
  #clientId: string;
  #clientSecret: string;
  #refreshToken: string;
  #version = 0;
  #options: OAuthOptions;
  #access?: Access;
  #inflight?: Promise<PassResult>;
  #blockedBy?: AuthenticationError;
  #dead: string[] = [];
  #recent: string[] = [];
  #hookPending?: { token: string; info: RefreshTokenInfo };
  /** Store mode: this process holds a newer state than the store (it rotated while the store was down). */
  #unpublished = false;
  /** Store mode: the store has answered at least once (a later empty store means it lost its data). */
  #warm = false;
  #storeDown = false;
  #resetPending = false;
  #nextPassAt = 0;
  #closed = false;
  readonly #owner = randomBytes(8).toString('hex');
  readonly #deps: TokenSourceDeps;
  readonly stats: OAuthStats = {
    acquisitions: 0, rotations: 0, refreshesAhead: 0, waits: 0, waitedInMs: 0, longestWaitInMs: 0, adopted: 0, leaseBusy: 0, storeFailures: 0, hookFailures: 0,
  };

  constructor(options: OAuthOptions, deps: TokenSourceDeps) {
    this.#options = { ...options };
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#refreshToken = options.refreshToken;
    this.#deps = deps;
  }

  get clientId(): string {
    return this.#clientId;
  }

  /** False after a refusal or a revocation, until setOAuth(). */
  get canRefresh(): boolean {
    return this.#blockedBy === undefined && !this.#closed;
  }

  get shared(): boolean {
    return this.#options.store !== undefined;
  }

  /** Secrets to redact from anything reported: client secret, current and recent refresh and access tokens. */
  get secrets(): string[] {
    return [this.#clientSecret, this.#refreshToken, this.#access?.token, this.#hookPending?.token, ...this.#recent].filter(
      (s): s is string => typeof s === 'string' && s.length >= 4,
    );
  }

  /** When the current access token expires (clock ms), if there is one. */
  get expiresAt(): number | undefined {
    return this.#access?.expiresAt;
  }

  /** A token valid for at least minRemainingInMs more; acquires (or waits for) one when there is none. */
  async current(signal?: AbortSignal, leaveAfterInMs?: number): Promise<TicketGrant> {
    const now = this.#deps.clock.now();
    const a = this.#access;
    if (a && this.usable(a, now)) {
      if (now >= a.refreshAt || this.#unpublished || this.#hookPending) this.kick(now);
      a.lastUsedAt = now;
      return { ticket: a.token, created: a.created };
    }
    // Idle for TimeoutMinutes (as far as this process knows): the server has probably ended the session.
    if (a && this.idle(a, now)) this.invalidate(a.token);
    this.stats.waits++;
    const startedAt = this.#deps.clock.now();
    try {
      return await this.obtain(signal, leaveAfterInMs);
    } finally {
      const waited = this.#deps.clock.now() - startedAt;
      this.stats.waitedInMs += waited;
      this.stats.longestWaitInMs = Math.max(this.stats.longestWaitInMs, waited);
    }
  }

  /** The session of `ticket` is dead (-101, 10004, FailSessionInvalid, or logged out): never hand it out again. */
  invalidate(ticket: string | undefined): void {
    if (!ticket) return;
    if (!this.#dead.includes(ticket)) {
      this.#dead.push(ticket);
      if (this.#dead.length > REMEMBERED_SECRETS) this.#dead.shift();
    }
    if (this.#access?.token === ticket) this.#access = undefined;
  }

  /** New settings (e.g. after an AuthenticationError): lifts the block; the next call acquires with them. */
  setOAuth(options: OAuthOptions): void {
    this.remember(this.#refreshToken);
    this.#options = { ...this.#options, ...options };
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#refreshToken = options.refreshToken;
    this.#blockedBy = undefined;
    if (this.#access) this.invalidate(this.#access.token);
    this.#hookPending = undefined;
    this.#nextPassAt = 0;
    if (this.shared) {
      // An operator's refresh token is the newest there is: it replaces the stored one as the next version.
      this.#resetPending = true;
    } else this.#version++;
  }

  /**
   * PwsRevokeOauth2RefreshToken for the current (newest) refresh token; afterwards acquisitions are blocked until
   * setOAuth(). The access token in use stays valid until it expires (revoking the refresh token does not end it).
   */
  async revoke(signal?: AbortSignal): Promise<void> {
    await this.#inflight?.catch(() => undefined);
    const store = this.#options.store;
    if (store) {
      try {
        const state = await store.read(this.#clientId);
        if (state && !state.revoked) this.adoptRefresh(state);
      } catch {
        this.storeFailed();
      }
    }
    await revokeRefreshToken(this.#deps.caller, { clientId: this.#clientId, clientSecret: this.#clientSecret, refreshToken: this.#refreshToken }, { ...this.ctx(signal) });
    if (store) {
      try {
        await store.revoke(this.#clientId);
      } catch {
        this.storeFailed();
      }
    }
    this.#deps.logger.info('refresh token revoked', { clientId: this.#clientId });
    this.remember(this.#refreshToken);
    this.#refreshToken = '';
    this.#unpublished = false;
    this.#blockedBy = new AuthenticationError('The refresh token was revoked (revokeRefreshToken); call setOAuth() with new settings', {
      code: 'RefreshTokenRevoked', operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
    });
  }

  /** Waits for a refresh under way and offers a refresh token whose hook failed once more. */
  async close(): Promise<void> {
    await this.#inflight?.catch(() => undefined);
    await this.redeliver();
    await this.publishPending();
    this.#closed = true;
  }

  toJSON(): Record<string, unknown> {
    return {
      clientId: this.#clientId,
      shared: this.shared,
      version: this.#version,
      hasAccessToken: this.#access !== undefined,
      expiresAt: this.#access?.expiresAt,
      blocked: this.#blockedBy?.code,
    };
  }

  [inspect.custom](): string {
    return `OAuthTokenSource ${inspect(this.toJSON())}`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private ctx(signal?: AbortSignal) {
    const lease = this.#options.store ? this.#options.store.leaseInMs - 5_000 : Number.POSITIVE_INFINITY;
    return { clock: this.#deps.clock, logger: this.#deps.logger, signal, deadlineInMs: Math.max(1_000, Math.min(this.#deps.deadlineInMs, lease)) };
  }

  private remember(secret: string | undefined): void {
    if (!secret) return;
    this.#recent.push(secret);
    if (this.#recent.length > REMEMBERED_SECRETS) this.#recent.shift();
  }

  private usable(a: Access, now: number): boolean {
    return now < a.useUntil && !this.idle(a, now) && !this.#dead.includes(a.token);
  }

  private idle(a: Access, now: number): boolean {
    return a.idleTimeoutInMs > 0 && now >= a.lastUsedAt + a.idleTimeoutInMs - a.minRemainingInMs;
  }

  private timing(expiresAt: number, lifetimeInMs: number): Pick<Access, 'refreshAt' | 'useUntil' | 'minRemainingInMs'> {
    if (!Number.isFinite(expiresAt) || lifetimeInMs <= 0) return { refreshAt: Number.POSITIVE_INFINITY, useUntil: Number.POSITIVE_INFINITY, minRemainingInMs: 0 };
    const ahead = Math.min(this.#options.refreshAheadInMs ?? Math.min(300_000, lifetimeInMs / 4), lifetimeInMs / 2);
    const minRemaining = Math.min(this.#options.minRemainingInMs ?? Math.min(60_000, lifetimeInMs / 10), ahead);
    return { refreshAt: expiresAt - ahead, useUntil: expiresAt - minRemaining, minRemainingInMs: minRemaining };
  }

  private accessOf(answer: TokenAnswer, version: number, created: boolean): Access {
    const lifetimes = [answer.expiresInSeconds * 1_000, answer.maxLifetimeMinutes * 60_000].filter((v) => v > 0);
    const lifetimeInMs = lifetimes.length ? Math.min(...lifetimes) : 0;
    const expiresAt = lifetimeInMs > 0 ? answer.startedAt + lifetimeInMs : Number.POSITIVE_INFINITY;
    return {
      token: answer.accessToken,
      expiresAt,
      lifetimeInMs,
      idleTimeoutInMs: answer.timeoutMinutes * 60_000,
      lastUsedAt: answer.startedAt,
      version,
      endpoint: answer.endpoint,
      created,
      ...this.timing(expiresAt, lifetimeInMs),
    };
  }

  /** A shared token, trusting the earlier of its writer's expiry and the store's remaining TTL. */
  private sharedAccessOf(s: SharedAccess, now: number): Access {
    const expiresAt = Math.min(s.expiresAt, now + s.ttlInMs);
    return {
      token: s.accessToken,
      expiresAt,
      lifetimeInMs: s.lifetimeInMs,
      idleTimeoutInMs: s.idleTimeoutInMs,
      lastUsedAt: now,
      version: s.version,
      endpoint: s.endpoint,
      created: false,
      ...this.timing(expiresAt, s.lifetimeInMs || Math.max(0, expiresAt - now)),
    };
  }

  private setAccess(a: Access): void {
    if (this.#access && this.#access.token !== a.token) this.remember(this.#access.token);
    this.#access = a;
    if (a.endpoint && a.endpoint !== this.#deps.caller.endpoint) this.#deps.caller.moveTo(a.endpoint);
  }

  private block(error: AuthenticationError): never {
    this.#blockedBy = error;
    throw error;
  }

  private blockedError(): AuthenticationError {
    const b = this.#blockedBy!;
    return new AuthenticationError(`OAuth token acquisition is blocked after a refusal (${b.code}); call setOAuth() with new settings`, {
      code: b.code, errorNumber: b.errorNumber, messages: b.messages, operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
    });
  }

  /** Starts a background pass unless one runs, the last one asked to wait, or acquisitions are blocked. */
  private kick(now: number): void {
    if (this.#inflight || now < this.#nextPassAt || this.#blockedBy || this.#closed) return;
    this.pass().then(
      (r) => {
        if (r === 'busy') this.#nextPassAt = this.#deps.clock.now() + this.pollInterval();
      },
      (error: unknown) => {
        // The calls go on with the current token; the next one after the delay tries again.
        this.#nextPassAt = this.#deps.clock.now() + this.retryDelay();
        this.#deps.logger.warn('refreshing the access token ahead of expiry failed; retrying later', { code: (error as ProjectorError)?.code });
        this.report(error);
      },
    );
  }

  private pollInterval(): number {
    return this.#options.storePollIntervalInMs ?? 100;
  }

  private retryDelay(): number {
    const a = this.#access;
    const ahead = a ? a.useUntil - a.refreshAt : 0;
    return Math.max(this.pollInterval(), Math.min(5_000, ahead / 4));
  }

  /**
   * Waits (with this caller's signal and deadline only) until a usable token exists. The deadline is a plain timer,
   * as in SessionManager: a sleeper on a test clock would move that clock.
   */
  private async obtain(signal?: AbortSignal, leaveAfterInMs?: number): Promise<TicketGrant> {
    const clock = this.#deps.clock;
    const until = clock.now() + (this.#options.storeWaitInMs ?? 30_000);
    const leaveAt = leaveAfterInMs === undefined ? undefined : Date.now() + leaveAfterInMs;
    for (;;) {
      if (signal?.aborted) throw aborted(signal);
      if (this.#blockedBy) throw this.blockedError();
      if (this.#closed) throw new AbortedError('The client is closed', { code: 'Aborted', requestSent: false });
      const result = await waitFor(this.pass(), signal, leaveAt === undefined ? undefined : leaveAt - Date.now());
      const a = this.#access;
      const now = clock.now();
      if (a && this.usable(a, now)) {
        a.lastUsedAt = now;
        return { ticket: a.token, created: a.created };
      }
      if (result === 'done' && !this.shared) {
        throw new SessionInvalidError('PwsAcquireOauth2Token returned a token that is already too close to its expiry', { code: 'OAuthTokenUnavailable', requestSent: false, retryable: true });
      }
      if (now >= until) {
        throw new SessionInvalidError(
          this.#storeDown
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
      const run = this.#options.store ? this.sharedPass(this.#options.store) : this.localPass();
      this.#inflight = run.finally(() => {
        this.#inflight = undefined;
      });
      // A background pass nobody awaits must not become an unhandled rejection.
      this.#inflight.catch(() => undefined);
    }
    return this.#inflight;
  }

  /** No store: refresh with the refresh token this process holds. */
  private async localPass(): Promise<PassResult> {
    if (this.#blockedBy) throw this.blockedError();
    await this.redeliver();
    const a = this.#access;
    const now = this.#deps.clock.now();
    if (a && this.usable(a, now) && now < a.refreshAt) return 'done';
    await this.acquireWith(this.#refreshToken, this.#version + 1, !this.shared);
    return 'done';
  }

  /** Sends the refresh grant; adopts the answer; rotation: the new refresh token replaces the old one. */
  private async acquireWith(refreshToken: string, version: number, created: boolean, beforeHook?: (rotated: boolean) => Promise<void>): Promise<void> {
    let answer: TokenAnswer;
    try {
      answer = await acquireToken(this.#deps.caller, { grantType: 'refresh_token', clientId: this.#clientId, clientSecret: this.#clientSecret, refreshToken }, this.ctx());
    } catch (error) {
      if (error instanceof AuthenticationError) {
        this.#deps.logger.error('the OAuth refresh was refused; no further attempts until setOAuth()', { code: error.code, errorNumber: error.errorNumber });
        this.#blockedBy = error;
      }
      throw error;
    }
    const rotated = answer.refreshToken !== undefined && answer.refreshToken !== refreshToken;
    this.stats.acquisitions++;
    if (rotated) {
      this.stats.rotations++;
      this.remember(refreshToken);
      this.#refreshToken = answer.refreshToken!;
    } else this.#refreshToken = refreshToken;
    this.#version = version;
    const previous = this.#access;
    if (previous && this.usable(previous, answer.startedAt)) this.stats.refreshesAhead++;
    this.setAccess(this.accessOf(answer, version, created));
    this.#deps.logger.info('OAuth access token acquired', {
      clientId: this.#clientId,
      version,
      rotated,
      expiresInSeconds: answer.expiresInSeconds,
      timeoutMinutes: answer.timeoutMinutes,
      endpoint: new URL(answer.endpoint).origin,
    });
    await beforeHook?.(rotated);
    if (rotated) await this.deliver(this.#refreshToken, { clientId: this.#clientId, version, reason: 'rotated' });
  }

  private async deliver(token: string, info: RefreshTokenInfo): Promise<void> {
    const hook = this.#options.onRefreshToken;
    this.#hookPending = undefined;
    if (!hook) return;
    try {
      await hook(token, info);
    } catch (error) {
      this.stats.hookFailures++;
      this.#hookPending = { token, info: { ...info, reason: 'redelivery' } };
      const what = error instanceof Error ? error.name : typeof error;
      this.#deps.logger.error('onRefreshToken failed; the new refresh token is in use and will be offered again', { clientId: this.#clientId, version: info.version, error: what });
      this.report(new ProjectorError(`onRefreshToken failed (${what}); the new refresh token is kept and offered again at the next refresh`, { code: 'RefreshTokenHookFailed', requestSent: false }));
    }
  }

  /** Offers a refresh token whose hook failed again (only while it is still the current one). */
  private async redeliver(): Promise<void> {
    const pending = this.#hookPending;
    if (!pending) return;
    if (pending.token !== this.#refreshToken) {
      this.#hookPending = undefined;
      return;
    }
    await this.deliver(pending.token, pending.info);
  }

  /** A failure that fails no call: to onError, without secrets. */
  private report(error: unknown): void {
    const hook = this.#options.onError;
    if (!hook) return;
    const safe = error instanceof ProjectorError ? error : new ProjectorError(redactSecrets(error instanceof Error ? error.message : String(error), this.secrets), { code: 'OAuthError', requestSent: false });
    try {
      hook(safe);
    } catch {
      // A failing error hook must not break anything either.
    }
  }

  // ------------------------------------------------------------------------------------------ shared store

  private storeFailed(): void {
    this.stats.storeFailures++;
    if (!this.#storeDown) {
      this.#storeDown = true;
      this.#deps.logger.warn(
        this.#unpublished
          ? 'the OAuth token store does not answer; this process holds the newest refresh token and goes on alone until it answers'
          : 'the OAuth token store does not answer; using the current access token and waiting for the store before refreshing',
        { clientId: this.#clientId },
      );
    }
  }

  private storeAnswered(): void {
    this.#warm = true;
    if (this.#storeDown) {
      this.#storeDown = false;
      this.#deps.logger.info('the OAuth token store answers again', { clientId: this.#clientId });
    }
  }

  /** Takes a newer refresh token (and version) from the store: it supersedes ours. */
  private adoptRefresh(state: SharedTokenState): void {
    if (state.version > this.#version || (state.version === this.#version && !this.#unpublished)) {
      if (state.refreshToken && state.refreshToken !== this.#refreshToken) {
        this.remember(this.#refreshToken);
        this.#refreshToken = state.refreshToken;
      }
      this.#version = state.version;
      this.#unpublished = false;
    }
  }

  /** Publishes what this process rotated while the store was down. False when the store did not answer. */
  private async publishPending(): Promise<boolean> {
    const store = this.#options.store;
    if (!store || !this.#unpublished) return true;
    const now = this.#deps.clock.now();
    const a = this.#access;
    const live = a && a.expiresAt > now && Number.isFinite(a.expiresAt) ? a : undefined;
    try {
      const ok = await store.publish(this.#clientId, {
        version: this.#version,
        refreshToken: this.#refreshToken,
        access: live && { accessToken: live.token, expiresAt: live.expiresAt, endpoint: live.endpoint, lifetimeInMs: live.lifetimeInMs, idleTimeoutInMs: live.idleTimeoutInMs },
        accessTtlInMs: live ? live.expiresAt - now : 0,
      });
      this.#unpublished = false;
      this.storeAnswered();
      this.#deps.logger.info(ok ? 'published the refresh token rotated while the store was down' : 'the store already holds a newer token state', { clientId: this.#clientId, version: this.#version });
      return true;
    } catch {
      this.storeFailed();
      return false;
    }
  }

  private async sharedPass(store: OAuthTokenStore): Promise<PassResult> {
    if (this.#blockedBy) throw this.blockedError();
    await this.redeliver();
    const clientId = this.#clientId;
    const now = this.#deps.clock.now();
    let state: SharedTokenState | undefined;
    try {
      if (this.#resetPending) {
        state = await store.reset(clientId, this.#refreshToken);
        this.#resetPending = false;
        this.#unpublished = false;
        this.#version = state.version;
      } else {
        if (!(await this.publishPending())) return this.storeDownPass(now);
        state = await store.read(clientId);
        if (!state) {
          // Empty store: a first start seeds it with the configured token; a store that lost its data (restart)
          // waits for the process that rotated last to publish (any other token might be a rotated-away one).
          if (this.#warm) {
            this.#deps.logger.warn('the OAuth token store lost its state; waiting for the process holding the newest refresh token to publish it', { clientId });
            return 'busy';
          }
          state = await store.seed(clientId, this.#refreshToken, this.#version);
        }
      }
    } catch {
      this.storeFailed();
      return this.storeDownPass(now);
    }
    this.storeAnswered();
    const decided = this.judge(state, now);
    if (decided) return decided;

    if (state.leaseHolder && state.leaseHolder !== this.#owner) {
      this.stats.leaseBusy++;
      return 'busy';
    }
    let leased: boolean;
    try {
      leased = await store.lease(clientId, this.#owner);
    } catch {
      this.storeFailed();
      return this.storeDownPass(now);
    }
    if (!leased) {
      this.stats.leaseBusy++;
      return 'busy';
    }
    return this.refreshUnderLease(store, clientId);
  }

  /** What the stored state settles by itself: a refusal or revocation (throws), or a fresh token to adopt. */
  private judge(state: SharedTokenState, now: number): PassResult | undefined {
    if (state.revoked) {
      this.block(new AuthenticationError('The refresh token was revoked (by another process of this client id); call setOAuth() with new settings', {
        code: 'RefreshTokenRevoked', operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
      }));
    }
    this.adoptRefresh(state);
    if (state.failure && state.failure.version === state.version) {
      this.block(new AuthenticationError(`Another process's refresh with the current refresh token was refused (${state.failure.code}); call setOAuth() with new settings`, {
        code: state.failure.code, errorNumber: state.failure.errorNumber, operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
      }));
    }
    const s = state.access;
    if (s && !this.#dead.includes(s.accessToken)) {
      const candidate = this.sharedAccessOf(s, now);
      const mine = this.#access;
      const newer = !mine || !this.usable(mine, now) || candidate.version >= mine.version;
      if (mine?.token !== candidate.token && newer && this.usable(candidate, now)) {
        this.stats.adopted++;
        this.setAccess(candidate);
      }
      if (now < candidate.refreshAt && this.usable(candidate, now)) return 'done';
    }
    return undefined;
  }

  private async refreshUnderLease(store: OAuthTokenStore, clientId: string): Promise<PassResult> {
    const owner = this.#owner;
    const release = async () => {
      try {
        await store.releaseLease(clientId, owner);
      } catch {
        this.storeFailed();
      }
    };
    let fresh: SharedTokenState | undefined;
    try {
      // Read again under the lease: the previous holder may have published between our read and our lease.
      fresh = await store.read(clientId);
    } catch {
      this.storeFailed();
      return 'busy';
    }
    const now = this.#deps.clock.now();
    if (!fresh) {
      await release();
      return 'busy';
    }
    let decided: PassResult | undefined;
    try {
      decided = this.judge(fresh, now);
    } catch (error) {
      await release();
      throw error;
    }
    if (decided) {
      await release();
      return decided;
    }
    const version = fresh.version + 1;
    try {
      await this.acquireWith(fresh.refreshToken, version, false, async () => {
        const a = this.#access!;
        const at = this.#deps.clock.now();
        try {
          const ok = await store.publish(clientId, {
            owner,
            version,
            refreshToken: this.#refreshToken,
            access: { accessToken: a.token, expiresAt: a.expiresAt, endpoint: a.endpoint, lifetimeInMs: a.lifetimeInMs, idleTimeoutInMs: a.idleTimeoutInMs },
            accessTtlInMs: Number.isFinite(a.expiresAt) ? a.expiresAt - at : 30 * 24 * 3_600_000,
          });
          if (!ok) this.#deps.logger.warn('the token store already holds a newer state than this refresh', { clientId, version });
        } catch {
          // Never lose the new refresh token: keep it, hand it to the hook, publish it when the store answers.
          this.#unpublished = true;
          this.storeFailed();
        }
      });
    } catch (error) {
      if (error instanceof AuthenticationError) {
        try {
          await store.fail(clientId, owner, { version: fresh.version, code: error.code, errorNumber: error.errorNumber });
        } catch {
          this.storeFailed();
        }
      } else await release();
      throw error;
    }
    return 'done';
  }

  /** The store failed: only a process holding an unpublished rotation may refresh alone (see the module comment). */
  private async storeDownPass(now: number): Promise<PassResult> {
    const a = this.#access;
    if (this.#unpublished && (!a || now >= a.refreshAt || !this.usable(a, now))) {
      await this.acquireWith(this.#refreshToken, this.#version + 1, false, async () => {
        this.#unpublished = true;
      });
      return 'done';
    }
    return 'busy';
  }
}

function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError('The call was aborted while waiting for an OAuth access token', { code: 'Aborted', requestSent: false, cause: signal.reason });
}

const MAX_TIMER_IN_MS = 2 ** 31 - 1;

/**
 * One caller's wait on a shared promise: its abort or deadline ends only its own wait (a refresh under way is never
 * cancelled: stopping it after the request left could lose a rotated refresh token).
 */
function waitFor<T>(promise: Promise<T>, signal?: AbortSignal, leaveAfterInMs?: number): Promise<T> {
  if (!signal && leaveAfterInMs === undefined) return promise;
  if (signal?.aborted) return Promise.reject(aborted(signal));
  if (leaveAfterInMs !== undefined && leaveAfterInMs <= 0) return Promise.reject(deadlinePassed());
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
    };
    const onAbort = () => {
      done();
      reject(aborted(signal!));
    };
    const timer = leaveAfterInMs !== undefined && leaveAfterInMs <= MAX_TIMER_IN_MS ? setTimeout(() => {
      done();
      reject(deadlinePassed());
    }, leaveAfterInMs) : undefined;
    timer?.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}

function deadlinePassed(): TransportError {
  return new TransportError('The call reached its deadline while waiting for an OAuth access token', { code: 'Timeout', requestSent: false, retryable: true });
}
