/**
 * ProjectorClient: the SDK's public face. `call(operation, request)` runs any operation of the WSDL, typed from the
 * generated model, through the one pipeline (src/pipeline.ts: validate, session, gate, send, map, retry). The seven
 * named methods are conveniences over `call` in camelCase (src/results.ts maps the shapes).
 */
import { setMaxListeners } from 'node:events';
import { inspect } from 'node:util';
import { systemClock } from './clock';
import type { Clock } from './clock';
import { AbortedError, ConfigurationError, InvalidInputError, ProjectorError, isSessionInvalidError } from './errors';
import { normalizeLogger } from './logger';
import type { AreaLogger } from './logger';
import { OAUTH_CALLER, type OAuthCaller } from './oauth/acquire';
import { checkOAuthOptions, type OAuthOptions } from './oauth/options';
import { OAuthTokenSource, type OAuthStats } from './oauth/token-source';
import { checkClientOptions, checkCredentials } from './options';
import type { CallOptions, Credentials, ProjectorClientOptions } from './options';
import { execute, type PipelineOptions, type PipelineParts } from './pipeline';
import { policyOf } from './policy';
import { RateLimitController } from './rate-limit/controller';
import type { CallScopes } from './rate-limit/controller';
import * as results from './results';
import { logIn } from './login';
import { SessionManager } from './session';
import { Telemetry } from './telemetry';
import { SoapAdapter } from './soap/adapter';
import { HttpTransport, isLoopback } from './soap/http-transport';
import { withLocks, type WithLocksContext, type WithLocksOptions } from './with-locks';
import { isOperationName, SERVICE, type OperationName } from './soap/operations';
import type {
  AcquireLocksRequest, AcquireLocksResult, AuthenticateResult, CheckLocksRequest, CheckLocksResult, ReleaseLocksResult, RenewLocksResult,
  RequestOf, ResultOf, TestRateLimiterRequest, TestRateLimiterResult, UnauthenticateResult,
} from './types';


export class ProjectorClient {
  readonly #session: SessionManager;
  readonly #transport: HttpTransport;
  readonly #controller: RateLimitController;
  readonly #clock: Clock;
  readonly #logger: AreaLogger;
  readonly #options: ProjectorClientOptions;
  readonly #parts: PipelineParts;
  readonly #telemetry: Telemetry;
  readonly #oauth?: OAuthTokenSource;
  #endpoint: string;
  #adapter?: Promise<SoapAdapter>;
  #lastAuth?: AuthenticateResult;
  #closing?: Promise<void>;
  /** Aborted by close(): ends every call's waits at once (never an exchange already on the wire). */
  // Every call in flight listens to it (close() ends them all): any number of listeners is expected, not a leak.
  readonly #stop = stopController();
  readonly #onWire = new Set<Promise<unknown>>();

