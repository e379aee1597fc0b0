/**
 * `npm run simulator -- --port N` (ts-node src/simulator/cli.ts) prints the URL and the demo credentials and
 * serves until stopped.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';

it('starts, prints the service URL and the demo credentials, serves the WSDL, and stops on SIGTERM', async () => {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), join(root, 'src', 'simulator', 'cli.ts'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/OpsProjectorWcfSvc\/PwsProjectorServices\.svc)/.exec(out);
        if (m && out.includes('Ctrl-C')) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(out).toContain('DEMO');
    expect(out).toContain('alice@example.com');
    expect(out).toContain('bob@example.com');
    expect(out).toContain('projector');
    const status = await new Promise<number>((resolve, reject) =>
      request(`${url}?wsdl`, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
