/**
 * The simulator's documented defaults. Which values are vendor facts and which are our assumptions:
 *
 * - Rate limiting (reference §6): the rolling window of 60 s and the three counters are vendor facts; the
 *   thresholds 2400 / 1800 / 1200 are the vendor's *sample* values; every weight is OUR ASSUMPTION (the vendor's
 *   weight table was not found; the only known weight is 2 hits for RESTful calls, which we do not serve).
 *   Error mode is the default because the vendor's rollout plan makes Error the default in phase 2.
 * - Sessions: idle timeout 20 min and absolute lifetime 8 h are OUR ASSUMPTIONS (the vendor documents neither).
 * - Lockout: 5 failures -> 15 min block are OUR ASSUMPTIONS (the vendor says "a few minutes", up to 24 h).
 * - Throttle: 4 concurrent requests per user comes from a third-party client, not from the vendor.
 * - The demo account, users and entities are ours; P001468-001 / 1152921504607429941 is the vendor's example project.
 */
import type { RateLimitSettings, SimAccount, SimEntity } from './types';

export const DEMO_PASSWORD = 'projector';

export const DEFAULT_ACCOUNT: SimAccount = {
  accountCode: 'DEMO',
  name: 'Demo Installation',
  accountUid: '1152921504606846977',
  users: [
    {
      userName: 'alice@example.com',
      password: DEMO_PASSWORD,
      displayName: 'Alice Example',
      firstName: 'Alice',
      lastName: 'Example',
      userUid: '1152921504607067701',
      referenceSystemId: 'AE01',
    },
    {
      userName: 'bob@example.com',
      password: DEMO_PASSWORD,
      displayName: 'Bob Example',
      firstName: 'Bob',
      lastName: 'Example',
      userUid: '1152921504607067702',
      referenceSystemId: 'BE01',
    },
  ],
};

export const DEFAULT_ENTITIES: SimEntity[] = [
  { entityCode: 'P001468-001', entityUid: '1152921504607429941', entityTimestamp: 'AAAAABCotjg=' },
  { entityCode: 'P001468-002', entityUid: '1152921504607429942', entityTimestamp: 'AAAAABCotjk=' },
  { entityCode: 'E000100', entityUid: '1152921504607430001', entityTimestamp: 'AAAAABCqAAE=' },
  { entityCode: 'INV-2026-0001', entityUid: '1152921504607440001', entityTimestamp: 'AAAAABCrAAE=' },
  { entityCode: 'SYS-LOCKED', entityUid: '1152921504607450001', entityTimestamp: 'AAAAABCsAAE=', allowSteal: false },
];

export const RATE_LIMIT_DEFAULTS: RateLimitSettings = {
  mode: 'Error',
  windowInMs: 60_000,
  installationLimit: 2400,
  userLimit: 1800,
  sessionLimit: 1200,
  weights: {
    PwsAuthenticate: 1,
    PwsUnauthenticate: 1,
    PwsAcquireProjectorLocks: 1,
    PwsCheckProjectorLocks: 1,
    PwsRenewProjectorLocks: 1,
    PwsReleaseProjectorLocks: 1,
    PwsTestRateLimiter: 1,
  },
  defaultWeight: 1,
};

export const SESSION_DEFAULTS = { idleTimeoutInMs: 20 * 60_000, maxLifetimeInMs: 8 * 60 * 60_000 };
export const LOCKOUT_DEFAULTS = { maxFailures: 5, lockoutInMs: 15 * 60_000 };
export const THROTTLE_DEFAULT_MAX_ACTIVE = 4;
export const MAX_BODY_BYTES_DEFAULT = 1024 * 1024;
export const MIN_LOCK_DURATION_SECONDS = 1;
export const MAX_LOCK_DURATION_SECONDS = 86_400;
export const MAX_LOCKS_PER_REQUEST = 100;
export const FIRST_LOCK_SET_ID = 2601;
