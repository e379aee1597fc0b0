/**
 * Wraps every command's action: builds the output (text or --json) from the global flags, runs the command,
 * and turns whatever it throws into a printed, secret-free failure and a documented exit code.
 */
import type { Command } from 'commander';
import type { GlobalOptions } from './config';
import { exitCodeFor } from './exit-codes';
import { createOutput, type Output } from './output';

/** A command body: gets the output, the merged (global + command) options, then its positional arguments. */
export type CommandBody = (out: Output, opts: GlobalOptions & Record<string, unknown>, ...args: any[]) => Promise<number>;
export type Action = (body: CommandBody) => (...commanderArgs: unknown[]) => Promise<void>;

/** The exit code of the last action; index.ts exits with it. */
export const outcome = { exitCode: 0 };

export const action: Action = (body) => async (...commanderArgs) => {
  // commander calls action(arg1, ..., argN, options, command)
  const command = commanderArgs[commanderArgs.length - 1] as Command;
  const positional = commanderArgs.slice(0, -2);
  const opts = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  const out = createOutput(Boolean(opts.json));
  try {
    outcome.exitCode = await body(out, opts, ...positional);
  } catch (error) {
    outcome.exitCode = exitCodeFor(error);
    out.failure(error, outcome.exitCode);
  }
};
