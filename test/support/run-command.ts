/** Runs npm, npx or node (the ones beside this node when they are there) in a folder, for the end-to-end tests. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCommand(command: 'npm' | 'npx' | 'node', args: string[], cwd: string, timeoutMs = 120_000): Promise<CommandRun> {
  const beside = path.join(path.dirname(process.execPath), command);
  const file = command === 'node' ? process.execPath : existsSync(beside) ? beside : command;
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