  /** @throws {ConfigurationError} for every configuration problem (bad endpoint, no way to log in, bad option). */
  constructor(options: ProjectorClientOptions) {
    this.#endpoint = checkClientOptions(options, isLoopback, isOperationName);
    this.#options = { ...options, credentials: undefined, sessionTicket: undefined, oauth: undefined };
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
    this.#controller = rl && 'controller' in rl ? rl.controller : new RateLimitController({ ...(rl ?? {}), clock: this.#clock, logger: this.#logger.for('rate-limit') });
    if (options.oauth) {
      this.#oauth = new OAuthTokenSource(options.oauth, {
        caller: this[OAUTH_CALLER](),
        clock: this.#clock,
        logger: this.#logger.for('oauth'),
        deadlineInMs: options.deadlineInMs ?? 120_000,
      });
    }
    this.#session = new SessionManager((credentials, signal) => this.login(credentials, signal), {
      credentials: options.credentials,
      sessionTicket: options.sessionTicket,
      provider: this.#oauth,
      discard: (ticket) => this.logOutStale(ticket),
    });
    const overrides = options.operations as Record<string, { idempotent?: boolean; weight?: number }> | undefined;
    this.#telemetry = Telemetry.create(options.openTelemetry, SERVICE.name);
    this.#parts = {
      clock: this.#clock,
      logger: this.#logger,
      controller: this.#controller,
      session: this.#session,
      adapter: () => (this.#adapter ??= Promise.resolve(new SoapAdapter(this.#transport))),
      endpoint: () => this.#endpoint,
      scopes: () => this.scopes(),
      policy: (operation) => policyOf(operation, overrides),
      deadlineInMs: options.deadlineInMs ?? 120_000,
      timeoutInMs: options.timeoutInMs ?? 30_000,
      connectTimeoutInMs: options.connectTimeoutInMs ?? 10_000,
      onWire: (exchange) => {
        this.#onWire.add(exchange);
        const done = () => void this.#onWire.delete(exchange);
        exchange.then(done, done);
      },
      throwOnTruncation: options.throwOnTruncation ?? false,
    };
  }

  /**
   * The endpoint calls go to (changes when PwsAuthenticate or PwsAcquireOauth2Token answers with a RedirectUrl, and
   * to an OAuth token's SoapServiceAuthority).
   */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** The rate-limit controller; pass `{ controller }` to other clients of the same installation to share it. */
  get rateLimitController(): RateLimitController {
    return this.#controller;
  }

  /**
   * Runs any operation of the WSDL: `await client.call('PwsGetUser', { ... })`. Member names and value kinds are the
   * WSDL's (see RequestOf / ResultOf); RequestId and SessionTicket are filled in. Sessions, the rate-limit gate,
   * retries and error mapping are the same as for every other method.
   * @throws {InvalidInputError} bad input (nothing was sent); any other ProjectorError subclass as the error table says.
   */
  async call<Op extends OperationName>(operation: Op, request: RequestOf<Op>, options: CallOptions = {}): Promise<ResultOf<Op>> {
    // The codec typed every value by the same model the generated types come from.
    return (await this.run(operation, request, options)) as unknown as ResultOf<Op>;
  }

  /**
   * Logs in now (normally lazy) and returns the account and user it logged in as; undefined with a sessionTicket.
   * @throws {AuthenticationError} bad credentials or a blocked login (sent once, never retried).
   * @throws {AbortedError} the abortSignal fired (only this caller's wait ends; a shared login goes on).
   */
  async authenticate(options: CallOptions = {}): Promise<AuthenticateResult | undefined> {
    this.assertOpen();
    try {
      await this.#session.current(anySignal(options.abortSignal, this.#stop.signal), options.deadlineInMs);
    } catch (err) {
      throw asProjectorError(err, 'PwsAuthenticate');
    }
    return this.#lastAuth;
  }

  /**
   * Replaces the credentials, e.g. after an AuthenticationError; the next call logs in with them.
   * @throws {ConfigurationError} when they lack an account code, a user name or a password.
   */
  setCredentials(credentials: Credentials): void {
    checkCredentials(credentials);
    this.#session.setCredentials(credentials);
  }

  /**
   * New OAuth settings (e.g. after an AuthenticationError for a refused secret or refresh token); lifts the block on
   * acquisitions, and the next call acquires an access token with them. With a shared store, their refresh token
   * replaces the stored one for every process.
   * @throws {ConfigurationError} when the client was not built with `oauth`, or the settings are incomplete.
   */
  setOAuth(settings: Pick<OAuthOptions, 'clientId' | 'clientSecret' | 'refreshToken'> & Partial<OAuthOptions>): void {
    if (!this.#oauth) throw new ConfigurationError('setOAuth: this client was built without oauth', { code: 'Configuration', requestSent: false });
    checkOAuthOptions(settings);
    this.#oauth.setOAuth(settings);
  }

  /**
   * Ends the OAuth grant: logs out the session this client created (best effort), then PwsRevokeOauth2RefreshToken
   * for the newest refresh token. Afterwards calls fail with AuthenticationError `RefreshTokenRevoked` until
   * setOAuth(). close() never does this by itself.
   */
  async revokeRefreshToken(options: CallOptions = {}): Promise<void> {
    if (!this.#oauth) throw new ConfigurationError('revokeRefreshToken: this client was built without oauth', { code: 'Configuration', requestSent: false });
    this.assertOpen();
    if (this.#session.ownsSession) {
      try {
        await this.unauthenticate(options);
      } catch (err) {
        this.#logger.warn('logout before revoking the refresh token failed', { code: (err as ProjectorError).code });
      }
    }
    await this.#oauth.revoke(options.abortSignal);
  }

  /** Counters of the OAuth token source (acquisitions, rotations, waits...); undefined without oauth. Never throws. */
  get oauthStats(): OAuthStats | undefined {
    return this.#oauth && { ...this.#oauth.stats };
  }

  /**
   * PwsAcquireProjectorLocks. A conflict throws LockConflictError whose `lockHolders` can be passed as `locksToSteal`.
   * @throws {LockConflictError} the entities are locked by someone else.
   * @throws {OutcomeUnknownError} the request went out but no readable answer came back (acquire is never re-sent).
   * @throws {InvalidInputError} bad input (1..100 locks, 1..86400 s, a valid lock type); nothing was sent.
   */
  async acquireLocks(request: AcquireLocksRequest, options: CallOptions = {}): Promise<AcquireLocksResult> {
    return results.acquireResult(await this.run('PwsAcquireProjectorLocks', results.acquireRequest(request), options));
  }

  /**
   * PwsCheckProjectorLocks: the state of locks or of a lock set (locks or lockSetId required).
   * @throws {InvalidInputError} neither locks nor a lockSetId, or bad input; nothing was sent.
   */
  async checkLocks(request: CheckLocksRequest, options: CallOptions = {}): Promise<CheckLocksResult> {
    if (!request || (request.locks === undefined && request.lockSetId === undefined)) {
      throw new InvalidInputError('PwsCheckProjectorLocks: request needs locks or a lockSetId', { code: 'InvalidInput', operation: 'PwsCheckProjectorLocks', requestSent: false });
    }
    return results.checkResult(await this.run('PwsCheckProjectorLocks', results.checkRequest(request), options));
  }

  /**
   * PwsRenewProjectorLocks: extends the lock set to `durationInSeconds` from now (1..86400).
   * @throws {LockNotFoundError} the lock set is unknown or expired.
   * @throws {OutcomeUnknownError} the request went out but no readable answer came back (renew is never re-sent).
   */
  async renewLocks(lockSetId: number, durationInSeconds: number, options: CallOptions = {}): Promise<RenewLocksResult> {
    return results.baseOf(await this.run('PwsRenewProjectorLocks', { LockDurationSeconds: durationInSeconds, ProjectorLockSetId: lockSetId }, options));
  }

  /**
   * PwsReleaseProjectorLocks. 50476 LockAlreadyReleased is a success with `alreadyReleased: true`; a lock set that
   * someone stole comes back with `stolenBy`; an unknown lock set throws LockNotFoundError.
   * @throws {LockNotFoundError} the lock set id is unknown to the server.
   */
  async releaseLocks(lockSetId: number, options: CallOptions = {}): Promise<ReleaseLocksResult> {
    return results.releaseResult(await this.run('PwsReleaseProjectorLocks', { ProjectorLockSetId: lockSetId }, options), lockSetId);
  }

  /**
   * PwsTestRateLimiter: the live counters and thresholds (pacing learns them); simulated hits test your own handling.
   * @throws {RateLimitError} still rate limited when the SDK gave up (after the vendor's 60 s episode by default).
   */
  async testRateLimiter(request: TestRateLimiterRequest = {}, options: CallOptions = {}): Promise<TestRateLimiterResult> {
    const result = results.testRateLimiterResult(await this.run('PwsTestRateLimiter', results.testRateLimiterRequest(request), options));
    const s = result.snapshot;
    if (s?.enabledFlag) {
      this.#controller.learnLimits({ installation: s.installationRateLimit, user: s.userRateLimit, session: s.sessionRateLimit, windowInMs: s.rollingWindowSeconds * 1000 });
    }
    return result;
  }

  /**
   * PwsUnauthenticate. Idempotent: with no session, or one the server already considers dead, it resolves with
   * `alreadyLoggedOut: true` (and, with no session, without calling the server). Never logs in to log out.
   * @throws {TransportError} the server could not be reached (logout is retried as an idempotent operation first).
   */
  async unauthenticate(options: CallOptions = {}): Promise<UnauthenticateResult> {
    return this.endSession(() => this.run('PwsUnauthenticate', {}, options, { noRelogin: true }));
  }

  private async endSession(logout: () => Promise<Record<string, unknown>>): Promise<UnauthenticateResult> {
    if (!this.#session.hasTicket) {
      return { status: 'Ok', messages: [], warnings: [], responseId: 0, serverTimestampUtc: '', alreadyLoggedOut: true };
    }
    try {
      const result = await logout();
      return { ...results.baseOf(result), alreadyLoggedOut: false };
    } catch (err) {
      if (isSessionInvalidError(err)) {
        return { status: err.status ?? 'FailSessionInvalid', messages: err.messages, warnings: [], responseId: err.requestId ?? 0, serverTimestampUtc: '', alreadyLoggedOut: true };
      }
      throw err;
    } finally {
      this.#session.forget();
    }
  }

  /**
   * Acquires the locks, runs `fn` with the lock set, and always releases it, also when `fn` throws. With
   * `keepAlive: true` the set is renewed every half of its duration while `fn` runs; the first failed renewal stops
   * that and aborts `fn`'s `signal` (its reason is the renewal's error).
   * @throws {LockStolenError} when the release shows that someone took the set while `fn` ran (`stolenBy`, and
   *   `fn`'s value as `result`): work done after the theft did not hold the lock.
   * @throws {LockLapsedError} (a LockStolenError) when the release shows the set had lapsed while `fn` ran (50476):
   *   its duration ran out, so the work did not hold the lock either (`result`; `cause`: a failed renewal).
   */
  async withLocks<T>(
    request: AcquireLocksRequest,
    fn: (lockSet: AcquireLocksResult, context: WithLocksContext) => Promise<T> | T,
    options: WithLocksOptions = {},
  ): Promise<T> {
    const calls = {
      clock: this.#clock,
      logger: this.#logger,
      acquire: (r: AcquireLocksRequest, o: CallOptions) => this.acquireLocks(r, o),
      renew: (id: number, seconds: number, o: CallOptions) => this.renewLocks(id, seconds, o),
      release: (id: number) => this.releaseLocks(id),
    };
    return withLocks(calls, request, fn, options);
  }

  /**
   * Ends the client; every later call throws AbortedError. Calls not yet sent (waiting for a login, a pause, a slot,
   * pacing or a retry) end at once with AbortedError. Exchanges already on the wire, and a login under way, may finish
   * within `closeTimeoutInMs` (their answers reach their callers); then the session the client created itself (or any,
   * with `logoutOnClose`) is logged out within another `closeTimeoutInMs`, and the connections are closed: what is
   * still on the wire then fails (a write as OutcomeUnknownError). Idempotent: every call shares one promise. Never throws.
   */
  close(): Promise<void> {
    return (this.#closing ??= this.shutDown());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toJSON(): Record<string, unknown> {
    return { endpoint: this.#endpoint, loggedIn: this.#session.hasSession, closed: this.#closing !== undefined, ...(this.#oauth ? { oauth: this.#oauth.toJSON() } : {}) };
  }

  /** @internal What the SDK's OAuth code needs of this client: its pipeline and its (movable) endpoint. */
  [OAUTH_CALLER](): OAuthCaller {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the caller is a view on this client
    const client = this;
    return {
      call: (operation, request, options) => client.call(operation, request, options),
      get endpoint() {
        return client.#endpoint;
      },
      moveTo: (endpoint) => {
        client.#endpoint = endpoint;
      },
      allowInsecureHttp: this.#options.allowInsecureHttp ?? false,
    };
  }

  [inspect.custom](): string {
    return `ProjectorClient ${inspect(this.toJSON())}`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private run(operation: OperationName, request: unknown, options: CallOptions, extra: Pick<PipelineOptions, 'noRelogin'> = {}): Promise<Record<string, unknown>> {
    this.assertOpen();
    if (typeof operation !== 'string' || !isOperationName(operation)) {
      throw new InvalidInputError(`${String(operation)} is not an operation of the WSDL`, { code: 'InvalidInput', requestSent: false });
    }
    return this.send(operation, request, { ...options, ...extra, stopSignal: this.#stop.signal });
  }

  /** The pipeline, traced; close() uses it directly (no stop signal: its own logout must go out). */
  private send(operation: OperationName, request: unknown, options: PipelineOptions): Promise<Record<string, unknown>> {
    return this.#telemetry.trace(operation, this.#endpoint, () => execute(this.#parts, operation, request, options));
  }

  private async shutDown(): Promise<void> {
    const budgetInMs = this.#options.closeTimeoutInMs ?? 5_000;
    // First, so that the callers who leave a login do not cancel it: a session it opens is logged out below.
    this.#session.close();
    this.#stop.abort(new AbortedError('The client was closed', { code: 'Aborted', requestSent: false }));
    try {
      // A refresh under way finishes (its rotated token reaches onRefreshToken), and a failed hook gets its token again.
      await Promise.all([this.#oauth?.close(), within(budgetInMs, [...this.#onWire, this.#session.settled()])]);
      if (this.#session.ownsSession || (this.#options.logoutOnClose && this.#session.hasTicket)) {
        // Not unauthenticate(): the client is closed to calls, and its stop signal has fired.
        await this.endSession(() => this.send('PwsUnauthenticate', {}, { deadlineInMs: budgetInMs, timeoutInMs: budgetInMs, noRelogin: true }));
      }
    } catch (err) {
      this.#logger.warn('logout during close failed', { code: (err as ProjectorError).code });
    } finally {
      this.#transport.close();
    }
  }

  /** A login that ended after setCredentials(): its session is the old user's, and nobody will use it. */
  private async logOutStale(ticket: string): Promise<void> {
    const budgetInMs = this.#options.closeTimeoutInMs ?? 5_000;
    try {
      await this.send('PwsUnauthenticate', {}, { ticket, noRelogin: true, deadlineInMs: budgetInMs, timeoutInMs: budgetInMs });
    } catch (err) {
      this.#logger.warn('logging out a login made with replaced credentials failed', { code: (err as ProjectorError).code });
    }
  }

  private assertOpen(): void {
    if (this.#closing) throw new AbortedError('The client is closed', { code: 'Aborted', requestSent: false });
  }

  /** Logins and calls count against the same installation and user: known from the credentials before any login. */
  private scopes(): CallScopes {
    const who = this.#session.credentials;
    const installation = who?.accountCode ?? this.#options.accountCode ?? 'default';
    const user = who ? who.userName.toLowerCase() : this.#oauth ? `oauth:${this.#oauth.clientId.toLowerCase()}` : 'ticket';
    return { installation, user: `${installation}/${user}`, session: this.#session.ticketHash };
  }

  /** One login for the session manager (src/login.ts: RedirectUrl with a loop guard), through the pipeline. */
  private async login(credentials: Credentials, signal: AbortSignal): Promise<string> {
    const { ticket, result } = await logIn({
      endpoint: () => this.#endpoint,
      moveTo: (endpoint) => (this.#endpoint = endpoint),
      allowInsecureHttp: this.#options.allowInsecureHttp ?? false,
      cultureName: this.#options.cultureName,
      utcOffsetMinutes: this.#options.utcOffsetMinutes,
      send: (request) => this.send('PwsAuthenticate', request, { abortSignal: signal, stopSignal: this.#stop.signal }),
      logger: this.#logger.for('session'),
    }, credentials);
    this.#lastAuth = results.authenticateResult(result, this.#endpoint);
    return ticket;
  }
}

function stopController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}

/** Waits for `work` to settle, at most `ms` of real time (the network's time, not the injected clock's). */
async function within(ms: number, work: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
  await Promise.race([Promise.allSettled(work), timeout]);
  clearTimeout(timer);
}

/** Anything a login path throws reaches the caller as a ProjectorError (the value itself stays in `cause`). */
function asProjectorError(err: unknown, operation: OperationName): ProjectorError {
  if (err instanceof ProjectorError) return err;
  const what = err instanceof Error ? `an unexpected ${err.name}` : `a non-Error value (${err === null ? 'null' : typeof err})`;
  return new ProjectorError(`${operation} failed with ${what}`, { code: 'Unexpected', operation, requestSent: false, retryable: false, cause: err });
}
