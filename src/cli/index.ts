#!/usr/bin/env node
/**
 * `projector`: operations commands for Projector PWS (release a stuck lock set, end a session, look at the rate
 * limiter, run a simulator, regenerate the client). `projector --help` and `projector <command> --help` list all.
 */
import { Command, CommanderError } from 'commander';
import * as logout from './commands/logout';
import * as oauth from './commands/oauth';
import * as releaseLocks from './commands/release-locks';
import * as rateLimit from './commands/rate-limit';
import * as repoScripts from './commands/repo-scripts';
import * as simulator from './commands/simulator';
import { ENV_HELP } from './config';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { action, outcome } from './run';

export function buildProgram(): Command {
  const program = new Command()
    .name('projector')
    .description('Operations tool for Projector PSA web services (PWS)')
    .option('--url <url>', 'service URL (default: $PROJECTOR_URL)')
    .option('--account <code>', 'account code (default: $PROJECTOR_ACCOUNT)')
    .option('--user <name>', 'user name (default: $PROJECTOR_USER)')
    .option('--password-stdin', 'read the password from stdin (never pass it as an argument)')
    .option('--json', 'print one JSON object (results and errors) on stdout')
    .option('--allow-insecure-http', 'allow plain http to a non-loopback host')
    .option('--timeout-ms <n>', 'deadline of one HTTP attempt')
    .option('--give-up-ms <n>', 'stop retrying a rate-limited call after this long (default 60000)')
    .option('-v, --verbose', 'log the SDK\'s retries and pauses on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText('after', `${ENV_HELP}\n${EXIT_CODES_HELP}`);
  for (const command of [releaseLocks, logout, rateLimit, oauth, simulator, repoScripts]) command.register(program, action);
  const all = (c: Command): Command[] => c.commands.flatMap((sub) => [sub, ...all(sub)]);
  for (const command of all(program)) command.exitOverride().addHelpText('after', EXIT_CODES_HELP);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  outcome.exitCode = EXIT.ok;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and version are "errors" to commander's exitOverride; everything else it throws is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return outcome.exitCode;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`projector: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
