/**
 * Session handling: lazy single-flight login, one re-login when a session dies, explicit logout. The ticket
 * lives in a private field only; nothing here formats it into a message.
 *
 * Refresh uses a generation counter (as jsforce does): a call that failed with ticket generation N asks for a
 * refresh of N; if another call already refreshed past N, the newer ticket is reused instead of logging in again.
 */
import { createHash } from 'node:crypto';
import { AuthenticationError, SessionInvalidError } from './errors';
import type { Credentials, TicketSource } from './options';
import type { AuthenticateResult } from './types';

export interface SessionTicketState {
  ticket: string;
  generation: number;
}

/** Performs the PwsAuthenticate exchange (following RedirectUrl); supplied by the client. */
export type Authenticator = (credentials: Credentials, signal?: AbortSignal) => Promise<{ ticket: string; result: AuthenticateResult }>;

export class SessionManager {
  #ticket?: string;
  #credentials?: Credentials;
  #source?: TicketSource;
  #generation = 0;
  #pending?: Promise<SessionTicketState>;
  #blockedBy?: AuthenticationError;
  #lastAuth?: AuthenticateResult;
  #hashed?: { ticket: string; hash: string };

  constructor(
    private readonly authenticator: Authenticator,
    options: { credentials?: Credentials; sessionTicket?: TicketSource },
  ) {
    this.#credentials = options.credentials ? { ...options.credentials } : undefined;
    this.#source = options.sessionTicket;
    if (!this.#credentials && this.#source === undefined) {
      throw new AuthenticationError('ProjectorClient needs credentials or a sessionTicket', { code: 'Configuration', requestSent: false });
    }
  }

  /** Short, non-reversible id of the current ticket, for logs and rate-limit scopes. */
  get ticketHash(): string | undefined {
    if (this.#ticket === undefined) return undefined;
    // Asked for on every call (rate-limit scopes): hash each ticket once.
    if (this.#hashed?.ticket !== this.#ticket) this.#hashed = { ticket: this.#ticket, hash: createHash('sha256').update(this.#ticket).digest('hex').slice(0, 16) };
    return this.#hashed.hash;
  }

  get hasSession(): boolean {
    return this.#ticket !== undefined;
  }

  get lastAuthentication(): AuthenticateResult | undefined {
    return this.#lastAuth;
  }

  /** Whether a dead session can be replaced (credentials, or a ticket provider function). */
  get canRefresh(): boolean {
    return this.#credentials !== undefined || typeof this.#source === 'function';
  }

  /** The secrets that must be redacted from anything the SDK reports. */
  get secrets(): string[] {
    return [this.#credentials?.password, this.#ticket].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  /** New credentials lift the block a failed login put on further logins. */
  setCredentials(credentials: Credentials): void {
    this.#credentials = { ...credentials };
    this.#blockedBy = undefined;
    this.#ticket = undefined;
    this.#generation++;
  }

  async current(signal?: AbortSignal): Promise<SessionTicketState> {
    if (this.#ticket !== undefined) return { ticket: this.#ticket, generation: this.#generation };
    return this.login(signal);
  }

  /** Replaces the ticket of `failedGeneration`, unless someone already did. */
  async refresh(failedGeneration: number, signal?: AbortSignal): Promise<SessionTicketState> {
    if (this.#generation > failedGeneration && this.#ticket !== undefined) return { ticket: this.#ticket, generation: this.#generation };
    if (this.#generation === failedGeneration) this.forget();
    return this.login(signal);
  }

  /** Drops the ticket without telling the server (it is already dead, or was logged out). */
  forget(): void {
    if (this.#ticket !== undefined) {
      this.#ticket = undefined;
      this.#generation++;
    }
  }

  private login(signal?: AbortSignal): Promise<SessionTicketState> {
    if (this.#pending) return this.#pending;
    const run = async (): Promise<SessionTicketState> => {
      if (this.#blockedBy) {
        throw new AuthenticationError(
          'Logins are suspended after a credentials failure (repeated failures lock the Projector account); call setCredentials() with new credentials',
          { code: this.#blockedBy.code, errorNumber: this.#blockedBy.errorNumber, messages: this.#blockedBy.messages, operation: 'PwsAuthenticate', requestSent: false, cause: this.#blockedBy },
        );
      }
      let ticket: string;
      if (this.#credentials) {
        try {
          const { ticket: t, result } = await this.authenticator(this.#credentials, signal);
          ticket = t;
          this.#lastAuth = result;
        } catch (err) {
          if (err instanceof AuthenticationError) this.#blockedBy = err;
          throw err;
        }
      } else if (typeof this.#source === 'function') {
        ticket = await this.#source();
        if (typeof ticket !== 'string' || ticket.length === 0) {
          throw new SessionInvalidError('The sessionTicket provider returned no ticket', { code: 'InvalidSession', requestSent: false });
        }
      } else if (this.#source !== undefined && this.#generation === 0) {
        ticket = this.#source;
      } else {
        throw new SessionInvalidError('The session is no longer valid and a fixed sessionTicket cannot be renewed', { code: 'InvalidSession', requestSent: false });
      }
      this.#ticket = ticket;
      this.#generation++;
      return { ticket, generation: this.#generation };
    };
    this.#pending = run().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Marks a ticket from a failed call as dead, and a fixed ticket as unusable from now on. */
  markDead(generation: number): void {
    if (this.#generation === generation) this.forget();
  }
}
