/**
 * The production call path, `execute` of src/pipeline.ts (session, admission at the gate, send, map, retry), with
 * the server replaced in-process: each attempt that gets as far as sending runs `serve(attempt)`, which answers
 * (its value is kept for the test) or throws what the wire would have produced (a typed ProjectorError, as the
 * transport and the error mapping make them). Without real I/O, ManualClock's autoAdvance sees exactly the waits
 * of the pipeline, so the timing assertions of the rate-limit tests stay exact.
 */
import { normalizeLogger } from '../../src/logger';
import { execute, type PipelineParts } from '../../src/pipeline';
import { IDEMPOTENT_OPERATIONS, SESSIONLESS_OPERATIONS } from '../../src/policy';
import type { CallScopes, RateLimitController } from '../../src/rate-limit/controller';
import { SessionManager } from '../../src/session';
import type { SoapAdapter } from '../../src/soap/adapter';
import { OPERATIONS, requestBody, type OperationName } from '../../src/soap/operations';
import { REQUESTS, type ScriptedOperation } from './scripted';

export interface StubbedCall {
  operation: ScriptedOperation;
  /** Default: the SDK's own rule (policy.ts). */
  idempotent?: boolean;
  scopes: () => CallScopes;
  signal?: AbortSignal;
  /** Clock ms. */
  deadlineAt?: number;
}

const ENDPOINT = 'https://projector.invalid/OpsProjectorWcfSvc/PwsProjectorServices.svc';

/** Runs `call` through `execute`; resolves with the value of the attempt that succeeded. */
export async function executeAgainst<T>(controller: RateLimitController, call: StubbedCall, serve: (attempt: number) => T | Promise<T>): Promise<T> {
  const { clock } = controller;
  let attempts = 0;
  let answer: T | undefined;
  const adapter = {
    async call(operation: OperationName, wire: Record<string, unknown>) {
      const requestId = requestBody(operation, wire).RequestId;
      answer = await serve(++attempts);
      const result = { Status: 'Ok', ResponseId: String(requestId), ServerTimestampUtc: '2026-01-01T00:00:00.0000000Z' };
      const member = OPERATIONS[operation].resultMember;
      return member ? { [member]: result } : result;
    },
  };
  const parts: PipelineParts = {
    clock,
    logger: normalizeLogger(undefined, 'client'),
    controller,
    session: new SessionManager(() => Promise.reject(new Error('no login in these tests')), { sessionTicket: 'c3R1YmJlZC10aWNrZXQ=' }),
    adapter: async () => adapter as unknown as SoapAdapter,
    endpoint: () => ENDPOINT,
    scopes: call.scopes,
    policy: (operation) => ({ idempotent: call.idempotent ?? IDEMPOTENT_OPERATIONS.has(operation), needsSession: !SESSIONLESS_OPERATIONS.has(operation) }),
    deadlineInMs: 600_000,
    timeoutInMs: 30_000,
  };
  const deadlineInMs = call.deadlineAt === undefined ? undefined : call.deadlineAt - clock.now();
  await execute(parts, call.operation, REQUESTS[call.operation], { abortSignal: call.signal, deadlineInMs });
  return answer as T;
}
