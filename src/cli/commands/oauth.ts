/**
 * `projector oauth authorize-url` and `projector oauth exchange`: getting an integration's first refresh token,
 * once, by a person. Secrets (client secret, authorization code, PKCE verifier) come from the environment or
 * stdin, never from flags; the refresh token is printed on stdout only (pipe it into your secret store).
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { authorizationUrl, parseAuthorizationCallback } from '../../oauth/authorize-url';
import { exchangeAuthorizationCode } from '../../oauth/exchange';
import { createPkcePair } from '../../oauth/pkce';
import { clientOptions, type GlobalOptions } from '../config';
import { EXIT, UsageError } from '../exit-codes';
import type { Action } from '../run';
import { promptHidden, readStdinSecret } from '../secret-input';

export const OAUTH_ENV_HELP = `
Environment (oauth):
  PROJECTOR_OAUTH_CLIENT_ID      client application id (GUID); or --client-id
  PROJECTOR_OAUTH_REDIRECT_URI   registered redirect URI; or --redirect-uri
  PROJECTOR_OAUTH_CLIENT_SECRET  client secret (secret: env or stdin only)
  PROJECTOR_OAUTH_CODE           the code from the redirect, or PROJECTOR_OAUTH_CALLBACK_URL with the whole redirect URL
  PROJECTOR_OAUTH_CODE_VERIFIER  the PKCE verifier printed by authorize-url
With --secrets-stdin, stdin carries NAME=value lines with these names instead (e.g. from a secret manager).`;

const SECRET_NAMES = ['PROJECTOR_OAUTH_CLIENT_SECRET', 'PROJECTOR_OAUTH_CODE', 'PROJECTOR_OAUTH_CALLBACK_URL', 'PROJECTOR_OAUTH_CODE_VERIFIER'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

interface OAuthFlags {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  pkce?: boolean;
  authorizeBaseUrl?: string;
  secretsStdin?: boolean;
  keepSession?: boolean;
}

function required(value: string | undefined, flag: string, env: string): string {
  if (!value) throw new UsageError(`no ${flag.replace(/^--/, '').replace(/-/g, ' ')}: pass ${flag} or set ${env}`);
  return value;
}

/** NAME=value lines (blank lines and # comments ignored); only the documented names are accepted. */
export function parseSecretLines(text: string): Partial<Record<SecretName, string>> {
  const out: Partial<Record<SecretName, string>> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq > 0 ? line.slice(0, eq).trim() : '') as SecretName;
    // Never echo the line: it may be a secret pasted without its name.
    if (!SECRET_NAMES.includes(name)) throw new UsageError(`stdin: expected NAME=value lines with ${SECRET_NAMES.join(', ')}`);
    out[name] = line.slice(eq + 1);
  }
  return out;
}

async function secretsOf(flags: OAuthFlags, env: NodeJS.ProcessEnv): Promise<Partial<Record<SecretName, string>>> {
  const fromEnv: Partial<Record<SecretName, string>> = {};
  for (const n of SECRET_NAMES) if (env[n]) fromEnv[n] = env[n];
  if (!flags.secretsStdin) return fromEnv;
  return { ...fromEnv, ...parseSecretLines(await readStdinSecret()) };
}

async function secret(all: Partial<Record<SecretName, string>>, name: SecretName, label: string): Promise<string> {
  const v = all[name];
  if (v) return v;
  if (process.stdin.isTTY) return promptHidden(`${label}: `);
  throw new UsageError(`no ${label.toLowerCase()}: set ${name}, or pass --secrets-stdin with ${name}=... on stdin`);
}

