/**
 * Every error and warning the simulator sends, and the channel it travels on.
 *
 * Channel choices (the vendor documents only two of them; the rest follow the reference's reading of WCF):
 *  - PwsFault (HTTP 500 SOAP fault, faultcode s:Client, detail PwsFault):
 *      50469 EntityAlreadyLocked        vendor: lock conflicts arrive as PwsFault with LockHolders.
 *      10016 RequestExceededRateLimit   vendor: Error mode rejects "with a PWS Fault" before the service runs.
 *      10017 TooManyActiveRequests      OURS (number and code): the throttle refuses before the service runs, like
 *                                       the rate limiter, so it uses the same channel. Text from the third-party client.
 *      50486 LockStolen                 OURS: asserting (check/renew) a stolen lock set; PwsFault.LockTaker is filled,
 *                                       as the vendor says saves of a stolen lock see it.
 *  - In-band (HTTP 200, Status Fail or FailSessionInvalid, message Type Error):
 *      -101 InvalidSession              a ticket we issued that ended (logout, idle, lifetime, invalidated).
 *      10004 InvalidSessionTicket       a ticket this instance never issued, or none at all. Vendor example is in-band.
 *      10001 AuthenticationFailed       OURS: bad user, password or account, and every attempt during a lockout
 *                                       (same answer, as the vendor gives no notice of a lockout).
 *      10010 InvalidRequestValue        OURS: required member missing or a value out of range (durations, list sizes).
 *      10126 InvalidEnumerationValueSpecified, 50024 EntityNotFound, 50475 SpecifiedLockNotFound,
 *      50485 CannotRenewLockReleased    vendor numbers; the vendor lists them as per-service errors, so in-band.
 *  - In-band warnings (Status OkWithWarnings): 50476 LockAlreadyReleased, 10016 in Warning mode.
 *  - Information (Status unchanged): 136 NonProductionEnvironment.
 *  - Plain WCF faults without PwsFault: malformed or schema-invalid XML (s:Client), SOAPAction mismatch
 *    (ContractFilter, a:ActionNotSupported), unexpected server errors (s:Server).
 *
 * 10016 text format (the SDK parses it; keep it stable):
 *   `Rate limit exceeded. Installation hits <n> of <limit>, user hits <n> of <limit>, session hits <n> of <limit> in the last <s> seconds.`
 */
import type { MessageType } from '../types';

export interface SimMessage {
  additionalErrorText?: string;
  errorCode: string;
  errorNumber: number;
  errorText: string;
  type: MessageType;
}

const error = (errorNumber: number, errorCode: string, errorText: string, type: MessageType = 'Error'): SimMessage => ({
  additionalErrorText: `${type === 'Information' ? 'Message' : type} ${errorNumber}: ${errorCode}`,
  errorCode,
  errorNumber,
  errorText,
  type,
});

export const MSG = {
  invalidSession: () =>
    error(-101, 'InvalidSession', 'The specified session is not valid or is no longer valid. Please re-establish a session.'),
  invalidSessionTicket: () =>
    error(10004, 'InvalidSessionTicket', 'The specified session ticket is invalid. Please verify you are issuing this request against the correct instance of Projector.'),
  authenticationFailed: () => error(10001, 'AuthenticationFailed', 'The specified account code, user name or password is invalid.'),
  invalidValue: (text: string) => error(10010, 'InvalidRequestValue', text),
  tooManyActive: (active: number, threshold: number) =>
    error(10017, 'TooManyActiveRequests', `You currently have ${active} active requests, exceeding the threshold of ${threshold}.`),
  rateLimit: (text: string, type: MessageType) => error(10016, 'RequestExceededRateLimit', text, type),
  invalidLockType: (value: string) =>
    error(10126, 'InvalidEnumerationValueSpecified', `The value '${value}' is not valid for LockType. Valid values are E, C, P, R, RT, CP, CB, I.`),
  entityNotFound: () => error(50024, 'EntityNotFound', 'Entity PwsProjectorLockEntity was not found.'),
  entityAlreadyLocked: () => ({
    ...error(50469, 'EntityAlreadyLocked', 'One or more existing locks prevent acquisition of requested lock.'),
    additionalErrorText: 'Error 50469, State 1: One or more existing locks prevent acquisition of requested lock.',
  }),
  lockNotFound: () => error(50475, 'SpecifiedLockNotFound', 'Invalid lock specified.'),
  lockAlreadyReleased: (id: number) => error(50476, 'LockAlreadyReleased', `Warning: Lock ${id} has already been released.`, 'Warning'),
  cannotRenewReleased: (id: number) => error(50485, 'CannotRenewLockReleased', `Lock ${id} cannot be renewed because it has been released.`),
  lockStolen: (id: number) => error(50486, 'LockStolen', `Lock ${id} has been stolen by another user.`),
  nonProduction: (where: string): SimMessage => ({
    ...error(136, 'NonProductionEnvironment', 'This request was executed against a non-production instance of Projector.', 'Information'),
    additionalErrorText: `Message 136: This request was executed against the SIMULATOR [${where}] environment.`,
  }),
};

export function rateLimitText(c: { installation: number; user: number; session: number }, s: { installationLimit: number; userLimit: number; sessionLimit: number; windowInMs: number }): string {
  return (
    `Rate limit exceeded. Installation hits ${c.installation} of ${s.installationLimit}, user hits ${c.user} of ${s.userLimit}, ` +
    `session hits ${c.session} of ${s.sessionLimit} in the last ${s.windowInMs / 1000} seconds.`
  );
}
