/** `projector release-locks <lockSetId>`: the usual fix when a job died holding a lock set. */
import type { Command } from 'commander';
import { isLockNotFoundError } from '../../errors';
import { loggedInClient, type GlobalOptions } from '../config';
import { EXIT, UsageError } from '../exit-codes';
import type { Action } from '../run';

export function parseLockSetId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) {
    throw new UsageError(`lockSetId must be a positive 32-bit integer, got "${value}"`);
  }
  return id;
}

export function register(program: Command, action: Action): void {
  program
    .command('release-locks')
    .description('release a lock set (e.g. one left behind by a job that died); logs in as the configured user')
    .argument('<lockSetId>', 'the ProjectorLockSetId to release')
    .addHelpText('after', '\nAlready released and stolen lock sets are reported, not treated as failures (exit 0).\nAn unknown or expired lock set exits 1.')
    .action(action(async (out, opts: GlobalOptions, lockSetIdText: string) => {
      const lockSetId = parseLockSetId(lockSetIdText);
      const client = await loggedInClient(opts);
      try {
        const r = await client.releaseLocks(lockSetId);
        const who = r.stolenBy && `${r.stolenBy.userDisplayName ?? r.stolenBy.emailAddress ?? 'another user'}${r.stolenBy.emailAddress ? ` <${r.stolenBy.emailAddress}>` : ''}`;
        const outcome = r.stolenBy ? 'stolen' : r.alreadyReleased ? 'already-released' : 'released';
        const text =
          outcome === 'stolen' ? `Lock set ${lockSetId} had been stolen by ${who}; the locks are theirs now, nothing of yours was held.`
          : outcome === 'already-released' ? `Lock set ${lockSetId} was already released.`
          : `Released lock set ${lockSetId}.`;
        out.result(text, { command: 'release-locks', lockSetId, outcome, stolenBy: r.stolenBy ?? null, status: r.status });
        return EXIT.ok;
      } catch (error) {
        if (isLockNotFoundError(error)) error.message = `Lock set ${lockSetId} not found (unknown, expired, or not yours): ${error.message}`;
        throw error;
      } finally {
        await client.close();
      }
    }));
}
