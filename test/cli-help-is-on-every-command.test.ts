/**
 * `--help` works on the program and on every command, and documents the environment and the exit codes.
 * The program help runs the real binary; the per-command helps call the same entry point in-process (main)
 * to keep the file fast.
 */
import type { Command } from 'commander';
import { buildProgram, main } from '../src/cli';
import { runCli } from './support/run-cli';

/** Every command and subcommand, as typed after `projector`, read from the program itself so none can be missed. */
function commandPaths(parent: Command, prefix: string[] = []): string[][] {
  return parent.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}
const COMMAND_PATHS = commandPaths(buildProgram());
const COMMANDS = COMMAND_PATHS.filter((p) => p.length === 1).map(([c]) => c);

test('the command list comes from the program and holds the commands the README documents', () => {
  expect(COMMANDS).toEqual(expect.arrayContaining(['release-locks', 'logout', 'rate-limit', 'simulator', 'generate', 'fetch-wsdl', 'oauth']));
});

test('the program help lists every command, the environment variables and the exit codes', async () => {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  for (const v of ['PROJECTOR_URL', 'PROJECTOR_ACCOUNT', 'PROJECTOR_USER', 'PROJECTOR_PASSWORD']) expect(r.stdout).toContain(v);
  expect(r.stdout).toMatch(/^ {2}5 {2}transport failure/m);
  expect(r.stdout).not.toMatch(/--password </);
});

test.each(COMMAND_PATHS.map((p) => [p.join(' '), p] as const))('%s --help exits 0 with its usage and the exit codes', async (command, path) => {
  let written = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    expect(await main(['node', 'projector', ...path, '--help'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  expect(written).toMatch(new RegExp(`^Usage: projector ${command}`));
  expect(written).toContain('Exit codes:');
});