export function register(program: Command, action: Action): void {
  const oauth = program
    .command('oauth')
    .description('get an integration\'s first OAuth 2 refresh token (authorize-url, then exchange)')
    .addHelpText('after', OAUTH_ENV_HELP);

  oauth
    .command('authorize-url')
    .description('print the URL a person opens to approve the client application (with a PKCE verifier to keep)')
    .option('--client-id <guid>', 'client application id (default: $PROJECTOR_OAUTH_CLIENT_ID)')
    .option('--redirect-uri <uri>', 'registered redirect URI (default: $PROJECTOR_OAUTH_REDIRECT_URI)')
    .option('--scope <scope>', 'space-separated scopes')
    .option('--state <state>', 'state to check on the redirect (default: random)')
    .option('--no-pkce', 'leave out the PKCE challenge (not recommended)')
    .option('--authorize-base-url <url>', 'authorization server (default: https://app.projectorpsa.com, a guess)')
    .addHelpText('after', '\nUses --account / $PROJECTOR_ACCOUNT. The URL format is our guess from a third-party guide (see the README).')
    .action(action(async (out, opts: GlobalOptions & OAuthFlags) => {
      const env = process.env;
      const accountCode = required(opts.account ?? env.PROJECTOR_ACCOUNT, '--account', 'PROJECTOR_ACCOUNT');
      const clientId = required(opts.clientId ?? env.PROJECTOR_OAUTH_CLIENT_ID, '--client-id', 'PROJECTOR_OAUTH_CLIENT_ID');
      const redirectUri = required(opts.redirectUri ?? env.PROJECTOR_OAUTH_REDIRECT_URI, '--redirect-uri', 'PROJECTOR_OAUTH_REDIRECT_URI');
      const state = opts.state ?? randomBytes(12).toString('base64url');
      const pkce = opts.pkce === false ? undefined : createPkcePair();
      const url = authorizationUrl({
        accountCode, clientId, redirectUri, scope: opts.scope, state, codeChallenge: pkce?.codeChallenge, authorizeBaseUrl: opts.authorizeBaseUrl,
      });
      const text = [
        'Open this URL, sign in and approve:',
        `  ${url}`,
        `state: ${state}  (the redirect must carry it back)`,
        ...(pkce ? [`code verifier: ${pkce.codeVerifier}`, '  keep it for `projector oauth exchange` (PROJECTOR_OAUTH_CODE_VERIFIER); it is useless without the code'] : []),
      ].join('\n');
      out.result(text, { command: 'oauth authorize-url', url, state, codeVerifier: pkce?.codeVerifier, codeChallengeMethod: pkce?.codeChallengeMethod });
      return EXIT.ok;
    }));

  oauth
    .command('exchange')
    .description('exchange the code from the redirect for a refresh token (printed on stdout only)')
    .option('--client-id <guid>', 'client application id (default: $PROJECTOR_OAUTH_CLIENT_ID)')
    .option('--redirect-uri <uri>', 'the redirect URI of the authorization URL (default: $PROJECTOR_OAUTH_REDIRECT_URI)')
    .option('--state <state>', 'check the state of PROJECTOR_OAUTH_CALLBACK_URL against this')
    .option('--secrets-stdin', 'read NAME=value lines (client secret, code or callback URL, code verifier) from stdin')
    .option('--keep-session', 'do not log out the access token the exchange created')
    .addHelpText('after', `${OAUTH_ENV_HELP}\nUses --url / $PROJECTOR_URL. The secrets are never options.`)
    .action(action(async (out, opts: GlobalOptions & OAuthFlags) => {
      const env = process.env;
      const clientId = required(opts.clientId ?? env.PROJECTOR_OAUTH_CLIENT_ID, '--client-id', 'PROJECTOR_OAUTH_CLIENT_ID');
      const redirectUri = required(opts.redirectUri ?? env.PROJECTOR_OAUTH_REDIRECT_URI, '--redirect-uri', 'PROJECTOR_OAUTH_REDIRECT_URI');
      const options = clientOptions(opts, {});
      const all = await secretsOf(opts, env);
      const clientSecret = await secret(all, 'PROJECTOR_OAUTH_CLIENT_SECRET', 'Client secret');
      const code = all.PROJECTOR_OAUTH_CALLBACK_URL
        ? parseAuthorizationCallback(all.PROJECTOR_OAUTH_CALLBACK_URL, opts.state).code
        : await secret(all, 'PROJECTOR_OAUTH_CODE', 'Authorization code');
      const codeVerifier = all.PROJECTOR_OAUTH_CODE_VERIFIER || undefined;
      const tokens = await exchangeAuthorizationCode({ ...options, clientId, clientSecret, code, codeVerifier, redirectUri, endSession: !opts.keepSession });
      if (!tokens.refreshToken) throw new UsageError('Projector issued no refresh token for this client application');
      // stdout carries the token alone (`projector oauth exchange > file` or a pipe); the note goes to stderr.
      if (!out.json) {
        process.stderr.write(
          `projector: the refresh token on stdout is a secret: store it and give it to the client as oauth.refreshToken ` +
            `(access tokens live ${tokens.expiresInSeconds} s; SOAP authority ${tokens.soapServiceAuthority ?? 'unchanged'})\n`,
        );
      }
      out.result(tokens.refreshToken, {
        command: 'oauth exchange',
        refreshToken: tokens.refreshToken,
        expiresInSeconds: tokens.expiresInSeconds,
        soapServiceAuthority: tokens.soapServiceAuthority,
        restServiceAuthority: tokens.restServiceAuthority,
        endpoint: tokens.endpoint,
        sessionEnded: tokens.sessionEnded,
      });
      return EXIT.ok;
    }));
}
