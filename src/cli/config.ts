/**
 * Connection settings for the commands that talk to Projector: flags first, then PROJECTOR_* environment
 * variables. The password is deliberately not a flag: it comes from PROJECTOR_PASSWORD, from stdin with
 * --password-stdin, or from a no-echo prompt on a TTY.
 */
import { ProjectorClient } from '../client';
import type { Logger } from '../logger';
import type { Credentials, ProjectorClientOptions } from '../options';
import { UsageError } from './exit-codes';
import { promptHidden, readStdinSecret } from './secret-input';

/** The program-wide flags (commander's optsWithGlobals()). */
export interface GlobalOptions {
  url?: string;
  account?: string;
  user?: string;
  passwordStdin?: boolean;
  json?: boolean;
  verbose?: boolean;
  allowInsecureHttp?: boolean;
  timeoutMs?: string;
  giveUpMs?: string;
}

export const ENV_HELP = `
Environment:
  PROJECTOR_URL       service URL, e.g. https://secure2.projectorpsa.com (the .svc path is added)
  PROJECTOR_ACCOUNT   account code
  PROJECTOR_USER      user name (email)
  PROJECTOR_PASSWORD  password (otherwise --password-stdin, or a prompt on a TTY)
  DEBUG=projector:*   SDK debug log on stderr (secrets are never logged)`;

export function endpointOf(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const url = opts.url ?? env.PROJECTOR_URL;
  if (!url) throw new UsageError('no server: pass --url or set PROJECTOR_URL');
  return url;
}

export async function credentialsOf(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const accountCode = opts.account ?? env.PROJECTOR_ACCOUNT;
  const userName = opts.user ?? env.PROJECTOR_USER;
  if (!accountCode) throw new UsageError('no account: pass --account or set PROJECTOR_ACCOUNT');
  if (!userName) throw new UsageError('no user: pass --user or set PROJECTOR_USER');
  let password: string | undefined;
  if (opts.passwordStdin) password = await readStdinSecret();
  else if (env.PROJECTOR_PASSWORD) password = env.PROJECTOR_PASSWORD;
  else if (process.stdin.isTTY) password = await promptHidden(`Password for ${userName}: `);
  if (!password) throw new UsageError('no password: set PROJECTOR_PASSWORD, use --password-stdin, or run on a TTY to be prompted');
  return { accountCode, userName, password };
}

const positiveInt = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer`);
  return n;
};

/** A logger for --verbose: the SDK's own info/warn lines on stderr (it never hands secrets to a logger). */
const stderrLogger: Partial<Logger> = {
  info: (message, meta) => process.stderr.write(`info ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`),
  warn: (message, meta) => process.stderr.write(`warn ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`),
  error: (message, meta) => process.stderr.write(`error ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`),
};

export function clientOptions(opts: GlobalOptions, extra: Partial<ProjectorClientOptions>): ProjectorClientOptions {
  const giveUpAfterInMs = positiveInt(opts.giveUpMs, '--give-up-ms');
  return {
    endpoint: endpointOf(opts),
    allowInsecureHttp: opts.allowInsecureHttp,
    timeoutInMs: positiveInt(opts.timeoutMs, '--timeout-ms'),
    logger: opts.verbose ? stderrLogger : undefined,
    rateLimit: giveUpAfterInMs === undefined ? undefined : { giveUpAfterInMs, minPauseInMs: Math.min(5_000, giveUpAfterInMs) },
    ...extra,
  };
}

/** A client logged in with the configured credentials. */
export async function loggedInClient(opts: GlobalOptions): Promise<ProjectorClient> {
  const options = clientOptions(opts, {});
  return new ProjectorClient({ ...options, credentials: await credentialsOf(opts) });
}
