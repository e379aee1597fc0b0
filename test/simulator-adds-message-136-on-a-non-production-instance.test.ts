/**
 * With nonProductionMessage, every answer carries the informational message 136 NonProductionEnvironment
 * (Status unchanged); without it, none does.
 */
import { ManualClock } from '../src/clock';
import { startSimulator } from '../src/simulator';
import { callRaw, loginRaw, textOfFirst } from '../src/simulator/testing';
import { find, parseXml } from './support/xml';

describe('simulator message 136', () => {
  it('adds an Information 136 to normal answers, failures and faults alike', async () => {
    const sim = await startSimulator({ clock: new ManualClock(), nonProductionMessage: true, rateLimit: { sessionLimit: 1 } });
    try {
      const ticket = await loginRaw(sim.url);
      const ok = await callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
      expect(textOfFirst(ok.body, 'Status')).toBe('Ok');
      const messages = find(parseXml(ok.body), 'Messages')!;
      expect(messages.children.map((m) => find(m, 'ErrorNumber')!.text)).toEqual(['136']);
      expect(find(messages, 'Type')!.text).toBe('Information');
      expect(find(messages, 'ErrorCode')!.text).toBe('NonProductionEnvironment');
      const fault = await callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
      expect(fault.status).toBe(500);
      expect([...fault.body.matchAll(/<ErrorNumber>(\d+)</g)].map((m) => m[1])).toEqual(['10016', '136']);
      const fail = await callRaw(sim.url, 'PwsTestRateLimiter', '<req:SessionTicket>bogus</req:SessionTicket>');
      expect([...fail.body.matchAll(/<b:ErrorNumber>(\d+)</g)].map((m) => m[1])).toEqual(['10004', '136']);
      expect(textOfFirst(fail.body, 'Status')).toBe('FailSessionInvalid');
    } finally {
      await sim.close();
    }
  });

  it('sends no 136 by default', async () => {
    const sim = await startSimulator({ clock: new ManualClock() });
    try {
      const ticket = await loginRaw(sim.url);
      const ok = await callRaw(sim.url, 'PwsTestRateLimiter', `<req:SessionTicket>${ticket}</req:SessionTicket>`);
      expect(ok.body).toContain('<Messages xmlns="http://projectorpsa.com/CommonServices/" xmlns:b="http://projectorpsa.com/DataContracts/Shared/Common/"/>');
    } finally {
      await sim.close();
    }
  });
});
