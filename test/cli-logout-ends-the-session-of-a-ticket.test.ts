/**
 * `projector logout` ends the session of a ticket read from stdin (so it stays out of shell history and `ps`);
 * a ticket that is already dead is reported as such, exit 0; the ticket is never printed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../src/simulator';
import { runCli } from './support/run-cli';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Logs in with the vendor's raw PwsAuthenticate envelope, so the test holds a ticket the SDK never saw. */
async function rawLogin(): Promise<string> {
  const body = readFileSync(path.join(__dirname, 'fixtures/vendor/authenticate-request.xml'), 'utf8')
    .replace('my-account-code', 'DEMO')
    .replace('example-password', 'projector')
    .replace('jdoe@acme.com', 'alice@example.com');
  const res = await fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsAuthenticate"' },
    body,
  });
  const ticket = /<a:SessionTicket>([^<]+)<\/a:SessionTicket>/.exec(await res.text())?.[1];
  if (!ticket) throw new Error('no SessionTicket in the PwsAuthenticate response');
  return ticket;
}

test('a live ticket is logged out; the same ticket again is reported as already ended', async () => {
  const ticket = await rawLogin();
  sim.clearLog();
  const env = { PROJECTOR_URL: sim.baseUrl, PROJECTOR_ACCOUNT: 'DEMO' };
  const first = await runCli(['logout', '-'], env, `${ticket}\n`);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout.trim()).toBe('Logged out.');
  expect(sim.log.map((e) => [e.operation, e.outcome])).toEqual([['PwsUnauthenticate', 'ok']]);

  const second = await runCli(['--json', 'logout'], { ...env, PROJECTOR_TICKET: ticket });
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, command: 'logout', alreadyLoggedOut: true });
  expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(ticket);
});
