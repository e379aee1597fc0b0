/**
 * The CLI's documented exit codes and the one place SDK errors are turned into them, so scripts that call
 * `projector` can branch on the kind of failure without parsing text.
 */
import {
  isAuthenticationError, isInvalidInputError, isProjectorError, isRateLimitError, isResponseFormatError,
  isSessionInvalidError, isTransportError,
} from '../errors';

export const EXIT = {
  ok: 0,
  /** Projector answered with a failure (unknown lock set, conflict, any other PWS error). */
  serverFailure: 1,
  /** Bad arguments or configuration: nothing was sent. */
  usage: 2,
  /** Login refused, or the ticket is not (or no longer) valid. */
  auth: 3,
  /** Still rate limited (10016) when the client gave up. */
  rateLimited: 4,
  /** The network failed, or the answer was not a PWS response (proxy page, truncated XML). */
  transport: 5,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  failure reported by the server (e.g. unknown lock set)
  2  usage or configuration error (nothing was sent)
  3  authentication failed or the session ticket is invalid
  4  rate limited (Projector kept answering 10016 until the client gave up)
  5  transport failure (network, timeout, or an answer that is not a PWS response)`;

/** A failure the CLI found itself (missing URL, bad id...), before talking to any server. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (!isProjectorError(error)) return EXIT.serverFailure;
  // The subclasses are structurally alike, so each guard narrows; keep the code before narrowing.
  const code = error.code;
  if (isAuthenticationError(error) || isSessionInvalidError(error)) return EXIT.auth;
  if (isRateLimitError(error)) return EXIT.rateLimited;
  if (isTransportError(error) || isResponseFormatError(error)) return EXIT.transport;
  if (isInvalidInputError(error) || code === 'Configuration') return EXIT.usage;
  return EXIT.serverFailure;
}
