/**
 * The operation table: what the rest of the SDK knows about each PWS operation. Idempotency decides which
 * calls may be re-sent after a request was written but no answer arrived (see retry.ts).
 * PwsAuthenticate counts as idempotent: a repeated login creates at most one more session and changes no data
 * (a credential failure is an answer, and is never retried). PwsTestRateLimiter follows the rate-limit issue.
 */
export const SOAP_ACTION_PREFIX = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/';

export const OPERATIONS = {
  PwsAuthenticate: { idempotent: true, needsSession: false },
  PwsUnauthenticate: { idempotent: true, needsSession: true },
  PwsAcquireProjectorLocks: { idempotent: false, needsSession: true },
  PwsCheckProjectorLocks: { idempotent: true, needsSession: true },
  PwsRenewProjectorLocks: { idempotent: false, needsSession: true },
  PwsReleaseProjectorLocks: { idempotent: true, needsSession: true },
  PwsTestRateLimiter: { idempotent: true, needsSession: true },
} as const;

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export const soapActionOf = (operation: OperationName): string => SOAP_ACTION_PREFIX + operation;

export const NS = {
  soapEnvelope: 'http://schemas.xmlsoap.org/soap/envelope/',
  service: 'http://projectorpsa.com/PwsProjectorServices/',
  requests: 'http://projectorpsa.com/DataContracts/Requests/',
  responses: 'http://projectorpsa.com/DataContracts/Responses/',
  commonServices: 'http://projectorpsa.com/CommonServices/',
  common: 'http://projectorpsa.com/DataContracts/Shared/Common/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;
