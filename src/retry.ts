/**
 * The retry loop around every PWS operation: after each failed attempt it decides (classify -> decide -> wait)
 * whether and when to try again. p-retry drives it; all waiting happens on the controller's Clock, inside the
 * awaited onFailedAttempt (p-retry's own delay is 0), so tests run 60 s episodes in milliseconds.
 * The attempt itself (session, admission at the gate, send, map) is written out in order in src/pipeline.ts; an
 * attempt calls `admit()` when it is ready to be sent, and holds its slot until its failure has been handled.
 */
import pRetry, { AbortError } from 'p-retry';
import { AbortedError, ProjectorError, RateLimitError, TransportError, type RateLimitCounts } from './errors';
import { classify, rateLimitCountsOf, toOutcomeUnknown } from './rate-limit/classify';
import { rateLimitPauseInMs, transportDelayInMs } from './rate-limit/backoff';
import type { Admission, CallScopes, RateLimitController, WaitContext } from './rate-limit/controller';
import { parseRateLimitWindowInMs } from './rate-limit/parse-message';
import type { OperationName } from './soap/operations';
import { Telemetry } from './telemetry';

export interface RetryCall {
  operation: OperationName;
  idempotent: boolean;
  /** Read at every admission: a re-login between attempts changes the session scope. */
  scopes: () => CallScopes;
  signal?: AbortSignal;
  /** Clock ms; overall deadline. */
  deadlineAt?: number;
  /** Rate-limit hits per attempt from the client's `operations` override (the controller's weightOf decides). */
  weight?: number;
  /** A dead session (-101, 10004, FailSessionInvalid): resolve true after replacing it to try once more. */
  onSessionInvalid?: (error: ProjectorError) => Promise<boolean>;
}

/** What one attempt can do with the loop. */
export interface Attempt {
  readonly number: number;
  /** Waits at the gate (pause, per-user slot, pacing); call it right before sending. */
  admit(): Promise<void>;
}

/** Ends the loop at once with `error`, without counting it as a failed attempt (e.g. a login that failed). */
export const stopWith = (error: unknown): Error => new AbortError(error instanceof Error ? error : String(error));

interface LoopState {
  /** Attempts actually admitted (sent or at least started). */
  sent: number;
  rateLimited: number;
  transportFailures: number;
  firstBusyAt?: number;
  firstRateLimitAt?: number;
  waitedInMs: number;
  scopes?: CallScopes;
  /** The failed attempt's slot, held until its failure is handled so a 10016 closes the gate before anyone else is let in. */
  release?: () => void;
  lastRateLimit?: { error: ProjectorError; counts: RateLimitCounts; episodeAgeInMs: number };
}

/** The loop for attempts that admit themselves (the pipeline's). */
export async function retryLoop<T>(controller: RateLimitController, call: RetryCall, attempt: (a: Attempt) => Promise<T>): Promise<T> {
  const state: LoopState = { sent: 0, rateLimited: 0, transportFailures: 0, waitedInMs: 0 };
  const ctx: WaitContext = { operation: call.operation, signal: call.signal, deadlineAt: call.deadlineAt, weight: call.weight };
  try {
    return await pRetry(
      async (attemptNumber) => {
        let admission: Admission | undefined;
        const admit = async () => {
          const scopes = call.scopes();
          state.scopes = scopes;
          try {
            admission = await controller.admit(scopes, ctx);
          } catch (error) {
            // Not an attempt failure: AbortError makes p-retry rethrow it without another round. After a 10016, running
            // out of time or of give-up time before the next try ends the episode for this call: the RateLimitError
            // then carries the 10016's counts and messages.
            let stop = toProjectorError(error, call);
            if (state.lastRateLimit && error instanceof TransportError && error.code === 'Timeout') stop = giveUp(call, state, DEADLINE);
            else if (state.lastRateLimit && error instanceof RateLimitError) stop = giveUp(call, state, `it could not be sent again (${error.message})`);
            throw new AbortError(stop);
          }
          ctx.quietGate = false;
          state.waitedInMs += admission.waitedInMs;
          state.sent++;
          Telemetry.attempted();
        };
        let result: T;
        try {
          result = await attempt({ number: attemptNumber, admit });
        } catch (error) {
          state.release = admission?.release;
          if (error instanceof AbortError) throw error;
          // p-retry would not retry non-Errors or TypeErrors; every failure becomes a ProjectorError first.
          throw toProjectorError(error, call);
        }
        admission?.release();
        if (admission?.episodeOpen || state.rateLimited > 0) await controller.endEpisode(state.scopes!.installation);
        return result;
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 0,
        factor: 1,
        randomize: false,
        onFailedAttempt: ({ error, attemptNumber }) => onFailure(controller, call, ctx, state, error as ProjectorError, attemptNumber),
      },
    );
  } catch (error) {
    throw enrich(toProjectorError(error, call), call, state);
  } finally {
    releaseSlot(state);
  }
}

