/**
 * The life of one call, every stage in order, in one function (core-rest-pipeline style). Every operation takes this
 * path, the convenience methods and the login included:
 *   1. validate and encode the request by the schema model (bad input: InvalidInputError, nothing is sent)
 *   2. session: the current ticket; a lazy, single-flight login when there is none
 *   3. admit at the gate: rate-limit pause, per-user slot, pacing (rate-limit/controller.ts); then check that the
 *      ticket outlived the waits (an OAuth token may expire at the gate) and that enough of the deadline is left
 *   4. send: the envelope written and the answer read from the model (soap/adapter.ts), over our transport
 *   5. map the answer: decode by the model, check ResponseId, Fail -> typed error, 10016 warnings -> pacing,
 *      a list cut short (104) -> `$truncated` or TruncatedResultError (truncation.ts)
 *   6. decide on a retry (retry.ts): re-login once, pause on 10016, back off on busy/transport, or give up
 */
import type { Clock } from './clock';
import { AbortedError, InvalidInputError, ProjectorError, ResponseFormatError, SessionInvalidError, TransportError } from './errors';
import type { AreaLogger } from './logger';
import { answersAnotherRequest, mapFailedResult, mapSoapFailure, RATE_LIMIT_ERROR_NUMBER } from './map-error';
import { toPublicMessages } from './results';
import type { OperationPolicy } from './policy';
import type { CallScopes, RateLimitController } from './rate-limit/controller';
import { toOutcomeUnknown } from './rate-limit/classify';
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
  readonly connectTimeoutInMs: number;
  /** Called with every exchange as it goes on the wire (close() waits for them). */
  onWire?(exchange: Promise<unknown>): void;
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
  /** Ends every wait of the call (the client is closing), but not a request already on the wire. */
  stopSignal?: AbortSignal;
  /** Send with this ticket instead of the session's (logging out a stale login's session); never logs in. */
  ticket?: string;
  throwOnTruncation?: boolean;
}

/** Share of the call's deadline below which an attempt is not sent (see minSendBudget). */
const MIN_SEND_SHARE_OF_DEADLINE = 0.1;

/**
 * An attempt whose session ticket expired while it waited at the gate: never sent. It travels the retry loop's
 * dead-session path (hence requestSent, which that path asks for) to a fresh ticket, and never reaches a caller.
 */
class StaleTicket extends SessionInvalidError {}

let requestCounter = Math.floor(Math.random() * 1_000_000);
/** RequestId is an Int32 unique per call within the process, so logs and faults can be matched. */
const nextRequestId = (): number => (requestCounter = (requestCounter % 2_000_000_000) + 1);

