/**
 * Accounts, credentials, lockout and session tickets. Tickets are 16 random bytes in Base64 (the vendor's
 * samples are 24-character Base64). Ended tickets are remembered (bounded) so that a ticket this instance issued
 * answers -101 InvalidSession while a ticket it never issued answers 10004 InvalidSessionTicket.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { SimAccount, SimUser } from './types';

export interface Session {
  readonly ticket: string;
  readonly ticketHash: string;
  readonly account: SimAccount;
  readonly user: SimUser;
  readonly createdAt: number;
  lastUsedAt: number;
  ended: boolean;
}

export type SessionLookup = { session: Session } | { error: 'unknown' | 'ended' };

const ENDED_TICKETS_REMEMBERED = 100_000;

export const hashTicket = (ticket: string): string => createHash('sha256').update(ticket).digest('hex').slice(0, 16);
const norm = (s: string) => s.trim().toLowerCase();

export class SessionStore {
  private readonly accounts = new Map<string, SimAccount>();
  private readonly sessions = new Map<string, Session>();
  private readonly ended = new Map<string, true>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly timeouts: { idleTimeoutInMs: number; maxLifetimeInMs: number },
    private readonly lockout: { maxFailures: number; lockoutInMs: number },
  ) {}

  /** Every ticket this instance issued that is still live (for tests that prove no ticket leaks anywhere). */
  liveTickets(): string[] {
    return [...this.sessions.keys()];
  }

  addAccount(account: SimAccount): void {
    this.accounts.set(norm(account.accountCode), account);
  }

  findAccount(accountCode: string): SimAccount | undefined {
    return this.accounts.get(norm(accountCode));
  }

  findUser(accountCode: string, userName: string): SimUser | undefined {
    return this.findAccount(accountCode)?.users.find((u) => norm(u.userName) === norm(userName));
  }

  /** A lockout answers exactly like a bad password (the vendor gives no notice), even for the right password. */
  authenticate(accountCode: string, userName: string, password: string): Session | undefined {
    const now = this.clock.now();
    const key = `${norm(accountCode)}|${norm(userName)}`;
    let record = this.failures.get(key);
    if (record && record.lockedUntil > now) return undefined;
    if (record && record.lockedUntil && record.lockedUntil <= now) {
      this.failures.delete(key);
      record = undefined;
    }
    const account = this.findAccount(accountCode);
    const user = this.findUser(accountCode, userName);
    if (!account || !user || user.password !== password) {
      const r = record ?? { count: 0, lockedUntil: 0 };
      r.count++;
      if (r.count >= this.lockout.maxFailures) r.lockedUntil = now + this.lockout.lockoutInMs;
      this.failures.set(key, r);
      return undefined;
    }
    this.failures.delete(key);
    const ticket = randomBytes(16).toString('base64');
    const session: Session = { ticket, ticketHash: hashTicket(ticket), account, user, createdAt: now, lastUsedAt: now, ended: false };
    this.sessions.set(ticket, session);
    return session;
  }

  /** Resolves a ticket and, when it is valid, counts this call as activity (idle timeout restarts). */
  resolve(ticket: string | undefined): SessionLookup {
    if (!ticket) return { error: 'unknown' };
    const session = this.sessions.get(ticket);
    if (!session) return { error: this.ended.has(ticket) ? 'ended' : 'unknown' };
    const now = this.clock.now();
    if (now - session.lastUsedAt > this.timeouts.idleTimeoutInMs || now - session.createdAt > this.timeouts.maxLifetimeInMs) {
      this.end(ticket);
      return { error: 'ended' };
    }
    session.lastUsedAt = now;
    return { session };
  }

  end(ticket: string): void {
    const session = this.sessions.get(ticket);
    if (!session) return;
    session.ended = true;
    this.sessions.delete(ticket);
    this.ended.set(ticket, true);
    if (this.ended.size > ENDED_TICKETS_REMEMBERED) this.ended.delete(this.ended.keys().next().value!);
  }

  endAll(): void {
    for (const ticket of [...this.sessions.keys()]) this.end(ticket);
  }
}
