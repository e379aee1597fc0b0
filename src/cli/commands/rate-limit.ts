/** `projector rate-limit`: the installation's live rate-limit counters (PwsTestRateLimiter, no simulated hits). */
import type { Command } from 'commander';
import { ProjectorServiceError } from '../../errors';
import { loggedInClient, type GlobalOptions } from '../config';
import { EXIT } from '../exit-codes';
import { rateLimitTable } from '../output';
import type { Action } from '../run';

export function register(program: Command, action: Action): void {
  program
    .command('rate-limit')
    .description('show the rate-limit counters of the installation, user and session as a table with bars')
    .addHelpText('after', '\nLogging in and this call count as hits themselves (one each, unless the server weighs them otherwise).')
    .action(action(async (out, opts: GlobalOptions) => {
      const client = await loggedInClient(opts);
      try {
        const r = await client.testRateLimiter();
        if (!r.snapshot) throw new ProjectorServiceError('PwsTestRateLimiter returned no RateLimitSnapshot', { code: 'ResponseFormat', operation: 'PwsTestRateLimiter' });
        out.result(rateLimitTable(r.snapshot), { command: 'rate-limit', snapshot: r.snapshot });
        return EXIT.ok;
      } finally {
        await client.close();
      }
    }));
}
