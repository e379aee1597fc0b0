/**
 * Refreshing through a shared token store: one refresh at a time fleet-wide (a lease with a TTL); the others keep
 * using the current token while it is usable, or wait for the holder's result.
 *
 * When the store is down, a process never refreshes with a refresh token it learned from the store (another process
 * may have rotated it meanwhile: presenting it would make Projector revoke the whole token family). Only a process
 * that rotated a token while the store was down (the one whose refresh was under way when it failed) goes on alone,
 * keeps the newest token in memory, hands it to onRefreshToken and publishes it as soon as the store answers.
 * Everyone else uses their token until it is no longer usable and then waits for the store.
 *
 * A refusal is recorded in the store so no other process sends the same refused token again.
 */
import { randomBytes } from 'node:crypto';
import { AuthenticationError } from '../errors';
import type { OAuthTokenStore, SharedTokenState } from './store';
import type { TokenKeeper } from './token-keeper';
import { sharedAccessOf } from './token-timing';

export type PassResult = 'done' | 'busy';

export class SharedRefresh {
  /** This process holds a newer state than the store (it rotated while the store was down). */
  unpublished = false;
  storeDown = false;
  /** The store has answered at least once (a later empty store means it lost its data). */
  #warm = false;
  #resetPending = false;
  readonly #owner = randomBytes(8).toString('hex');

  constructor(private readonly store: OAuthTokenStore, private readonly keeper: TokenKeeper) {}

  /** New settings from an operator: their refresh token replaces the stored one as the next version. */
  reset(): void {
    this.#resetPending = true;
  }

  failed(): void {
    const k = this.keeper;
    k.stats.storeFailures++;
    if (!this.storeDown) {
      this.storeDown = true;
      k.deps.logger.warn(
        this.unpublished
          ? 'the OAuth token store does not answer; this process holds the newest refresh token and goes on alone until it answers'
          : 'the OAuth token store does not answer; using the current access token and waiting for the store before refreshing',
        { clientId: k.clientId },
      );
    }
  }

  private answered(): void {
    this.#warm = true;
    if (this.storeDown) {
      this.storeDown = false;
      this.keeper.deps.logger.info('the OAuth token store answers again', { clientId: this.keeper.clientId });
    }
  }

  /** Takes a newer refresh token (and version) from the store: it supersedes ours. */
  adoptRefresh(state: SharedTokenState): void {
    const k = this.keeper;
    if (state.version > k.version || (state.version === k.version && !this.unpublished)) {
      if (state.refreshToken && state.refreshToken !== k.refreshToken) {
        k.remember(k.refreshToken);
        k.refreshToken = state.refreshToken;
      }
      k.version = state.version;
      this.unpublished = false;
    }
  }

  /** Publishes what this process rotated while the store was down. False when the store did not answer. */
  async publishPending(): Promise<boolean> {
    if (!this.unpublished) return true;
    const k = this.keeper;
    const now = k.now;
    const a = k.access;
    const live = a && a.expiresAt > now && Number.isFinite(a.expiresAt) ? a : undefined;
    try {
      const ok = await this.store.publish(k.clientId, {
        version: k.version,
        refreshToken: k.refreshToken,
        access: live && { accessToken: live.token, expiresAt: live.expiresAt, endpoint: live.endpoint, lifetimeInMs: live.lifetimeInMs, idleTimeoutInMs: live.idleTimeoutInMs },
        accessTtlInMs: live ? live.expiresAt - now : 0,
      });
      this.unpublished = false;
      this.answered();
      k.deps.logger.info(ok ? 'published the refresh token rotated while the store was down' : 'the store already holds a newer token state', { clientId: k.clientId, version: k.version });
      return true;
    } catch {
      this.failed();
      return false;
    }
  }

