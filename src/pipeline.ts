/**
 * The life of one call, every stage in order, in one function (core-rest-pipeline style). Every operation takes this
 * path, the convenience methods and the login included:
 *   1. validate and encode the request by the schema model (bad input: InvalidInputError, nothing is sent)
 *   2. session: the current ticket; a lazy, single-flight login when there is none
 *   3. admit at the gate: rate-limit pause, per-user slot, pacing (rate-limit/controller.ts)
 *   4. send: node-soap over our transport (soap/adapter.ts, soap/http-transport.ts)
 *   5. map the answer: decode by the model, check ResponseId, Fail -> typed error, 10016 warnings -> pacing,
 *      a list cut short (104) -> `$truncated` or TruncatedResultError (truncation.ts)
 *   6. decide on a retry (retry.ts): re-login once, pause on 10016, back off on busy/transport, or give up
 */
import type { Clock } from './clock';
import { InvalidInputError, ProjectorError, ResponseFormatError } from './errors';
import type { AreaLogger } from './logger';
import { mapFailedResult, mapSoapFailure, RATE_LIMIT_ERROR_NUMBER } from './map-error';
import { toPublicMessages } from './results';
import type { OperationPolicy } from './policy';
import type { CallScopes, RateLimitController } from './rate-limit/controller';
import { parseRateLimitMessage } from './rate-limit/parse-message';
import { retryLoop, stopWith } from './retry';
import type { SessionManager } from './session';
import { Telemetry } from './telemetry';
import { checkTruncationOption, noteTruncation } from './truncation';
import type { SoapAdapter } from './soap/adapter';
import { decodeResult, encodeRequest, requestBody, type OperationName } from './soap/operations';

/** What the client lends the pipeline: its parts, read at call time (the endpoint moves after a RedirectUrl). */
export interface PipelineParts {
  readonly clock: Clock;
  readonly logger: AreaLogger;
  readonly controller: RateLimitController;
  readonly session: SessionManager;
  adapter(): Promise<SoapAdapter>;
  endpoint(): string;
  scopes(): CallScopes;
  policy(operation: OperationName): OperationPolicy;
  /** The client's defaults for CallOptions.deadlineInMs and CallOptions.timeoutInMs. */
  readonly deadlineInMs: number;
  readonly timeoutInMs: number;
  readonly throwOnTruncation: boolean;
}

export interface PipelineOptions {
  abortSignal?: AbortSignal;
  /** One HTTP attempt. */
  timeoutInMs?: number;
  /** The whole call, waits and retries included. */
  deadlineInMs?: number;
  /** Logout must not log in again to log out. */
  noRelogin?: boolean;
  throwOnTruncation?: boolean;
}

let requestCounter = Math.floor(Math.random() * 1_000_000);
/** RequestId is an Int32 unique per call within the process, so logs and faults can be matched. */
const nextRequestId = (): number => (requestCounter = (requestCounter % 2_000_000_000) + 1);

