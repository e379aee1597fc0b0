/**
 * Redaction replaces a secret where it stands as a value (a whole token, a field, element text) and changes no
 * other text: with the demo password `projector`, a server message naming projectorpsa.com keeps the host name,
 * while the password itself, wherever the server echoes it, never reaches the error.
 */
import { isProjectorError, type ProjectorError } from '../src/errors';
import { SimulatedFault } from '../src/simulator';
import { ALICE, startRig, type Rig } from './support/client';

const HOST_TEXT = 'Your installation lives on projectorpsa.com (see https://help.projectorpsa.com/projector-psa and projector-psa.com)';

describe('redaction by value', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  async function failWith(errorText: string, additionalErrorText: string): Promise<ProjectorError> {
    rig.sim.handle('PwsTestRateLimiter', () => {
      throw new SimulatedFault({ messages: [{ errorNumber: 50123, errorCode: 'ScriptedRefusal', errorText, additionalErrorText }] });
    });
    const client = rig.client();
    expect(ALICE.password).toBe('projector');
    const error = await client.call('PwsTestRateLimiter', {}).catch((e: unknown) => e);
    await client.close();
    expect(isProjectorError(error)).toBe(true);
    return error as ProjectorError;
  }

  test('text that merely contains the password is left as it is', async () => {
    const error = await failWith(HOST_TEXT, `host=projectorpsa.com user=${ALICE.userName}`);
    expect(error.message).toContain(HOST_TEXT);
    expect(error.messages[0]).toMatchObject({ errorText: HOST_TEXT, additionalErrorText: `host=projectorpsa.com user=${ALICE.userName}` });
    expect(JSON.stringify(error)).not.toContain('[REDACTED]');
  });

  test('the password as a value is redacted wherever it stands', async () => {
    const error = await failWith('Password projector was refused for projectorpsa.com.', `password="projector";pwd=projector. Next:projector`);
    expect(error.messages[0].errorText).toBe('Password [REDACTED] was refused for projectorpsa.com.');
    expect(error.messages[0].additionalErrorText).toBe('password="[REDACTED]";pwd=[REDACTED]. Next:[REDACTED]');
    expect(error.message).toContain('Password [REDACTED] was refused for projectorpsa.com.');
    for (const text of [error.message, JSON.stringify(error.messages)]) expect(text.replace(/projectorpsa\.com/g, '')).not.toMatch(/\bprojector\b/);
  });
});
