/** `projector simulator --port 0 --json` prints where it listens, serves the SDK, and exits 0 on SIGINT. */
import { once } from 'node:events';
import { ProjectorClient } from '../src';
import { spawnCli } from './support/run-cli';

test('the simulator command serves a login and stops cleanly on SIGINT', async () => {
  const child = spawnCli(['--json', 'simulator', '--port', '0', '--rate-limit-mode', 'warning']);
  const exited = once(child, 'exit');
  try {
    let stdout = '';
    child.stdout!.setEncoding('utf8');
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`simulator exited early (${code})`)));
    });
    const info = JSON.parse(first) as { url: string; accountCode: string; users: string[]; rateLimitMode: string };
    expect(info).toMatchObject({ accountCode: 'DEMO', users: ['alice@example.com', 'bob@example.com'], rateLimitMode: 'Warning' });
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/OpsProjectorWcfSvc\/PwsProjectorServices\.svc$/);

    const client = new ProjectorClient({ endpoint: info.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' } });
    const auth = await client.authenticate();
    expect(auth?.user?.emailAddress).toBe('alice@example.com');
    await client.close();
  } finally {
    child.kill('SIGINT');
  }
  const [code] = await exited;
  expect(code).toBe(0);
});
