/**
 * The one place where raw failures become SDK errors (stripe-node style): a SOAP fault (soap/envelope.ts
 * SoapFault, its detail decoded by the model), an in-band Fail status, or anything else thrown by the parsing layer
 * (plain objects included). Server texts are redacted of the
 * caller's secrets before they reach a message.
 */
import {
  AuthenticationError, ConfigurationError, LockConflictError, LockNotFoundError, LockStolenError, ProjectorError, ProjectorServiceError,
  RateLimitError, ResponseFormatError, SessionInvalidError,
} from './errors';
import type { ProjectorErrorOptions } from './errors';
import { parseRateLimitMessage } from './rate-limit/parse-message';
import { camelize, toPublicMessages } from './results';
import { redactSecrets } from './soap/redact';
import { SoapFault } from './soap/envelope';
import { decodeFaultDetail, type OperationName } from './soap/operations';
import type { XNode } from './soap/xml-tree';
import type { EntityLockSummary, PwsMessage, StolenLock, UserRef } from './types';

/** -101 InvalidSession and 10004 InvalidSessionTicket: log in again (once). */
export const SESSION_ERROR_NUMBERS: readonly number[] = [-101, 10004];
export const RATE_LIMIT_ERROR_NUMBER = 10016;
export const LOCK_NOT_FOUND_ERROR_NUMBER = 50475;
export const ENTITY_ALREADY_LOCKED_ERROR_NUMBER = 50469;
const BUSY_PATTERN = /active requests|TooManyRequests/i;

export interface MapContext {
  operation: OperationName;
  requestId: number;
  /** Values that must never appear in an error (password, ticket). */
  secrets: readonly string[];
}

interface FaultInfo {
  messages: PwsMessage[];
  faultString?: string;
  detail?: Record<string, unknown>;
  status?: string;
}

function redactMessages(list: PwsMessage[], secrets: readonly string[]): PwsMessage[] {
  if (secrets.length === 0) return list;
  return list.map((m) => {
    const copy = { ...m };
    for (const k of ['additionalErrorText', 'errorText', 'errorCode'] as const) if (copy[k]) copy[k] = redactSecrets(copy[k]!, secrets);
    return copy;
  });
}

/** The first Error message decides the class; informational ones (e.g. 136) never do. */
const primary = (list: PwsMessage[]): PwsMessage | undefined => list.find((m) => m.type === 'Error' || m.type === 'FatalError') ?? list.find((m) => m.type === 'Warning');

function classify(info: FaultInfo, ctx: MapContext, channel: 'fault' | 'in-band'): ProjectorError {
  const msgs = redactMessages(info.messages, ctx.secrets);
  const main = primary(msgs);
  const faultString = info.faultString ? redactSecrets(info.faultString, ctx.secrets) : undefined;
  const text = main ? `${main.errorCode ?? 'Error'} ${main.errorNumber ?? ''}: ${main.errorText ?? main.additionalErrorText ?? ''}`.trim() : faultString ?? 'Projector reported a failure without a message';
  const base: ProjectorErrorOptions = {
    code: main?.errorCode ?? 'ProjectorFault',
    errorNumber: main?.errorNumber,
    messages: msgs,
    operation: ctx.operation,
    requestId: ctx.requestId,
    status: info.status,
    requestSent: true,
  };
  const message = `${ctx.operation} failed (${channel}): ${text}`;
  const n = main?.errorNumber;

  if (n === RATE_LIMIT_ERROR_NUMBER || main?.errorCode === 'RequestExceededRateLimit') {
    const e = new RateLimitError(message, { ...base, code: 'RequestExceededRateLimit', retryable: true, requestSent: false });
    e.counts = parseRateLimitMessage(`${main?.errorText ?? ''} ${main?.additionalErrorText ?? ''} ${faultString ?? ''}`);
    return e;
  }
  if (BUSY_PATTERN.test(`${text} ${faultString ?? ''}`)) {
    // Projector refused the request before running it: safe to retry after a short delay, whatever the operation.
    return new ProjectorServiceError(message, { ...base, code: 'TooManyActiveRequests', retryable: true, requestSent: false });
  }
  if ((n !== undefined && SESSION_ERROR_NUMBERS.includes(n)) || info.status === 'FailSessionInvalid') {
    return new SessionInvalidError(message, { ...base, code: main?.errorCode ?? 'InvalidSession', retryable: true });
  }
  if (ctx.operation === 'PwsAuthenticate') {
    // Never retried: repeated bad logins lock the account for up to 24 h.
    return new AuthenticationError(message, { ...base, code: main?.errorCode ?? 'AuthenticationFailed', retryable: false });
  }
  if (n === LOCK_NOT_FOUND_ERROR_NUMBER) return new LockNotFoundError(message, { ...base, retryable: false });
  const detail = info.detail;
  const holders = Array.isArray(detail?.LockHolders) ? detail.LockHolders : [];
  if (n === ENTITY_ALREADY_LOCKED_ERROR_NUMBER || holders.length > 0) {
    const e = new LockConflictError(message, { ...base, code: main?.errorCode ?? 'EntityAlreadyLocked', retryable: false });
    e.lockHolders = camelize<EntityLockSummary[]>(holders);
    e.lockHolderUserIdentity = camelize<UserRef | undefined>(detail?.LockHolderUserIdentity);
    e.allowLocksToBeStolen = detail?.AllowLocksToBeStolenFlag !== false;
    return e;
  }
  if (detail?.LockTaker) {
    const e = new LockStolenError(message, { ...base, code: main?.errorCode ?? 'LockStolen', retryable: false });
    e.lockTaker = camelize<StolenLock>(detail.LockTaker);
    return e;
  }
  return new ProjectorServiceError(message, { ...base, retryable: false });
}

