/**
 * Session handling: lazy single-flight login, one re-login when a session dies, and knowing which sessions are ours
 * to log out. The ticket lives in a private field only; nothing here formats it into a message.
 *
 * One login serves every call that needs it, but each caller waits on its own terms: a caller's abortSignal, or its
 * deadline, ends only that caller's wait, at once; the login itself goes on while anyone still waits, and is cancelled
 * when nobody does.
 * Refresh uses a generation counter: a call that failed with ticket generation N asks for a refresh of N; if another
 * call already refreshed past N, the newer ticket is reused instead of logging in again.
 *
 * A login answers for the credentials it was started with: one that ends after setCredentials() is stale, so its
 * session is logged out and the login goes on as the new user. While the client closes, a login already under way is
 * left to finish (it may be on the wire) so that its session can be logged out too; no new login starts.
 */
import { createHash } from 'node:crypto';
import { AbortedError, AuthenticationError, ProjectorError, SessionInvalidError, TransportError } from './errors';
import type { Credentials, TicketSource } from './options';

export interface SessionTicketState {
  ticket: string;
  generation: number;
  /** Clock ms at which the ticket stops working, when its provider knows (an OAuth access token). */
  expiresAt?: number;
}

/** Performs the login exchange (PwsAuthenticate, following RedirectUrl); supplied by the client. */
export type Authenticator = (credentials: Credentials, signal: AbortSignal) => Promise<string>;

/** Logs out a session nobody will use (a stale login's); best effort, never throws. Supplied by the client. */
export type Discarder = (ticket: string) => Promise<void>;

/**
 * A ticket source that manages the tickets' lifetimes itself (the OAuth token source): asked before every attempt,
 * it answers with a ticket that is still usable, acquiring one (single flight) when there is none.
 */
export interface TicketProvider {
  current(signal?: AbortSignal, leaveAfterInMs?: number): Promise<{ ticket: string; created: boolean }>;
  /** The session of `ticket` is dead (or was logged out): never hand it out again. */
  invalidate(ticket: string | undefined): void;
  readonly canRefresh: boolean;
  readonly secrets: string[];
  /** When the ticket `current()` last handed out expires (clock ms), if known. */
  readonly expiresAt?: number;
}

const MAX_TIMER_IN_MS = 2 ** 31 - 1;

interface PendingLogin {
  promise: Promise<SessionTicketState>;
  controller: AbortController;
  waiters: number;
}

export class SessionManager {
  #ticket?: string;
  #credentials?: Credentials;
  #source?: TicketSource;
  #generation = 0;
  #pending?: PendingLogin;
  #blockedBy?: AuthenticationError;
  #created = false;
  #hashed?: { ticket: string; hash: string };
  #closing = false;
  readonly #provider?: TicketProvider;
  readonly #discard: Discarder;

  constructor(
    private readonly authenticator: Authenticator,
    options: { credentials?: Credentials; sessionTicket?: TicketSource; provider?: TicketProvider; discard?: Discarder },
  ) {
    this.#credentials = options.credentials ? { ...options.credentials } : undefined;
    this.#source = options.sessionTicket;
    this.#provider = options.provider;
    this.#discard = options.discard ?? (() => Promise.resolve());
  }

