/** A simulator in its own process (rate limiting off), so its CPU is not charged to the client being measured. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `projector simulator` from the repository (or a copy of it) at `cwd`; resolves with its URL. */
export async function startSimulatorProcess(cwd: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/index.ts', '--json', 'simulator', '--port', '0', '--rate-limit-mode', 'Disabled'], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`the simulator in ${cwd} exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}
