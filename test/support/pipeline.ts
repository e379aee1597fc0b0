/**
 * The production call path, `execute` of src/pipeline.ts (session, admission at the gate, send, map, retry), with
 * the server replaced in-process: each attempt that gets as far as sending runs `serve(attempt)`, which answers
 * (its value is kept for the test) or throws what the wire would have produced (a typed ProjectorError, as the
 * transport and the error mapping make them). Without real I/O, ManualClock's autoAdvance sees exactly the waits
 * of the pipeline, so the timing assertions of the rate-limit tests stay exact.
 */
import { normalizeLogger } from '../../src/logger';
import { execute, type PipelineParts } from '../../src/pipeline';
import { resendDecision, SESSIONLESS_OPERATIONS } from '../../src/policy';
import type { CallScopes, RateLimitController } from '../../src/rate-limit/controller';
import { SessionManager } from '../../src/session';
import type { SoapAdapter } from '../../src/soap/adapter';
import { Encoder } from '../../src/soap/codec';
import { readResponse } from '../../src/soap/envelope';
import { OPERATIONS, requestBody, type OperationName } from '../../src/soap/operations';
import { SchemaWriter } from '../../src/simulator/schema-writer';
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
const writer = new SchemaWriter();

/** Runs `call` through `execute`; resolves with the value of the attempt that succeeded. */
export async function executeAgainst<T>(controller: RateLimitController, call: StubbedCall, serve: (attempt: number) => T | Promise<T>): Promise<T> {
  const { clock } = controller;
  let attempts = 0;
  let answer: T | undefined;
  const adapter = {
    async call(operation: OperationName, wire: Record<string, unknown>) {
      const requestId = requestBody(operation, wire).RequestId;
      answer = await serve(++attempts);
      // The answer as the wire carries it: written by the simulator's writer, read back by the SDK's own reader.
      const model = OPERATIONS[operation];
      const result = new Encoder(operation).complex(model.resultType, { Status: 'Ok', ResponseId: Number(requestId), ServerTimestampUtc: '2026-01-01T00:00:00.0000000Z' }, 'result');
      return readResponse(operation, writer.response(model, result));
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
    policy: (operation) => ({ idempotent: call.idempotent ?? resendDecision(operation).resend, needsSession: !SESSIONLESS_OPERATIONS.has(operation) }),
    deadlineInMs: 600_000,
    timeoutInMs: 30_000,
    connectTimeoutInMs: 10_000,
    throwOnTruncation: false,
  };
  const deadlineInMs = call.deadlineAt === undefined ? undefined : call.deadlineAt - clock.now();
  await execute(parts, call.operation, REQUESTS[call.operation], { abortSignal: call.signal, deadlineInMs });
  return answer as T;
}