  /** Short, non-reversible id of the current ticket, for logs and rate-limit scopes. */
  get ticketHash(): string | undefined {
    if (this.#ticket === undefined) return undefined;
    if (this.#hashed?.ticket !== this.#ticket) this.#hashed = { ticket: this.#ticket, hash: createHash('sha256').update(this.#ticket).digest('hex').slice(0, 16) };
    return this.#hashed.hash;
  }

  get hasSession(): boolean {
    return this.#ticket !== undefined;
  }

  /** A live ticket, or a fixed one not yet used (unauthenticate can log either out). */
  get hasTicket(): boolean {
    return this.#ticket !== undefined || typeof this.#source === 'string';
  }

  /** True when the live session was created by this client's own login (so it is ours to log out). */
  get ownsSession(): boolean {
    return this.#ticket !== undefined && this.#created;
  }

  /** Whether a dead session can be replaced (credentials, or a ticket provider function). */
  get canRefresh(): boolean {
    return this.#credentials !== undefined || typeof this.#source === 'function' || (this.#provider?.canRefresh ?? false);
  }

  /** The user the calls run as, when known before any login (for rate-limit scopes). */
  get credentials(): Readonly<Pick<Credentials, 'accountCode' | 'userName'>> | undefined {
    return this.#credentials && { accountCode: this.#credentials.accountCode, userName: this.#credentials.userName };
  }

  /** The secrets that must be redacted from anything the SDK reports. */
  get secrets(): string[] {
    const fixed = typeof this.#source === 'string' ? this.#source : undefined;
    return [this.#credentials?.password, this.#ticket, fixed, ...(this.#provider?.secrets ?? [])].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  /**
   * The client is closing: callers still waiting for a login leave (their signals say so) without cancelling it, and
   * no new login starts. `settled()` then tells when the login under way has ended.
   */
  close(): void {
    this.#closing = true;
  }

  /** Resolves once the login under way (if any) has ended, whatever its outcome. */
  settled(): Promise<void> {
    return this.#pending ? this.#pending.promise.then(() => undefined, () => undefined) : Promise.resolve();
  }

  /**
   * New credentials lift the block a failed login put on further logins. A login under way for the old ones is not
   * cancelled (it may have reached the server): its session is logged out when it ends, and it logs in again with these.
   */
  setCredentials(credentials: Credentials): void {
    this.#credentials = { ...credentials };
    this.#blockedBy = undefined;
    this.#ticket = undefined;
    this.#generation++;
  }

  /**
   * The live ticket, logging in first when there is none. `leaveAfterInMs` is what is left of the caller's deadline:
   * a caller still waiting for a shared login then gives up on its own (a Timeout), the others keep waiting.
   */
  async current(signal?: AbortSignal, leaveAfterInMs?: number): Promise<SessionTicketState> {
    if (this.#provider) return this.fromProvider(this.#provider, signal, leaveAfterInMs);
    if (this.#ticket !== undefined) return { ticket: this.#ticket, generation: this.#generation };
    return this.login(signal, leaveAfterInMs);
  }

  /** Replaces the ticket of `failedGeneration`, unless someone already did. */
  async refresh(failedGeneration: number, signal?: AbortSignal, leaveAfterInMs?: number): Promise<SessionTicketState> {
    if (this.#provider) {
      // The provider never hands out a ticket marked dead, and one refresh serves every caller (single flight).
      this.markDead(failedGeneration);
      return this.fromProvider(this.#provider, signal, leaveAfterInMs);
    }
    if (this.#generation > failedGeneration && this.#ticket !== undefined) return { ticket: this.#ticket, generation: this.#generation };
    this.markDead(failedGeneration);
    return this.login(signal, leaveAfterInMs);
  }

  /** Drops the ticket without telling the server (it is already dead, or was logged out). */
  forget(): void {
    if (this.#ticket !== undefined) {
      this.#provider?.invalidate(this.#ticket);
      this.#ticket = undefined;
      this.#created = false;
      this.#generation++;
    }
    // A fixed ticket is used once: after a logout or its death it cannot be renewed.
    if (typeof this.#source === 'string') this.#source = undefined;
  }

  /** Marks the ticket of a failed call as dead (only if no newer one replaced it meanwhile). */
  markDead(generation: number): void {
    if (this.#generation === generation) this.forget();
  }

  /** The provider's ticket; a new one starts a new generation. */
  private async fromProvider(provider: TicketProvider, signal?: AbortSignal, leaveAfterInMs?: number): Promise<SessionTicketState> {
    if (signal?.aborted) throw aborted(signal);
    if (leaveAfterInMs !== undefined && leaveAfterInMs <= 0) throw deadlinePassed();
    const grant = await provider.current(signal, leaveAfterInMs);
    if (grant.ticket !== this.#ticket) {
      this.#ticket = grant.ticket;
      this.#created = grant.created;
      this.#generation++;
    }
    // Read at once: the provider's expiry is that of the token it just handed out.
    return { ticket: grant.ticket, generation: this.#generation, expiresAt: provider.expiresAt };
  }

  private login(signal?: AbortSignal, leaveAfterInMs?: number): Promise<SessionTicketState> {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    // Closing: no new session is made (taking up a fixed ticket makes none: close() may log that one out).
    if (this.#closing && (this.#credentials || typeof this.#source !== 'string')) return Promise.reject(closed());
    if (leaveAfterInMs !== undefined && leaveAfterInMs <= 0) return Promise.reject(deadlinePassed());
    this.#pending ??= this.startLogin();
    return this.waitFor(this.#pending, signal, leaveAfterInMs);
  }

  /**
   * One caller's wait on the shared login: its abort (or deadline) ends only its own wait; the last one out cancels
   * the login. The deadline is a plain timer: it must not be a sleeper on a test clock, which would move that clock.
   */
  private waitFor(pending: PendingLogin, signal?: AbortSignal, leaveAfterInMs?: number): Promise<SessionTicketState> {
    pending.waiters++;
    return new Promise<SessionTicketState>((resolve, reject) => {
      let left = false;
      const leave = (): boolean => {
        if (left) return false;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        if (timer !== undefined) clearTimeout(timer);
        pending.waiters--;
        return true;
      };
      const giveUp = (error: ProjectorError, reason: unknown) => {
        if (!leave()) return;
        // While closing, a login nobody waits for still ends normally, so that its session can be logged out.
        if (pending.waiters === 0 && !this.#closing) {
          // Nobody wants this login any more: cancel it, and let the next caller start a fresh one at once rather
          // than join a login that is already failing with someone else's abort.
          if (this.#pending === pending) this.#pending = undefined;
          pending.controller.abort(reason);
        }
        reject(error);
      };
      const onAbort = () => giveUp(aborted(signal!), signal!.reason);
      // (Past setTimeout's range, about 24.8 days, a deadline is as good as none.)
      const timed = leaveAfterInMs !== undefined && leaveAfterInMs <= MAX_TIMER_IN_MS;
      const timer = timed ? setTimeout(() => giveUp(deadlinePassed(), 'deadline'), leaveAfterInMs) : undefined;
      timer?.unref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.promise.then(
        (state) => {
          if (leave()) resolve(state);
        },
        (err: unknown) => {
          if (leave()) reject(err);
        },
      );
    });
  }

  private startLogin(): PendingLogin {
    const controller = new AbortController();
    const pending: PendingLogin = { controller, waiters: 0, promise: undefined as never };
    pending.promise = this.obtainTicket(controller.signal).then(
      (state) => {
        if (this.#pending === pending) this.#pending = undefined;
        return state;
      },
      (err: unknown) => {
        if (this.#pending === pending) this.#pending = undefined;
        throw err;
      },
    );
    // Nobody may be listening when the last waiter aborted; the rejection is theirs, not the process's.
    pending.promise.catch(() => undefined);
    return pending;
  }

  private async obtainTicket(signal: AbortSignal): Promise<SessionTicketState> {
    for (;;) {
      if (signal.aborted) throw aborted(signal);
      if (this.#blockedBy) {
        throw new AuthenticationError(
          'Logins are suspended after a credentials failure (repeated failures lock the Projector account); call setCredentials() with new credentials',
          { code: this.#blockedBy.code, errorNumber: this.#blockedBy.errorNumber, messages: this.#blockedBy.messages, operation: 'PwsAuthenticate', requestSent: false, cause: this.#blockedBy },
        );
      }
      const credentials = this.#credentials;
      if (!credentials) return this.adoptTicket();
      let ticket: string;
      try {
        ticket = await this.authenticator(credentials, signal);
      } catch (err) {
        if (credentials !== this.#credentials) {
          // The old user's failure says nothing about the new credentials (and must not block them).
          if (this.#closing) throw err;
          continue;
        }
        if (err instanceof AuthenticationError) this.#blockedBy = err;
        throw err;
      }
      if (credentials !== this.#credentials) {
        // Stale: calls after setCredentials() must not run as the old user, and nobody else has this session.
        await this.#discard(ticket);
        if (this.#closing) throw closed();
        continue;
      }
      return this.install(ticket, true);
    }
  }

  /** A ticket from the caller: its provider function, or the fixed one. */
  private async adoptTicket(): Promise<SessionTicketState> {
    let ticket: string;
    if (typeof this.#source === 'function') {
      ticket = await this.askProvider(this.#source);
    } else if (typeof this.#source === 'string') {
      ticket = this.#source;
    } else {
      throw new SessionInvalidError('The session is no longer valid and a fixed sessionTicket cannot be renewed', { code: 'InvalidSession', requestSent: false });
    }
    return this.install(ticket, false);
  }

  private install(ticket: string, created: boolean): SessionTicketState {
    this.#ticket = ticket;
    this.#created = created;
    this.#generation++;
    return { ticket, generation: this.#generation };
  }

  private async askProvider(provider: () => Promise<string>): Promise<string> {
    let ticket: unknown;
    try {
      ticket = await provider();
    } catch (err) {
      if (err instanceof ProjectorError) throw err;
      // Only the kind of failure goes into the message: the provider's own text may quote a token.
      const what = err instanceof Error ? err.name : typeof err;
      throw new SessionInvalidError(`The sessionTicket provider failed (${what})`, { code: 'TicketProviderFailed', requestSent: false, retryable: false, cause: err });
    }
    if (typeof ticket !== 'string' || ticket.length === 0) {
      throw new SessionInvalidError('The sessionTicket provider returned no ticket', { code: 'InvalidSession', requestSent: false });
    }
    return ticket;
  }
}

function deadlinePassed(): TransportError {
  return new TransportError('The call reached its deadline while waiting for the login', { code: 'Timeout', requestSent: false, retryable: true });
}

function closed(): AbortedError {
  return new AbortedError('The client is closed: no new login', { code: 'Aborted', requestSent: false });
}

function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError('The call was aborted while waiting for the login', { code: 'Aborted', requestSent: false, cause: signal.reason });
}
