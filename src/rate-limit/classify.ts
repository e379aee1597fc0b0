/**
 * Step one of classify -> decide -> wait: what kind of failure an attempt ended with, and so what may be done
 * about it. Pure; the limits on how often each kind is retried live in retry.ts.
 */
import { OutcomeUnknownError, ProjectorError, RateLimitError, ResponseFormatError, SessionInvalidError, TransportError, type RateLimitCounts } from '../errors';
import { parseRateLimitMessage } from './parse-message';

export type FailureKind =
  /** 10016 in error mode: the server never ran the call, so any operation may be retried after the pause. */
  | 'rate-limited'
  /** Too many active requests: the server refused the call. */
  | 'busy'
  /** The network failed and a retry is safe (not sent, or sent but idempotent). */
  | 'transport'
  /** A non-idempotent call was sent and no answer came: surface OutcomeUnknownError. */
  | 'outcome-unknown'
  /** The session died (-101, 10004, FailSessionInvalid): the pipeline may log in again once and repeat the call. */
  | 'session'
  /** Anything else: thrown as is. */
  | 'fatal';

export function classify(error: ProjectorError, call: { idempotent: boolean }): FailureKind {
  if (error.code === 'RequestExceededRateLimit' || error.errorNumber === 10016) return 'rate-limited';
  if (error.code === 'TooManyActiveRequests') return 'busy';
  if (error instanceof TransportError && !(error instanceof OutcomeUnknownError)) {
    if (!error.retryable) return 'fatal';
    if (!error.requestSent || call.idempotent) return 'transport';
    return 'outcome-unknown';
  }
  if (error instanceof SessionInvalidError && error.requestSent) return 'session';
  // An answer we cannot read (an HTML page, a truncated or empty body, a body the XML guard refused): the request ran
  // or may have run, so the same rules as a reset after writing apply. Re-sent only when that is safe. (A readable
  // answer that breaks the contract, or echoes another request's ResponseId, never gets here: the pipeline ends the
  // call with it at once.)
  if (error instanceof ResponseFormatError && error.requestSent) return call.idempotent ? 'transport' : 'outcome-unknown';
  return 'fatal';
}

/** The counts of a 10016: those the error mapping parsed, else parsed here from the error's texts. */
export function rateLimitCountsOf(error: ProjectorError): RateLimitCounts {
  if (error instanceof RateLimitError && Object.keys(error.counts).length > 0) return { ...error.counts };
  const texts = [...error.messages.flatMap((m) => [m.errorText, m.additionalErrorText]), error.message];
  for (const text of texts) {
    const counts = text ? parseRateLimitMessage(text) : {};
    if (Object.keys(counts).length > 0) return counts;
  }
  return {};
}

/** The written-but-unanswered write, as the caller should see it. Keeps the transport's fields; cause is the original. */
export function toOutcomeUnknown(error: ProjectorError & { httpStatus?: number }): OutcomeUnknownError {
  if (error instanceof OutcomeUnknownError) return error;
  const unknown = new OutcomeUnknownError(
    `${error.operation ?? 'The call'} was sent but no readable answer arrived; it may or may not have run on the server (${error.message})`,
    {
      code: 'OutcomeUnknown',
      errorNumber: error.errorNumber,
      messages: error.messages,
      operation: error.operation,
      requestId: error.requestId,
      status: error.status,
      retryable: false,
      requestSent: true,
      attempts: error.attempts,
      cause: error,
    },
  );
  unknown.httpStatus = error.httpStatus;
  return unknown;
}
