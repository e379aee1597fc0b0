/**
 * `projector generate` and `projector fetch-wsdl <url>`: run the repository's own scripts, so there is one
 * implementation. An installed package ships neither the scripts nor ts-node, so there they explain instead.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import type { Action } from '../run';

/** The SDK's repository root: the nearest ancestor with scripts/<script> (src/cli/commands or dist/src/cli/commands). */
export function findRepoScript(script: string, from = __dirname): { root: string; file: string } | undefined {
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'scripts', script);
    if (fs.existsSync(file) && fs.existsSync(path.join(dir, 'package.json'))) return { root: dir, file };
  }
  return undefined;
}

function runScript(script: string, args: string[]): Promise<number> {
  const found = findRepoScript(script);
  let tsNode: string | undefined;
  try {
    tsNode = found && require.resolve('ts-node/register/transpile-only', { paths: [found.root] });
  } catch {
    tsNode = undefined;
  }
  if (!found || !tsNode) {
    throw new UsageError(`this command needs the SDK's repository (scripts/${script} and its dev dependencies); it is not part of the installed package`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', tsNode, found.file, ...args], { cwd: found.root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function register(program: Command, action: Action): void {
  program
    .command('generate')
    .description('regenerate generated/ from wsdl/ (runs scripts/generate.ts; repository only)')
    .allowUnknownOption()
    .argument('[args...]', 'passed to the script')
    .action(action(async (_out, _opts, args: string[] = []) => runScript('generate.ts', args)));
  program
    .command('fetch-wsdl')
    .description('download the WSDL and XSDs of a live server into wsdl/ (runs scripts/fetch-wsdl.ts; repository only)')
    .allowUnknownOption()
    .argument('<url>', 'the service URL (…/PwsProjectorServices.svc)')
    .argument('[args...]', 'passed to the script')
    .action(action(async (_out, _opts, url: string, args: string[] = []) => runScript('fetch-wsdl.ts', [url, ...args])));
}