export async function execute(parts: PipelineParts, operation: OperationName, request: unknown, options: PipelineOptions = {}): Promise<Record<string, unknown>> {
  const { session, controller, logger } = parts;
  const policy = parts.policy(operation);
  const signal = options.abortSignal;
  const requestId = nextRequestId();
  Telemetry.identified(requestId);
  checkDuration(operation, 'deadlineInMs', options.deadlineInMs);
  checkDuration(operation, 'timeoutInMs', options.timeoutInMs);
  checkTruncationOption(operation, options.throwOnTruncation);
  const deadlineAt = parts.clock.now() + (options.deadlineInMs ?? parts.deadlineInMs);

  // 1. Validate and encode, once: only the ticket changes between attempts.
  const wire = encodeRequest(operation, request, { requestId, ticket: policy.needsSession });
  const body = requestBody(operation, wire);
  let generation = -1;
  let reloggedIn = false;

  return retryLoop(
    controller,
    {
      operation,
      idempotent: policy.idempotent,
      weight: policy.weight,
      scopes: () => parts.scopes(),
      signal,
      deadlineAt,
      // 6. (one case of it) A dead session: log in again once, then the loop repeats the call once.
      onSessionInvalid: async (error) => {
        session.markDead(generation);
        if (!policy.needsSession || options.noRelogin || reloggedIn || !session.canRefresh) return false;
        reloggedIn = true;
        Telemetry.reloggedIn();
        logger.for('session').info('session expired; logging in again', { operation, requestId, code: error.code });
        await session.refresh(generation, signal, deadlineAt - parts.clock.now());
        return true;
      },
    },
    async (attempt) => {
      // 2. Session.
      if (policy.needsSession) {
        try {
          const state = await session.current(signal, deadlineAt - parts.clock.now());
          generation = state.generation;
          body.SessionTicket = state.ticket;
        } catch (error) {
          // The login ran its own pipeline (and retries); its failure ends this call as it is.
          throw stopWith(error);
        }
      }
      // 3. Admit at the gate (waits for a pause, a slot and pacing; holds the slot until this attempt settles).
      await attempt.admit();
      // 4. Send.
      const ctx = { operation, requestId, secrets: session.secrets };
      // No attempt outlives the call: its HTTP deadline is the attempt timeout or what is left of the call's.
      const timeoutInMs = Math.max(1, Math.min(options.timeoutInMs ?? parts.timeoutInMs, deadlineAt - parts.clock.now()));
      let response: Awaited<ReturnType<SoapAdapter['call']>>;
      try {
        const adapter = await parts.adapter();
        response = await adapter.call(operation, wire, { endpoint: parts.endpoint(), signal, timeoutInMs });
      } catch (error) {
        throw mapSoapFailure(error, ctx);
      }
      // 5. Map the answer. A well-formed answer that breaks the contract or echoes another request's ResponseId is
      //    not a transport failure: sending again would not help (and for a write could run it twice).
      let result: Record<string, unknown>;
      try {
        result = decodeResult(operation, response);
        checkBase(operation, requestId, result);
      } catch (error) {
        if (error instanceof ProjectorError) error.requestId ??= requestId;
        throw stopWith(error);
      }
      if (result.Status === 'Fail' || result.Status === 'FailSessionInvalid') {
        throw mapFailedResult(String(result.Status), toPublicMessages(result.Messages), ctx);
      }
      try {
        await noteRateLimitWarning(parts, operation, result);
      } catch (error) {
        // The call ran and succeeded: a hook that fails on its warning must not make it look failed (and re-sent).
        logger.warn('the onRateLimited hook failed on a rate-limit warning; the call itself succeeded', { operation, requestId, error: (error as Error)?.name ?? typeof error });
      }
      noteTruncation(result, { operation, requestId, request, logger, throwOnTruncation: options.throwOnTruncation, clientDefault: parts.throwOnTruncation });
      logger.debug('call answered', { operation, requestId, status: result.Status, messages: (result.Messages as unknown[]).length, attempt: attempt.number });
      return result;
    },
  ).catch((error: ProjectorError) => {
    logger.debug('call failed', { operation, requestId, code: error.code, errorNumber: error.errorNumber, attempts: error.attempts });
    throw error;
  });
}

/** Per-call durations are checked like the client's: a bad one is the caller's input, and nothing is sent. */
function checkDuration(operation: OperationName, name: string, value: unknown): void {
  if (value === undefined || (typeof value === 'number' && value > 0 && Number.isFinite(value))) return;
  throw new InvalidInputError(`${operation}: ${name} must be a positive number of milliseconds`, { code: 'InvalidInput', operation, requestSent: false });
}

/** Every PWS answer carries Status and ServerTimestampUtc, and echoes our RequestId. */
function checkBase(operation: OperationName, requestId: number, result: Record<string, unknown>): void {
  if (typeof result.Status !== 'string' || typeof result.ServerTimestampUtc !== 'string') {
    throw new ResponseFormatError(`${operation}: the response has no Status or ServerTimestampUtc`, { code: 'ResponseFormat', operation, requestId });
  }
  result.ResponseId ??= 0;
  if (result.ResponseId !== requestId) {
    throw new ResponseFormatError(`${operation}: ResponseId ${String(result.ResponseId)} does not match RequestId ${requestId}`, { code: 'ResponseFormat', operation, requestId });
  }
}

/** A 10016 warning on a successful answer (warning mode): pacing learns the thresholds, the hook hears of it. */
async function noteRateLimitWarning(parts: PipelineParts, operation: OperationName, result: Record<string, unknown>): Promise<void> {
  const warning = toPublicMessages(result.Messages).find((m) => m.type === 'Warning' && m.errorNumber === RATE_LIMIT_ERROR_NUMBER);
  if (!warning) return;
  const counts = parseRateLimitMessage(`${warning.errorText ?? ''} ${warning.additionalErrorText ?? ''}`);
  await parts.controller.onWarning(operation, counts, parts.scopes());
}
