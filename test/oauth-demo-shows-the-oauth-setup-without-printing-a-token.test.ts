/**
 * `npm start` ends with the OAuth setup on the embedded simulator: the authorization URL (PKCE S256), the code
 * exchange, a client configured with only `oauth` doing real work, rotation handed to onRefreshToken, and close()
 * logging out the access token while the refresh token stays valid. No token is ever printed.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { TS_EXEC_ARGV } from './support/ts-child';

const ROOT = path.join(__dirname, '..');

test('the demo walks the OAuth setup after the password-based tour, and prints no token', async () => {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('PROJECTOR_')) delete env[name];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [...TS_EXEC_ARGV, 'scripts/demo.ts'], { cwd: ROOT, env, timeout: 25_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: out, stderr: err });
    });
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const lines = stdout.split('\n');
  const expected = [
    /alreadyLoggedOut = true/,
    /^9\. OAuth 2: get a refresh token once/,
    /authorization URL: https:\/\/app\.projectorpsa\.com\/oauth2authorize\/DEMO\?.*\(S256\)/,
    /exchanged the code \(with the PKCE verifier\) for a refresh token; access tokens live 3600 s/,
    /a client configured with only oauth checked the lock \(status Ok\)/,
    /the refresh token rotated 1 time\(s\); onRefreshToken stored the new one/,
    /closed: the access token it acquired was logged out; the refresh token stays valid/,
    /^Done\.$/,
  ];
  const positions = expected.map((re) => lines.findIndex((l) => re.test(l)));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  // Refresh tokens are 43 base64url characters, access tokens 24 Base64 characters: neither is ever printed.
  expect(stdout).not.toMatch(/[A-Za-z0-9_-]{43}/);
  expect(stdout).not.toMatch(/[A-Za-z0-9+/]{22}==/);
}, 30_000);