/** An in-band failure: a response whose Status is Fail or FailSessionInvalid. */
export function mapFailedResult(status: string, list: PwsMessage[], ctx: MapContext): ProjectorError {
  return classify({ messages: list, status }, ctx, 'in-band');
}

type Raw = Record<string, unknown>;

/** The fault's detail, typed by the WSDL's fault declaration; an unreadable detail counts as none. */
function faultDetail(operation: OperationName, detail: XNode | undefined): Raw | undefined {
  try {
    return decodeFaultDetail(operation, detail)?.value;
  } catch {
    return undefined;
  }
}

/** Errors made from a PwsFault that answers another request (its ResponseId is not our RequestId). */
const foreignAnswers = new WeakSet<ProjectorError>();

/** True for a fault that answered another request: it says nothing about this call, so nothing may act on it. */
export const answersAnotherRequest = (error: ProjectorError): boolean => foreignAnswers.has(error);

/**
 * A fault's ResponseId names the request it answers; 0 or none means the server did not say (reference: 0 when no
 * RequestId was sent), which is taken as ours. Anything else that is not our RequestId is someone else's answer.
 */
function foreignFault(detail: Raw | undefined, ctx: MapContext): ResponseFormatError | undefined {
  const id = detail?.ResponseId;
  if (id === undefined || id === null || id === 0 || id === ctx.requestId) return undefined;
  const e = new ResponseFormatError(`${ctx.operation}: a PwsFault with ResponseId ${String(id)} answers another request than RequestId ${ctx.requestId}`, {
    code: 'ResponseFormat', operation: ctx.operation, requestId: ctx.requestId, retryable: false, requestSent: true,
  });
  foreignAnswers.add(e);
  return e;
}

/** Maps whatever the SOAP layer threw into a ProjectorError. */
export function mapSoapFailure(raw: unknown, ctx: MapContext): ProjectorError {
  if (raw instanceof ProjectorError) {
    raw.operation ??= ctx.operation;
    raw.requestId ??= ctx.requestId;
    // The transport's own refusals (a URL it will not send to) are configuration problems, whatever class they came in.
    if (raw.code === 'Configuration' && !(raw instanceof ConfigurationError)) {
      return new ConfigurationError(raw.message, { code: 'Configuration', operation: raw.operation, requestId: raw.requestId, requestSent: false, retryable: false, cause: raw.cause });
    }
    return raw;
  }
  if (raw instanceof SoapFault) {
    const detail = faultDetail(ctx.operation, raw.detail);
    return foreignFault(detail, ctx) ?? classify({ messages: toPublicMessages(detail?.Messages), faultString: raw.faultString, detail }, ctx, 'fault');
  }
  const reason = raw instanceof Error ? redactSecrets(raw.message, ctx.secrets) : 'a non-Error value was thrown';
  return new ResponseFormatError(`${ctx.operation}: the response could not be read (${reason})`, {
    code: 'ResponseFormat',
    operation: ctx.operation,
    requestId: ctx.requestId,
    retryable: false,
    requestSent: true,
    cause: raw instanceof Error ? new Error(reason) : undefined,
  });
}
