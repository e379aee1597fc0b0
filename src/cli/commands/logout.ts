/** `projector logout [ticket]`: ends a session (e.g. one a crashed process left open). */
import type { Command } from 'commander';
import { ProjectorClient } from '../../client';
import { clientOptions, type GlobalOptions } from '../config';
import { EXIT, UsageError } from '../exit-codes';
import type { Action } from '../run';
import { readStdinSecret } from '../secret-input';

/** The ticket is a secret too: `-` (or no argument and no PROJECTOR_TICKET) reads it from stdin. */
async function ticketOf(arg: string | undefined): Promise<string> {
  const ticket = arg === undefined || arg === '-' ? (arg === undefined ? process.env.PROJECTOR_TICKET : undefined) ?? (await readStdinSecret()) : arg;
  if (!ticket.trim()) throw new UsageError('empty session ticket');
  return ticket.trim();
}

export function register(program: Command, action: Action): void {
  program
    .command('logout')
    .description('end a session (PwsUnauthenticate) given its ticket')
    .argument('[ticket]', 'the session ticket; "-" or omitted reads PROJECTOR_TICKET, then stdin (keeps it out of shell history)')
    .addHelpText('after', '\nA ticket the server no longer knows is reported as already logged out (exit 0).')
    .action(action(async (out, opts: GlobalOptions, ticketArg?: string) => {
      const options = clientOptions(opts, {});
      const client = new ProjectorClient({ ...options, sessionTicket: await ticketOf(ticketArg), accountCode: opts.account ?? process.env.PROJECTOR_ACCOUNT });
      try {
        const r = await client.unauthenticate();
        const text = r.alreadyLoggedOut ? 'The session had already ended.' : 'Logged out.';
        out.result(text, { command: 'logout', alreadyLoggedOut: r.alreadyLoggedOut, status: r.status });
        return EXIT.ok;
      } finally {
        await client.close();
      }
    }));
}