  async pass(): Promise<PassResult> {
    const k = this.keeper;
    const store = this.store;
    const clientId = k.clientId;
    const now = k.now;
    let state: SharedTokenState | undefined;
    try {
      if (this.#resetPending) {
        state = await store.reset(clientId, k.refreshToken);
        this.#resetPending = false;
        this.unpublished = false;
        k.version = state.version;
      } else {
        if (!(await this.publishPending())) return this.storeDownPass(now);
        state = await store.read(clientId);
        if (!state) {
          // Empty store: a first start seeds it with the configured token; a store that lost its data (restart)
          // waits for the process that rotated last to publish (any other token might be a rotated-away one).
          if (this.#warm) {
            k.deps.logger.warn('the OAuth token store lost its state; waiting for the process holding the newest refresh token to publish it', { clientId });
            return 'busy';
          }
          state = await store.seed(clientId, k.refreshToken, k.version);
        }
      }
    } catch {
      this.failed();
      return this.storeDownPass(now);
    }
    this.answered();
    const decided = this.judge(state, now);
    if (decided) return decided;

    if (state.leaseHolder && state.leaseHolder !== this.#owner) {
      k.stats.leaseBusy++;
      return 'busy';
    }
    let leased: boolean;
    try {
      leased = await store.lease(clientId, this.#owner);
    } catch {
      this.failed();
      return this.storeDownPass(now);
    }
    if (!leased) {
      k.stats.leaseBusy++;
      return 'busy';
    }
    return this.refreshUnderLease(clientId);
  }

  /** What the stored state settles by itself: a refusal or revocation (throws), or a fresh token to adopt. */
  private judge(state: SharedTokenState, now: number): PassResult | undefined {
    const k = this.keeper;
    if (state.revoked) {
      k.block(new AuthenticationError('The refresh token was revoked (by another process of this client id); call setOAuth() with new settings', {
        code: 'RefreshTokenRevoked', operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
      }));
    }
    this.adoptRefresh(state);
    if (state.failure && state.failure.version === state.version) {
      k.block(new AuthenticationError(`Another process's refresh with the current refresh token was refused (${state.failure.code}); call setOAuth() with new settings`, {
        code: state.failure.code, errorNumber: state.failure.errorNumber, operation: 'PwsAcquireOauth2Token', requestSent: false, retryable: false,
      }));
    }
    const s = state.access;
    if (s && !k.isDead(s.accessToken)) {
      const candidate = sharedAccessOf(k.options, s, now);
      const mine = k.access;
      const newer = !mine || !k.usable(mine, now) || candidate.version >= mine.version;
      if (mine?.token !== candidate.token && newer && k.usable(candidate, now)) {
        k.stats.adopted++;
        k.setAccess(candidate);
      }
      if (now < candidate.refreshAt && k.usable(candidate, now)) return 'done';
    }
    return undefined;
  }

  private async refreshUnderLease(clientId: string): Promise<PassResult> {
    const k = this.keeper;
    const store = this.store;
    const owner = this.#owner;
    const release = async () => {
      try {
        await store.releaseLease(clientId, owner);
      } catch {
        this.failed();
      }
    };
    let fresh: SharedTokenState | undefined;
    try {
      // Read again under the lease: the previous holder may have published between our read and our lease.
      fresh = await store.read(clientId);
    } catch {
      this.failed();
      return 'busy';
    }
    const now = k.now;
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
      await k.acquireWith(fresh.refreshToken, version, false, async () => {
        const a = k.access!;
        const at = k.now;
        try {
          const ok = await store.publish(clientId, {
            owner,
            version,
            refreshToken: k.refreshToken,
            access: { accessToken: a.token, expiresAt: a.expiresAt, endpoint: a.endpoint, lifetimeInMs: a.lifetimeInMs, idleTimeoutInMs: a.idleTimeoutInMs },
            accessTtlInMs: Number.isFinite(a.expiresAt) ? a.expiresAt - at : 30 * 24 * 3_600_000,
          });
          if (!ok) k.deps.logger.warn('the token store already holds a newer state than this refresh', { clientId, version });
        } catch {
          // Never lose the new refresh token: keep it, hand it to the hook, publish it when the store answers.
          this.unpublished = true;
          this.failed();
        }
      });
    } catch (error) {
      if (error instanceof AuthenticationError) {
        try {
          await store.fail(clientId, owner, { version: fresh.version, code: error.code, errorNumber: error.errorNumber });
        } catch {
          this.failed();
        }
      } else await release();
      throw error;
    }
    return 'done';
  }

  /** The store failed: only a process holding an unpublished rotation may refresh alone (see the module comment). */
  private async storeDownPass(now: number): Promise<PassResult> {
    const k = this.keeper;
    const a = k.access;
    if (this.unpublished && (!a || now >= a.refreshAt || !k.usable(a, now))) {
      await k.acquireWith(k.refreshToken, k.version + 1, false, async () => {
        this.unpublished = true;
      });
      return 'done';
    }
    return 'busy';
  }
}
