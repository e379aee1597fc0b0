/**
 * p-retry does not retry non-Errors and TypeErrors, and callers expect only ProjectorErrors: anything else thrown
 * inside the retry loop (in production: a hook the caller gave) is wrapped (type in the message, value only in
 * `cause`, never printed by inspect). Through the client, against scripted busy refusals.
 */
import { inspect } from 'node:util';
import { ProjectorError } from '../src/errors';
import { busyFault, startScripted, type Scripted } from './support/scripted';

let rig: Scripted | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

test.each([
  ['a string', 'ticket=AYecIQSsKNpDZ6wY4k5Ilw==', /non-Error value \(string\)/],
  ['undefined', undefined, /non-Error value \(undefined\)/],
  ['a plain object', { secret: 'hunter2' }, /non-Error value \(object\)/],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), /unexpected TypeError/],
])('%s thrown by a hook becomes a ProjectorError carrying it as cause', async (_, thrown, message) => {
  rig = await startScripted({ PwsCheckProjectorLocks: () => { throw busyFault(); } }, { rateLimit: { onRetry: () => { throw thrown; } } });
  const error = await rig.call('PwsCheckProjectorLocks').catch((e: unknown) => e as ProjectorError);
  expect(error).toBeInstanceOf(ProjectorError);
  expect(error).toMatchObject({ code: 'Unexpected', operation: 'PwsCheckProjectorLocks', attempts: 1 });
  expect(error.message).toMatch(message);
  expect(error.cause).toBe(thrown);
  expect(rig.sent('PwsCheckProjectorLocks')).toBe(1);
  const shown = inspect(error) + JSON.stringify(error);
  expect(shown).not.toContain('AYecIQSsKNpDZ6wY4k5Ilw==');
  expect(shown).not.toContain('hunter2');
});

test('a hook that throws a non-Error still ends the call with a ProjectorError', async () => {
  rig = await startScripted({ PwsReleaseProjectorLocks: () => { throw busyFault(); } }, { rateLimit: { onRetry: () => { throw 'hook failed'; } } });
  const error = await rig.call('PwsReleaseProjectorLocks').catch((e: unknown) => e as ProjectorError);
  expect(error).toBeInstanceOf(ProjectorError);
  expect(error.cause).toBe('hook failed');
});