function releaseSlot(state: LoopState): void {
  state.release?.();
  state.release = undefined;
}

/** Decide and wait; returning means "try again", throwing ends the loop with that error. */
async function onFailure(controller: RateLimitController, call: RetryCall, ctx: WaitContext, state: LoopState, error: ProjectorError, attempt: number): Promise<void> {
  if (call.signal?.aborted && !(error instanceof AbortedError)) {
    releaseSlot(state);
    throw new AbortedError(`${call.operation} was aborted`, { code: 'Aborted', operation: call.operation, requestSent: error.requestSent, cause: call.signal.reason });
  }
  const o = controller.options;
  const kind = classify(error, call);
  if (kind !== 'rate-limited') releaseSlot(state);
  switch (kind) {
    case 'fatal':
      throw error;
    case 'session':
      if (call.onSessionInvalid && (await call.onSessionInvalid(error))) return;
      throw error;
    case 'outcome-unknown':
      throw toOutcomeUnknown(error);
    case 'rate-limited':
      Telemetry.rejected();
      ctx.quietGate = true;
      return handleRateLimited(controller, call, state, error, attempt);
    case 'busy': {
      const now = controller.clock.now();
      state.firstBusyAt ??= now;
      if (now - state.firstBusyAt >= o.giveUpAfterInMs) throw error;
      return retryAfter(controller, ctx, state, error, attempt, 'busy', o.busyRetryDelayInMs);
    }
    case 'transport': {
      state.transportFailures++;
      if (state.transportFailures >= o.maxTransportAttempts) throw error;
      const backoffInMs = transportDelayInMs(state.transportFailures, o.transportRetryDelayInMs, o.random);
      // A 503/429 Retry-After is honoured, capped like a rate-limit pause so one header cannot stall a call for long.
      const askedInMs = Math.min((error as TransportError).retryAfterInMs ?? 0, o.maxPauseInMs);
      return retryAfter(controller, ctx, state, error, attempt, 'transport', Math.max(backoffInMs, askedInMs));
    }
  }
}

