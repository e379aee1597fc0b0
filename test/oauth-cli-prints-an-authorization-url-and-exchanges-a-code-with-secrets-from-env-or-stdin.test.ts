/**
 * `projector oauth authorize-url` and `projector oauth exchange`, run as the real binary against the simulator:
 * the person's one-time setup. The client secret, code and verifier come from the environment or stdin (NAME=value
 * lines), never from flags; stdout carries the refresh token alone (text) or in --json; nothing secret reaches
 * stderr; a refused code is exit code 3 without echoing anything secret.
 */
import { ProjectorClient } from '../src/client';
import { startSimulator, type Simulator } from '../src/simulator';
import { DEMO_OAUTH_CLIENT } from '../src/simulator/oauth';
import { runCli } from './support/run-cli';

const { clientId, clientSecret } = DEMO_OAUTH_CLIENT;
const REDIRECT = DEMO_OAUTH_CLIENT.redirectUris[0];
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

async function authorize(): Promise<{ url: string; state: string; codeVerifier: string }> {
  const r = await runCli(['--json', '--account', 'DEMO', 'oauth', 'authorize-url', '--client-id', clientId, '--redirect-uri', REDIRECT, '--scope', 'read write'], {});
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

async function works(refreshToken: string): Promise<void> {
  const c = new ProjectorClient({ endpoint: sim.url, oauth: { clientId, clientSecret, refreshToken } });
  await expect(c.call('PwsTestRateLimiter', {})).resolves.toMatchObject({ Status: 'Ok' });
  await c.close();
}

test('authorize-url, approval, exchange with secrets in the environment: stdout is the refresh token alone', async () => {
  const a = await authorize();
  const url = new URL(a.url);
  expect(url.pathname).toBe('/oauth2authorize/DEMO');
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('state')).toBe(a.state);
  expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const { code } = sim.oauth.approve(a.url, 'alice@example.com');

  const r = await runCli(['--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT], {
    PROJECTOR_OAUTH_CLIENT_SECRET: clientSecret,
    PROJECTOR_OAUTH_CODE: code,
    PROJECTOR_OAUTH_CODE_VERIFIER: a.codeVerifier,
  });
  expect(r.stderr).toMatch(/the refresh token on stdout is a secret/);
  expect(r.code).toBe(0);
  const refreshToken = r.stdout.trim();
  expect(r.stdout).toBe(`${refreshToken}\n`);
  for (const secret of [clientSecret, code, a.codeVerifier, refreshToken]) expect(r.stderr).not.toContain(secret);
  // The exchange logged out the access token it did not need.
  expect(sim.oauth.accessTokens().at(-1)!.endedBy).toBe('logout');
  await works(refreshToken);
});

test('--secrets-stdin reads NAME=value lines, including the whole callback URL with its state checked', async () => {
  const a = await authorize();
  const { redirectTo } = sim.oauth.approve(a.url, 'bob@example.com');
  const stdin = `# from the vault\nPROJECTOR_OAUTH_CLIENT_SECRET=${clientSecret}\nPROJECTOR_OAUTH_CALLBACK_URL=${redirectTo}\nPROJECTOR_OAUTH_CODE_VERIFIER=${a.codeVerifier}\n`;
  const r = await runCli(['--json', '--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT, '--state', a.state, '--secrets-stdin'], {}, stdin);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ ok: true, command: 'oauth exchange', sessionEnded: true });
  await works(out.refreshToken);

  const wrongState = await runCli(['--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT, '--state', 'other', '--secrets-stdin'], {}, stdin);
  expect(wrongState.code).toBe(2);
  expect(wrongState.stderr).toMatch(/state does not match/);
});

test('secrets are never options; a refused code is exit 3 and echoes nothing secret', async () => {
  const flag = await runCli(['--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT, '--client-secret', clientSecret], {});
  expect(flag.code).toBe(2);
  expect(flag.stderr).toContain("unknown option '--client-secret'");

  const missing = await runCli(['--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT], {});
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('PROJECTOR_OAUTH_CLIENT_SECRET');

  const refused = await runCli(['--url', sim.baseUrl, 'oauth', 'exchange', '--client-id', clientId, '--redirect-uri', REDIRECT], {
    PROJECTOR_OAUTH_CLIENT_SECRET: clientSecret,
    PROJECTOR_OAUTH_CODE: 'made-up-code-4711',
  });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toMatch(/InvalidGrant/);
  expect(refused.stdout + refused.stderr).not.toContain('made-up-code-4711');
  expect(refused.stdout + refused.stderr).not.toContain(clientSecret);
});
