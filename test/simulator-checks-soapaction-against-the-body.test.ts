/**
 * Like WCF, the simulator dispatches on SOAPAction: an unknown, missing or mismatched action is answered with a
 * ContractFilter fault (HTTP 500, faultcode a:ActionNotSupported) and the operation does not run.
 */
import { ManualClock } from '../src/clock';
import { soapActionOf } from '../src/soap/operations';

const SOAP_ACTION_PREFIX = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/';
import { startSimulator, type Simulator } from '../src/simulator';
import { envelope, loginRaw, postRaw, textOfFirst } from '../src/simulator/testing';

describe('simulator SOAPAction dispatch', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: new ManualClock() });
  });
  afterAll(() => sim.close());

  const unauth = (ticket: string) => envelope('PwsUnauthenticate', `<req:SessionTicket>${ticket}</req:SessionTicket>`);

  it.each([
    ['an action of another operation', soapActionOf('PwsReleaseProjectorLocks')],
    ['an unknown operation', `${SOAP_ACTION_PREFIX}PwsDeleteEverything`],
    ['the legacy ASMX action', 'http://www.opsplanning.com/webservices/public/data/PwsUnauthenticate'],
    ['no SOAPAction header', null],
  ])('refuses %s with a ContractFilter fault and does not run the operation', async (_name, action) => {
    const ticket = await loginRaw(sim.url);
    const res = await postRaw(sim.url, unauth(ticket), { soapAction: action });
    expect(res.status).toBe(500);
    expect(res.body).toContain('xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none"');
    expect(textOfFirst(res.body, 'faultcode')).toBe('a:ActionNotSupported');
    expect(sim.log[sim.log.length - 1].outcome).toBe('rejected');
    // The session is still alive: the logout did not run.
    const again = await postRaw(sim.url, unauth(ticket), { soapAction: soapActionOf('PwsUnauthenticate') });
    expect(textOfFirst(again.body, 'Status')).toBe('Ok');
  });

  it('accepts the action with or without quotes', async () => {
    const ticket = await loginRaw(sim.url);
    const res = await postRaw(sim.url, unauth(ticket), { soapAction: null, headers: { SOAPAction: soapActionOf('PwsUnauthenticate') } });
    expect(res.status).toBe(200);
    expect(textOfFirst(res.body, 'Status')).toBe('Ok');
  });
});