/** Closes the installation's gate for a jittered pause and tells the hooks; the wait itself happens at the gate. */
async function handleRateLimited(controller: RateLimitController, call: RetryCall, state: LoopState, error: ProjectorError, attempt: number): Promise<void> {
  const o = controller.options;
  const installation = (state.scopes ?? call.scopes()).installation;
  const counts = rateLimitCountsOf(error);
  controller.learnFromCounts(counts, parseRateLimitWindowInMs(error.messages.map((m) => m.errorText ?? '').join(' ')));
  // Opening the episode first tells us its age, which bounds this pause.
  let opened = await controller.closeGate(installation, 0);
  if (state.rateLimited === 0 && (opened.episodeAgeInMs ?? 0) >= o.giveUpAfterInMs) {
    // An old episode nobody ended (its calls gave up or were vetoed): this call's first 10016 starts a new one.
    await controller.endEpisode(installation);
    opened = await controller.closeGate(installation, 0);
  }
  const now = controller.clock.now();
  state.firstRateLimitAt ??= now;
  // The episode's age, or this call's own if a restarted episode is younger: no call outlives its give-up time.
  const elapsedInMs = Math.max(opened.episodeAgeInMs ?? 0, now - state.firstRateLimitAt);
  state.lastRateLimit = { error, counts, episodeAgeInMs: elapsedInMs };
  const pauseInMs = rateLimitPauseInMs(state.rateLimited, elapsedInMs, o, o.random);
  if (pauseInMs === undefined) throw giveUp(call, state);
  // Close the gate for everyone even if this call stops here: the server is over its limit either way.
  const closed = await controller.closeGate(installation, pauseInMs, { operation: call.operation, ...counts });
  releaseSlot(state);
  state.rateLimited++;
  const waitInMs = closed.remainingInMs;
  if (call.deadlineAt !== undefined && now + waitInMs >= call.deadlineAt) throw giveUp(call, state, DEADLINE);
  Telemetry.waited('rate-limited', waitInMs);
  if (!(await controller.emitRateLimited({ operation: call.operation, attempt, waitInMs, elapsedInMs, counts: { ...counts }, mode: 'Error', reason: 'rate-limited' }))) throw giveUp(call, state, VETOED);
  if (!(await controller.emitRetry({ operation: call.operation, attempt, waitInMs, reason: 'rate-limited', error }))) throw giveUp(call, state, VETOED);
}

async function retryAfter(controller: RateLimitController, ctx: WaitContext, state: LoopState, error: ProjectorError, attempt: number, reason: 'busy' | 'transport', waitInMs: number): Promise<void> {
  if (ctx.deadlineAt !== undefined && controller.clock.now() + waitInMs >= ctx.deadlineAt) throw error;
  if (!(await controller.emitRetry({ operation: ctx.operation, attempt, waitInMs, reason, error }))) throw error;
  await controller.wait(waitInMs, ctx);
  state.waitedInMs += waitInMs;
}

const GIVE_UP_TIME = 'the give-up time after the first failure passed';
const DEADLINE = "the call's overall deadline (deadlineInMs) would pass before the next try";
const VETOED = 'a hook vetoed the retry';

function giveUp(call: RetryCall, state: LoopState, reason = GIVE_UP_TIME): RateLimitError {
  const last = state.lastRateLimit!;
  const e = new RateLimitError(
    `${call.operation}: Projector's rate limit (10016 RequestExceededRateLimit) held for ${last.episodeAgeInMs} ms of the episode; gave up after ${state.sent} attempt(s) because ${reason}`,
    {
      code: 'RequestExceededRateLimit',
      errorNumber: 10016,
      messages: last.error.messages,
      operation: call.operation,
      requestId: last.error.requestId,
      status: last.error.status,
      retryable: true,
      requestSent: false,
      attempts: state.sent,
      cause: last.error,
    },
  );
  e.counts = { ...last.counts };
  e.waitedInMs = state.waitedInMs;
  return e;
}

function toProjectorError(error: unknown, call: RetryCall): ProjectorError {
  if (error instanceof ProjectorError) return error;
  // Only the type goes into the message: the value itself may hold anything, so it stays in `cause`.
  const what = error instanceof Error ? `an unexpected ${error.name}` : `a non-Error value (${error === null ? 'null' : typeof error})`;
  return new ProjectorError(`${call.operation} failed with ${what}`, { code: 'Unexpected', operation: call.operation, retryable: false, cause: error });
}

function enrich(error: ProjectorError, call: RetryCall, state: LoopState): ProjectorError {
  error.operation ??= call.operation;
  error.attempts = state.sent;
  if (error instanceof RateLimitError && error.waitedInMs === 0) error.waitedInMs = state.waitedInMs;
  return error;
}
