/**
 * A list the server cut short is never silent. The vendor's list operations cap their answer (MaxRowsToReturn,
 * MaximumRows or MaximumResults) and report a cut as Warning 104 RowCountExceeded with Status still Ok, so a sync
 * job that only checks Status loses rows quietly. The pipeline hands every successful answer to `noteTruncation`:
 * a cut answer gets `$truncated` (see ResultBase), a warn log line with the operation and request id, and, when
 * the caller asked for it (`throwOnTruncation`, client-wide or per call), becomes a TruncatedResultError that
 * carries the partial result.
 */
import { InvalidInputError, TruncatedResultError } from './errors';
import type { Logger } from './logger';
import { toPublicMessages } from './results';
import { stopWith } from './retry';
import type { OperationName } from './soap/operations';
import type { PwsMessage } from './types';

/** Warning 104 RowCountExceeded: "not all rows returned (row count too small)". */
export const ROW_COUNT_EXCEEDED = 104;

/** The request members the vendor's list operations take their cap from. */
export const ROW_CAP_MEMBERS = ['MaxRowsToReturn', 'MaximumRows', 'MaximumResults'] as const;
export type RowCapMember = (typeof ROW_CAP_MEMBERS)[number];

/** What `$truncated` says about a cut answer. */
export interface Truncation {
  /** The server's 104 warning, as sent. */
  message: PwsMessage;
  /** The request's cap, when the request set one (absent: the server's own default cap applied). */
  cap?: { member: RowCapMember; value: number };
}

export interface TruncationContext {
  operation: OperationName;
  requestId: number;
  /** The caller's request (PascalCase members), for the cap it set. */
  request: unknown;
  logger: Pick<Logger, 'warn'>;
  /** The per-call option (checked by checkTruncationOption), which wins over the client's. */
  throwOnTruncation: boolean | undefined;
  clientDefault: boolean;
}

/** The per-call option is the caller's input: checked before anything is sent, like the per-call durations. */
export function checkTruncationOption(operation: OperationName, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new InvalidInputError(`${operation}: throwOnTruncation must be a boolean`, { code: 'InvalidInput', operation, requestSent: false });
}

/** Marks, logs and (when asked) throws for a cut answer; leaves every other answer untouched. */
export function noteTruncation(result: Record<string, unknown>, ctx: TruncationContext): void {
  const message = toPublicMessages(result.Messages).find((m) => m.errorNumber === ROW_COUNT_EXCEEDED);
  if (!message) return;
  const truncation: Truncation = { message, cap: capOf(ctx.request) };
  result.$truncated = truncation;
  ctx.logger.warn('the server cut the list short (104 RowCountExceeded): fetch the rest with narrower filters or LastUpdatedSinceTimestamp', {
    operation: ctx.operation,
    requestId: ctx.requestId,
    capMember: truncation.cap?.member,
    cap: truncation.cap?.value,
  });
  if (ctx.throwOnTruncation ?? ctx.clientDefault) {
    const cap = truncation.cap ? ` at ${truncation.cap.member} ${truncation.cap.value}` : '';
    throw stopWith(
      new TruncatedResultError(`${ctx.operation}: the server returned only part of the list${cap} (104 RowCountExceeded)`, {
        code: message.errorCode ?? 'RowCountExceeded',
        errorNumber: ROW_COUNT_EXCEEDED,
        messages: toPublicMessages(result.Messages),
        operation: ctx.operation,
        requestId: ctx.requestId,
        status: typeof result.Status === 'string' ? result.Status : undefined,
        partialResult: result,
        truncation,
      }),
    );
  }
}

function capOf(request: unknown): Truncation['cap'] {
  if (typeof request !== 'object' || request === null) return undefined;
  for (const member of ROW_CAP_MEMBERS) {
    const value = (request as Record<string, unknown>)[member];
    if (typeof value === 'number') return { member, value };
  }
  return undefined;
}
