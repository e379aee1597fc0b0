/**
 * The simulator's public option and control types. Other teams code against these names (see the contract in
 * index.ts); keep them stable.
 */
import type { Clock } from '../clock';
import type { OperationName } from '../soap/operations';
import type { Operations } from '../types';

export type { OperationName };

/**
 * What a `sim.handle` handler receives: the request exactly as `client.call` takes it (member names and value kinds
 * of the WSDL, decoded by the same schema model), without RequestId and SessionTicket.
 */
export type SimRequest<Op extends OperationName> = Omit<Operations[Op]['received'], 'RequestId' | 'SessionTicket'>;

/**
 * What a handler returns: the operation's result in call shape, every member optional. Base members default to
 * Status `Ok` (`OkWithWarnings` when a message is a Warning), Messages `[]`, ResponseId the request's,
 * ServerTimestampUtc now.
 */
export type SimReply<Op extends OperationName> = Partial<Operations[Op]['reply']>;

export interface SimHandlerContext {
  operation: OperationName;
  /** The request's RequestId (echoed as ResponseId unless the reply sets one). */
  requestId: number;
  /** Who called: from the session, or from the request of a sessionless operation ('' when it names none). */
  accountCode: string;
  userName: string;
}

/** Scripts one operation; may be async, and may throw SimulatedFault to answer a PwsFault. */
export type SimHandler<Op extends OperationName> = (request: SimRequest<Op>, context: SimHandlerContext) => SimReply<Op> | Promise<SimReply<Op>>;

export interface SimUser {
  userName: string;
  password: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  middleName?: string;
  /** Int64 as a decimal string. */
  userUid?: string;
  referenceSystemId?: string;
  superUser?: boolean;
}

export interface SimAccount {
  accountCode: string;
  name?: string;
  /** Int64 as a decimal string. */
  accountUid?: string;
  users: SimUser[];
}

/** A lockable entity. It is found by uid or by code (both, when given, must name the same entity). */
export interface SimEntity {
  entityCode: string;
  /** Int64 as a decimal string. */
  entityUid: string;
  /** Base64 optimistic-locking stamp returned as EntityTimestamp. */
  entityTimestamp?: string;
  /** False for entities locked by Projector's internal processes: their locks cannot be stolen. */
  allowSteal?: boolean;
}

export interface RateLimitSettings {
  mode: 'Error' | 'Warning' | 'Disabled';
  windowInMs: number;
  installationLimit: number;
  userLimit: number;
  sessionLimit: number;
  weights: Partial<Record<OperationName, number>>;
  defaultWeight: number;
}

export interface SimulatorOptions {
  /** Default 0 (ephemeral); the host is always 127.0.0.1. */
  port?: number;
  clock?: Clock;
  accounts?: SimAccount[];
  rateLimit?: Partial<RateLimitSettings>;
  /** Default 4: a user's 5th concurrent request is refused. */
  maxActiveRequestsPerUser?: number;
  session?: { idleTimeoutInMs?: number; maxLifetimeInMs?: number };
  lockout?: { maxFailures?: number; lockoutInMs?: number };
  /** Adds informational message 136 NonProductionEnvironment to every response; default false. */
  nonProductionMessage?: boolean;
  /** accountCode -> base URL (scheme + host) of the instance that hosts it. */
  redirect?: Record<string, string>;
  entities?: SimEntity[];
  /** Largest accepted request body; default 1 MB. */
  maxBodyBytes?: number;
}

export type Outcome = 'ok' | 'warning' | 'fault' | 'fail' | 'rate-limited' | 'throttled' | 'rejected' | 'injected-fault';

export interface RequestLogEntry {
  seq: number;
  operation: OperationName | 'unknown';
  requestId?: number;
  accountCode?: string;
  userName?: string;
  /** First 16 hex digits of the ticket's sha256: enough to correlate, never the ticket itself. */
  ticketHash?: string;
  /** Simulator clock, ms. */
  receivedAt: number;
  finishedAt?: number;
  outcome: Outcome;
  errorNumber?: number;
  httpStatus?: number;
  /** Concurrent requests of that user when this one arrived (itself not included). */
  activeForUser?: number;
}

export type FaultSpec =
  | { kind: 'reset-before-body' }
  | { kind: 'reset-after-body' }
  | { kind: 'http-status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'truncated-xml' }
  | { kind: 'empty-200' }
  | { kind: 'wrong-content-type' }
  | { kind: 'oversized-body'; bytes: number }
  | { kind: 'drip-feed'; chunkIntervalInMs: number }
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: string }
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body: string };

export interface CounterSnapshot {
  installation: number;
  user: number;
  session: number;
}

export interface Simulator {
  /** http://127.0.0.1:<port>/OpsProjectorWcfSvc/PwsProjectorServices.svc */
  readonly url: string;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly clock: Clock;
  /** Every request, in arrival order. */
  readonly log: readonly RequestLogEntry[];
  clearLog(): void;
  /** Stops listening and destroys every socket, keep-alive ones included. */
  close(): Promise<void>;
  /** Applies to the next `count` POSTs (default 1). */
  injectFaults(fault: FaultSpec, count?: number): void;
  /** Extra processing time, slept on the simulator's clock. */
  setLatency(operation: OperationName | '*', latencyInMs: number): void;
  setRateLimit(update: SimulatorOptions['rateLimit']): void;
  addAccount(account: SimAccount): void;
  invalidateSession(ticket: string): void;
  invalidateAllSessions(): void;
  snapshotCounters(accountCode: string, userName?: string, ticket?: string): CounterSnapshot;
  /** Replaces the accountCode -> base URL map of accounts hosted on other instances. */
  setRedirect(redirect: Record<string, string>): void;
  /** The live tickets this instance issued: a test can then prove none of them leaks anywhere. */
  issuedTickets(): string[];
  /**
   * Scripts `operation` (any operation of the WSDL): after the session check, the throttle and the rate limiter,
   * `handler` gets the request in call shape and its reply is written by the schema, as the vendor would. It
   * replaces a built-in behaviour; `undefined` removes it again. Without a handler, an operation the simulator has
   * no behaviour for answers Status Ok with the base members only. Throws for a name that is not an operation.
   */
  handle<Op extends OperationName>(operation: Op, handler: SimHandler<Op> | undefined): void;
}
