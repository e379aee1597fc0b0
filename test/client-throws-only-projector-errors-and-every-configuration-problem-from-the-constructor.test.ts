/**
 * Every value the SDK throws is a ProjectorError. Configuration problems are one class, ConfigurationError (code
 * 'Configuration', nothing sent), raised by the constructor: a bad URL, no way to log in, plain http to a remote
 * host, a bad option value, an unknown operation in `operations`. What goes wrong later is typed too: a ticket
 * provider that throws, a RedirectUrl the client may not follow. The WSDL itself is not needed at run time.
 */
import { ProjectorClient } from '../src/client';
import { ConfigurationError, ProjectorError, ResponseFormatError, SessionInvalidError } from '../src/errors';
import type { ProjectorClientOptions } from '../src/options';
import { ALICE, PROJECT, startRig } from './support/client';

const LOCAL = 'http://127.0.0.1:9/OpsProjectorWcfSvc/PwsProjectorServices.svc';
const check = { locks: [{ entityIdentity: PROJECT }] };

function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (err) {
    return err;
  }
  return undefined;
}

const BAD: [string, unknown, RegExp][] = [
  ['no options at all', undefined, /options object/],
  ['an endpoint that is not a URL', { endpoint: 'secure2 projectorpsa com', credentials: ALICE }, /not a valid URL/],
  ['an endpoint that is not a string', { endpoint: 42, credentials: ALICE }, /endpoint/],
  ['an ftp endpoint', { endpoint: 'ftp://secure2.projectorpsa.com', credentials: ALICE }, /http\(s\)/],
  ['an endpoint carrying a password', { endpoint: 'https://svc:Hunter2-Pass@secure2.projectorpsa.com', credentials: ALICE }, /credentials/],
  ['plain http to a remote host', { endpoint: 'http://secure2.projectorpsa.com', credentials: ALICE }, /plain http/],
  ['neither credentials nor a ticket', { endpoint: LOCAL }, /credentials or a sessionTicket/],
  ['credentials without a password', { endpoint: LOCAL, credentials: { accountCode: 'DEMO', userName: 'alice@example.com' } }, /credentials\.password/],
  ['an empty sessionTicket', { endpoint: LOCAL, sessionTicket: '' }, /sessionTicket/],
  ['a negative timeoutInMs', { endpoint: LOCAL, credentials: ALICE, timeoutInMs: -1 }, /timeoutInMs/],
  ['a deadlineInMs of zero', { endpoint: LOCAL, credentials: ALICE, deadlineInMs: 0 }, /deadlineInMs/],
  ['a NaN connectTimeoutInMs', { endpoint: LOCAL, credentials: ALICE, connectTimeoutInMs: Number.NaN }, /connectTimeoutInMs/],
  ['a string maxResponseBytes', { endpoint: LOCAL, credentials: ALICE, maxResponseBytes: '10MB' }, /maxResponseBytes/],
  ['an infinite closeTimeoutInMs', { endpoint: LOCAL, credentials: ALICE, closeTimeoutInMs: Number.POSITIVE_INFINITY }, /closeTimeoutInMs/],
  ['no slot per user', { endpoint: LOCAL, credentials: ALICE, rateLimit: { maxConcurrentPerUser: 0 } }, /maxConcurrentPerUser/],
  ['a safety factor above 1', { endpoint: LOCAL, credentials: ALICE, rateLimit: { safetyFactor: 1.5 } }, /safetyFactor/],
  ['an unknown operation in operations', { endpoint: LOCAL, credentials: ALICE, operations: { PwsSaveTimecards: { idempotent: true } } }, /PwsSaveTimecards/],
  ['a negative operation weight', { endpoint: LOCAL, credentials: ALICE, operations: { PwsCheckProjectorLocks: { weight: -2 } } }, /weight/],
];

