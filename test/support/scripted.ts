/**
 * A simulator whose operations answer from a script, and the real client in front of it, on one ManualClock: the
 * rate-limit and retry tests drive the production path (client -> pipeline -> HTTP) with the faults they need.
 */
import { ManualClock } from '../../src/clock';
import { ProjectorClient } from '../../src/client';
import type { ProjectorClientOptions } from '../../src/options';
import { SimulatedFault, startSimulator, type Simulator } from '../../src/simulator';
import type { OperationName } from '../../src/soap/operations';
import { ALICE, PROJECT } from './client';

export const RATE_LIMIT_TEXT = 'Rate limit exceeded. Installation hits 2401 of 2400, user hits 1700 of 1800, session hits 1201 of 1200 in the last 60 seconds.';
export const BUSY_TEXT = 'You currently have 5 active requests, exceeding the threshold of 4';

/** Projector's 10016 refusal, as a PwsFault. */
export const rateLimitFault = (text = RATE_LIMIT_TEXT): SimulatedFault =>
  new SimulatedFault({ messages: [{ errorNumber: 10016, errorCode: 'RequestExceededRateLimit', errorText: text }] });

/** Projector's "too many active requests" refusal (10017). */
export const busyFault = (): SimulatedFault => new SimulatedFault({ messages: [{ errorNumber: 10017, errorCode: 'TooManyActiveRequests', errorText: BUSY_TEXT }] });

/** A valid request for each operation these tests use. */
export const REQUESTS = {
  PwsCheckProjectorLocks: { Locks: [{ EntityIdentity: { EntityCode: PROJECT.entityCode, LockType: PROJECT.lockType } }] },
  PwsAcquireProjectorLocks: { LockDurationSeconds: 60, Locks: [{ EntityIdentity: { EntityCode: PROJECT.entityCode, LockType: PROJECT.lockType } }] },
  PwsReleaseProjectorLocks: { ProjectorLockSetId: 1 },
  PwsRenewProjectorLocks: { LockDurationSeconds: 60, ProjectorLockSetId: 1 },
  PwsTestRateLimiter: {},
  PwsAuthenticate: { AccountCode: ALICE.accountCode, UserName: ALICE.userName, Password: ALICE.password, CultureName: 'en-US', UtcOffsetMinutes: 0 },
} as const;
export type ScriptedOperation = keyof typeof REQUESTS;

/** One attempt's answer: return for Status Ok, throw a SimulatedFault for a fault; `attempt` counts from 1 per operation. */
export type Script = (attempt: number, request: Record<string, unknown>) => unknown;

export interface Scripted {
  sim: Simulator;
  clock: ManualClock;
  client: ProjectorClient;
  /** Calls `operation` with its request (or `request`); the script decides each attempt's answer. */
  call(operation: ScriptedOperation, options?: { abortSignal?: AbortSignal; deadlineInMs?: number }, request?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Requests of `operation` the simulator received (attempts that reached the server). */
  sent(operation: OperationName): number;
  close(): Promise<void>;
}

/**
 * The simulator's own rate limiter is off: the scripts alone decide when a 10016 comes. Each script runs when an
 * attempt reaches the server; it may wait on the clock (a slow server) or throw a SimulatedFault.
 */
export async function startScripted(
  scripts: Partial<Record<ScriptedOperation, Script>>,
  options: Partial<ProjectorClientOptions> = {},
  clock = new ManualClock({ autoAdvance: true }),
): Promise<Scripted> {
  const sim = await startSimulator({ clock, rateLimit: { mode: 'Disabled' }, maxActiveRequestsPerUser: 64 });
  for (const [operation, script] of Object.entries(scripts) as [ScriptedOperation, Script][]) {
    let attempts = 0;
    sim.handle(operation, async (request) => {
      await script(++attempts, request as Record<string, unknown>);
      return {};
    });
  }
  const client = new ProjectorClient({ endpoint: sim.url, credentials: ALICE, clock, deadlineInMs: 600_000, ...options });
  await client.authenticate();
  return {
    sim,
    clock,
    client,
    call: (operation, callOptions, request) => client.call(operation, (request ?? REQUESTS[operation]) as never, callOptions) as unknown as Promise<Record<string, unknown>>,
    sent: (operation) => sim.log.filter((e) => e.operation === operation).length,
    async close() {
      await client.close();
      await sim.close();
    },
  };
}
