/** Runs the `projector` CLI from source (TypeScript, as `npm run projector` does) as a child process, for the cli-* tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { TS_EXEC_ARGV } from './ts-child';

export const ROOT = path.join(__dirname, '..', '..');
const ARGS = [...TS_EXEC_ARGV, 'src/cli/index.ts'];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment holds only PATH plus what the test gives: no PROJECTOR_* from the developer's shell. */
export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

/** A long-running CLI command (e.g. `simulator`): the caller reads its output and stops it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const aliceEnv = (url: string): Record<string, string> => ({
  PROJECTOR_URL: url,
  PROJECTOR_ACCOUNT: 'DEMO',
  PROJECTOR_USER: 'alice@example.com',
  PROJECTOR_PASSWORD: 'projector',
});
