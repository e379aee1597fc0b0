/**
 * ProjectorClient: the SDK's public face. Each method validates its input, then runs one operation through
 * the same pipeline: session (lazy login, one re-login) -> rate-limit gate, concurrency cap and pacing with
 * p-retry (retry.ts) -> node-soap over the hardened transport (soap/adapter.ts) -> result mapping.
 */
import { inspect } from 'node:util';
import { systemClock } from './clock';
import type { Clock } from './clock';
import {
  AbortedError, AuthenticationError, ProjectorError, ResponseFormatError, SessionInvalidError, isSessionInvalidError,
} from './errors';
import { normalizeLogger } from './logger';
import type { Logger } from './logger';
import { mapFailedResult, mapSoapFailure, RATE_LIMIT_ERROR_NUMBER } from './map-error';
import { redirectEndpoint, resolveEndpoint } from './options';
import type { CallOptions, Credentials, ProjectorClientOptions } from './options';
import { RateLimitController } from './rate-limit/controller';
import type { CallScopes } from './rate-limit/controller';
import { parseRateLimitMessage } from './rate-limit/parse-message';
import { executeWithRetry } from './retry';
import { SessionManager } from './session';
import { SoapAdapter } from './soap/adapter';
import type { SoapRequest } from './soap/adapter';
import { HttpTransport } from './soap/http-transport';
import * as norm from './soap/normalize';
import { OPERATIONS } from './soap/operations';
import type { OperationName } from './soap/operations';
import { buildRequest } from './soap/requests';
import type {
  AcquireLocksRequest, AcquireLocksResult, AuthenticateResult, CheckLocksRequest, CheckLocksResult, PwsResult,
  ReleaseLocksResult, RenewLocksResult, TestRateLimiterRequest, TestRateLimiterResult, UnauthenticateResult,
} from './types';

const MAX_REDIRECTS = 3;
let requestCounter = Math.floor(Math.random() * 1_000_000);
/** RequestId is an Int32 unique per call within the process, so logs and faults can be matched. */
const nextRequestId = (): number => (requestCounter = (requestCounter % 2_000_000_000) + 1);

export class ProjectorClient {
  readonly #session: SessionManager;
  readonly #transport: HttpTransport;
  readonly #controller: RateLimitController;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: ProjectorClientOptions;
  #endpoint: string;
  #adapter?: Promise<SoapAdapter>;
  #closed = false;