describe('configuration problems', () => {
  test.each(BAD)('%s: ConfigurationError from the constructor', (_name, options, message) => {
    const err = thrownBy(() => new ProjectorClient(options as ProjectorClientOptions));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err).toMatchObject({ name: 'ConfigurationError', code: 'Configuration', requestSent: false, retryable: false });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('Hunter2-Pass');
  });

  test('what is allowed stays allowed: loopback http, http with allowInsecureHttp, a base URL, a ticket provider', () => {
    expect(() => new ProjectorClient({ endpoint: LOCAL, credentials: ALICE })).not.toThrow();
    expect(() => new ProjectorClient({ endpoint: 'http://secure2.projectorpsa.com', credentials: ALICE, allowInsecureHttp: true })).not.toThrow();
    expect(new ProjectorClient({ endpoint: 'https://secure2.projectorpsa.com', credentials: ALICE }).endpoint).toBe(
      'https://secure2.projectorpsa.com/OpsProjectorWcfSvc/PwsProjectorServices.svc',
    );
    expect(() => new ProjectorClient({ endpoint: LOCAL, sessionTicket: async () => 'AaoSuE89vJzjNFnsXZNioA==', operations: { PwsCheckProjectorLocks: { weight: 2 } } })).not.toThrow();
  });

  test('setCredentials checks the credentials like the constructor does', () => {
    const client = new ProjectorClient({ endpoint: LOCAL, credentials: ALICE });
    expect(thrownBy(() => client.setCredentials({ ...ALICE, password: '' }))).toBeInstanceOf(ConfigurationError);
    expect(thrownBy(() => client.setCredentials(undefined as never))).toBeInstanceOf(ConfigurationError);
  });
});

describe('failures after construction are ProjectorErrors too', () => {
  test('a sessionTicket provider that throws: SessionInvalidError, without the provider\'s text, nothing sent', async () => {
    const rig = await startRig();
    try {
      const leaky = rig.client({ credentials: undefined, accountCode: 'DEMO', sessionTicket: async () => { throw new Error('token endpoint refused refresh_token=rt-Secret-0042'); } });
      const err = await leaky.checkLocks(check).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionInvalidError);
      expect(err).toMatchObject({ code: 'TicketProviderFailed', requestSent: false, retryable: false });
      expect((err as Error).message).not.toContain('rt-Secret-0042');
      expect(JSON.stringify(err)).not.toContain('rt-Secret-0042');

      const odd = rig.client({ credentials: undefined, accountCode: 'DEMO', sessionTicket: () => Promise.reject('nope') });
      await expect(odd.checkLocks(check)).rejects.toBeInstanceOf(ProjectorError);
      await expect(odd.authenticate()).rejects.toBeInstanceOf(ProjectorError);
      expect(rig.sim.log).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  test('a RedirectUrl to plain http on a remote host is refused with ConfigurationError; a malformed one is a ResponseFormatError', async () => {
    const rig = await startRig();
    try {
      rig.sim.setRedirect({ DEMO: 'http://projector-eu.example.com' });
      const err = await rig.client().authenticate().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err).toMatchObject({ code: 'Configuration', operation: 'PwsAuthenticate' });
      expect((err as Error).message).toMatch(/plain http/);

      rig.sim.setRedirect({ DEMO: 'not a url' });
      const malformed = await rig.client().checkLocks(check).catch((e: unknown) => e);
      expect(malformed).toBeInstanceOf(ResponseFormatError);
      expect((malformed as Error).message).toMatch(/RedirectUrl/);
      expect(rig.sim.log.every((e) => e.operation === 'PwsAuthenticate')).toBe(true);
    } finally {
      await rig.close();
    }
  });

  test('the client needs no WSDL text at run time: with the contract files unreadable, calls still go out and succeed', async () => {
    const rig = await startRig();
    try {
      let asked = 0;
      await jest.isolateModulesAsync(async () => {
        // The envelope is written from the model alone; only the simulator's metadata serves the WSDL's text.
        jest.doMock('../generated', () => ({
          ...jest.requireActual('../generated'),
          contractFiles: () => {
            asked++;
            throw new Error('contract.json is not there');
          },
        }));
        const isolated = (await import('../src/client')) as typeof import('../src/client');
        const client = new isolated.ProjectorClient({ endpoint: rig.sim.url, credentials: ALICE, clock: rig.clock });
        await expect(client.checkLocks(check)).resolves.toMatchObject({ status: 'Ok' });
        await client.close();
      });
      expect(asked).toBe(0);
      expect(rig.sim.log.map((e) => e.operation)).toEqual(['PwsAuthenticate', 'PwsCheckProjectorLocks', 'PwsUnauthenticate']);
    } finally {
      await rig.close();
    }
  });
});
