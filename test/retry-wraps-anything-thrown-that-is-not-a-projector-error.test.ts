/**
 * p-retry does not retry non-Errors and TypeErrors, and callers expect only ProjectorErrors: anything else an
 * attempt throws is wrapped (type in the message, value only in `cause`, never printed by inspect).
 */
import { inspect } from 'node:util';
import { ManualClock } from '../src/clock';
import { ProjectorError } from '../src/errors';
import { RateLimitController } from '../src/rate-limit/controller';
import { executeWithRetry } from '../src/retry';

const scopes = () => ({ installation: 'DEMO', user: 'DEMO/leo@example.com' });

test.each([
  ['a string', 'ticket=AYecIQSsKNpDZ6wY4k5Ilw==', /non-Error value \(string\)/],
  ['undefined', undefined, /non-Error value \(undefined\)/],
  ['a plain object', { secret: 'hunter2' }, /non-Error value \(object\)/],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), /unexpected TypeError/],
])('%s thrown by an attempt becomes a ProjectorError carrying it as cause', async (_, thrown, message) => {
  const controller = new RateLimitController({ clock: new ManualClock({ autoAdvance: true }) });
  let sent = 0;
  const error = await executeWithRetry(controller, { operation: 'PwsCheckProjectorLocks', idempotent: true, scopes }, async () => {
    sent++;
    throw thrown;
  }).catch((e) => e);
  expect(error).toBeInstanceOf(ProjectorError);
  expect(error).toMatchObject({ code: 'Unexpected', operation: 'PwsCheckProjectorLocks', attempts: 1 });
  expect(error.message).toMatch(message);
  expect(error.cause).toBe(thrown);
  expect(sent).toBe(1);
  const shown = inspect(error) + JSON.stringify(error);
  expect(shown).not.toContain('AYecIQSsKNpDZ6wY4k5Ilw==');
  expect(shown).not.toContain('hunter2');
});

test('a hook that throws a non-Error still ends the call with a ProjectorError', async () => {
  const controller = new RateLimitController({ clock: new ManualClock({ autoAdvance: true }), onRetry: () => { throw 'hook failed'; } });
  const error = await executeWithRetry(controller, { operation: 'PwsReleaseProjectorLocks', idempotent: true, scopes }, async () => {
    throw new ProjectorError('busy', { code: 'TooManyActiveRequests' });
  }).catch((e) => e);
  expect(error).toBeInstanceOf(ProjectorError);
  expect(error.cause).toBe('hook failed');
});