  constructor(options: ProjectorClientOptions) {
    if (!options || typeof options !== 'object') throw new TypeError('ProjectorClient needs an options object');
    this.#options = { ...options, credentials: undefined };
    this.#endpoint = resolveEndpoint(options.endpoint);
    this.#clock = options.clock ?? systemClock;
    this.#logger = normalizeLogger(options.logger, 'client');
    this.#transport = new HttpTransport({
      attemptTimeoutInMs: options.timeoutInMs ?? 30_000,
      connectTimeoutInMs: options.connectTimeoutInMs ?? 10_000,
      maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
      allowInsecureHttp: options.allowInsecureHttp ?? false,
      tls: options.ca ? { ca: options.ca } : undefined,
    });
    const rl = options.rateLimit;
    this.#controller = rl && 'controller' in rl ? rl.controller : new RateLimitController({ ...(rl ?? {}), clock: this.#clock, logger: this.#logger });
    this.#session = new SessionManager((credentials, signal) => this.login(credentials, signal), {
      credentials: options.credentials,
      sessionTicket: options.sessionTicket,
    });
  }

  /** The endpoint calls go to (changes when PwsAuthenticate answers with a RedirectUrl). */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** The rate-limit controller; pass `{ controller }` to other clients of the same installation to share it. */
  get rateLimitController(): RateLimitController {
    return this.#controller;
  }

  /** Logs in now (normally lazy) and returns the account and user it logged in as. */
  async authenticate(options: CallOptions = {}): Promise<AuthenticateResult | undefined> {
    this.assertOpen();
    await this.#session.current(options.abortSignal);
    return this.#session.lastAuthentication;
  }

  /** Replaces the credentials, e.g. after an AuthenticationError; the next call logs in with them. */
  setCredentials(credentials: Credentials): void {
    this.#session.setCredentials(credentials);
  }

  /** PwsAcquireProjectorLocks. A conflict throws LockConflictError whose `lockHolders` can be passed as `locksToSteal`. */
  async acquireLocks(request: AcquireLocksRequest, options: CallOptions = {}): Promise<AcquireLocksResult> {
    return this.invoke('PwsAcquireProjectorLocks', (id, t) => buildRequest.PwsAcquireProjectorLocks(id, t, request), (r, base) => ({
      ...base,
      lockSetId: norm.int(r.ProjectorLockSetId) ?? 0,
      locks: norm.locks(r.Locks),
    }), options);
  }

  /** PwsCheckProjectorLocks. */
  async checkLocks(request: CheckLocksRequest, options: CallOptions = {}): Promise<CheckLocksResult> {
    return this.invoke('PwsCheckProjectorLocks', (id, t) => buildRequest.PwsCheckProjectorLocks(id, t, request), (r, base) => ({
      ...base,
      locks: norm.locks(r.Locks),
    }), options);
  }

  /** PwsRenewProjectorLocks: extends the lock set to `durationInSeconds` from now (1..86400). */
  async renewLocks(lockSetId: number, durationInSeconds: number, options: CallOptions = {}): Promise<RenewLocksResult> {
    return this.invoke('PwsRenewProjectorLocks', (id, t) => buildRequest.PwsRenewProjectorLocks(id, t, lockSetId, durationInSeconds), (_r, base) => base, options);
  }

  /**
   * PwsReleaseProjectorLocks. 50476 LockAlreadyReleased is a success with `alreadyReleased: true`; a lock set that
   * someone stole comes back with `stolenBy`; an unknown lock set throws LockNotFoundError.
   */
  async releaseLocks(lockSetId: number, options: CallOptions = {}): Promise<ReleaseLocksResult> {
    return this.invoke('PwsReleaseProjectorLocks', (id, t) => buildRequest.PwsReleaseProjectorLocks(id, t, lockSetId), (r, base) => {
      const stolenLock = norm.stolenLock(r.StolenLock);
      const result: ReleaseLocksResult = {
        ...base,
        lockSetId,
        alreadyReleased: base.messages.some((m) => m.errorNumber === 50476),
      };
      if (stolenLock) {
        result.stolenLock = stolenLock;
        result.stolenBy = stolenLock.lockStolenByUser;
      }
      return result;
    }, options);
  }

  /** PwsTestRateLimiter: the live counters and thresholds; simulated hits test your own rate-limit handling. */
  async testRateLimiter(request: TestRateLimiterRequest = {}, options: CallOptions = {}): Promise<TestRateLimiterResult> {
    return this.invoke('PwsTestRateLimiter', (id, t) => buildRequest.PwsTestRateLimiter(id, t, request), (r, base) => {
      const snapshot = norm.snapshot(r.RateLimitSnapshot);
      if (snapshot?.enabledFlag) {
        this.#controller.learnLimits({
          installation: snapshot.installationRateLimit,
          user: snapshot.userRateLimit,
          session: snapshot.sessionRateLimit,
          windowInMs: snapshot.rollingWindowSeconds * 1000,
        });
      }
      return snapshot ? { ...base, snapshot } : base;
    }, options);
  }

  /**
   * PwsUnauthenticate. Idempotent: with no session, or a session the server already considers dead, it resolves
   * with `alreadyLoggedOut: true` (and, with no session, without calling the server). Never triggers a login.
   */
  async unauthenticate(options: CallOptions = {}): Promise<UnauthenticateResult> {
    if (!this.#session.hasSession && !this.hasFixedTicket()) {
      return { status: 'Ok', messages: [], warnings: [], responseId: 0, serverTimestampUtc: '', alreadyLoggedOut: true };
    }
    try {
      const result = await this.invoke('PwsUnauthenticate', (id, t) => buildRequest.PwsUnauthenticate(id, t), (_r, base) => base, options, { noRelogin: true });
      return { ...result, alreadyLoggedOut: false };
    } catch (err) {
      if (isSessionInvalidError(err)) {
        return { status: err.status ?? 'FailSessionInvalid', messages: err.messages, warnings: [], responseId: err.requestId ?? 0, serverTimestampUtc: '', alreadyLoggedOut: true };
      }
      throw err;
    } finally {
      this.#session.forget();
      this.#fixedTicketUsed = true;
    }
  }

  /** Acquires the locks, runs `fn` with the lock set, and always releases it, also when `fn` throws. */
  async withLocks<T>(request: AcquireLocksRequest, fn: (lockSet: AcquireLocksResult) => Promise<T> | T, options: CallOptions = {}): Promise<T> {
    const lockSet = await this.acquireLocks(request, options);
    let failed = false;
    try {
      return await fn(lockSet);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      try {
        // Not tied to the caller's abortSignal: an aborted job must still give its locks back.
        await this.releaseLocks(lockSet.lockSetId);
      } catch (releaseError) {
        this.#logger.warn('releasing the lock set failed', { lockSetId: lockSet.lockSetId, error: (releaseError as Error).message });
        if (!failed) throw releaseError;
      }
    }
  }

  /** Logs out (if logged in) and closes the connection pool. Further calls throw AbortedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#session.hasSession) await this.unauthenticate();
    } catch (err) {
      this.#logger.warn('logout during close failed', { error: (err as Error).message });
    } finally {
      this.#closed = true;
      this.#transport.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toJSON(): Record<string, unknown> {
    return { endpoint: this.#endpoint, loggedIn: this.#session.hasSession, closed: this.#closed };
  }

  [inspect.custom](): string {
    return `ProjectorClient ${inspect(this.toJSON())}`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  #fixedTicketUsed = false;

  private hasFixedTicket(): boolean {
    return typeof this.#options.sessionTicket === 'string' && !this.#fixedTicketUsed;
  }

  private assertOpen(): void {
    if (this.#closed) throw new AbortedError('The client is closed', { code: 'Aborted', requestSent: false });
  }

  private adapter(): Promise<SoapAdapter> {
    this.#adapter ??= SoapAdapter.create(this.#transport);
    return this.#adapter;
  }

  private scopes(): CallScopes {
    const installation = this.#options.credentials?.accountCode ?? this.#session.lastAuthentication?.accountIdentity?.accountCode ?? this.#options.accountCode ?? 'default';
    const user = this.#session.lastAuthentication?.userIdentity?.userUid ?? this.#session.lastAuthentication?.user?.emailAddress ?? 'ticket';
    return { installation, user: `${installation}/${user}`, session: this.#session.ticketHash };
  }

  /** One PwsAuthenticate exchange for the session manager, following RedirectUrl with a loop guard. */
  private async login(credentials: Credentials, signal?: AbortSignal): Promise<{ ticket: string; result: AuthenticateResult }> {
    const seen = new Set<string>();
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      seen.add(new URL(this.#endpoint).origin);
      const request = buildRequest.PwsAuthenticate(0, {
        ...credentials,
        cultureName: this.#options.cultureName,
        utcOffsetMinutes: this.#options.utcOffsetMinutes,
      });
      const { raw, base } = await this.send('PwsAuthenticate', request, [credentials.password], signal);
      const redirect = norm.str(raw.RedirectUrl);
      if (redirect) {
        const next = redirectEndpoint(this.#endpoint, redirect);
        if (seen.has(new URL(next).origin)) {
          throw new AuthenticationError('PwsAuthenticate redirected back to a server already tried (redirect loop)', { code: 'RedirectLoop', operation: 'PwsAuthenticate' });
        }
        this.#logger.info('following RedirectUrl', { to: new URL(next).origin });
        this.#endpoint = next;
        continue;
      }
      const ticket = norm.str(raw.SessionTicket);
      if (!ticket) throw new ResponseFormatError('PwsAuthenticate succeeded without a SessionTicket', { code: 'ResponseFormat', operation: 'PwsAuthenticate' });
      const result: AuthenticateResult = {
        ...base,
        account: norm.account(raw.Account),
        accountIdentity: norm.account(raw.AccountIdentity),
        user: norm.user(raw.User),
        userIdentity: norm.user(raw.UserIdentity),
        superUserFlag: norm.str(raw.SuperUserFlag) === 'true',
        documentServerUrl: norm.str(raw.DocumentServerUrl),
        endpoint: this.#endpoint,
      };
      return { ticket, result };
    }
    throw new AuthenticationError(`PwsAuthenticate redirected more than ${MAX_REDIRECTS} times`, { code: 'RedirectLoop', operation: 'PwsAuthenticate' });
  }

  /**
   * Runs one operation with session handling: on a dead session it logs in again once and repeats the call once.
   */
  private async invoke<T extends PwsResult>(
    operation: OperationName,
    build: (requestId: number, ticket: string) => Record<string, unknown>,
    parse: (raw: Record<string, unknown>, base: PwsResult) => T,
    options: CallOptions,
    flags: { noRelogin?: boolean } = {},
  ): Promise<T> {
    this.assertOpen();
    const requestId = nextRequestId();
    let request: Record<string, unknown>;
    try {
      // Built (and so validated) once, before any login or network traffic; only the ticket changes per attempt.
      request = build(requestId, '');
    } catch (err) {
      if (err instanceof ProjectorError) err.requestId = requestId;
      throw err;
    }
    for (let sessionAttempt = 0; ; sessionAttempt++) {
      const state = await this.#session.current(options.abortSignal);
      try {
        (request.serviceRequest as Record<string, unknown>).SessionTicket = state.ticket;
        const { raw, base } = await this.send(operation, request, this.#session.secrets, options.abortSignal, requestId);
        return parse(raw, base);
      } catch (err) {
        if (!(err instanceof SessionInvalidError) || err.requestSent === false) throw err;
        this.#session.markDead(state.generation);
        if (flags.noRelogin || sessionAttempt > 0 || !this.#session.canRefresh) throw err;
        this.#logger.info('session expired; logging in again', { operation });
        await this.#session.refresh(state.generation, options.abortSignal);
      }
    }
  }

  /** One operation through the retry pipeline; maps the outcome to a base result or an SDK error. */
  private async send(
    operation: OperationName,
    request: Record<string, unknown>,
    secrets: readonly string[],
    signal?: AbortSignal,
    requestId = nextRequestId(),
  ): Promise<{ raw: Record<string, unknown>; base: PwsResult }> {
    const serviceRequest = request.serviceRequest as Record<string, unknown>;
    if (operation === 'PwsAuthenticate') serviceRequest.RequestId = requestId;
    const ctx = { operation, requestId, secrets };
    const adapter = await this.adapter();
    const deadlineAt = this.#clock.now() + (this.#options.deadlineInMs ?? 120_000);
    return executeWithRetry(this.#controller, { operation, idempotent: OPERATIONS[operation].idempotent, scopes: () => this.scopes(), signal, deadlineAt }, async () => {
      let raw: Record<string, unknown>;
      try {
        raw = await adapter.call(operation, request as SoapRequest<typeof operation>, { endpoint: this.#endpoint, signal });
      } catch (err) {
        // A 10016's counts teach pacing the thresholds in retry.ts, which owns everything about rate limiting.
        throw mapSoapFailure(err, ctx);
      }
      const base = norm.baseResult(operation, raw);
      if (base.responseId !== requestId) {
        throw new ResponseFormatError(`${operation}: ResponseId ${base.responseId} does not match RequestId ${requestId}`, { code: 'ResponseFormat', operation, requestId });
      }
      if (base.status === 'Fail' || base.status === 'FailSessionInvalid') {
        throw mapFailedResult(base.status, base.messages, ctx);
      }
      const rateWarning = base.warnings.find((m) => m.errorNumber === RATE_LIMIT_ERROR_NUMBER);
      if (rateWarning) {
        const counts = parseRateLimitMessage(`${rateWarning.errorText ?? ''} ${rateWarning.additionalErrorText ?? ''}`);
        await this.#controller.onWarning(operation, counts, this.scopes());
      }
      this.#logger.debug('call answered', { operation, requestId, status: base.status, messages: base.messages.length });
      return { raw, base };
    }).catch((err: unknown) => {
      const e = err as ProjectorError;
      this.#logger.debug('call failed', { operation, requestId, code: e.code, errorNumber: e.errorNumber, attempts: e.attempts });
      throw err;
    });
  }
}