export async function execute(parts: PipelineParts, operation: OperationName, request: unknown, options: PipelineOptions = {}): Promise<Record<string, unknown>> {
  const { session, controller, logger } = parts;
  const policy = parts.policy(operation);
  // The caller's signal ends the call everywhere; the client's close ends its waits, never an exchange on the wire.
  const sendSignal = options.abortSignal;
  const signal = anySignal(sendSignal, options.stopSignal);
  const requestId = nextRequestId();
  Telemetry.identified(requestId);
  checkDuration(operation, 'deadlineInMs', options.deadlineInMs);
  checkDuration(operation, 'timeoutInMs', options.timeoutInMs);
  checkTruncationOption(operation, options.throwOnTruncation);
  const deadlineInMs = options.deadlineInMs ?? parts.deadlineInMs;
  const deadlineAt = parts.clock.now() + deadlineInMs;
  const attemptTimeoutInMs = options.timeoutInMs ?? parts.timeoutInMs;
  const minBudgetInMs = minSendBudget(parts.connectTimeoutInMs, attemptTimeoutInMs, deadlineInMs);

  // 1. Validate and encode, once: only the ticket changes between attempts.
  const wire = encodeRequest(operation, request, { requestId, ticket: policy.needsSession });
  const body = requestBody(operation, wire);
  let generation = -1;
  let ticketExpiresAt: number | undefined;
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
        if (error instanceof StaleTicket) {
          // Not a dead session on the server, and nothing was sent: no re-login is used up.
          await session.refresh(generation, signal, deadlineAt - parts.clock.now());
          return true;
        }
        session.markDead(generation);
        if (!policy.needsSession || options.noRelogin || options.ticket !== undefined || reloggedIn || !session.canRefresh) return false;
        reloggedIn = true;
        Telemetry.reloggedIn();
        logger.for('session').info('session expired; logging in again', { operation, requestId, code: error.code });
        await session.refresh(generation, signal, deadlineAt - parts.clock.now());
        return true;
      },
    },
    async (attempt) => {
      // 2. Session.
      if (options.ticket !== undefined) {
        body.SessionTicket = options.ticket;
      } else if (policy.needsSession) {
        try {
          const state = await session.current(signal, deadlineAt - parts.clock.now());
          generation = state.generation;
          ticketExpiresAt = state.expiresAt;
          body.SessionTicket = state.ticket;
        } catch (error) {
          // The login ran its own pipeline (and retries); its failure ends this call as it is.
          throw stopWith(error);
        }
      }
      // 3. Admit at the gate (waits for a pause, a slot and pacing; holds the slot until this attempt settles).
      await attempt.admit();
      const leftInMs = deadlineAt - parts.clock.now();
      if (ticketExpiresAt !== undefined && parts.clock.now() >= ticketExpiresAt) {
        throw new StaleTicket(`${operation}: the session ticket expired while the call waited to be sent`, { code: 'InvalidSession', operation, requestId, requestSent: true, retryable: true });
      }
      if (leftInMs < minBudgetInMs) {
        // Sending with less would mostly time out after writing: a write would then be OutcomeUnknown for nothing.
        throw stopWith(new TransportError(`${operation} could not be sent before its deadline (${Math.max(0, leftInMs)} ms left, at least ${minBudgetInMs} ms needed)`, {
          code: 'Timeout', operation, requestId, requestSent: false, retryable: true,
        }));
      }
      // 4. Send.
      const secrets = options.ticket === undefined ? session.secrets : [...session.secrets, options.ticket];
      const ctx = { operation, requestId, secrets };
      // No attempt outlives the call: its HTTP deadline is the attempt timeout or what is left of the call's.
      const timeoutInMs = Math.min(attemptTimeoutInMs, leftInMs);
      let response: Awaited<ReturnType<SoapAdapter['call']>>;
      try {
        const adapter = await parts.adapter();
        const exchange = adapter.call(operation, wire, { endpoint: parts.endpoint(), signal: sendSignal, timeoutInMs });
        parts.onWire?.(exchange);
        response = await exchange;
      } catch (error) {
        const mapped = mapSoapFailure(error, ctx);
        // Someone else's answer is not acted on as ours (a fault's 10016 or lock conflict included), nor re-sent.
        if (answersAnotherRequest(mapped)) throw stopWith(mapped);
        // A write that may have arrived is of unknown outcome, however the exchange ended once the call was aborted.
        if (signal?.aborted && mapped.requestSent && !policy.idempotent) throw stopWith(toOutcomeUnknown(abortOf(mapped, operation, signal)));
        throw mapped;
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

/**
 * The least time an attempt must have left to be sent: enough to connect (connectTimeoutInMs), or the whole attempt
 * if that is shorter, and never more than a tenth of the call's own deadline (a short deadline is still usable).
 */
function minSendBudget(connectTimeoutInMs: number, attemptTimeoutInMs: number, deadlineInMs: number): number {
  return Math.ceil(Math.min(connectTimeoutInMs, attemptTimeoutInMs, deadlineInMs * MIN_SEND_SHARE_OF_DEADLINE));
}

function anySignal(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : a ?? b;
}

/** The abort that ended (or coincided with the end of) a sent exchange, as the cause of OutcomeUnknownError. */
function abortOf(error: ProjectorError, operation: OperationName, signal: AbortSignal): AbortedError {
  const how = error instanceof AbortedError ? '' : ` (the exchange then ended with ${error.code})`;
  return new AbortedError(`${operation} was aborted after it was sent${how}`, { code: 'Aborted', operation, requestId: error.requestId, requestSent: true, cause: signal.reason });
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
