/**
 * A private, throw-away redis-server for the shared rate-limit tests: free 127.0.0.1 port, temp dir, no
 * persistence. Tests skip (loudly) only when the redis-server binary is missing; CI installs it (.ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL, as in a crash; the port stays reserved for `start()` again. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that accepts connections but never answers. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export function redisServerAvailable(): boolean {
  const probe = spawnSync(BINARY, ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

/** `describe`, or a loud skip when redis-server is not installed. */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerAvailable()) {
    describe(name, body);
    return;
  }
  // In CI a missing binary is a broken setup, never a silent skip.
  if (process.env.CI) throw new Error(`"${name}" needs redis-server, and CI=true: .ci/run must install it`);
  console.warn(`\n*** SKIPPED "${name}": no redis-server binary. Install it (apt-get install -y redis-server); CI does. ***\n`);
  describe.skip(name, body);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'projector-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      if (attempt >= 3) throw error; // the free port was taken in between: try another one
    }
  }
  let current: ChildProcess | undefined = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      if (current) await exited(current, 'SIGKILL');
      current = undefined;
    },
    async start() {
      current ??= await launch(port, dir);
    },
    freeze() {
      current?.kill('SIGSTOP');
    },
    thaw() {
      current?.kill('SIGCONT');
    },
    async stop() {
      current?.kill('SIGCONT');
      if (current) await exited(current, 'SIGTERM');
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
