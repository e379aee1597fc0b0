/**
 * The 10016 text carries the hit counts and thresholds; the vendor's exact wording is unknown, so the parser takes
 * the simulator's format and lenient variants, and leaves missing parts undefined.
 */
import { parseRateLimitMessage, parseRateLimitWindowInMs } from '../src/rate-limit/parse-message';

test("the simulator's format", () => {
  const text = 'Rate limit exceeded. Installation hits 2401 of 2400, user hits 1700 of 1800, session hits 1201 of 1200 in the last 60 seconds.';
  expect(parseRateLimitMessage(text)).toEqual({
    installationHits: 2401, installationLimit: 2400, userHits: 1700, userLimit: 1800, sessionHits: 1201, sessionLimit: 1200,
  });
  expect(parseRateLimitWindowInMs(text)).toBe(60_000);
});

test.each([
  ['any case and order', 'SESSION HITS 1201 OF 1200; installation hits 5 of 2400', { sessionHits: 1201, sessionLimit: 1200, installationHits: 5, installationLimit: 2400 }],
  ['thousands separators', 'Session hits 1,201 of 1,200', { sessionHits: 1201, sessionLimit: 1200 }],
  ['slash and colon', 'User hit count: 2001/1800', { userHits: 2001, userLimit: 1800 }],
  ['"out of"', 'installation: 2401 out of 2400', { installationHits: 2401, installationLimit: 2400 }],
  ['a trailing number is not glued to the limit', 'installation hits 2401 of 2400, 10 more', { installationHits: 2401, installationLimit: 2400 }],
  ['a count without a threshold', 'user hits 12', {}],
  ['no counts at all', 'Request exceeded rate limit.', {}],
  ['empty text', '', {}],
])('%s', (_, text, expected) => {
  expect(parseRateLimitMessage(text)).toEqual(expected);
});

test('windows in other units, or none', () => {
  expect(parseRateLimitWindowInMs('in the past 2 minutes')).toBe(120_000);
  expect(parseRateLimitWindowInMs('rolling window of 30 s')).toBe(30_000);
  expect(parseRateLimitWindowInMs('Rate limit exceeded.')).toBeUndefined();
});
