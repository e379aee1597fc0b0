import { AuthenticationError } from '../src/errors';
import { ProjectorClient } from '../src/client';
import { startSimulator } from '../src/simulator';
import { ALICE, PROJECT, authCount, startRig } from './support/client';

describe('authentication', () => {
  test('a bad password is AuthenticationError and exactly one PwsAuthenticate is ever sent', async () => {
    const rig = await startRig();
    try {
      const client = rig.client({ credentials: { ...ALICE, password: 'wrong' } });
      await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).rejects.toBeInstanceOf(AuthenticationError);
      await expect(client.releaseLocks(1)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(client.authenticate()).rejects.toBeInstanceOf(AuthenticationError);
      expect(authCount(rig.sim)).toBe(1);
      client.setCredentials(ALICE);
      await expect(client.checkLocks({ locks: [{ entityIdentity: PROJECT }] })).resolves.toMatchObject({ status: 'Ok' });
      expect(authCount(rig.sim)).toBe(2);
    } finally {
      await rig.close();
    }
  });

  test('RedirectUrl moves the session to the instance that hosts the account, and later calls go there', async () => {
    const home = await startSimulator({ accounts: [{ accountCode: 'FAR', users: [{ userName: 'carol@example.com', password: 'pw-carol' }] }] });
    const front = await startSimulator({ redirect: { FAR: home.baseUrl } });
    const client = new ProjectorClient({ endpoint: front.baseUrl, credentials: { accountCode: 'FAR', userName: 'carol@example.com', password: 'pw-carol' } });
    try {
      const auth = await client.authenticate();
      expect(auth?.endpoint).toBe(home.url);
      await client.checkLocks({ locks: [{ entityIdentity: PROJECT }] }).catch(() => undefined);
      expect(front.log.map((e) => e.operation)).toEqual(['PwsAuthenticate']);
      expect(home.log.map((e) => e.operation)).toEqual(['PwsAuthenticate', 'PwsCheckProjectorLocks']);
      expect(client.endpoint).toBe(home.url);
    } finally {
      await client.close();
      await Promise.all([home.close(), front.close()]);
    }
  });

  test('a redirect back to an instance already tried is an error, not a loop', async () => {
    const a = await startSimulator({ accounts: [] });
    const b = await startSimulator({ accounts: [], redirect: { LOOP: a.baseUrl } });
    a.setRedirect({ LOOP: b.baseUrl });
    const client = new ProjectorClient({ endpoint: b.url, credentials: { accountCode: 'LOOP', userName: 'x@example.com', password: 'pw-x1' } });
    try {
      await expect(client.authenticate()).rejects.toMatchObject({ code: 'RedirectLoop' });
      expect(a.log.length + b.log.length).toBeLessThanOrEqual(3);
    } finally {
      await client.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
